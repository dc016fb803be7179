"""The numbers' review: every toggle that will be sent, then each one's outcome as it arrives.

One screen for the whole batch, so the user watches the very list they confirmed: first
what will be sent (number, user, now → after, agent names, and the bodies), then, after
``enter``, each row's outcome as its answer arrives (… sending, ✓ applied, ✗ with the
server's code explained), then the re-read's confirmation. Nothing is sent before
``enter``; ``escape`` goes back with every toggle still pending, stops a batch after the
toggle in flight, and closes the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.numbers.outcome import short_text
from tui.numbers.state import Setting, Toggle
from tui.printable import printable, safe_json
from tui.screens.phone_numbers import PhoneNumbersScreen
from tui.widgets.quiet_footer import QuietFooter
from tui.widgets.shown import shown, shown_value

if TYPE_CHECKING:
    from tui.screens.numbers_desk import NumbersDesk


class NumbersReviewScreen(ModalScreen[None]):
    """Review, then send one by one, then the results; ``stage`` says which."""

    DEFAULT_CSS = """
    #numbers-review-body {
        height: auto;
    }
    /* Over the numbers' dialog, exactly over it (both 90%), not a smaller frame inside
       its frame: one dialog, one scrollbar, the keys line at its foot (issue 18, item
       17). Beside the form (wide terminals) no dialog is under it: as tall as it needs. */
    #numbers-review-dialog.-over-numbers {
        height: 90%;
    }
    #numbers-review-dialog.-over-numbers #numbers-review-body {
        height: 1fr;
        max-height: 100%;
    }
    #numbers-review-note {
        padding: 1 0 0 0;
    }
    #numbers-review-progress {
        padding: 1 0 0 0;
        text-style: bold;
    }
    #numbers-review-progress.-empty {
        display: none;
    }
    """

    BINDINGS = [
        Binding("enter", "confirm", "Send one by one", id="numbers_review.confirm", priority=True),
        # Priority like enter, so "escape enter" typed in one burst goes back, sends nothing.
        Binding("escape", "back", "Back, nothing sent", id="numbers_review.back", priority=True),
        Binding("escape", "stop", "Stop after this one", id="numbers_review.stop", priority=True),
        Binding("enter,escape", "close", "Close", id="numbers_review.close", priority=True),
    ]
    """Which keys work depends on the stage (``check_action``), and the footer shows those."""

    stage: reactive[str] = reactive("review", init=False)
    """"review" (nothing sent), "sending" (a batch in flight) or "done" (results)."""

    def __init__(
        self,
        desk: NumbersDesk,
        toggles: list[Toggle],
        *,
        changed: list[tuple[Toggle, Setting]] | None = None,
        recheck_failed: str | None = None,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.toggles = toggles
        self.changed = changed or []
        self.recheck_failed = recheck_failed
        self._over_numbers = False

    def compose(self) -> ComposeResult:
        with Vertical(id="numbers-review-dialog", classes="dialog"):
            yield Static(shown(self._title()), id="numbers-review-title", classes="dialog-title")
            with VerticalScroll(id="numbers-review-body"):
                if self.recheck_failed:
                    yield Static(
                        shown(
                            f"⚠ Could not re-check the server before sending "
                            f"({self.recheck_failed}). What is shown as now on the server "
                            "may be stale."
                        ),
                        classes="review-warning review-only",
                    )
                if self.changed:
                    yield Static(self._changed_table(), classes="review-warning review-only")
                unsynced = self._unsynced_warning()
                if unsynced:
                    yield Static(shown(unsynced), classes="review-warning review-only")
                yield Static(self._table(), id="numbers-review-table")
                yield Static(
                    "Sent one by one, in this order: each touches ElevenLabs and Sinch on the "
                    "server. A refusal does not stop the others; a lost connection, 401 or "
                    "a gateway error stops the rest, which stay pending.",
                    id="numbers-review-note",
                    classes="review-only",
                    markup=False,
                )
                yield Static("Request bodies:", classes="review-heading review-only")
                bodies = [toggle.request().wire_body() for toggle in self.toggles]
                yield Static(
                    Text("\n".join(safe_json(body) for body in bodies)),
                    id="numbers-review-json",
                    classes="review-only",
                )
            yield Static("", id="numbers-review-progress", classes="-empty", markup=False)
            yield Static(shown(self._keys()), id="numbers-review-keys", classes="dialog-keys")
        yield QuietFooter()

    def on_mount(self) -> None:
        self.desk.changed.subscribe(self, lambda _desk: self._refresh_results())
        self._over_numbers = any(
            isinstance(screen, PhoneNumbersScreen) for screen in self.app.screen_stack
        )
        self.query_one("#numbers-review-dialog").set_class(self._over_numbers, "-over-numbers")

    def on_resize(self) -> None:
        # Beside the form, the list scrolls; title, progress and keys (10 rows with the
        # borders) stay in view. Over the numbers' dialog the layout does this (1fr).
        if not self._over_numbers:
            body = self.query_one("#numbers-review-body")
            body.styles.max_height = max(4, int(self.size.height * 0.9) - 10)

    # --- what is shown --------------------------------------------------------------

    def _title(self) -> str:
        count = len(self.toggles)
        what = f"{count} toggle{'s' if count != 1 else ''}"
        target = self.desk.app.target_label
        if self.stage == "review":
            return f"Review: {what} will be sent to {target}, one by one"
        if self.stage == "sending":
            return f"Sending {what} to {target}, one by one…"
        return f"Sent to {target}: results"

    def _keys(self) -> str:
        return {
            "review": "enter: send one by one   escape: back, nothing is lost",
            "sending": "escape: stop after the toggle in flight (the rest stay pending)",
            "done": "enter / escape: close (toggles not applied stay pending for a retry)",
        }[self.stage]

    def _table(self) -> Table:
        """One toggle per row: the number with its user under it, now → after (agent
        names), and, once sending, the result; long cells fold so 80 columns fit."""
        state = self.desk.state
        agents = state.agents
        table = Table(box=None, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Number · user", no_wrap=True, width=24)
        table.add_column("Now → after", overflow="fold", ratio=2)
        if self.stage != "review":
            table.add_column("Result", overflow="fold", ratio=3)
        for toggle in self.toggles:
            who = Text(printable(toggle.phone_number), style="bold")
            who.append(f"\n{printable(toggle.user_id)}", style="dim")
            change = shown_value(
                f"{toggle.before.describe(agents)} → {toggle.after.describe(agents)}"
            )
            if self.stage == "review":
                if toggle.after.enabled and toggle.after.agent_id in state.not_synced:
                    change.append("\n⚠ refused earlier: not synced", style="bold")
                table.add_row(who, change)
                continue
            outcome = state.outcomes.get(toggle.key)
            result = short_text(outcome, agents, state.trunk_id) if outcome else "● not sent yet"
            table.add_row(who, change, shown_value(result))
        return table

    def _unsynced_warning(self) -> str:
        """Toggles linking an agent the server refused as not synced earlier this session
        (issue 18, item 12). Tether says nothing about syncing before a toggle is sent, so
        this repeats its last answer rather than guessing."""
        links = self.desk.state.unsynced_links(self.toggles)
        if not links:
            return ""
        agents = self.desk.state.agents
        names = sorted({agents.label(toggle.after.agent_id) for toggle in links})
        count = len(links)
        return (
            f"⚠ {count} toggle{'s' if count != 1 else ''} link{'s' if count == 1 else ''} "
            f"{', '.join(names)}, refused earlier this session as not synced to ElevenLabs "
            "(AGENT_NOT_SYNCED). Tether tells only when a toggle is sent: sync the agent in "
            "Tether first, or expect the same refusal."
        )

    def _changed_table(self) -> Table:
        agents = self.desk.state.agents
        table = Table(
            box=None,
            expand=True,
            pad_edge=False,
            show_edge=False,
            title="⚠ Changed on the server since the numbers were loaded",
            title_justify="left",
            title_style="bold",
        )
        table.add_column("Number", no_wrap=True)
        table.add_column("When loaded", overflow="fold")
        table.add_column("Now", overflow="fold")
        for toggle, now in self.changed:
            table.add_row(
                shown_value(toggle.phone_number),
                shown_value(toggle.before.describe(agents)),
                shown_value(now.describe(agents)),
            )
        return table

    def _refresh_results(self) -> None:
        if self.stage == "review":
            return
        self.stage = "sending" if self.desk.phase in ("sending", "rereading") else "done"
        self.query_one("#numbers-review-table", Static).update(self._table())
        self._show_progress()

    def _show_progress(self) -> None:
        progress = self.query_one("#numbers-review-progress", Static)
        note = self.desk.batch_note if self.stage != "review" else ""
        progress.update(shown_value(note))
        progress.set_class(not note, "-empty")

    def watch_stage(self, stage: str) -> None:
        if stage == "sending":
            self._show_results_only()
        self.query_one("#numbers-review-title", Static).update(shown(self._title()))
        self.query_one("#numbers-review-keys", Static).update(shown(self._keys()))
        self.query_one("#numbers-review-table", Static).update(self._table())
        self._show_progress()
        self.refresh_bindings()

    def _show_results_only(self) -> None:
        """From the send on, the body is the table of outcomes, read from its first row.

        The review's note and bodies stayed below the table, and the body stayed
        scrolled where the review was read: after reading the bodies at 80x24, the
        results opened on them, the refused rows above, off the screen (issue 18,
        item 17). What was sent is still in the table, row by row."""
        for widget in self.query(".review-only"):
            widget.display = False
        self.query_one("#numbers-review-body", VerticalScroll).scroll_home(animate=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        stage_of = {"confirm": "review", "back": "review", "stop": "sending", "close": "done"}
        return self.stage == stage_of[action] if action in stage_of else True

    # --- keys -----------------------------------------------------------------------

    def action_confirm(self) -> None:
        self.stage = "sending"  # at once: a second enter finds no "confirm" to run
        self.desk.send(self.toggles)

    def action_back(self) -> None:
        self.desk.note = "Review closed: nothing was sent. The toggles are still pending."
        self.desk.changed.publish(self.desk)
        self.dismiss(None)

    def action_stop(self) -> None:
        self.desk.stop()

    def action_close(self) -> None:
        self.dismiss(None)
