"""Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 100
"""Columns under which the keys lose their padding: at 80 the editor's keys (ctrl+g
among them) fit only so."""


class QuietFooter(Footer):
    """Textual rebuilds the footer on every focus move and binding refresh, even when
    it would show the very same keys: a mount and restyle of every key (startup does it
    three times) and a redrawn bottom row sent down the wire on each Tab.

    This one compares what it would show with what it shows, and rebuilds only on a
    difference: a key appearing, going, greying out, or changing its description.
    """

    _shown: Hashable = None

    def on_mount(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW  # before the first frame

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW

    def _what_it_would_show(self) -> Hashable:
        """Everything :meth:`Footer.compose` reads, for the bindings it displays."""
        shown = tuple(
            (
                binding.key,
                binding.action,
                binding.description,
                binding.group,
                self.app.get_key_display(binding),
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        return (shown, self.compact, self.show_command_palette, self.combine_groups)

    async def recompose(self) -> None:
        if not self.is_attached:
            return  # its screen closed between the binding change and this call
        showing = self._what_it_would_show()
        if showing == self._shown:
            return
        self._shown = showing
        await super().recompose()
