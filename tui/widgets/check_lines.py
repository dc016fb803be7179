"""The review's "will it work?" lines: one per check, "checking…" until it is answered.

Symbol and word on every line (✓ ok, ✗ problem, ? not checked, … checking), so a
verdict never rests on colour: the colour of the symbol is an extra cue only. What
ElevenLabs and Sinch said (a message, a trunk's domain) is shown as plain text, escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.checks.verdict import PENDING_SYMBOL, CheckId, CheckResult, TrunkDomainFix, Verdict
from tui.printable import printable
from tui.widgets.shown import shown

SYMBOL_STYLES = {Verdict.OK: "green", Verdict.PROBLEM: "bold red", Verdict.NOT_CHECKED: "yellow"}

FIX_KEY = "f"
"""The review's key for putting the trunk's own domain into the form."""


def result_rows(result: CheckResult, *, fix_key: str | None = None) -> list[tuple[Text, Text]]:
    """(symbol, text) rows for one verdict: the headline, then what to do, then the fix."""
    verdict = result.verdict
    headline = Text()
    headline.append(printable(result.check.label), style="bold")
    headline.append(printable(f" — {verdict.value}: {result.summary}"))
    rows = [(shown(verdict.symbol, SYMBOL_STYLES[verdict]), headline)]
    if result.next_step:
        rows.append((Text(""), shown(f"→ {result.next_step}", "dim")))
    if result.fix is not None and fix_key:
        rows.append((Text(""), shown(f'{fix_key}: put "{result.fix.domain}" into the form')))
    return rows


def pending_rows(check: CheckId) -> list[tuple[Text, Text]]:
    text = Text()
    text.append(printable(check.label), style="bold")
    text.append(" — checking…")
    return [(shown(PENDING_SYMBOL, "dim"), text)]


class CheckLines(Static):
    """Every planned line, in order; :meth:`show` fills one in."""

    def __init__(
        self, checks: Iterable[CheckId], *, off: str | None = None, **kwargs: object
    ) -> None:
        """``off``: why nothing is asked (checks switched off); shown instead of the lines."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.checks = tuple(checks)
        self.off = off
        self.results: dict[CheckId, CheckResult] = {}

    def on_mount(self) -> None:
        self._redraw()

    def show(self, result: CheckResult) -> None:
        self.results[result.check] = result
        self._redraw()

    @property
    def problems(self) -> list[CheckResult]:
        return [
            self.results[c] for c in self.checks if c in self.results and self.results[c].is_problem
        ]

    @property
    def fix(self) -> TrunkDomainFix | None:
        return next((r.fix for r in self.results.values() if r.fix is not None), None)

    def _redraw(self) -> None:
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=1, no_wrap=True)
        table.add_column(ratio=1, overflow="fold")
        if self.off is not None:
            table.add_row(Text("?", style="yellow"), shown(self.off))
        else:
            for check in self.checks:
                result = self.results.get(check)
                rows = result_rows(result, fix_key=FIX_KEY) if result else pending_rows(check)
                for row in rows:
                    table.add_row(*row)
        self.update(table)
