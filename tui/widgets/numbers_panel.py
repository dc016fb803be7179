"""The numbers as a place to work: the filter, the table, the row under the cursor, a counter.

The same panel sits beside the form on a wide terminal and inside the numbers screen
(ctrl+n) on a small one; both show the one :class:`~tui.screens.numbers_desk.NumbersDesk`,
so pending toggles are the same wherever they were made. The panel filters (pure:
:func:`tui.numbers.search.matching_rows`), shows, and hands every key's request to the desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.numbers.search import SearchIndex, matching_rows
from tui.numbers.view import detail_lines
from tui.printable import printable
from tui.widgets.phone_numbers import PhoneNumbersTable
from tui.widgets.shown import shown

if TYPE_CHECKING:
    from tui.numbers.state import NumbersState
    from tui.screens.health_desk import HealthChange
    from tui.screens.numbers_desk import NumbersDesk

FILTER_HINT = "type to filter: number, agent, on/off, pending, failed · a,b: both"


class NumbersPanel(Vertical):
    """Filter line, table, details of the row under the cursor, and the pending counter."""

    DEFAULT_CSS = """
    NumbersPanel {
        height: 1fr;
    }
    NumbersPanel > #numbers-top {
        height: 1;
    }
    NumbersPanel #numbers-filter {
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    NumbersPanel #numbers-filter.-active {
        color: $text;
        text-style: bold;
    }
    /* What just happened goes before the filter's hint: at 80 columns halves cut
       "Done: 2 applied (2 confirmed), 1 refused" before its refusal. The hint (or a
       query, which is short) keeps a fifth of the line. */
    NumbersPanel #numbers-note {
        width: auto;
        max-width: 80%;
        padding: 0 0 0 2;
        text-align: right;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
    }
    NumbersPanel #numbers-note.-empty {
        display: none;
    }
    NumbersPanel #numbers-who {
        height: 3;  /* the border, then two lines: number, agent with its whole ID, user */
        padding: 0 1;
        border-top: solid $primary-darken-2;
        text-overflow: ellipsis;
    }
    NumbersPanel #numbers-detail {
        height: 2;
        padding: 0 1;
        color: $text-muted;
    }
    NumbersPanel #numbers-health {
        display: none;
        height: 2;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    NumbersPanel #numbers-health.-shown {
        display: block;
    }
    NumbersPanel #numbers-counter {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    NumbersPanel #numbers-counter.-pending {
        color: $warning;
        text-style: bold;
    }
    """

    def __init__(self, desk: NumbersDesk, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.desk = desk
        self.query_text = ""
        self._rows: list[int] = []
        self._shown: NumbersState | None = None
        """The state the table shows (to skip redrawing the very same rows)."""
        self._index: SearchIndex | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="numbers-top"):
            yield Static(FILTER_HINT, id="numbers-filter", markup=False)
            yield Static("", id="numbers-note", classes="-empty", markup=False)
        yield PhoneNumbersTable(id="numbers-table")
        yield Static("", id="numbers-who", markup=False)
        yield Static("", id="numbers-detail", markup=False)
        yield Static("", id="numbers-health", markup=False)
        yield Static("", id="numbers-counter", markup=False)

    @property
    def table(self) -> PhoneNumbersTable:
        return self.query_one(PhoneNumbersTable)

    def on_mount(self) -> None:
        self.desk.changed.subscribe(self, self._desk_changed)
        health = self.desk.editor.health_desk()
        health.changed.subscribe(self, self._health_changed)
        self.table.show_health(health.board)
        self._refilter()
        self.desk.ensure_agents()
        self._show_note()

    def _health_changed(self, change: HealthChange) -> None:
        """Answers of a health run: their rows' cells, and the detail if it is theirs."""
        self.table.show_health(change.board, change.numbers)
        self._show_health()

    # --- the desk changed -----------------------------------------------------------

    def _desk_changed(self, desk: NumbersDesk) -> None:
        rows = desk.changed_rows
        if rows is not None and self._index is not None and self._index.fits(desk.state):
            # One row changed (a toggle, an outcome): redraw its line, keep the rows,
            # unless the filter is about the state that changed.
            if self._filters_on_state():
                self._refilter()
            else:
                self.table.show(desk.state, self._rows, redraw=False)
                self._shown = desk.state
                for row in rows:
                    self.table.refresh_row(row)
        else:
            self._refilter()
        self._show_note()
        self._show_counter()
        self._show_detail()

    def _filters_on_state(self) -> bool:
        from tui.numbers.search import STATE_WORDS, words

        return any(word in STATE_WORDS for word in words(self.query_text))

    def _refilter(self) -> None:
        state = self.desk.state
        rows, self._index = matching_rows(state, self.query_text, self._index)
        unchanged = rows == self._rows and state is self._shown
        if rows == self._rows:
            rows = self._rows  # same rows: the cursor stays where it is
        self._rows, self._shown = rows, state
        self.table.filtering = bool(self.query_text)
        self.table.show(state, rows, redraw=not unchanged)  # a no-op keystroke draws nothing
        self._show_filter()
        self._show_counter()
        self._show_detail()

    # --- the table's keys -----------------------------------------------------------

    @on(PhoneNumbersTable.FilterEdited)
    def _filter_edited(self, event: PhoneNumbersTable.FilterEdited) -> None:
        if event.char is None:
            self.query_text = self.query_text[:-1]
        elif event.char == "":
            self.query_text = ""
        else:
            self.query_text += event.char
        self._refilter()

    @on(PhoneNumbersTable.Action)
    def _act(self, event: PhoneNumbersTable.Action) -> None:
        match event.verb:
            case "toggle":
                self.desk.toggle(event.row)
            case "agent":
                self.desk.choose_agent(event.row)
            case "revert":
                self.desk.revert(event.row)
            case "review":
                self.desk.review()

    @on(PhoneNumbersTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self._show_detail()

    # --- lines ----------------------------------------------------------------------

    def _show_filter(self) -> None:
        line = self.query_one("#numbers-filter", Static)
        shown = f"{len(self._rows):,} of {len(self.desk.state):,} shown"
        text = (
            f"Filter: {self.query_text}▏ · {shown} · escape clears"
            if self.query_text
            else FILTER_HINT
        )
        _update(line, text)
        line.set_class(bool(self.query_text), "-active")

    def _show_note(self) -> None:
        note = self.query_one("#numbers-note", Static)
        if note.has_class("-empty") != (not self.desk.note):
            note.set_class(not self.desk.note, "-empty")  # the filter line takes the room
        _update(note, self.desk.note)

    def _show_counter(self) -> None:
        state = self.desk.state
        pending = state.pending_count
        if pending:
            text = f"● {pending} pending · ctrl+s to review and send"
        else:
            text = "No pending changes · space: AI on/off · enter: agent"
        counter = self.query_one("#numbers-counter", Static)
        _update(counter, text)
        counter.set_class(bool(pending), "-pending")

    def _show_detail(self) -> None:
        """The row under the cursor: who (two lines: the agent's whole ID fits), then its
        story (two lines)."""
        row = self.table.current_row
        if row is None:
            who = "No number matches the filter." if self.query_text else "No phone numbers."
            story: list[str] = []
        else:
            who, *story = detail_lines(self.desk.state, row)
        _update(self.query_one("#numbers-who", Static), who)
        _update(self.query_one("#numbers-detail", Static), "\n".join(story))
        self._show_health()

    def _show_health(self) -> None:
        """Under the row's story, once the health view has run: the row's findings,
        problems first (two lines, each cut with "…"; the health view has them all)."""
        board = self.desk.editor.health_desk().board
        line = self.query_one("#numbers-health", Static)
        line.set_class(board.shown, "-shown")
        if not board.shown:
            return
        row = self.table.current_row
        number = self.desk.state.numbers[row].phone_number if row is not None else None
        # Each finding on its own line: a line break in an issuer's words stays escaped.
        _update(line, "\n".join(printable(each) for each in board.detail(number)))


def _update(widget: Static, text: str) -> None:
    """Redraw only on a change (over SSH every redrawn line costs bytes), and without a
    layout pass: every line of the panel has a fixed size. The text may quote the server
    (a refusal's message, a number, the filter as typed): plain, escaped."""
    content = shown(text)
    if str(widget.content) != content.plain:
        widget.update(content, layout=False)
