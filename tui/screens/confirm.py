"""A yes/no question: discard unsaved changes, quit during a save, send despite a problem."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True only on an explicit yes; escape and enter are the safe answer.

    Enter means no because the question often follows an enter (send, in the review):
    a key pressed twice must not answer a question the user has not read.

    The question and its detail may quote an issuer (a check's problem, in the
    review's "Send anyway?"): both are shown as plain text, escaped.
    """

    # Priority: answered as the key arrives, so the keys typed after the answer (in the
    # same burst, over a slow link) reach the screen underneath instead of this one.
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", priority=True),
        Binding("n,escape,enter", "answer(False)", "No", id="confirm.no", priority=True),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(shown(self.question), id="confirm-question", classes="dialog-title")
            if self.detail:
                yield Static(shown(self.detail), id="confirm-detail")
            yield Static("y: yes   n / enter / escape: no", classes="dialog-keys")
        yield QuietFooter()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
