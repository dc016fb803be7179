"""The editor's phone-number parts: the panel beside the form, ctrl+n, and what quitting asks.

A mixin of :class:`~tui.screens.editor.EditorScreen`, kept apart so that the editor stays
about the form. The numbers themselves (state, agents, requests) live in one
:class:`~tui.screens.numbers_desk.NumbersDesk`, made the first time the numbers are
shown after a load, and imported only then: most sessions never need it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from tui.widgets.config_summary import ConfigSummary
from tui.widgets.field_row import FieldRow
from tui.widgets.status_panel import Outcome, Tone

if TYPE_CHECKING:
    from textual.widget import Widget

    from tui.api.models import VoiceAiConfig
    from tui.screens.editor import EditorScreen
    from tui.screens.numbers_desk import NumbersDesk


class EditorNumbers:
    """The numbers' entry points on the editor; see the module docstring."""

    _numbers: NumbersDesk | None = None

    def numbers_desk(self: EditorScreen) -> NumbersDesk | None:
        """The session's numbers, made on first use once the configuration is loaded."""
        if self._numbers is None and self.form is not None:
            from tui.screens.numbers_desk import NumbersDesk

            self._numbers = NumbersDesk(self, self.form.loaded)
        return self._numbers

    def _show_numbers_panel(self: EditorScreen) -> None:
        """Beside the form when the terminal is wide, once there is something to show."""
        panel = self.query_one("#numbers-panel")
        if not self.has_class("-wide") or panel.children:
            return
        desk = self.numbers_desk()
        if desk is not None:
            from tui.widgets.numbers_panel import NumbersPanel

            panel.mount(NumbersPanel(desk, id="numbers-work"))

    def _numbers_loaded(self: EditorScreen, config: VoiceAiConfig, fresh: bool) -> None:
        """A load or a save: a configuration just read (``fresh``) reaches the numbers, their
        pending toggles kept; one built after a save says nothing new about them."""
        if fresh and self._numbers is not None:
            self._numbers.show_loaded(config)
        self._show_numbers_panel()

    def show_server_config(self: EditorScreen, config: VoiceAiConfig) -> None:
        """The summary shows what the server holds now (after the numbers' re-read); the
        form keeps the values it was loaded with, as its review expects."""
        self.query_one(ConfigSummary).show_config(config)

    def numbers_quit_question(self: EditorScreen, changes: int) -> tuple[str, str] | None:
        """What to ask before quitting with ``changes`` unsaved fields, numbers included."""
        desk = self._numbers
        if desk is not None and desk.sending:
            return desk.sending_question()
        toggles = desk.pending_count if desk else 0
        if not (changes or toggles):
            return None
        from tui.screens.numbers_desk import discard_question

        return discard_question(changes, toggles)

    def pending_numbers_note(self: EditorScreen) -> list[str]:
        """For "nothing to save": toggles are a separate save, and where to send them."""
        toggles = self._numbers.pending_count if self._numbers else 0
        if not toggles:
            return []
        from tui.screens.numbers_desk import plural

        they = "it is" if toggles == 1 else "they are"
        return [
            f"{plural(toggles, 'number toggle')} pending: {they} sent from the numbers (ctrl+n)."
        ]

    def numbers_help(self: EditorScreen) -> list[Binding]:
        """The numbers table's keys, for the help screen."""
        from tui.widgets.phone_numbers import PhoneNumbersTable

        return [b for b in PhoneNumbersTable.BINDINGS if isinstance(b, Binding) and b.show]

    _field_before_numbers: Widget | None = None
    """Where focus was when ctrl+n moved it to the numbers beside the form."""

    def action_phone_numbers(self: EditorScreen) -> None:
        """ctrl+n: the numbers' screen; when they are beside the form, focus there and back."""
        desk = self.numbers_desk()
        if desk is None:
            self.status.outcome = Outcome.of(
                Tone.WARNING, "The phone numbers are not loaded yet.", "Next: reload (ctrl+r)."
            )
            return
        if self.has_class("-wide"):
            table = self.query_one("#numbers-panel #numbers-table")
            if table.has_focus:
                # Back to the field the user left (the first one if none): ctrl+n twice
                # is a glance at the numbers, not a reason to lose one's place.
                left = self._field_before_numbers
                back = left if left is not None and left.is_attached else None
                (back or self.query_one(FieldRow).editor).focus()
            else:
                self._field_before_numbers = self.focused
                table.focus()
            return
        from tui.screens.phone_numbers import PhoneNumbersScreen

        self.app.push_screen(PhoneNumbersScreen(desk), lambda _: desk.closed_screen())
