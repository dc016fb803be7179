"""The panel that always shows the last outcome, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from tui.api.failures import APP_WORDING, ApiFailure, Wording
from tui.widgets.shown import shown_value


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
        first, *rest = outcome.lines or ("",)
        text = Text()  # no style of its own: only the first line is bold
        text.append_text(shown_value(f"{outcome.tone.value} {first}", "bold"))
        for line in rest:
            text.append("\n")
            text.append_text(shown_value(line))
        self.update(text)
