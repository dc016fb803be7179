"""The panel that always shows the last outcome, and what to do next."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.api.failures import APP_WORDING, ApiFailure, Wording
from tui.printable import printable


class Tone(Enum):
    """The outcome's kind, spelled out by a symbol so colour is never the only cue."""

    INFO = "•"
    BUSY = "…"
    SUCCESS = "✓"
    WARNING = "!"
    ERROR = "✗"


@dataclass(frozen=True)
class Outcome:
    tone: Tone
    lines: tuple[str, ...]

    @classmethod
    def of(cls, tone: Tone, *lines: str) -> Outcome:
        return cls(tone, lines)

    @classmethod
    def failure(
        cls, failure: ApiFailure, prefix: str = "", wording: Wording = APP_WORDING
    ) -> Outcome:
        lines = failure.lines(wording)
        if prefix:
            lines[0] = f"{prefix}{lines[0]}"
        return cls(Tone.ERROR, tuple(lines))


def rows_of(line: str, width: int) -> int:
    """How many rows ``line`` takes wrapped at ``width``: at spaces, a longer word broken."""
    return max(1, len(textwrap.wrap(line, width, break_on_hyphens=False)))


def fit_lines(lines: Sequence[str], width: int, rows: int) -> list[str]:
    """``lines`` within ``rows`` rows of ``width``: the first line (what happened) and
    the last (what to do next) stay whole, and the lines between are kept in order while
    they fit, the one that does not cut short with "…" and the rest left out.

    A server's long message would otherwise push the next step below the panel, where
    nobody reads it. With no room known (``rows`` or ``width`` 0), or room enough, the
    lines are returned as they are; once cutting, a row is left spare.
    """
    if width <= 0 or rows <= 0 or len(lines) < 3:
        return list(lines)
    if sum(rows_of(line, width) for line in lines) <= rows:
        return list(lines)
    first, *middle, last = lines
    # One row to spare: the estimate wraps as textwrap does, and Textual may break a long
    # run of escapes one row later; a lost middle row costs less than a lost next step.
    room = rows - rows_of(first, width) - rows_of(last, width) - 1
    kept = [first]
    for line in middle:
        if room <= 0:
            break
        if rows_of(line, width) <= room:
            kept.append(line)
            room -= rows_of(line, width)
            continue
        cut = line[: room * width]
        while cut and rows_of(cut + "…", width) > room:
            cut = cut[: max(0, len(cut) - max(1, width // 4))]
        if cut:
            kept.append(cut + "…")
        break
    return [*kept, last]


class StatusPanel(Static):
    """Last outcome first line bold with its symbol; the following lines explain.

    Every line may carry a server's or an issuer's words (an error message, a code, a
    success message): each is shown as plain text on its own line, unsafe characters
    escaped, a line break included, so a server's ``"\\n✓ Saved"`` cannot add a line.
    """

    outcome: reactive[Outcome] = reactive(Outcome.of(Tone.INFO, "Starting…"), layout=True)

    def watch_outcome(self, outcome: Outcome) -> None:
        for tone in Tone:
            self.set_class(tone is outcome.tone, f"-{tone.name.lower()}")
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # the rows a line wraps to depend on the width

    def _draw(self) -> None:
        outcome = self.outcome
        first, *rest = outcome.lines or ("",)
        lines = [printable(f"{outcome.tone.value} {first}"), *(printable(line) for line in rest)]
        max_height = self.styles.max_height
        rows = int(max_height.value) - 1 if max_height is not None and max_height.is_cells else 0
        first, *rest = fit_lines(lines, self.content_region.width, rows)  # 1: the border
        text = Text()  # no style of its own: only the first line is bold
        text.append(printable(first), style="bold")  # escaped already: printable is idempotent
        for line in rest:
            text.append("\n")
            text.append(printable(line))
        if str(self.content) != text.plain:
            self.update(text)
