"""A one-line text input that never alters a paste without saying so."""

from __future__ import annotations

from textual import events
from textual.message import Message

from tui.widgets.steady_input import SteadyInput

PASTE_LIMIT = 65_536
"""No credential or identifier here comes close; a larger paste is a wrong clipboard, and
Textual's input re-measures its whole value on every frame (1 MB ≈ 1 s per keystroke)."""


class FieldInput(SteadyInput):
    """Textual's Input keeps only the first line of a paste, silently; this one tells.

    A single trailing line break (how most copy buttons end; LF, CRLF or CR) is dropped
    with a notice; a paste of several lines, or one larger than :data:`PASTE_LIMIT`, is
    refused whole, with the reason, so a secret is never saved half-pasted.
    """

    class PasteNotice(Message):
        """Something about a paste the user should know; the screen shows it."""

        def __init__(self, input: FieldInput, text: str, refused: bool) -> None:
            super().__init__()
            self.input = input
            self.text = text
            self.refused = refused

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn; prevent_default() keeps Input's own
        # (first-line-only) paste from running after a decision made here.
        text = event.text
        # One line break at the end, however the terminal sends it: LF, CRLF, or a lone CR
        # (tmux and some terminals turn the copied newline into CR).
        body = next((text[: -len(end)] for end in ("\r\n", "\n", "\r") if text.endswith(end)), text)
        lines = body.splitlines()
        if len(text) > PASTE_LIMIT:
            notice = (
                f"Paste refused: {len(text):,} characters is more than any value here "
                f"(limit {PASTE_LIMIT:,}). The field is unchanged."
            )
        elif len(lines) > 1:
            notice = (
                f"Paste refused: it has {len(lines)} lines and this field holds one. "
                "The field is unchanged."
            )
        elif body != text:
            event.prevent_default()
            event.stop()
            self._insert(body)
            self.post_message(
                self.PasteNotice(
                    self, "The paste ended with a line break; it was left out.", refused=False
                )
            )
            return
        else:
            return  # an ordinary one-line paste: Input's handler inserts it
        event.prevent_default()
        event.stop()
        self.post_message(self.PasteNotice(self, notice, refused=True))

    def _insert(self, text: str) -> None:
        """Insert like Input's paste does: over the selection, else at the cursor."""
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
