"""The organization's Sinch voice numbers, read-only, as a table."""

from __future__ import annotations

from textual.widgets import DataTable

from tui.api.models import VoiceAiConfig


class PhoneNumbersTable(DataTable[str]):
    """User, number, AI on/off and agent for every number the GET listed.

    "AI on/off" is spelled out, never shown by colour alone.
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def show_config(self, config: VoiceAiConfig | None) -> None:
        self.clear(columns=True)
        self.add_columns("Number", "AI", "Agent", "User")
        if config is None:
            return
        for number in config.phone_numbers:
            ai = {True: "✓ on", False: "✗ off"}.get(number.ai_enabled, "? unknown")
            self.add_row(
                number.phone_number or "—",
                ai,
                number.ai_agent_id or "—",
                number.user_id or "—",
            )
