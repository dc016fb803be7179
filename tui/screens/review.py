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
from textual.widgets import Footer, Static

from tui.form.state import Change


class ReviewScreen(ModalScreen[bool]):
    """Old → new for every field in the body, then the body itself with secrets masked.

    Dismisses True on confirm and False on back; the form underneath is untouched
    either way, so going back loses nothing.
    """

    BINDINGS = [
        Binding("enter", "confirm", "Send to server", id="review.confirm", priority=True),
        Binding("escape", "back", "Back to editing", id="review.back"),
    ]

    def __init__(self, changes: list[Change], redacted_body: dict[str, Any], target: str) -> None:
        super().__init__()
        self.changes = changes
        self.redacted_body = redacted_body
        self.target = target
        self._answered = False

    def compose(self) -> ComposeResult:
        count = len(self.changes)
        with Vertical(id="review-dialog", classes="dialog"):
            yield Static(
                f"Review: {count} field{'s' if count != 1 else ''} will be sent to {self.target}",
                classes="dialog-title",
            )
            with VerticalScroll(id="review-body"):
                yield Static(self._changes_table(), id="review-changes")
                yield Static("Request body (secrets masked):", classes="review-heading")
                yield Static(
                    Text(json.dumps(self.redacted_body, indent=2, ensure_ascii=False)),
                    id="review-json",
                )
            yield Static("enter: send   escape: back, nothing is lost", classes="dialog-keys")
        yield Footer()

    def _changes_table(self) -> Table:
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Field", no_wrap=True, style="bold", ratio=2)
        table.add_column("Now on server", overflow="fold", ratio=3)
        table.add_column("", width=1)
        table.add_column("After save", overflow="fold", ratio=3)
        for change in self.changes:
            table.add_row(change.spec.label, change.before, "→", change.after)
        return table

    def action_confirm(self) -> None:
        # One confirmation, one POST: a second enter before the modal closes is ignored.
        if not self._answered:
            self._answered = True
            self.dismiss(True)

    def action_back(self) -> None:
        if not self._answered:
            self._answered = True
            self.dismiss(False)
