"""The review modal: exactly what will be sent, before anything is sent."""

from __future__ import annotations

import json
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.form.drift import Drift
from tui.form.state import Change
from tui.widgets.quiet_footer import QuietFooter

FIELD_WIDTH = 24
"""Wide enough for the longest label, so labels never wrap and values take the rest."""


class ReviewScreen(ModalScreen[bool]):
    """Old → new for every field in the body, then the body itself with secrets masked.

    Above that, anything that should give the user pause: values that changed on the
    server since the form was loaded, a re-check that could not be made, and values
    that look mistyped. Dismisses True on confirm and False on back; the form
    underneath is untouched either way, so going back loses nothing.
    """

    BINDINGS = [
        Binding("enter", "confirm", "Send to server", id="review.confirm", priority=True),
        Binding("escape", "back", "Back to editing", id="review.back"),
    ]

    def __init__(
        self,
        changes: list[Change],
        redacted_body: dict[str, Any],
        target: str,
        *,
        drift: list[Drift] | None = None,
        recheck_failed: str | None = None,
    ) -> None:
        super().__init__()
        self.changes = changes
        self.redacted_body = redacted_body
        self.target = target
        self.drift = drift or []
        self.recheck_failed = recheck_failed
        self._answered = False

    def compose(self) -> ComposeResult:
        count = len(self.changes)
        with Vertical(id="review-dialog", classes="dialog"):
            yield Static(
                f"Review: {count} field{'s' if count != 1 else ''} will be sent to {self.target}",
                classes="dialog-title",
            )
            with VerticalScroll(id="review-body"):
                if self.recheck_failed:
                    yield Static(
                        f"⚠ Could not re-check the server before saving ({self.recheck_failed}). "
                        "The values below may be stale.",
                        id="review-recheck",
                        classes="review-warning",
                    )
                if self.drift:
                    yield Static(self._drift_table(), id="review-drift", classes="review-warning")
                yield Static(self._changes_table(), id="review-changes")
                warnings = self._warnings()
                if warnings:
                    yield Static(warnings, id="review-warnings", classes="review-warning")
                yield Static("Request body (secrets masked):", classes="review-heading")
                yield Static(
                    Text(json.dumps(self.redacted_body, indent=2, ensure_ascii=False)),
                    id="review-json",
                )
            yield Static("enter: send   escape: back, nothing is lost", classes="dialog-keys")
        yield QuietFooter()

    def _changes_table(self) -> Table:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Field", no_wrap=True, style="bold", min_width=FIELD_WIDTH)
        table.add_column("Now on server", overflow="fold", ratio=3)
        table.add_column("", width=1)
        table.add_column("After save", overflow="fold", ratio=3)
        for change in self.changes:
            mark = " ⚠" if change.warnings else ""
            table.add_row(change.spec.label + mark, change.before, "→", change.after)
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
            table.add_row(drift.label, drift.when_loaded, drift.now, note)
        return table

    def _warnings(self) -> Text | None:
        lines = [
            f"⚠ {change.spec.label}: {warning}"
            for change in self.changes
            for warning in change.warnings
        ]
        return Text("\n".join(lines)) if lines else None

    def action_confirm(self) -> None:
        # One confirmation, one POST: a second enter before the modal closes is ignored.
        if not self._answered:
            self._answered = True
            self.dismiss(True)

    def action_back(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(False)
