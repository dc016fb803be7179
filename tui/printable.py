"""Text from outside this program, made safe to show: the one rule, in one place.

Whatever did not come from our own source — a server's body or header, an issuer's
message, a value the user typed or pasted, a file name, an environment value — may hold
characters that act instead of showing:

- C0 and C1 controls (Unicode category Cc): ``ESC`` starts the sequences that move the
  cursor, repaint, retitle the window or fill the clipboard (OSC 52); U+009B is a
  one-byte CSI on terminals that honour C1; a newline forges a log line or a table row.
- Format characters (Cf): bidi overrides and isolates (U+202A to U+202E, U+2066 to U+2069)
  show text in another order than it is stored ("Trojan Source"); zero-width characters
  (U+200B to U+200F, U+2060 to U+2064, U+FEFF) hide a difference between two identifiers.
- Line and paragraph separators (Zl, Zp) break lines where no newline is seen.
- Lone surrogates (Cs), which JSON's ``\\ud800`` escapes produce, crash every encoder.

Each is shown escaped, visibly (``\\x1b``, ``\\u202e``), so the value stays one line that
reads as what it is. Markup is the other half of the rule and lives with the widgets
(:mod:`tui.widgets.shown`): this module is pure and knows no Textual.

:data:`UNSAFE` is a fixed list (building it from :mod:`unicodedata` at import costs
~150 ms of startup); ``tests/test_printable.py`` checks that it covers every character of
those categories in the running Python's Unicode database.
"""

from __future__ import annotations

import json
import re
from typing import Any

UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # Cc: C0, DEL, C1
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"  # Cf
    "\u200b-\u200f"  # zero-width space, joiners, LRM/RLM
    "\u2028-\u202e"  # line/paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ud800-\udfff"  # lone surrogates
    "\ufeff\ufff9-\ufffb"  # zero-width no-break space, interlinear annotation
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"  # tags
    "]"
)
"""Every character that is escaped rather than shown."""


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x100:
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` on one line, each unsafe character escaped visibly (``\\x1b``, ``\\u202e``).

    A backslash already in ``text`` is left alone: the result is for reading, not for
    parsing back.
    """
    if text.isprintable():  # the common case, at C speed: no Cc, Cf, Cs, Zl, Zp (nor Zs)
        return text
    return UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """``text`` with its line breaks kept and everything else unsafe escaped.

    For messages this program composes over several lines (a failure, a notification),
    whose parts may come from outside: a server's CR stays visible as ``\\r``.
    """
    return "\n".join(printable(line) for line in text.split("\n"))


def _escape_json(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\n":  # json.dumps escapes a newline inside a string: this one is indent
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def safe_json(value: Any, **options: Any) -> str:
    """``json.dumps`` readable in a terminal: non-ASCII letters as they are, but every
    character :func:`printable` would escape written as a ``\\uXXXX`` escape.

    ``ensure_ascii=True`` would escape every accent too; ``False`` lets U+009B (a
    one-byte CSI) and bidi overrides reach the terminal. A JSON parser reads the result
    back to exactly ``value``.
    """
    options.setdefault("ensure_ascii", False)
    return UNSAFE.sub(_escape_json, json.dumps(value, **options))
