"""Property tests: whatever the numbers and the keys pressed, the toggles are exactly the changes.

Numbers, agents and sequences of edits (space, choose an agent, revert, set) are drawn at
random; for each, the toggles built must be one per changed number, in list order, each
body carrying the number verbatim and an agent exactly when enabling, and sending them
(all applied) must leave the server holding what was asked and nothing pending.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.models import VoiceAiConfig
from tui.numbers.agents import AgentBook
from tui.numbers.search import matching_rows
from tui.numbers.state import NeedsAgent, NumbersState, RowOutcome, Setting, Verdict

AGENT_IDS = ["a1", "a2", "a3"]
BOOK = AgentBook.from_prompts([])  # names are not what is under test here

rows = st.lists(
    st.tuples(
        st.sampled_from(["u1", "u2", "u3", None]),
        st.text(alphabet="+0123456789 -", min_size=1, max_size=6),
        st.none() | st.booleans(),
        st.none() | st.sampled_from(AGENT_IDS),
    ),
    max_size=8,
)
edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=7),
        st.sampled_from(["toggle", "agent", "revert", "on", "off"]),
        st.sampled_from(AGENT_IDS),
    ),
    max_size=25,
)


def loaded(listed: list[tuple[Any, ...]]) -> NumbersState:
    config = VoiceAiConfig.model_validate(
        {
            "phoneNumbers": [
                {"userId": u, "phoneNumber": n, "aiEnabled": e, "aiAgentId": a}
                for u, n, e, a in listed
            ]
        }
    )
    return NumbersState.from_config(config, BOOK)


def apply(numbers: NumbersState, steps: list[tuple[int, str, str]]) -> NumbersState:
    for row, action, agent in steps:
        if not len(numbers) or numbers.key_at(row % len(numbers)) is None:
            continue
        key = numbers.key_at(row % len(numbers))
        assert key is not None
        try:
            match action:
                case "toggle":
                    numbers = numbers.toggled(key)
                case "agent":
                    numbers = numbers.with_agent(key, agent)
                case "revert":
                    numbers = numbers.reverted(key)
                case "on":
                    numbers = numbers.with_setting(key, Setting(True))
                case "off":
                    numbers = numbers.with_setting(key, Setting(False))
        except NeedsAgent:
            assert numbers.needs_agent(key) or action == "on"
    return numbers


@settings(max_examples=300, deadline=None)
@given(rows, edits)
def test_toggles_are_exactly_the_changed_numbers(
    listed: list[tuple[Any, ...]], steps: list[tuple[int, str, str]]
) -> None:
    numbers = apply(loaded(listed), steps)
    toggles = numbers.toggles()
    assert len(toggles) == numbers.pending_count
    positions = [numbers.index[t.key] for t in toggles]
    assert positions == sorted(positions)
    for toggle in toggles:
        number = numbers.numbers[numbers.index[toggle.key]]
        body = toggle.request().wire_body()
        assert body["userId"] == number.user_id
        assert body["phoneNumber"] == number.phone_number  # verbatim, whatever its spacing
        assert body["aiEnabled"] is toggle.after.enabled
        assert ("aiAgentId" in body) is bool(toggle.after.enabled)
        if toggle.after.enabled:
            assert body["aiAgentId"] in AGENT_IDS
        assert not toggle.before.satisfies(toggle.after)  # never a no-op request


@settings(max_examples=200, deadline=None)
@given(rows, edits)
def test_all_applied_leaves_nothing_pending_and_the_reread_confirms_all(
    listed: list[tuple[Any, ...]], steps: list[tuple[int, str, str]]
) -> None:
    numbers = apply(loaded(listed), steps)
    toggles = numbers.toggles()
    for toggle in toggles:
        numbers = numbers.recorded(RowOutcome(toggle, Verdict.APPLIED))
    assert numbers.pending_count == 0
    for toggle in toggles:
        assert numbers.current(toggle.key).satisfies(toggle.after)
    reread = VoiceAiConfig.model_validate(
        {"phoneNumbers": [n.model_dump(by_alias=True) for n in numbers.numbers]}
    )
    rebased = numbers.rebased(reread)
    assert rebased.settled == [] and rebased.vanished == []
    assert all(rebased.state.outcomes[t.key].confirmed for t in toggles)


@settings(max_examples=200, deadline=None)
@given(rows, edits)
def test_refused_toggles_stay_exactly_as_they_were(
    listed: list[tuple[Any, ...]], steps: list[tuple[int, str, str]]
) -> None:
    numbers = apply(loaded(listed), steps)
    before = [t.request().wire_body() for t in numbers.toggles()]
    for toggle in numbers.toggles():
        numbers = numbers.recorded(RowOutcome(toggle, Verdict.REFUSED))
    assert [t.request().wire_body() for t in numbers.toggles()] == before


@settings(max_examples=200, deadline=None)
@given(rows, edits, st.text(alphabet="onfpedig+0123456789 ", max_size=8))
def test_the_filter_only_ever_narrows(
    listed: list[tuple[Any, ...]], steps: list[tuple[int, str, str]], query: str
) -> None:
    numbers = apply(loaded(listed), steps)
    shown, index = matching_rows(numbers, query)
    assert shown == sorted(set(shown))
    assert set(shown) <= set(range(len(numbers)))
    longer, _ = matching_rows(numbers, query + " x", index)
    assert set(longer) <= set(shown)
    assert matching_rows(numbers, "")[0] == list(range(len(numbers)))
