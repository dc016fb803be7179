"""Laying out values and tables in the line width, never cutting one.

A script's output is read for its values: a URL to check, a trunk domain to compare, a
user ID to paste. So a value that does not fit beside its label goes under it, on lines
of its own, and is broken only where it is longer than a whole line; a table too wide
for the line moves its last columns under each row. Prose (a header, a message) is
wrapped at spaces by :func:`tui.script.render.wrap` instead.

Text given here is already escaped (:func:`~tui.printable.printable`): a length is what
will show.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

VALUE_INDENT = "    "
"""Where a value set under its label starts."""

_TEXT_COLUMN = re.compile(r"^( *\S+(?: \S+)*?  +)\S")
"""A row's text column: after its first run of two or more spaces (``  ✓ Sinch key
ok: …``, ``  5    a credential check…``)."""


def cells(text: str) -> int:
    """The columns ``text`` takes in a terminal: its length when it is ASCII, else as
    Rich counts them (a CJK character or an emoji takes two). A server's name or message
    in Japanese, counted by characters, ran to twice the width promised.

    Rich is imported only then: a script's common output is ASCII, and the import costs
    about 20 ms."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _head(text: str, room: int) -> int:
    """How many of ``text``'s first characters fit in ``room`` columns (at least one:
    a character wider than the room still goes, on a line of its own)."""
    taken = 0
    for index, char in enumerate(text):
        taken += cells(char)
        if taken > room:
            return max(index, 1)
    return len(text)


def pieces(text: str, width: int) -> list[str]:
    """``text`` in pieces of at most ``width`` columns, every character kept (no space
    dropped, none added): joined again they are the value."""
    width = max(width, 1)
    if text.isascii():
        return [text[start : start + width] for start in range(0, len(text), width)] or [""]
    out: list[str] = []
    while text:
        count = _head(text, width)
        out.append(text[:count])
        text = text[count:]
    return out or [""]


def labelled(head: str, value: str, width: int, indent: str = VALUE_INDENT) -> list[str]:
    """``head`` then ``value`` on one line when they fit in ``width``; else ``head`` on its
    line and the value under it at ``indent``, broken only if longer than a line."""
    if cells(head) + cells(value) <= width:
        return [head + value]
    return [head.rstrip(), *(indent + piece for piece in pieces(value, width - len(indent)))]


def table(rows: Sequence[Sequence[str]], width: int, indent: str = "  ") -> list[str]:
    """``rows`` (the first is the header) as aligned columns; when the widest row is
    longer than ``width``, its last columns leave the table, one line each under every
    row, named by their header in lower case (``user 64f0…``), until the rest fits.

    The last column of the table is not padded (nothing follows it), so a row is as long
    as its own last cell."""
    header, *body = rows
    for kept in range(len(header), 0, -1):
        lines = _aligned([row[:kept] for row in rows], indent)
        if kept == 1 or max(map(cells, lines)) <= width:
            break
    moved = range(kept, len(header))
    if not moved:
        return lines
    under = indent + VALUE_INDENT
    out = [lines[0]]
    for line, row in zip(lines[1:], body, strict=True):
        out.append(line)
        out.extend(f"{under}{header[i].lower()} {row[i]}".rstrip() for i in moved)
    return out


def _aligned(rows: Sequence[Sequence[str]], indent: str) -> list[str]:
    widths = [max(cells(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        padded = [cell + " " * (w - cells(cell)) for cell, w in zip(row, widths, strict=False)]
        lines.append((indent + "  ".join([*padded, row[-1]])).rstrip())
    return lines


def hanging(line: str, width: int) -> list[str]:
    """``line`` as is when it fits in ``width``, else wrapped at spaces, the continuation
    under the row's text column (a check's verdict, a doctor finding's words), or two in
    from the line's own indent when it has none, that column is past the middle, or a
    word (a URL) that would fit a line would not fit there.

    A word longer than a whole line is broken: a server's message may hold one (a token,
    a run of escaped control characters), and the width is a promise."""
    if cells(line) <= width:
        return [line]
    under = len(line) - len(line.lstrip()) + 2
    column = _TEXT_COLUMN.match(line)
    if column and column.end(1) <= width // 2:
        longest = max(len(word) for word in line[column.end(1) :].split())
        if longest <= width - column.end(1) or longest > width - under:
            under = column.end(1)
    if not line.isascii():
        return _wrapped_in_cells(line, width, under)
    return textwrap.wrap(
        line,
        width,
        subsequent_indent=" " * under,
        break_long_words=True,
        break_on_hyphens=False,
    )


def _wrapped_in_cells(line: str, width: int, under: int) -> list[str]:
    """:func:`textwrap.wrap`'s layout (words at spaces, the spaces between words kept,
    a word longer than a line broken, continuations ``under`` in) counted in columns,
    for a line with wide characters: textwrap counts characters."""
    out: list[str] = []
    current = line[: len(line) - len(line.lstrip())]
    start = len(current)  # the line's own indent: no word on it yet
    gap = ""
    for token in re.findall(r"\S+| +", line.lstrip()):
        if token.startswith(" "):
            gap = token
            continue
        word = token
        while word:
            empty = len(current) == start
            room = width - cells(current) - (0 if empty else cells(gap))
            if cells(word) <= room:
                current += ("" if empty else gap) + word
                break
            if not empty and cells(word) <= width - under:
                out.append(current)  # the word goes whole onto the next line
            else:  # longer than a line: as much as fits here, the rest next
                count = _head(word, max(room, 1))
                out.append(current + ("" if empty else gap) + word[:count])
                word = word[count:]
            current, start = " " * under, under
        gap = ""
    if len(current) > start:
        out.append(current)
    return out
