"""The command palette's one provider: our actions, in our words, found by what they do.

Textual's own system commands ("Quit the application as soon as possible", "Keys",
"Maximize", "Screenshot") are not offered: our quit asks first when edits are unsaved,
our help lists every key, and a screenshot file of a screen with secrets on it is not
something to leave one key away. The theme stays. A command is found by its name or by
its description, so "review" finds Save ("Review exactly what will be sent…") and
"agent" the numbers' Agent (issue 18, item 27).
"""

from __future__ import annotations

from textual.command import Hit, Hits
from textual.system_commands import SystemCommandsProvider

DESCRIPTION_WEIGHT = 0.8
"""A match in the description ranks below the same match in the name."""


class ActionsProvider(SystemCommandsProvider):
    """Searches the names and the descriptions of :meth:`App.get_system_commands`."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = max(matcher.match(name), matcher.match(help_text) * DESCRIPTION_WEIGHT)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
