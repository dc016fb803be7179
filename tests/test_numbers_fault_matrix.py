"""The fault matrix, extended to the phone-number toggle: every fault, in the send and the re-read.

Beside the form's matrix (``test_fault_matrix.py``, whose cells stay as they are), with the
same faults and the same demo server. Two toggles are sent (+14165550101 off, then
+14165550104 on); the fault hits the first toggle, or the re-read after both. For each:
the app does not crash, the outcome names the problem, nothing is lost (a toggle not
applied stays pending), whether the batch went on or stopped follows the rule in
``tui.numbers.outcome``, and once the fault has cleared a retry sends the very same
bodies and the server ends up as asked. The cells print with the form's matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.fault_matrix_report import record_outcome
from tests.test_fault_matrix import FAULTS, NAMED_AS, READ_TIMEOUT, REFUSED, Harness
from tui.demo.faults import Fault
from tui.demo.numbers_steps import press
from tui.demo.scenarios import decline_sign_in, settle, until
from tui.numbers.outcome import full_text
from tui.numbers.state import Verdict
from tui.screens.editor import EditorScreen
from tui.screens.numbers_desk import NumbersDesk
from tui.screens.numbers_review import NumbersReviewScreen

PHASES = ["toggle", "toggle reread"]
FIRST = ("64f0a1b2c3d4e5f6a7b8c9d1", "+14165550101")
SECOND = ("64f0a1b2c3d4e5f6a7b8c9d4", "+14165550104")
BODIES = [
    {"userId": FIRST[0], "phoneNumber": FIRST[1], "aiEnabled": False},
    {
        "userId": SECOND[0],
        "phoneNumber": SECOND[1],
        "aiEnabled": True,
        "aiAgentId": "64f0a1b2c3d4e5f6a7b8cc04",
    },
]
GOES_ON = {
    Fault.NOT_FOUND,
    Fault.SERVER_ERROR_STRING,
    Fault.SERVER_ERROR_STRUCTURED,
    Fault.NOT_SUCCESS_200,
}
"""Refusals of one number: the second toggle is still sent. Every other fault stops the batch."""


def desk(pilot: Pilot) -> NumbersDesk:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, EditorScreen))
    numbers = screen.numbers_desk()
    assert numbers is not None
    return numbers


async def two_pending(pilot: Pilot) -> None:
    await settle(pilot)
    # The numbers arrive with the configuration; on a loaded machine the first settle
    # has been seen (once in ~1,200 tests) to return before that load had started.
    editor = next(s for s in pilot.app.screen_stack if isinstance(s, EditorScreen))
    await until(pilot, lambda: editor.numbers_desk() is not None)
    await press(pilot, "ctrl+n", "space", "down", "down", "down", "space")
    assert desk(pilot).pending_count == 2


def received(h: Harness) -> list[dict[str, object]]:
    return h.state.numbers.received_toggles


async def retry_until_done(pilot: Pilot, h: Harness) -> None:
    """Clear the fault, close the results, send what is left: the server ends as asked."""
    h.clear()
    if isinstance(pilot.app.screen, NumbersReviewScreen):
        await press(pilot, "enter")
    if desk(pilot).pending_count:
        await press(pilot, "ctrl+s", "enter")
    assert desk(pilot).pending_count == 0
    config = h.state.public_config()["phoneNumbers"]
    assert (config[0]["aiEnabled"], config[3]["aiEnabled"]) == (False, True)
    assert all(body in BODIES for body in received(h))  # any resend is the same body


async def run_send(h: Harness) -> None:
    async with h.app() as pilot:
        await two_pending(pilot)
        await press(pilot, "ctrl+s")  # the re-check GET passes; the review opens
        assert isinstance(pilot.app.screen, NumbersReviewScreen)
        h.inject("POST")
        await press(pilot, "enter")
        await decline_sign_in(pilot)  # a 401 offers to sign in; not now
        numbers = desk(pilot)
        first = numbers.state.outcomes[FIRST]
        words = " ".join([*full_text(first, numbers.state.agents, None), numbers.batch_note])
        assert NAMED_AS[h.fault].lower() in words.lower(), words
        assert first.verdict in (Verdict.REFUSED, Verdict.UNANSWERED)
        assert FIRST in numbers.state.pending  # not applied: still pending, nothing lost
        second = numbers.state.outcomes[SECOND]
        went_on = h.fault in GOES_ON
        assert second.verdict is (Verdict.APPLIED if went_on else Verdict.NOT_SENT), second
        assert received(h) == ([BODIES[1]] if went_on else [])  # the fault came first
        await retry_until_done(pilot, h)
        cell = "went on" if went_on else "stopped"
        h.record(f"✓ {NAMED_AS[h.fault]}; {cell}; retry ok")


async def run_reread(h: Harness) -> None:
    async with h.app() as pilot:
        await two_pending(pilot)
        await press(pilot, "ctrl+s")
        h.inject("GET")  # both toggles pass; the GET after them fails
        await press(pilot, "enter")
        numbers = desk(pilot)
        assert received(h) == BODIES
        assert numbers.pending_count == 0  # applied: never sent twice
        assert NAMED_AS[h.fault].lower() in numbers.batch_note.lower(), numbers.batch_note
        assert "Re-reading failed" in numbers.batch_note
        assert [numbers.state.outcomes[k].confirmed for k in (FIRST, SECOND)] == [None, None]
        h.clear()
        await press(pilot, "enter", "escape", "ctrl+r")  # results, numbers, then reload
        assert [numbers.state.outcomes[k].confirmed for k in (FIRST, SECOND)] == [True, True]
        assert received(h) == BODIES
        h.record(f"✓ applied; {NAMED_AS[h.fault]}; reload confirms")


RUNNERS = {"toggle": run_send, "toggle reread": run_reread}


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("fault", FAULTS)
async def test_toggle_fault_in_phase(
    fault: str, phase: str, record_property: Callable[[str, object], None]
) -> None:
    if fault == REFUSED and phase == "toggle reread":
        record_outcome(record_property, fault, phase, "n/a (see drop: same path)")
        pytest.skip("a refusal cannot be timed between the toggles and the re-read")
    harness = Harness(fault, phase, record_property)
    harness.start_server()
    await RUNNERS[phase](harness)


assert READ_TIMEOUT < 1.5  # the delay fault (3x) outlasts the deadline (see the form's matrix)
