"""The phone numbers on a screen of their own, for terminals too small to show them beside the form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.form.summary import numbers_summary
from tui.widgets.numbers_panel import NumbersPanel
from tui.widgets.phone_numbers import PhoneNumbersTable
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown

if TYPE_CHECKING:
    from tui.screens.numbers_desk import NumbersDesk


class PhoneNumbersScreen(ModalScreen[None]):
    """Every Sinch voice number in the organization: switch AI on or off, choose agents.

    Closing keeps every pending toggle (they live in the desk, not here); they are sent
    only from their own review (ctrl+s), never with the form.
    """

    BINDINGS = [
        Binding("escape,ctrl+n", "dismiss", "Close", id="numbers.close"),
        Binding(
            "ctrl+g",
            "health",
            "Health",
            tooltip="The health view: will these numbers' AI calls work?",
            id="numbers.health",
        ),
    ]

    def __init__(self, desk: NumbersDesk) -> None:
        super().__init__()
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(id="numbers-dialog", classes="dialog"):
            yield Static(shown(self._title()), id="numbers-title", classes="dialog-title")
            yield NumbersPanel(self.desk, id="numbers-work")
        yield QuietFooter()

    def _title(self) -> str:
        return f"Phone numbers: {numbers_summary(self.desk.state.numbers)}"

    def on_mount(self) -> None:
        self.desk.changed.subscribe(self, lambda _desk: self._retitle())
        self.query_one(PhoneNumbersTable).focus()

    def action_health(self) -> None:
        editor = self.desk.editor
        self.dismiss()
        editor.action_health()

    def _retitle(self) -> None:
        self.query_one("#numbers-title", Static).update(shown(self._title()))
