"""The panel that always shows the last outcome, and what to do next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from rich.text import Text
from textual.content import Content
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
    """How many rows ``line`` takes in a panel ``width`` cells wide, counted by Textual's
    own wrapping: cells, not characters (a server's CJK or emoji take two each), and
    the same breaks the panel will make, so the count is exact and no row is kept spare.
    Measured as shown: escaped (a no-op on a line the panel escaped already)."""
    return max(1, len(Content(printable(line)).wrap(width)))


def fit_lines(lines: Sequence[str], width: int, rows: int) -> list[str]:
    """``lines`` within ``rows`` rows of ``width``: the first line (what happened) and
    the last (what to do next) stay whole; each line between gets at least its first row
    while there are rows, cut short with "…", and rows left over go to them in order.

    A server's long message would otherwise push the next step below the panel, where
    nobody reads it; and a verdict after a long line (the webhook's, after the re-read's)
    would be left out, where now its beginning shows. Lines with no row at all are left
    out from the end. With no room known (``rows`` or ``width`` 0), or room enough, the
    lines are returned as they are.
    """
    if width <= 0 or rows <= 0 or len(lines) < 3:
        return list(lines)
    needs = [rows_of(line, width) for line in lines]
    if sum(needs) <= rows:
        return list(lines)
    first, *middle, last = lines
    room = rows - needs[0] - needs[-1]
    given = [1] * max(0, min(len(middle), room))
    spare = room - len(given)
    for index, need in enumerate(needs[1 : 1 + len(given)]):
        more = min(need - 1, spare)
        given[index] += more
        spare -= more
    kept = [
        line if rows_of(line, width) <= room_for_line else _cut(line, width, room_for_line)
        for line, room_for_line in zip(middle, given, strict=False)
    ]
    return [first, *kept, last]


def _cut(line: str, width: int, rows: int) -> str:
    """The longest start of ``line`` that, with "…", takes at most ``rows`` rows (found
    by halving: a row's worth of characters may take more cells, or fewer rows)."""
    low, high = 0, min(len(line), rows * width)
    while low < high:
        middle = (low + high + 1) // 2
        if rows_of(line[:middle] + "…", width) <= rows:
            low = middle
        else:
            high = middle - 1
    return line[:low] + "…"


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

    def _rows(self) -> int:
        """The rows the text may take. The editor's panel takes what the layout leaves it
        under the form (``height: 1fr``), so that the summary above never gives up a row
        and the form never moves (issue 18, item 19): its own height, once laid out.
        A panel sized by its text has its max-height, less the border, instead."""
        height = self.styles.height
        if height is not None and height.is_fraction and self.content_region.height:
            return self.content_region.height
        max_height = self.styles.max_height
        return int(max_height.value) - 1 if max_height is not None and max_height.is_cells else 0

    def _draw(self) -> None:
        outcome = self.outcome
        first, *rest = outcome.lines or ("",)
        lines = [printable(f"{outcome.tone.value} {first}"), *(printable(line) for line in rest)]
        first, *rest = fit_lines(lines, self.content_region.width, self._rows())
        text = Text()  # no style of its own: only the first line is bold
        text.append(printable(first), style="bold")  # escaped already: printable is idempotent
        for line in rest:
            text.append("\n")
            text.append(printable(line))
        if str(self.content) != text.plain:
            self.update(text)
