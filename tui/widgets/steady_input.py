"""Textual's one-line input, with a cursor that does not blink and a value shown safely."""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.geometry import clamp
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Input

from tui.printable import UNSAFE

_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
"""Unicode's control pictures: ␛ for ESC, ␉ for a tab, ␡ for DEL."""


def _stand_in(match: re.Match[str]) -> str:
    return _PICTURES.get(ord(match.group()), "\ufffd")


def on_screen(value: str) -> str:
    """``value`` as an input draws it: each unsafe character one visible cell (``␛``,
    ``�``), so the text is never a terminal sequence and every character keeps its own
    cell, which the cursor, the selection and a click count by.

    Not :func:`~tui.printable.printable`'s ``\\x1b``: four cells for one character
    would put the cursor elsewhere than the character it edits. The value itself is
    unchanged; the review and the summary show it escaped in full.
    """
    return value if value.isprintable() else UNSAFE.sub(_stand_in, value)


class SteadyInput(Input):
    """A blinking cursor redraws its row twice a second, for as long as the app sits idle.

    Over SSH that is a stream of bytes nobody asked for (``scripts/bench.py`` measures it
    as idle output per second), and it makes a screenshot depend on when it was taken.
    A steady cursor is as easy to find and costs nothing while the user reads.

    It also edits in the order the keys were typed: see :meth:`_on_key`. And it draws
    its value through :func:`on_screen`: a value from the server (a trunk ID) holding
    ``ESC ] 52`` would otherwise be written to the terminal as it is, on every frame.
    """

    cursor_blink = reactive(False, init=False)

    @property
    def _value(self) -> Text:
        """What Input renders (and measures its width by): the value, shown safely."""
        if self.password:
            return super()._value
        text = Text(on_screen(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def render_line(self, y: int) -> Strip:
        """Input's line, with "…" in the first or last cell where the value runs on
        past that edge (issue 18, item 20).

        A trunk domain longer than the box at 80 columns was cut inside it with no
        sign, and read as a whole, wrong, host name. The mark never covers the cursor,
        which is where the user is looking; it is drawn, not part of the value.
        """
        strip = super().render_line(y)
        if y != 0 or not self.value:
            return strip
        width = self.scrollable_content_region.width
        scroll_x = self.scroll_offset.x
        drawn = self._value.cell_len + (1 if self.has_focus else 0)  # the cursor's cell
        cursor = self._position_to_cell(self.cursor_position) - scroll_x if self.has_focus else -1
        left = scroll_x > 0 and cursor != 0
        right = drawn > scroll_x + width and cursor != width - 1
        if not (left or right) or width < 3:
            return strip
        mark = Segment("…", self.rich_style + self.get_component_rich_style("input--placeholder"))
        middle = strip.crop(1 if left else 0, width - 1 if right else width)
        parts = [Strip([mark])] if left else []
        parts.append(middle)
        if right:
            parts.append(Strip([mark]))
        return Strip.join(parts).extend_cell_length(strip.cell_length, self.rich_style)

    def _position_to_cell(self, position: int) -> int:
        """Where the cursor is drawn: counted in the cells the value is drawn with."""
        return cell_len(on_screen(self.value[:position]))

    def _cell_offset_to_index(self, offset: int) -> int:
        """Which character a click lands on, counted as :meth:`_position_to_cell` does."""
        cell_offset = 0
        offset += self.scroll_offset.x
        for index, char in enumerate(on_screen(self.value)):
            cell_width = get_character_cell_size(char)
            if cell_offset <= offset < cell_offset + cell_width:
                return index
            cell_offset += cell_width
        return clamp(offset, 0, len(self.value))

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
