"""Textual's one-line input, with a cursor that does not blink."""

from __future__ import annotations

from textual import events
from textual.reactive import reactive
from textual.widgets import Input


class SteadyInput(Input):
    """A blinking cursor redraws its row twice a second, for as long as the app sits idle.

    Over SSH that is a stream of bytes nobody asked for (``scripts/bench.py`` measures it
    as idle output per second), and it makes a screenshot depend on when it was taken.
    A steady cursor is as easy to find and costs nothing while the user reads.
    """

    cursor_blink = reactive(False, init=False)

    def _on_focus(self, event: events.Focus) -> None:
        """Select the whole value only when the user moved here with Tab.

        Textual selects it on every focus, and the next key then replaces it: right after
        the user tabbed in (type to replace), but not when a screen gives focus back (a
        dialog closed, a lock lifted), where one key would wipe what they had typed. The
        app names the widget its Tab moved to (``keyboard_focus``); Input's own handler
        runs after this one and reads ``select_on_focus``.
        """
        by_key = getattr(self.app, "keyboard_focus", None) is self
        if by_key:
            self.app.keyboard_focus = None  # type: ignore[attr-defined]
        self.select_on_focus = by_key
