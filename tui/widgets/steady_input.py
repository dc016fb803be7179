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

    It also edits in the order the keys were typed: see :meth:`_on_key`.
    """

    cursor_blink = reactive(False, init=False)

    async def _on_key(self, event: events.Key) -> None:
        """Run this input's own editing keys (backspace, ctrl+k, ←, …) as they arrive.

        Textual inserts a typed character as soon as the input reads its key, but an
        editing key is a binding: its key first bubbles up through every container to
        the app, and only then does the app run the input's action. Keys that arrive
        together (a slow SSH link delivers them in bursts) are then applied out of
        order: ``ctrl+a ctrl+k trunk`` deleted the "trunk" just typed, ``abc⌫d`` gave
        "abc". Textual issue #6605 (open upstream, with a fix of the same shape proposed
        in pull request #6631). The focused widget is the first place the app looks for
        a non-priority binding anyway, so running it here changes when it runs, not which
        one runs; priority bindings (tab, ctrl+q) never get here.
        """
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, self):
                    event.prevent_default()  # not Input's own handler, nor the app's again
                    event.stop()
                    return

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
