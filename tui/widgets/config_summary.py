"""The read-only panel of what the server holds now."""

from __future__ import annotations

from itertools import zip_longest

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.api.models import VoiceAiConfig
from tui.form.summary import summary_items, unknown_items
from tui.widgets.shown import shown_value


class ConfigSummary(Static):
    """Provider, configured flags, phone numbers and any fields this client does not know.

    Values and unknown fields' names are the server's: each is one plain line, escaped.
    """

    def show_config(self, config: VoiceAiConfig | None) -> None:
        if config is None:
            self.update("Not loaded yet.")
            return
        items = summary_items(config)
        half = (len(items) + 1) // 2
        grid = Table.grid(padding=(0, 1), expand=True)
        for column in (items[:half], items[half:]):
            # Values share the room as their lengths do: at 80 columns equal halves cut
            # "12 (10 AI on, 2 off)" beside a short "✓ configured".
            room = max((cell_len(value) for _label, value in column), default=1)
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column(ratio=max(room, 1), overflow="ellipsis", no_wrap=True)
        for left, right in zip_longest(items[:half], items[half:], fillvalue=("", "")):
            grid.add_row(
                shown_value(f"{left[0]}:"),
                shown_value(left[1]),
                shown_value(f"{right[0]}:") if right[0] else "",
                shown_value(right[1]),
            )
        unknown = unknown_items(config)
        if not unknown:
            self.update(grid)
            return
        other = Text.assemble(
            ("Other fields (read-only): ", "bold"),
            shown_value(", ".join(unknown)),
            no_wrap=True,
            overflow="ellipsis",
        )
        self.update(Group(grid, other))
