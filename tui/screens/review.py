"""The review modal: exactly what will be sent, before anything is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.checks.verdict import TrunkDomainFix
from tui.form.drift import Drift
from tui.form.state import Change
from tui.form.warnings import is_definite
from tui.printable import printable, safe_json
from tui.widgets.check_lines import FIX_KEY, CheckLines
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown, shown_value

if TYPE_CHECKING:
    from tui.checks.plan import CheckPlan
    from tui.checks.settings import CheckSettings
    from tui.checks.verdict import CheckResult

FIELD_WIDTH = 24
"""Wide enough for the longest label, so labels never wrap and values take the rest."""


KEYS = "enter: send   escape: back, nothing is lost"

NARROW = 110
"""Below this many columns the changes are laid out one field per block, each value on
a line of its own: in a three-column table at 80 columns a key ID or a domain was cut
mid-token over two lines, and reading exact values is the point of a review."""


def _cell_room(width: int, between: str) -> int:
    """Columns a value gets in a review table at a terminal ``width``: the dialog (90%,
    at most 96, less its border, padding and scrollbar) less the field's column and the
    column ``between`` (the arrow; the drift table's note), shared by two values."""
    inside = min(int(width * 0.9), 96) - 6
    return (inside - FIELD_WIDTH - len(between) - 3) // 2


def _overflows(values: list[str], room: int) -> bool:
    return any(cell_len(printable(value)) > room for value in values)


class ReviewScreen(ModalScreen[bool | TrunkDomainFix]):
    """Old → new for every field in the body, then the body itself with secrets masked.

    Above that, anything that should give the user pause: values that changed on the
    server since the form was loaded, a re-check that could not be made, and values
    that look mistyped. Below the changes, whether newly typed credentials work, as
    ElevenLabs and Sinch answer (the checks run while the review is open and never hold
    ``enter``; a definite problem makes ``enter`` ask once more, defaulting to no).
    Dismisses True on confirm, False on back, or the trunk's own domain when the user
    asks to use it; the form underneath is untouched, so going back loses nothing.
    """

    # All three act as their key arrives (priority), so they act in the order typed: over
    # a slow link "escape enter" comes in one burst, and a priority enter would otherwise
    # confirm the save before the escape typed first had bubbled up to cancel it.
    BINDINGS = [
        Binding("enter", "confirm", "Send to server", id="review.confirm", priority=True),
        Binding("escape", "back", "Back to editing", id="review.back", priority=True),
        Binding(
            FIX_KEY,
            "use_trunk_domain",
            "Use the trunk's domain",
            id="review.fix_domain",
            priority=True,
        ),
    ]

    def __init__(
        self,
        changes: list[Change],
        redacted_body: dict[str, Any],
        target: str,
        *,
        drift: list[Drift] | None = None,
        recheck_failed: str | None = None,
        checks: CheckSettings | None = None,
        plan: CheckPlan | None = None,
    ) -> None:
        """``checks`` and ``plan``: the credential checks' settings and what to ask."""
        super().__init__()
        self.changes = changes
        self.redacted_body = redacted_body
        self.target = target
        self.drift = drift or []
        self.recheck_failed = recheck_failed
        self.checks = checks
        shown = checks is not None and (checks.enabled or checks.off_note)
        self.plan = plan if shown and plan is not None and not plan.is_empty else None
        self._answered = False
        self._laid_out_narrow: bool | None = None

    def compose(self) -> ComposeResult:
        count = len(self.changes)
        with Vertical(id="review-dialog", classes="dialog"):
            yield Static(
                shown(
                    f"Review: {count} field{'s' if count != 1 else ''} will be sent to "
                    f"{self.target}"
                ),
                classes="dialog-title",
            )
            with VerticalScroll(id="review-body"):
                if self.recheck_failed:
                    yield Static(
                        shown(
                            f"⚠ Could not re-check the server before saving "
                            f"({self.recheck_failed}). The values below may be stale."
                        ),
                        id="review-recheck",
                        classes="review-warning",
                    )
                if self.drift:
                    yield Static(self._drift_view(), id="review-drift", classes="review-warning")
                yield Static(self._changes_view(), id="review-changes")
                warnings = self._warnings()
                if warnings:
                    yield Static(warnings, id="review-warnings", classes="review-warning")
                if self.plan is not None and self.checks is not None:
                    yield Static("Will it work? Asked from this machine:", classes="review-heading")
                    off = None if self.checks.enabled else self.checks.off_note
                    yield CheckLines(self.plan.lines, off=off, id="review-checks")
                yield Static("Request body (secrets masked):", classes="review-heading")
                yield Static(Text(safe_json(self.redacted_body, indent=2)), id="review-json")
            yield Static(KEYS, id="review-keys", classes="dialog-keys")
        yield QuietFooter()

    def _narrow(self) -> bool:
        """Blocks (a field each, every value on its own line) below :data:`NARROW`
        columns, and wherever a value would not fit whole in a table's cell: the table
        folds it mid-word ("demo-org.elastic-sip.sinch.co" / "m"), and reading exact
        values is the review's point (issue 18, item 2)."""
        width = self.app.size.width
        if width < NARROW:
            return True
        changes = [value for change in self.changes for value in (change.before, change.after)]
        drift = [value for each in self.drift for value in (each.when_loaded, each.now)]
        return _overflows(changes, _cell_room(width, "→")) or _overflows(
            drift, _cell_room(width, "yours overwrites")
        )

    def on_resize(self) -> None:
        """Table or blocks, whichever fits the terminal now (SSH windows get resized)."""
        if self._laid_out_narrow != self._narrow():
            self.query_one("#review-changes", Static).update(self._changes_view())
            if self.drift:
                self.query_one("#review-drift", Static).update(self._drift_view())

    def on_mount(self) -> None:
        self._show_keys(self._lines())
        if self.plan is not None and self.checks is not None and self.checks.enabled:
            # A worker of this screen: closing the review cancels whatever is still asking.
            self.run_worker(self._run_checks(), group="checks", exclusive=True)

    async def _run_checks(self) -> None:
        from tui.api.checks import run_checks

        assert self.plan is not None and self.checks is not None
        await run_checks(self.plan, self.checks, self._show_result)

    def _show_result(self, result: CheckResult) -> None:
        lines = self.query_one(CheckLines)
        lines.show(result)
        self._show_keys(lines)
        if result.fix is not None:
            self.refresh_bindings()

    def _definite(self) -> list[str]:
        """The form's own warnings that make ``enter`` ask first (spaces at a value's
        ends, a control character): ``Label: warning``, one each."""
        return [
            f"{change.spec.label}: {warning}"
            for change in self.changes
            for warning in change.warnings
            if is_definite(warning)
        ]

    def _show_keys(self, lines: CheckLines | None) -> None:
        """The keys line, always on screen even when the problem itself is scrolled
        away; short enough for one line in 80 columns."""
        count = len(lines.problems if lines is not None else []) + len(self._definite())
        enter = f"✗ {count} problem{'s' if count != 1 else ''}: enter asks first" if count else ""
        if lines is not None and lines.fix is not None:
            keys = f"{enter or 'enter: send'}   escape: back   {FIX_KEY}: trunk's domain"
        else:
            keys = f"{enter}   escape: back, nothing is lost" if enter else KEYS
        self.query_one("#review-keys", Static).update(shown(keys))

    def _lines(self) -> CheckLines | None:
        found = self.query(CheckLines)
        return found.first() if found else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_trunk_domain":
            lines = self._lines()
            return lines is not None and lines.fix is not None
        return True

    def _changes_view(self) -> Table | Text:
        self._laid_out_narrow = narrow = self._narrow()
        return self._changes_blocks() if narrow else self._changes_table()

    def _drift_view(self) -> Table | Text:
        return self._drift_blocks() if self._narrow() else self._drift_table()

    def _changes_blocks(self) -> Text:
        """One block per field: its label, then each value on a line of its own."""
        blocks = Text()
        for index, change in enumerate(self.changes):
            if index:
                blocks.append("\n")
            mark = " ⚠" if change.warnings else ""
            blocks.append(printable(change.spec.label + mark), style="bold")
            blocks.append("\n  now on server  ")
            blocks.append(printable(change.before))
            blocks.append("\n  after save     ")
            blocks.append(printable(change.after))
        return blocks

    def _drift_blocks(self) -> Text:
        blocks = Text("⚠ Changed on the server since you loaded the form", style="bold")
        for drift in self.drift:
            note = "yours overwrites" if drift.yours else "not sent"
            blocks.append("\n")
            blocks.append(printable(drift.label))
            blocks.append(f" ({note})")
            blocks.append("\n  when loaded  ")
            blocks.append(printable(drift.when_loaded))
            blocks.append("\n  now          ")
            blocks.append(printable(drift.now))
        return blocks

    def _changes_table(self) -> Table:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Field", no_wrap=True, style="bold", min_width=FIELD_WIDTH)
        table.add_column("Now on server", overflow="fold", ratio=3)
        table.add_column("", width=1)
        table.add_column("After save", overflow="fold", ratio=3)
        for change in self.changes:
            mark = " ⚠" if change.warnings else ""
            table.add_row(
                shown_value(change.spec.label + mark),
                shown_value(change.before),
                "→",
                shown_value(change.after),
            )
        return table

    def _drift_table(self) -> Table:
        table = Table(
            box=None,
            expand=True,
            pad_edge=False,
            show_edge=False,
            title="⚠ Changed on the server since you loaded the form",
            title_justify="left",
            title_style="bold",
        )
        table.add_column("Field", no_wrap=True, min_width=FIELD_WIDTH)
        table.add_column("When loaded", overflow="fold", ratio=1)
        table.add_column("Now", overflow="fold", ratio=1)
        table.add_column("", no_wrap=True)
        for drift in self.drift:
            note = "yours overwrites" if drift.yours else "not sent"
            table.add_row(
                shown_value(drift.label),
                shown_value(drift.when_loaded),
                shown_value(drift.now),
                note,
            )
        return table

    def _warnings(self) -> Text | None:
        lines = [
            f"⚠ {change.spec.label}: {warning}"
            for change in self.changes
            for warning in change.warnings
        ]
        return shown("\n".join(printable(line) for line in lines)) if lines else None

    def action_confirm(self) -> None:
        # One confirmation, one POST: a second enter before the modal closes is ignored.
        if self._answered:
            return
        lines = self._lines()
        problems = lines.problems if lines is not None else []
        definite = self._definite()
        if not problems and not definite:
            self._answer(True)
            return
        # A definite problem asks once more; enter there means no (the safe answer).
        from tui.screens.confirm import ConfirmScreen

        # The issuers' words, one line each: the question's own lines stay the only ones.
        first = printable(problems[0].summary if problems else definite[0])
        detail = [f"✗ {p.check.label} — {printable(p.summary)}" for p in problems]
        detail += [f"⚠ {printable(line)}" for line in definite]
        self.app.push_screen(
            ConfirmScreen(
                f"{first[:1].upper()}{first[1:]}. Send anyway?",  # shown escaped there
                "\n".join([*detail, "Nothing has been sent yet."]),
            ),
            lambda yes: self._answer(True) if yes else None,
        )

    def action_back(self) -> None:
        self._answer(False)

    def action_use_trunk_domain(self) -> None:
        lines = self._lines()
        if lines is not None and lines.fix is not None:
            self._answer(lines.fix)

    def _answer(self, answer: bool | TrunkDomainFix) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(answer)
