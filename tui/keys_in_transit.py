"""Keys that travel up to the app while focus moves on: resolved where they were sent.

Textual sends a key to the focused widget; if nothing there handles it, it bubbles up
through every container to the app, which only then looks for a binding, along the
chain of whatever is focused *now*. When the next key in the same burst (over a slow
link, typed-ahead keys arrive together) is a tab, which moves focus at once, the first
key is resolved against the field focus moved to: ``backspace shift+tab`` on the
provider's list wiped the trunk domain (tab had selected it, backspace deleted it).

Here such a key is resolved only by the nodes it was sent through, which are also in
the current chain: the screen's and the app's keys (ctrl+s, ctrl+r) still work, and a
key meant for one field is never applied to another. A key whose screen has gone in
the meantime is dropped.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widget import Widget

_SENT_TO = "_tether_sent_to"


class KeysResolvedWhereSent(App[None]):
    """Mixed into the app: remember where each key was sent, and resolve it there."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            setattr(event, _SENT_TO, self.focused)  # where Textual is about to send it
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        """Runs before Textual's own handler, which it replaces only for a key in transit."""
        sent_to: Widget | None = getattr(event, _SENT_TO, None)
        focused = self.focused
        if sent_to is None or (focused is not None and sent_to in focused.ancestors_with_self):
            # The usual case (focus has not moved), or focus moved *into* the widget the
            # key was sent to (a list opening its options): Textual resolves it along the
            # focused chain, as always.
            return
        event.prevent_default()
        if not sent_to.is_attached or sent_to.screen is not self.screen:
            return  # its screen has gone: nothing here was meant to get it
        passed = set(sent_to.ancestors_with_self)
        for namespace, bindings in self.screen._modal_binding_chain:
            if namespace not in passed:
                continue  # the field focus moved to: not its key
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.run_action(binding.action, namespace):
                    return
