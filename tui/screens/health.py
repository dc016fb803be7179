"""The health view: will this organization's AI calls work, hop by hop, per number.

It asks for the keys it does not have (masked, held for this session only, never
written anywhere), offers the ones typed or saved in the form this session, and starts
the check on enter. Answers fill in as they arrive: the organization's lines at the top,
then the numbers, problems first, healthy ones folded into a count. The same answers
fill the numbers table's health column (ctrl+n goes there; the check goes on).
Escape goes back to the editor and stops a check in flight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static

from tui.screens.health_desk import (
    ELEVENLABS_FIELD,
    SINCH_ID_FIELD,
    SINCH_SECRET_FIELD,
    HealthChange,
    HealthDesk,
    HealthKeys,
)
from tui.widgets.health_lines import numbers_heading, numbers_table, org_heading, org_table
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown
from tui.widgets.steady_input import SteadyInput

if TYPE_CHECKING:
    from tui.app import VoiceConfigApp

KEY_ROWS = (
    (ELEVENLABS_FIELD, "ElevenLabs API key", True, "empty: ElevenLabs is not asked"),
    (SINCH_ID_FIELD, "Sinch key ID", False, "empty: Sinch is not asked"),
    (SINCH_SECRET_FIELD, "Sinch key secret", True, "with the key ID"),
)
"""(form field, label, masked, placeholder): the keys the checks send, each to its own
issuer."""

KEYS_HINT = "enter: check · a side left empty is not asked (its lines show ?)"
IDLE = "Give the keys you have, then enter. Nothing is stored, nothing is changed anywhere."
REDRAW_EVERY = 0.3
"""Seconds between redraws of the lists while answers pour in (a thousand numbers
answer in bursts; each redraw lays out the whole list)."""


class HealthScreen(Screen[None]):
    """Keys at the top, the organization's checks, the numbers problems first, a summary."""

    app: VoiceConfigApp

    AUTO_FOCUS = ""

    DEFAULT_CSS = """
    HealthScreen #health-keys {
        height: auto;
        border: none;
        border-top: round $primary-darken-1;
        padding: 0 1;
    }
    HealthScreen .health-key-row {
        height: 1;
    }
    HealthScreen .health-key-label {
        width: 20;
        height: 1;
    }
    HealthScreen .health-key-row Input {
        width: 1fr;
        max-width: 60;
        height: 1;
        background: $panel;
    }
    HealthScreen .health-key-source {
        width: 24;
        height: 1;
        padding: 0 0 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    HealthScreen #health-keys-hint {
        height: 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    HealthScreen #health-results {
        height: 1fr;
        border: none;
        border-top: solid $secondary;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }
    /* Focus shown by the line's weight, not only its colour. */
    HealthScreen #health-results:focus {
        border-top: heavy $accent;
    }
    HealthScreen .health-heading {
        text-style: bold underline;
    }
    HealthScreen #health-numbers-heading {
        margin: 1 0 0 0;
    }
    HealthScreen #health-summary {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    HealthScreen #health-summary.-warning {
        color: $warning;
        text-style: bold;
    }
    """

    # Priority: enter starts the check from an input too (Input's own enter is hidden
    # from the footer), and escape leaves as the key arrives.
    BINDINGS = [
        Binding(
            "enter",
            "check",
            "Check",
            tooltip="Check every hop of every number with the keys given",
            priority=True,
            id="health.check",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            tooltip="Back to the editor; a check in flight stops",
            priority=True,
            id="health.back",
        ),
        Binding(
            "ctrl+n",
            "numbers",
            "Numbers",
            tooltip="The numbers table with its health column (a check in flight goes on)",
            id="health.numbers",
        ),
    ]

    def __init__(self, desk: HealthDesk) -> None:
        super().__init__()
        self.desk = desk
        self._redraw_timer: Timer | None = None
        self._warning = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="health-keys"):
            if self.desk.enabled:
                for wire_name, label, masked, placeholder in KEY_ROWS:
                    offered = self.desk.offered(wire_name)
                    with Horizontal(classes="health-key-row"):
                        yield Label(shown(label), classes="health-key-label")
                        yield SteadyInput(
                            offered.value if offered else "",
                            placeholder=placeholder,
                            id=f"health-{wire_name}",
                            password=masked,
                            compact=True,
                        )
                        yield Static(
                            shown(offered.source if offered else ""),
                            classes="health-key-source",
                        )
                yield Static(KEYS_HINT, id="health-keys-hint")
            else:
                off = self.app.checks.off_note or "Checks with ElevenLabs and Sinch are off."
                yield Static(shown(f"? {off} Nothing is asked."), id="health-keys-hint")
        with VerticalScroll(id="health-results"):
            yield Static("", id="health-org-heading", classes="health-heading")
            yield Static("", id="health-org")
            yield Static("", id="health-numbers-heading", classes="health-heading")
            yield Static("", id="health-numbers")
        yield Static("", id="health-summary")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.query_one("#health-keys").border_title = "Keys: held for this session only"
        self.query_one("#health-results").border_title = "Will the calls work?"
        self.desk.changed.subscribe(self, self._changed)
        self._redraw()
        inputs = list(self.query(SteadyInput))
        empty = next((each for each in inputs if not each.value), None)
        if self.desk.board.runs or not inputs:
            self.query_one("#health-results").focus()
        else:
            (empty or inputs[0]).focus()

    # --- answers arrive -------------------------------------------------------------

    def _changed(self, change: HealthChange) -> None:
        if change.board.running and self._redraw_timer is None:
            self._redraw_timer = self.set_timer(REDRAW_EVERY, self._redraw)
        elif not change.board.running:
            self._redraw()
        else:
            self._show_summary()  # one line, cheap: the counts move with every answer

    def _redraw(self) -> None:
        if self._redraw_timer is not None:
            self._redraw_timer.stop()
            self._redraw_timer = None
        board = self.desk.board
        agent = self.desk.agent_labels()
        self.query_one("#health-org-heading", Static).update(org_heading(board))
        self.query_one("#health-org", Static).update(org_table(board))
        self.query_one("#health-numbers-heading", Static).update(numbers_heading(board))
        self.query_one("#health-numbers", Static).update(
            numbers_table(board, lambda number: agent.get(number, ""))
        )
        self._show_summary()

    def _show_summary(self) -> None:
        line = self.query_one("#health-summary", Static)
        line.update(shown(self._warning or self._summary()))
        line.set_class(bool(self._warning or self.desk.board.failure), "-warning")

    def _summary(self) -> str:
        desk, board = self.desk, self.desk.board
        if not desk.enabled:
            return "Checks are off: nothing is asked. escape: back"
        if board.running:
            org = "waiting" if board.org_checking else "answered"
            left = len(board.checking)
            return (
                f"… Checking · organization {org} · {left} number{'s' if left != 1 else ''} left"
                " · escape: stop and go back · ctrl+n: watch the table"
            )
        if desk.note:
            return f"… {desk.note}"
        if board.failure:
            return f"✗ Could not check: {board.failure}."
        if not board.runs:
            return IDLE
        if board.stopped:
            return "Stopped before every answer came · enter: check again · ↑↓ pgup pgdn: scroll"
        return "Done · ↑↓ pgup pgdn: scroll · ctrl+n: the numbers table · enter: check again"

    # --- keys -----------------------------------------------------------------------

    def _typed(self, wire_name: str) -> str:
        found = self.query(f"#health-{wire_name}")
        return found.first(Input).value.strip() if found else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check":
            return True if self.desk.enabled else None
        return True

    def action_check(self) -> None:
        if not self.desk.enabled:
            return
        key = self._typed(ELEVENLABS_FIELD)
        key_id = self._typed(SINCH_ID_FIELD)
        secret = self._typed(SINCH_SECRET_FIELD)
        if bool(key_id) != bool(secret):
            missing = SINCH_SECRET_FIELD if key_id else SINCH_ID_FIELD
            self._warn("Give both the Sinch key ID and its secret, or neither.", missing)
            return
        keys = HealthKeys(
            SecretStr(key) if key else None, key_id or None, SecretStr(secret) if secret else None
        )
        if not keys.any:
            self._warn("Give at least one key: ElevenLabs' or Sinch's pair.", ELEVENLABS_FIELD)
            return
        self._warning = ""
        self.desk.start(keys)
        self.query_one("#health-results").focus()

    def _warn(self, text: str, focus: str) -> None:
        self._warning = f"! {text}"
        self._show_summary()
        self.query_one(f"#health-{focus}").focus()

    def on_input_changed(self) -> None:
        if self._warning:
            self._warning = ""
            self._show_summary()

    # --- leaving --------------------------------------------------------------------

    def action_back(self) -> None:
        if self.desk.running:
            self.desk.stop()
        self.dismiss()

    def action_numbers(self) -> None:
        editor = self.desk.editor
        self.dismiss()
        editor.action_phone_numbers()
