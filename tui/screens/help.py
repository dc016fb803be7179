"""Every key, in one place, built from the same binding tables the footer uses."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown, shown_line

NAVIGATION: list[tuple[str, str]] = [
    ("tab / shift+tab", "next / previous field"),
    ("enter, ↑ ↓", "open the provider list and pick"),
    ("space / enter", "flip the tool-secret switch"),
    ("ctrl+a / ctrl+e", "start / end of a text field"),
    ("ctrl+k / ctrl+u", "delete to the end / start of a text field"),
    ("a-z 0-9 + , (numbers)", "filter the numbers; a comma adds a word; backspace erases"),
    ("↑ ↓ pgup pgdn (numbers)", "move through the numbers"),
    ("↑ ↓ pgup pgdn (health)", "scroll the answers (tab there from the keys)"),
    ("ctrl+p", "command palette: every action by name, and the colour theme"),
    ("? (outside a text field)", "this help, like f1"),
]
"""Keys of Textual's own widgets and the palette, which have no binding table of ours."""


def _key_label(binding: Binding) -> str:
    return " / ".join(part.strip() for part in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    """A table of every binding: the editor's, the review's, the app's, the widgets'."""

    # Priority: closed as the key arrives, so keys typed right after it reach the editor.
    BINDINGS = [
        Binding("escape,f1,question_mark", "dismiss", "Close", id="help.close", priority=True)
    ]

    def __init__(self, sections: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static("Keys", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._table(), id="help-table")
            yield Static("escape: close · ctrl+p: every action by name", classes="dialog-keys")
        yield QuietFooter()

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_header=False, pad_edge=False)
        table.add_column("key", style="bold", no_wrap=True, min_width=18)
        table.add_column("does")
        for title, bindings in self.sections:
            table.add_row(shown_line((title, "underline")), "")
            for binding in bindings:
                table.add_row(
                    shown(_key_label(binding)), shown(binding.tooltip or binding.description)
                )
        table.add_row("[u]Other keys[/u]", "")
        for key, does in NAVIGATION:
            table.add_row(shown(key), shown(does))
        return table
