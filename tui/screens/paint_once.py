"""A screen shown for the first time is painted once, not two or three times.

When Textual (8.2.8, and its main branch as of this writing) first shows a screen,
``Screen._on_screen_resume`` lays it out and paints every cell. Three kinds of request
made *before* that paint survive it and are carried out after it, repainting what is
already on the terminal:

- the screen's own whole-screen repaint (``refresh()`` right after the paint, and once
  while it was registered), carried out at the next update tick: all 30 rows again;
- each widget's repaint and re-layout when the layout gives it its first size (its
  ``virtual_size`` reactive), carried out at the next layout pass;
- the ``Update`` / ``Layout`` messages widgets posted for changes made while the screen
  was being built (``on_mount`` filling in a load already at hand).

For the editor at 100x30 that was 28.6 KB before the first useful frame settled, where
one full paint is 7.5 KB; over a 56 kbit/s link, seconds. :class:`PaintOnce` treats
every such request as satisfied by the full paint that followed it. Requests made after
the paint are untouched, so anything that changes later is redrawn as usual.
"""

from __future__ import annotations

from weakref import WeakSet

from textual import events, messages
from textual._time import get_time
from textual.screen import Screen
from textual.widget import Widget


class PaintOnce(Screen):  # type: ignore[type-arg]
    """Mix in before ``Screen``: its first full paint is its only one.

    Not for a ``ModalScreen``: its first paint leaves out the dimmed screens beneath,
    which the whole-screen repaint then draws (the review's snapshots show the gap).
    """

    _painted_in_full_at = float("-inf")
    """When the last full paint happened (Textual's clock, as in ``Message.time``)."""
    _painted: WeakSet[Widget] = WeakSet()
    """The widgets that paint drew (laid out, with a size); others are left alone."""

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Screen's handler lays out and paints every cell when the size is new to it.
        painted_in_full = self.is_attached and self._size != self.app.size
        event.prevent_default()  # Screen's handler runs here, once, not again after us
        super()._on_screen_resume(event)
        if not painted_in_full:
            return
        self._painted_in_full_at = get_time()
        self._repaint_required = False
        self._painted = WeakSet(w for w in self.walk_children(with_self=False) if w.size)
        for widget in self._painted:
            widget._repaint_required = False
            widget._layout_required = False

    def _satisfied(self, message: messages.Update | messages.Layout) -> bool:
        """Asked for before the full paint, by a widget that paint drew."""
        return message.time <= self._painted_in_full_at and message.widget in self._painted

    async def _on_update(self, message: messages.Update) -> None:
        message.prevent_default()
        if self._satisfied(message):
            message.stop()
        else:
            await super()._on_update(message)

    async def _on_layout(self, message: messages.Layout) -> None:
        message.prevent_default()
        if self._satisfied(message):
            message.stop()
        else:
            await super()._on_layout(message)
