"""The organization's phone numbers as a table to work in: a cursor, keys to toggle, a filter.

A Line API widget (``ScrollView`` + ``render_line``) rather than Textual's ``DataTable``:
with 5,000 numbers the ``DataTable`` took about 0.6 s to rebuild after each filter
keystroke and 0.1 s to redraw one changed cell, because it measures and keeps every row.
This table keeps only the list of visible row indexes and renders the lines on screen
from the pure state (:func:`tui.numbers.view.row_view`), so a keystroke costs one pass of
the filter and a cursor move redraws two lines. ``scripts/bench.py --numbers`` measures it.

It renders and reports, nothing more: keys become messages (:class:`Action`,
:class:`FilterEdited`, :class:`CursorMoved`) for the panel around it to act on. State is
spelled out in text (● pending, ✓ applied, ✗ refused, a ▸ pointer at the cursor), so it
reads the same without colour.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.numbers.state import NumbersState
from tui.numbers.view import RowView, Tone, row_view
from tui.wiring.board import HealthBoard

GAP = 2
"""Spaces between columns."""
USER_WIDTH = 24
"""A user ID (a 24-hex-character Mongo ObjectId), shown only when there is room for it."""
MIN_CHANGE = 28
AGENT_MAX = 18
HEALTH_HEADER = "Health"
"""The health column, once the health view has run this session: ✓ ✗ ⚠ ?, or … while
checking (the detail line under the table says it in words)."""
HEALTH_STYLES = {"✓": "ok", "✗": "problem", "⚠": "warning", "?": "unknown", "…": "checking"}


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with "…"."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class PhoneNumbersTable(ScrollView, can_focus=True):
    """Number, AI on/off, agent (by name), the pending change or last outcome, and user."""

    DEFAULT_CSS = """
    PhoneNumbersTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    PhoneNumbersTable > .numbers-table--header {
        text-style: bold;
        color: $text-muted;
    }
    PhoneNumbersTable > .numbers-table--cursor {
        background: $boost;
        text-style: bold;
    }
    PhoneNumbersTable:focus > .numbers-table--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    PhoneNumbersTable > .numbers-table--pending { color: $warning; }
    PhoneNumbersTable > .numbers-table--sending { color: $text-muted; }
    PhoneNumbersTable > .numbers-table--applied { color: $success; }
    PhoneNumbersTable > .numbers-table--refused { color: $error; }
    PhoneNumbersTable > .numbers-table--check { color: $warning; }
    PhoneNumbersTable > .numbers-table--health-ok { color: $success; }
    PhoneNumbersTable > .numbers-table--health-problem { color: $error; text-style: bold; }
    PhoneNumbersTable > .numbers-table--health-warning { color: $warning; text-style: bold; }
    PhoneNumbersTable > .numbers-table--health-unknown { color: $warning; }
    PhoneNumbersTable > .numbers-table--health-checking { color: $text-muted; }
    """

    COMPONENT_CLASSES = {
        "numbers-table--header",
        "numbers-table--cursor",
        "numbers-table--pending",
        "numbers-table--sending",
        "numbers-table--applied",
        "numbers-table--refused",
        "numbers-table--check",
        "numbers-table--health-ok",
        "numbers-table--health-problem",
        "numbers-table--health-warning",
        "numbers-table--health-unknown",
        "numbers-table--health-checking",
    }

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding(
            "space",
            "act('toggle')",
            "AI on/off",
            tooltip="Switch AI on or off for this number (pending until sent)",
            id="numbers.toggle",
        ),
        Binding(
            "enter",
            "act('agent')",
            "Agent",
            tooltip="Choose this number's agent by name (switches AI on)",
            id="numbers.agent",
        ),
        Binding(
            "delete",
            "act('revert')",
            "Undo",
            tooltip="Drop this number's pending change",
            id="numbers.revert",
        ),
        Binding(
            "ctrl+s",
            "act('review')",
            "Send numbers",
            tooltip="Review the pending toggles, then send them one by one",
            id="numbers.review",
        ),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            tooltip="Show every number again",
            id="numbers.clear_filter",
        ),
    ]

    class Action(Message):
        """A key asked for something on the row under the cursor (``row``: index in the state)."""

        def __init__(self, verb: str, row: int | None) -> None:
            super().__init__()
            self.verb = verb
            self.row = row

    class FilterEdited(Message):
        """A character typed for the filter, or ``None`` to erase the last one."""

        def __init__(self, char: str | None) -> None:
            super().__init__()
            self.char = char

    class CursorMoved(Message):
        def __init__(self, row: int | None) -> None:
            super().__init__()
            self.row = row

    cursor: reactive[int] = reactive(0, repaint=False, init=False)
    """Position of the cursor in the visible rows."""

    filtering = False
    """Whether a filter narrows the rows (escape clears it, else escape goes to the screen)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: NumbersState | None = None
        self._health: HealthBoard | None = None
        self._rows: list[int] = []
        self._layout: tuple[int, ...] = ()
        self._layout_for: tuple[int, int] = (-1, -1)

    # --- data in --------------------------------------------------------------------

    @property
    def rows(self) -> list[int]:
        """The state's indexes of the rows shown, in order."""
        return self._rows

    @property
    def current_row(self) -> int | None:
        """The state's index of the row under the cursor, or None when nothing is shown."""
        if not self._rows:
            return None
        return self._rows[min(self.cursor, len(self._rows) - 1)]

    def show(self, state: NumbersState, rows: list[int], *, redraw: bool = True) -> None:
        """Show ``rows`` (indexes into ``state``); the cursor stays on its number if shown.

        ``redraw=False``: the same rows, with a change the caller redraws line by line
        (:meth:`refresh_row`), which over SSH is one line instead of the whole table.
        """
        keep = self.current_row
        new_rows = rows is not self._rows
        self._state, self._rows = state, rows
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows) + 1)
        if new_rows:
            try:
                position = rows.index(keep) if keep is not None else 0
            except ValueError:
                position = 0
            self._move_to(position, force=True)
            # And again once laid out: a burst of filter keys (one read over SSH) changes
            # the rows several times before a layout, and a scroll made against the
            # table's old size was clamped to it (the cursor's row left off screen).
            self.call_after_refresh(self._scroll_to_cursor)
        if redraw or new_rows:
            self.refresh()

    def show_health(self, board: HealthBoard, numbers: frozenset[str] | None = None) -> None:
        """The health column from ``board``; ``numbers``: only their lines changed."""
        appears = board.shown != (self._health is not None and self._health.shown)
        self._health = board
        if numbers is None or appears or self._state is None:
            self.refresh()
            return
        for position, row in enumerate(self._rows):
            if self._state.numbers[row].phone_number in numbers:
                self.refresh_line(position + 1)

    @property
    def health_shown(self) -> bool:
        return self._health is not None and self._health.shown

    def refresh_row(self, row: int) -> None:
        """Redraw one number's line, if it is shown (an outcome arrived for it)."""
        try:
            position = self._rows.index(row)
        except ValueError:
            return
        self.refresh_line(position + 1)

    # --- keys -----------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """Printable keys (but space) and backspace edit the filter; the table keeps focus."""
        if event.key == "backspace":
            event.stop()
            event.prevent_default()
            self.post_message(self.FilterEdited(None))
        elif event.is_printable and event.character and event.key != "space":
            event.stop()
            event.prevent_default()
            self.post_message(self.FilterEdited(event.character))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return self.filtering  # else escape goes on to the screen (close, or leave)
        return True

    def action_act(self, verb: str) -> None:
        self.post_message(self.Action(verb, self.current_row))

    def action_clear_filter(self) -> None:
        self.post_message(self.FilterEdited(""))

    def action_move(self, delta: int) -> None:
        self._move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * max(1, self.size.height - 2))

    def action_move_to(self, position: int) -> None:
        self._move_to(position if position >= 0 else len(self._rows) - 1)

    def _move_to(self, position: int, *, force: bool = False) -> None:
        position = max(0, min(position, len(self._rows) - 1)) if self._rows else 0
        if position == self.cursor and not force:
            return
        old = self.cursor
        self.cursor = position
        self._scroll_to_cursor()
        self.refresh_line(old + 1)
        self.refresh_line(position + 1)
        self.post_message(self.CursorMoved(self.current_row))

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows) + 1)
        self._scroll_to_cursor()

    # --- drawing --------------------------------------------------------------------

    def _columns(self, width: int) -> tuple[int, ...]:
        """Widths of number, health, AI, agent, change and user for this width (health 0:
        never run; user 0: left out)."""
        state = self._state
        health_w = len(HEALTH_HEADER) if self.health_shown else 0
        key = (width, id(state.agents) if state else 0, health_w)
        if key == self._layout_for:
            return self._layout
        number_w, agent_w = 12, 11
        if state is not None:
            # The widest of the first rows is enough: thousands of numbers share one shape.
            sample = range(min(len(state), 200))
            number_w = max([12, *(len(state.numbers[r].phone_number or "") for r in sample)])
            labels = (state.agents.label(state.numbers[r].ai_agent_id) for r in sample)
            agent_w = min(AGENT_MAX, max([11, *(cell_len(label) for label in labels)]))
        number_w = min(number_w, 16)
        fixed = 2 + number_w + GAP + (health_w + GAP if health_w else 0) + 3 + GAP + agent_w + GAP
        user_w = USER_WIDTH if width - fixed - MIN_CHANGE - GAP >= USER_WIDTH else 0
        change_w = max(0, width - fixed - (user_w + GAP if user_w else 0))
        self._layout = (number_w, health_w, 3, agent_w, change_w, user_w)
        self._layout_for = key
        return self._layout

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            style = base + self.get_component_rich_style("numbers-table--header")
            view = RowView("Number", "AI", "Agent", "Change · outcome", "User", Tone.PLAIN)
            return Strip(self._segments(view, HEALTH_HEADER, "  ", width, style, None), width)
        position = round(self.scroll_offset.y) + y - 1
        if self._state is None or position >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[position]
        view = row_view(self._state, row)
        at_cursor = position == self.cursor
        style = base
        if view.tone is not Tone.PLAIN:
            style += self.get_component_rich_style(f"numbers-table--{view.tone.value}")
        if at_cursor:
            style += self.get_component_rich_style("numbers-table--cursor")
        health = ""
        if self.health_shown and self._health is not None:
            health = self._health.cell(self._state.numbers[row].phone_number)
        pointer = "▸ " if at_cursor else "  "
        return Strip(self._segments(view, health, pointer, width, style, health or None), width)

    def _segments(
        self,
        view: RowView,
        health: str,
        pointer: str,
        width: int,
        style: Style,
        symbol: str | None,
    ) -> list[Segment]:
        """The line's segments: the health cell, when it holds a symbol, in its own style."""
        number_w, health_w, ai_w, agent_w, change_w, user_w = self._columns(width)
        gap = " " * GAP
        tail = [_fit(view.ai, ai_w), _fit(view.agent, agent_w), _fit(view.change, change_w)]
        if user_w:
            tail.append(_fit(view.user, user_w))
        if not health_w:
            return [
                Segment(
                    _fit(pointer + gap.join([_fit(view.number, number_w), *tail]), width), style
                )
            ]
        head = pointer + _fit(view.number, number_w) + gap
        cell = _fit(health, health_w)
        room = width - cell_len(head) - health_w
        if room < 0:  # narrower than the first two columns: one plain line, cut
            return [Segment(_fit(head + cell, width), style)]
        rest = _fit(gap + gap.join(tail), room)
        cell_style = style
        if symbol in HEALTH_STYLES:
            name = f"numbers-table--health-{HEALTH_STYLES[symbol]}"
            cell_style = style + self.get_component_rich_style(name)
        return [Segment(head, style), Segment(cell, cell_style), Segment(rest, style)]
