"""What a terminal would show after some output: enough of a VT emulator for Textual.

Textual positions the cursor (CUP) before every run of text and styles it with SGR; it
never relies on scrolling or wrapping. Applying just that to a grid of cells gives the
screen a user would see, so a test can check that what was *sent* adds up to what the
app *thinks* is on screen (an update dropped or mis-sent shows as a difference).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
      (?P<csi>\x1b\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~]))
    | (?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))
    | (?P<dcs>\x1b[PX^_][^\x1b]*\x1b\\)
    | (?P<esc>\x1b[()*+][0-9A-Za-z]|\x1b[ -/]*[0-~])
    | (?P<text>[^\x1b]+)
    """,
    re.VERBOSE,
)


class TerminalGrid:
    """A ``columns`` x ``lines`` grid of characters, updated by :meth:`feed`."""

    def __init__(self, columns: int, lines: int) -> None:
        self.columns = columns
        self.lines = lines
        self.cells = [[" "] * columns for _ in range(lines)]
        self.row = 0
        self.column = 0

    def feed(self, output: str) -> None:
        for match in _TOKEN.finditer(output):
            if match.group("text") is not None:
                self._write(match.group("text"))
            elif match.group("csi") is not None:
                self._csi(match.group("params"), match.group("final"))

    def _csi(self, params: str, final: str) -> None:
        if params.startswith("?"):
            return  # private modes: alternate screen, mouse, cursor visibility, sync
        numbers = [int(part) if part.isdigit() else 0 for part in params.split(";")]
        if final in "Hf":
            row = numbers[0] if numbers and numbers[0] else 1
            column = numbers[1] if len(numbers) > 1 and numbers[1] else 1
            self.row, self.column = row - 1, column - 1
        elif final == "J" and numbers and numbers[0] == 2:
            self.cells = [[" "] * self.columns for _ in range(self.lines)]
        elif final == "K":
            mode = numbers[0] if numbers else 0
            if 0 <= self.row < self.lines:
                line = self.cells[self.row]
                start, end = {0: (self.column, self.columns), 1: (0, self.column + 1)}.get(
                    mode, (0, self.columns)
                )
                for index in range(max(0, start), min(self.columns, end)):
                    line[index] = " "

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.column = 0
            elif char == "\n":
                self.row += 1
            elif char >= " ":
                if 0 <= self.row < self.lines and 0 <= self.column < self.columns:
                    self.cells[self.row][self.column] = char
                self.column += 1

    def text(self) -> list[str]:
        """The screen, line by line, trailing spaces removed."""
        return ["".join(line).rstrip() for line in self.cells]
