"""The numbers' one owner in the app: their state, the agents, and every request about them.

The editor makes one the first time the numbers are shown (the panel beside the form on a
wide terminal, ctrl+n otherwise) and keeps it for the session, so the panel, the numbers
screen, the agent list and the review all show the same pending toggles, and closing a
screen loses nothing. Views subscribe to :attr:`NumbersDesk.changed` (a Textual
``Signal``) and call the methods here; the methods change the pure
:class:`~tui.numbers.state.NumbersState` and run the requests as workers of the editor.

The form and the numbers are separate saves: nothing here touches the form, and the
form's save never sends a toggle.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.signal import Signal

from tui.api.failures import ApiFailure
from tui.numbers.agents import AgentBook
from tui.numbers.outcome import Tally, needs_sign_in
from tui.numbers.state import NumberKey, NumbersState, Rebase, RowOutcome, Toggle
from tui.widgets.status_panel import Outcome, Tone

if TYPE_CHECKING:
    from tui.api.models import VoiceAiConfig
    from tui.app import VoiceConfigApp
    from tui.numbers.batch import BatchEnd
    from tui.screens.editor import EditorScreen

UNAUTHORIZED_MIDWAY = (
    "The server refused the token (401) partway through the numbers: it has expired, or the "
    "account is not a superadmin. Sign in again: the numbers not yet sent are sent then, "
    "and nothing is lost."
)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def discard_question(changes: int, toggles: int) -> tuple[str, str]:
    """The quit question when the form, the numbers, or both have unsent changes."""
    what = [plural(changes, "unsaved change")] if changes else []
    if toggles:
        what.append(plural(toggles, "pending number toggle"))
    # A pending toggle may have been sent and refused: none of it is applied, either way.
    return (f"Quit and discard {' and '.join(what)}?", "None of it is applied on the server.")


class NumbersDesk:
    """The phone numbers of one session: state, agents, pending toggles, batches."""

    def __init__(self, editor: EditorScreen, config: VoiceAiConfig) -> None:
        self.editor = editor
        self.state = NumbersState.from_config(config)
        self.changed: Signal[NumbersDesk] = Signal(editor, "numbers-changed")
        """Published after every change; ``changed_rows`` says which rows (None: any)."""
        self.changed_rows: frozenset[int] | None = None
        self.note = ""
        """One line on what is going on (loading agents, checking, the last batch)."""
        self.sending = False
        self.phase = "idle"
        """"idle", "sending", "rereading", "signing in" (stopped by a 401) or "done"."""
        self.checking = False
        self.stop_requested = False
        self._results_said: Outcome | None = None
        """What the last batch's end put in the status panel (to correct it later)."""
        self.batch: list[Toggle] = []
        """The toggles of the batch being sent, or last sent (the results list)."""
        self.batch_note = ""
        """How the batch stands, for the results list."""
        self._agents_loading = False

    @property
    def app(self) -> VoiceConfigApp:
        return self.editor.app

    @property
    def pending_count(self) -> int:
        return self.state.pending_count

    def _publish(
        self, state: NumbersState, note: str | None = None, rows: Iterable[int] | None = None
    ) -> None:
        self.state = state
        if note is not None:
            self.note = note
        self.changed_rows = frozenset(rows) if rows is not None else None
        self.changed.publish(self)
        self._correct_results_note()

    def _with_agents(self, state: NumbersState) -> NumbersState:
        """``state`` with the agents as read now (they may arrive while a batch is sent)."""
        agents = self.state.agents
        return state if state.agents is agents else state.with_agents(agents)

    def _row(self, key: NumberKey) -> list[int]:
        index = self.state.index.get(key)
        return [] if index is None else [index]

    # --- what the server holds ------------------------------------------------------

    def show_loaded(self, config: VoiceAiConfig) -> None:
        """A fresh GET (a load, a reload, the form's re-read): pending toggles kept on top."""
        if self.sending:
            return  # the batch's own re-read comes next, and is fresher
        self._publish(*self._rebase_note(self.state.rebased(config)))

    def _rebase_note(self, rebase: Rebase) -> tuple[NumbersState, str | None]:
        dropped = []
        if rebase.settled:
            dropped.append(f"{plural(len(rebase.settled), 'pending toggle')} already done there")
        if rebase.vanished:
            dropped.append(f"{plural(len(rebase.vanished), 'number')} no longer listed")
        if not dropped:
            return rebase.state, None
        return rebase.state, f"Read from the server: {'; '.join(dropped)} (dropped)."

    def ensure_agents(self) -> None:
        """Read the agents once, when the numbers are first shown (again if that failed)."""
        if self._agents_loading or self.state.agents.read:
            return
        self._agents_loading = True
        self._publish(self.state, "Loading the agents…")
        self.editor.run_worker(self._load_agents(), group="numbers-agents")

    async def _load_agents(self) -> None:
        try:
            prompts = await self.app.client.load_agents()
        finally:
            self._agents_loading = False
        if isinstance(prompts, ApiFailure):
            note = f"Agent names unavailable ({prompts.summary}): agents are shown by ID."
            self._publish(self.state.with_agents(AgentBook.unreadable(prompts.summary)), note)
            return
        self._publish(self.state.with_agents(AgentBook.from_prompts(prompts)), "")

    # --- edits ----------------------------------------------------------------------

    def _editable(self, row: int | None) -> NumberKey | None:
        if row is None:
            return None
        if self.sending:
            self._publish(self.state, "Toggles are being sent: wait for them to finish.", ())
            return None
        key = self.state.key_at(row)
        if key is None:
            self._publish(self.state, f"Cannot toggle: {self.state.why_not_toggleable(row)}.", ())
        return key

    def toggle(self, row: int | None) -> None:
        """Space: AI the other way; switching on a number with no agent asks for one."""
        key = self._editable(row)
        if key is None:
            return
        if self.state.needs_agent(key):
            self.choose_agent(row)
            return
        self._publish(self.state.toggled(key), "", self._row(key))

    def choose_agent(self, row: int | None) -> None:
        """Enter: pick the agent from the list of names (switches AI on)."""
        key = self._editable(row)
        if key is None:
            return
        from tui.screens.agent_picker import AgentPickerScreen

        if not self.state.agents.read:
            self.ensure_agents()

        def chosen(agent_id: str | None) -> None:
            if agent_id and not self.sending:
                self._publish(self.state.with_agent(key, agent_id), "", self._row(key))

        self.app.push_screen(AgentPickerScreen(self, key), chosen)

    def revert(self, row: int | None) -> None:
        key = self._editable(row)
        if key is not None and key in self.state.pending:
            self._publish(self.state.reverted(key), "", self._row(key))

    # --- review and send ------------------------------------------------------------

    def review(self) -> None:
        """ctrl+s: re-read the server (there is no ETag), then list what will be sent."""
        if self.sending or self.checking:
            return
        if not self.state.pending_count:
            self._publish(self.state, "Nothing to send: no number was changed.", ())
            return
        self.checking = True
        self._publish(self.state, "Checking the server for changes…", ())
        self.editor.run_worker(self._recheck_then_review(), group="numbers")

    async def _recheck_then_review(self) -> None:
        from tui.screens.numbers_review import NumbersReviewScreen

        try:
            fresh = await self.app.client.load()
        finally:
            self.checking = False
        changed: list[tuple[Toggle, object]] = []
        recheck_failed = None
        if isinstance(fresh, ApiFailure):
            recheck_failed = fresh.summary
        else:
            rebase = self.state.rebased(fresh)
            changed = list(rebase.changed)
            self._publish(*self._rebase_note(rebase))
        toggles = self.state.toggles()
        if not toggles:
            self._publish(self.state, "Nothing left to send: the server holds every change.")
            return
        self._publish(self.state, "Review open: nothing sent yet.", ())
        self.app.push_screen(
            NumbersReviewScreen(self, toggles, changed=changed, recheck_failed=recheck_failed)
        )

    def send(self, toggles: list[Toggle]) -> None:
        """Enter in the review: send these, one by one; outcomes arrive in ``state``."""
        if self.sending:
            return
        self.batch = list(toggles)
        self._publish(self.state.cleared_outcomes(), "")
        self._start(toggles)

    def _start(self, toggles: list[Toggle]) -> None:
        self.sending, self.stop_requested, self.phase = True, False, "sending"
        self.batch_note = f"Sending {plural(len(toggles), 'toggle')}, one by one…"
        self.editor.run_worker(self._send(toggles), group="numbers")

    def stop(self) -> None:
        """Escape while sending: finish the toggle in flight, leave the rest pending."""
        if self.sending:
            self.stop_requested = True
            self.batch_note = "Stopping after the toggle in flight…"
            self._publish(self.state, rows=())

    async def _send(self, toggles: list[Toggle]) -> None:
        from tui.numbers.batch import send_in_turn

        def report(state: NumbersState, outcome: RowOutcome) -> None:
            self._publish(self._with_agents(state), rows=self._row(outcome.toggle.key))

        try:
            end = await send_in_turn(
                self.state,
                toggles,
                self.app.client.toggle,
                report,
                lambda: self.stop_requested,
            )
        finally:
            self.sending = False
        if needs_sign_in(end.stopped_by):
            self._ask_sign_in(end)
            return
        await self._reread(end)

    def _ask_sign_in(self, end: BatchEnd) -> None:
        left = {toggle.key for toggle in end.unsent}
        self.phase = "signing in"
        self.batch_note = (
            f"Stopped: the server refused the token (401). {plural(len(left), 'toggle')} "
            "left to send after you sign in."
        )
        self._publish(self.state, "Sign in to send the rest.", ())

        def resume() -> None:
            toggles = [t for t in self.state.toggles() if t.key in left]
            if toggles:
                self._start(toggles)

        self.editor.request_sign_in(UNAUTHORIZED_MIDWAY, retry=resume)

    async def _reread(self, end: BatchEnd) -> None:
        """After the batch: read the configuration again and confirm each sent toggle."""
        stopped = ""
        if end.stopped_by is not None:
            stopped = f" Stopped early: {end.stopped_by.summary}."
        elif end.interrupted:
            stopped = " Stopped as asked."
        if not end.sent:
            self._finish(stopped, reread_failed=None)
            return
        self.phase = "rereading"
        self.batch_note = "Sent. Reading the configuration again to confirm…"
        self._publish(self.state, rows=())
        fresh = await self.app.client.load()
        if isinstance(fresh, ApiFailure):
            self._finish(stopped, reread_failed=fresh)
            return
        rebase = self.state.rebased(fresh)
        self._publish(rebase.state)
        self.editor.show_server_config(fresh)
        self._finish(stopped, reread_failed=None)

    def _finish(self, stopped: str, reread_failed: ApiFailure | None) -> None:
        tally = Tally.of(self.state.outcomes.get(t.key) for t in self.batch)
        done = f"Done: {tally.words()}.{stopped}"
        lines = [f"Numbers — {tally.words()}.{stopped}"]
        tone = Tone.SUCCESS
        if reread_failed is not None:
            done += f" Re-reading failed ({reread_failed.summary}): reload (ctrl+r) to check."
            lines.append(f"Re-reading to confirm failed: {reread_failed.summary}.")
            tone = Tone.WARNING
        if tally.refused or tally.unanswered or tally.not_sent or tally.unconfirmed:
            tone = Tone.WARNING
        left = self.state.pending_count
        if left:
            lines.append(f"● {plural(left, 'toggle')} still pending: ctrl+n, then ctrl+s to retry.")
        self.batch_note, self.phase = done, "done"
        self._publish(self.state, done)
        self._results_said = self.editor.status.outcome = Outcome.of(tone, *lines)
        self.editor.health_after_toggles(self)  # the applied numbers' wiring, again

    # --- leaving --------------------------------------------------------------------

    def sending_question(self) -> tuple[str, str]:
        return (
            "Number toggles are being sent. Quit anyway?",
            "The toggle in flight may or may not be applied and the rest are not sent: "
            "open the app again and check the numbers.",
        )

    def closed_screen(self) -> None:
        """The numbers screen closed: say in the status what is still pending."""
        left = self.state.pending_count
        if left and not self.sending:
            self.editor.status.outcome = Outcome.of(
                Tone.INFO,
                f"{plural(left, 'number toggle')} pending, not sent.",
                "Next: ctrl+n, then ctrl+s to review and send them; quitting asks first.",
            )
        else:
            self._correct_results_note()

    def _correct_results_note(self) -> None:
        """The last batch's results said toggles were still pending; once the user has
        dropped them all, the status panel must not keep saying so."""
        said = self._results_said
        if said is None or self.state.pending_count or self.editor.status.outcome is not said:
            return
        kept = [line for line in said.lines if "still pending" not in line]
        self._results_said = None
        self.editor.status.outcome = Outcome.of(
            said.tone, *kept, "No number toggle is pending now."
        )
