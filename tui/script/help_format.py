"""``--help`` for the scripted commands, in the same width as their output.

argparse wraps option help at ``COLUMNS`` or ``sys.__stdout__``'s terminal, but keeps
a raw description or epilog (our exit-code table, the field list, ``numbers set``'s
rules) line for line, and lets a usage part longer than the room run past it (the
``--probe-write-permissions`` pair): at 80 columns those lines were up to 101
characters, and the terminal broke them mid-word. This formatter takes the width from
:func:`tui.script.width.line_width` (the rule every scripted line follows) and keeps our
line breaks where the lines fit; where one does not, a paragraph is filled again and a
table row wraps under its own text column.

Only the standard library: the parser is built for every start, the app's included.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Iterable
from typing import Any

from tui.script.layout import hanging
from tui.script.width import line_width


class ScriptHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Raw descriptions and epilogs, fitted to the scripted commands' width."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("width", line_width())
        super().__init__(*args, **kwargs)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in fit_lines(text.splitlines(), width))

    def format_help(self) -> str:
        """argparse's help, then any line still too long (a usage part) wrapped."""
        lines = super().format_help().split("\n")
        return "\n".join(out for line in lines for out in hanging(line, self._width))


def fit_lines(lines: Iterable[str], width: int) -> list[str]:
    """Our raw lines in ``width``: each as written when it fits; an unindented paragraph
    with a line too long filled again as a whole; an indented line too long wrapped
    under its text column (:func:`~tui.script.layout.hanging`)."""
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if any(len(line) > width for line in paragraph):
            out.extend(textwrap.wrap(" ".join(paragraph), width, break_on_hyphens=False))
        else:
            out.extend(paragraph)
        paragraph.clear()

    for line in lines:
        if line and not line.startswith(" "):
            paragraph.append(line)
            continue
        flush()
        out.extend(hanging(line, width))
    flush()
    return out
