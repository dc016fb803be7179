"""The editor's wiring-health parts: ctrl+g, the keys a save carried, and the numbers
checked again after their toggles were applied.

A mixin of :class:`~tui.screens.editor.EditorScreen`, kept apart so that the editor
stays about the form. After a toggle batch (as after a save the webhook is looked at),
when the health view was run with keys this session, every number whose toggle was
applied is checked again; the verdicts join the batch's lines in the status panel and
fill the numbers table's health column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from tui.printable import printable
from tui.widgets.status_panel import Outcome, Tone

if TYPE_CHECKING:
    from tui.form.state import FormState
    from tui.screens.editor import EditorScreen
    from tui.screens.health_desk import HealthDesk
    from tui.screens.numbers_desk import NumbersDesk

RECHECK_LINES = 3
"""Numbers named in the status panel after a re-check; the rest are counted."""


class EditorHealth:
    """The health view's entry points on the editor; see the module docstring."""

    _health: HealthDesk | None = None

    def health_desk(self: EditorScreen) -> HealthDesk:
        """The session's health desk, made on first use."""
        if self._health is None:
            from tui.screens.health_desk import HealthDesk

            self._health = HealthDesk(self)
        return self._health

    def action_health(self: EditorScreen) -> None:
        """ctrl+g: the health view (over the editor; the answers stay when it closes)."""
        from tui.screens.health import HealthScreen

        self.app.push_screen(HealthScreen(self.health_desk()))

    def health_help(self: EditorScreen) -> list[Binding]:
        from tui.screens.health import HealthScreen

        return [b for b in HealthScreen.BINDINGS if isinstance(b, Binding) and b.show]

    def remember_saved_keys(self: EditorScreen, form: FormState) -> None:
        """A save carried keys typed now: the health view offers them from now on."""
        self.health_desk().remember_saved(form)

    def health_after_toggles(self: EditorScreen, numbers: NumbersDesk) -> None:
        """A batch ended: check the numbers it applied again, when keys are at hand."""
        health = self._health
        if health is None or health.keys is None or not health.enabled:
            return
        from tui.numbers.state import Verdict

        applied = []
        for toggle in numbers.batch:
            outcome = numbers.state.outcomes.get(toggle.key)
            if outcome is not None and (
                outcome.verdict is Verdict.APPLIED or outcome.confirmed is True
            ):
                applied.append(toggle.phone_number)
        if not applied:
            return
        base = self.status.outcome
        count = len(set(applied))
        checking = Outcome(
            base.tone,
            (
                *base.lines,
                f"… Checking the wiring of {count} toggled number"
                f"{'s' if count != 1 else ''} again…",
            ),
        )
        waiting = health.recheck(applied, numbers.state)
        if waiting is None:
            return
        self.status.outcome = checking
        self.run_worker(
            _said_after(self, health, sorted(set(applied)), waiting, checking, base),
            group="health-said",
            exit_on_error=False,
        )


async def _said_after(
    editor: EditorScreen,
    health: HealthDesk,
    numbers: list[str],
    waiting: Worker[None],
    checking: Outcome,
    base: Outcome,
) -> None:
    """Once the re-check ends: each number's verdict under the batch's lines."""
    from tui.wiring.board import finding_words, problems_first
    from tui.wiring.findings import Verdict

    try:
        await waiting.wait()
    except (WorkerCancelled, WorkerFailed):
        return
    lines = []
    for number in numbers[:RECHECK_LINES]:
        report = health.board.report(number)
        if report is None:
            lines.append(f"? {number}: not checked ({health.board.failure or 'stopped'}).")
            continue
        wrong = [f for f in problems_first(report.checks) if f.verdict is not Verdict.OK]
        if wrong:
            first = wrong[0]
            more = f" (+{len(wrong) - 1} more)" if len(wrong) > 1 else ""
            lines.append(f"{first.verdict.symbol} {number}: {finding_words(first)}{more}")
        else:
            lines.append(f"✓ {number}: wired, every check ok.")
    if len(numbers) > RECHECK_LINES:
        lines.append(f"… and {len(numbers) - RECHECK_LINES} more: ctrl+g lists them all.")
    if editor.status.outcome is not checking:
        message = "\n".join(printable(line) for line in lines)
        editor.app.notify(message, title="Wiring checked again", timeout=15, markup=False)
        return
    tone = base.tone
    if any(not line.startswith("✓") for line in lines) and tone is Tone.SUCCESS:
        tone = Tone.WARNING
    editor.status.outcome = Outcome(tone, (*base.lines, *(printable(line) for line in lines)))
