"""The phone-number list on its own screen, for terminals too small to show it beside the form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.api.models import VoiceAiConfig
from tui.form.summary import phone_summary
from tui.widgets.phone_numbers import PhoneNumbersTable
from tui.widgets.quiet_footer import QuietFooter


class PhoneNumbersScreen(ModalScreen[None]):
    """Every Sinch voice number in the organization (read-only)."""

    BINDINGS = [Binding("escape,ctrl+n", "dismiss", "Close", id="numbers.close")]

    def __init__(self, config: VoiceAiConfig | None) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        summary = phone_summary(self.config) if self.config else "not loaded"
        with Vertical(id="numbers-dialog", classes="dialog"):
            yield Static(f"Phone numbers: {summary}", classes="dialog-title")
            yield PhoneNumbersTable(id="numbers-table")
            yield Static("escape: close", classes="dialog-keys")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one(PhoneNumbersTable).show_config(self.config)
