"""The numbers as text: one row of the table, and the full story of the row under the cursor.

Pure, so the table widget only lays these strings out and the tests read them directly.
Every state is spelled with a symbol and words (● pending, … sending, ✓ applied, ✗ refused,
? unknown, ! check), never by colour alone. Every string here is printable: the table
draws them as they are, and a server's refusal message or code is in some of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tui.numbers.outcome import full_text, short_text
from tui.numbers.state import NumbersState, Toggle, Verdict
from tui.printable import printable

AI_WORDS = {True: "on", False: "off", None: "?"}


class Tone(Enum):
    """How a row is styled; the text says the same in words."""

    PLAIN = "plain"
    PENDING = "pending"
    SENDING = "sending"
    APPLIED = "applied"
    REFUSED = "refused"
    CHECK = "check"


@dataclass(frozen=True)
class RowView:
    number: str
    ai: str
    agent: str
    change: str
    user: str
    tone: Tone


def pending_text(toggle: Toggle, state: NumbersState) -> str:
    """ "● off → on, agent Sales Line": how a changed row is marked."""
    return f"● {toggle.change(state.agents)}"


def row_view(state: NumbersState, row: int) -> RowView:
    number = state.numbers[row]
    key = state.key_at(row)
    change, tone = "", Tone.PLAIN
    if key is not None:
        outcome = state.outcomes.get(key)
        toggle = (
            Toggle(key[0], key[1], state.current(key), state.pending[key])
            if key in state.pending
            else None
        )
        if outcome is not None and outcome.verdict is not Verdict.NOT_SENT:
            change = short_text(outcome, state.agents, state.trunk_id)
            tone = _TONES[outcome.verdict]
            if outcome.verdict is Verdict.APPLIED and outcome.confirmed is False:
                tone = Tone.CHECK
            elif outcome.verdict is Verdict.UNANSWERED and outcome.confirmed is False:
                tone = Tone.REFUSED
        elif toggle is not None:
            change, tone = pending_text(toggle, state), Tone.PENDING
            if outcome is not None:
                change += " (not sent yet)"
    return RowView(
        printable(number.phone_number or "—"),
        AI_WORDS[number.ai_enabled],
        state.agents.label(number.ai_agent_id),
        printable(change),
        printable(number.user_id or "—"),
        tone,
    )


_TONES = {
    Verdict.SENDING: Tone.SENDING,
    Verdict.APPLIED: Tone.APPLIED,
    Verdict.REFUSED: Tone.REFUSED,
    Verdict.UNANSWERED: Tone.CHECK,
    Verdict.NOT_SENT: Tone.PENDING,
}


def detail_lines(state: NumbersState, row: int) -> list[str]:
    """Everything about one row: first who and what it is now (agent name and ID, user),
    then what is pending, or the last outcome in full (its reason first). Each line is
    printable: a line break or an escape sequence from the server stays on its line."""
    return [printable(line) for line in _detail(state, row)]


def _detail(state: NumbersState, row: int) -> list[str]:
    number = state.numbers[row]
    key = state.key_at(row)
    agent_id = number.ai_agent_id
    agent = state.agents.label(agent_id)
    if agent_id and agent != printable(agent_id):
        agent = f"{agent} ({agent_id})"
    ai = {True: "AI on", False: "AI off", None: "AI unknown"}[number.ai_enabled]
    lines = [f"{number.phone_number or '—'} · {ai} · agent {agent} · user {number.user_id or '—'}"]
    if key is None:
        lines.append(f"Cannot be toggled: {state.why_not_toggleable(row)}.")
        return lines
    outcome = state.outcomes.get(key)
    if outcome is not None:
        lines.extend(full_text(outcome, state.agents, state.trunk_id))
    elif key in state.pending:
        toggle = Toggle(key[0], key[1], state.current(key), state.pending[key])
        lines.append(f"{pending_text(toggle, state)}: pending, not sent yet.")
    return lines
