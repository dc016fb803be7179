"""The hostile catalogue, from the tests' side: what must never reach a terminal, and
which string it came from when it does.

The strings themselves are made by :mod:`tui.demo.hostile` (the demo servers send them,
``demo-server --hostile`` ships them); this module holds what the end-to-end tests look
for in what the app and the scripts write:

- :data:`NEEDLES`: the hostile servers' exact sequences. The app writes CSI sequences of
  its own (cursor moves, colours), so only the servers' own are searched: a cursor move
  followed by the server's ``SPOOFED``, the window title ``PWNED``, any OSC 52, and the
  characters Textual never writes itself (C1 CSI, bidi, zero-width, line separator).
- :func:`leaks`: each needle found, with the ``PWN-<where>`` markers around it, so a
  failure names the field, message or header that leaked.
- :func:`unsafe_chars`: for the scripts' output, every character ``printable()`` would
  have escaped, newlines aside.
"""

from __future__ import annotations

import re

from tui.printable import UNSAFE

NEEDLES: dict[str, bytes] = {
    "OSC 52 (clipboard)": b"\x1b]52",
    "OSC 0 (window title)": b"\x1b]0;PWNED",
    "CSI clear screen and cursor move": b"\x1b[2J\x1b[6;66H",
    "CSI cursor move painting SPOOFED": b"\x1b[6;66HSPOOFED",
    "C1 CSI U+009B": "\u009b".encode(),
    "bidi override U+202E": "\u202e".encode(),
    "bidi isolate U+2066": "\u2066".encode(),
    "zero-width space U+200B": "\u200b".encode(),
    "zero-width no-break space U+FEFF": "\ufeff".encode(),
    "line separator U+2028": "\u2028".encode(),
}
"""What a hostile server sends and no terminal may receive as it is."""

_MARKER = re.compile(rb"PWN-([A-Za-z0-9-]+)")
_AROUND = 600
"""Bytes searched on each side of a needle for the marker of its string."""


def leaks(raw: bytes) -> list[str]:
    """One line per needle found in ``raw``: what it is and which strings it sits among."""
    found: list[str] = []
    for name, needle in NEEDLES.items():
        start = raw.find(needle)
        count = raw.count(needle)
        if start < 0:
            continue
        window = raw[max(0, start - _AROUND) : start + len(needle) + _AROUND]
        near = sorted({m.decode() for m in _MARKER.findall(window)}) or ["no marker nearby"]
        found.append(f"{name}: {count} time(s), first near PWN-{', PWN-'.join(near)}")
    return found


def markers(text: str) -> set[str]:
    """The ``<where>`` of every ``PWN-<where>`` marker in ``text``."""
    return {m.decode() for m in _MARKER.findall(text.encode("utf-8", "replace"))}


def unsafe_chars(text: str) -> list[str]:
    """Each unsafe character in ``text`` (newlines aside) with a little context."""
    found: list[str] = []
    for match in UNSAFE.finditer(text):
        if match.group() == "\n":
            continue
        start = match.start()
        context = text[max(0, start - 40) : start + 10]
        found.append(f"{match.group()!r} after {context!r}")
    return found
