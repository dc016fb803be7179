"""A value from the server or the user, on one line: control characters escaped.

A newline or an escape sequence in a phone number, an agent name or a pasted identifier
would break a table row or a review line, or write to the terminal; shown escaped
(``\\n``, ``\\x1b``) it stays one visible line. Every screen and script uses this one.
"""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """``text`` with every control character (Unicode category Cc) escaped."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) == "Cc"
        else char
        for char in text
    )
