"""The numbers table's filter: which rows match what the user typed.

Every word must match (so "sales on", or "sales,on" as typed in the table, is the numbers
on with a Sales agent). A word is:

- ``on`` / ``off``: AI on or off on the server now (the AI column, not a pending change:
  rows do not vanish under the cursor while the user toggles them);
- ``pending``: a toggle waits to be sent; ``failed``: the last send of it did not apply;
- anything else: part of the number (punctuation ignored, so ``5550101`` finds
  ``+1 416 555 0101``), of the agent's name or ID, or of the user's ID; case ignored.

Built for thousands of rows: the text each row is searched in is made once per list of
numbers and agents (:class:`SearchIndex`), so a keystroke costs one pass of substring tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.numbers.state import NumbersState, Verdict

STATE_WORDS = frozenset({"on", "off", "pending", "failed"})
_NOT_DIGIT = re.compile(r"\D")
_PHONE_PUNCTUATION = re.compile(r"[\s().+\-]")


def _haystack(state: NumbersState, row: int) -> str:
    number = state.numbers[row]
    phone = number.phone_number or ""
    agent = state.agents.get(number.ai_agent_id)
    parts = (
        phone,
        _NOT_DIGIT.sub("", phone),
        agent.name if agent else "",
        number.ai_agent_id or "",
        number.user_id or "",
    )
    return "\n".join(parts).casefold()


@dataclass(frozen=True)
class SearchIndex:
    """The searchable text of every row, for one list of numbers and one agent list."""

    numbers: tuple[object, ...]
    agents: object
    texts: tuple[str, ...]

    @classmethod
    def build(cls, state: NumbersState) -> SearchIndex:
        texts = tuple(_haystack(state, row) for row in range(len(state)))
        return cls(state.numbers, state.agents, texts)

    def fits(self, state: NumbersState) -> bool:
        """Still right for ``state``: the same numbers and agents (an edit keeps both)."""
        return self.numbers is state.numbers and self.agents is state.agents


def words(query: str) -> list[str]:
    """The words of a query: split at spaces or commas (the table types commas, since its
    space key switches AI)."""
    return query.casefold().replace(",", " ").split()


def matching_rows(
    state: NumbersState, query: str, index: SearchIndex | None = None
) -> tuple[list[int], SearchIndex]:
    """Indexes of the rows matching ``query``, in list order, and the index used (reuse it
    for the next keystroke)."""
    if index is None or not index.fits(state):
        index = SearchIndex.build(state)
    wanted = words(query)
    if not wanted:
        return list(range(len(state))), index
    rows = range(len(state))
    texts = index.texts
    for word in wanted:
        rows = [row for row in rows if _word_matches(state, texts, row, word)]
    return list(rows), index


def _word_matches(state: NumbersState, texts: tuple[str, ...], row: int, word: str) -> bool:
    if word in STATE_WORDS:
        number = state.numbers[row]
        if word == "on":
            return number.ai_enabled is True
        if word == "off":
            return number.ai_enabled is False
        key = state.key_at(row)
        if key is None:
            return False
        if word == "pending":
            return key in state.pending
        outcome = state.outcomes.get(key)
        return outcome is not None and (
            outcome.verdict in (Verdict.REFUSED, Verdict.UNANSWERED) or outcome.confirmed is False
        )
    if word in texts[row]:
        return True
    digits = _PHONE_PUNCTUATION.sub("", word)
    return digits.isdigit() and digits in texts[row]
