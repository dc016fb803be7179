"""Send toggles one by one, recording each outcome as it arrives; the app and scripts share it.

The request itself is passed in (``send``), so this stays free of HTTP and is tested with
fakes; the app passes its client's ``toggle`` and redraws on each ``report``, a script
passes the same call and prints a line.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from tui.api.failures import ApiFailure
from tui.api.number_models import ToggleRequest, ToggleSuccess
from tui.numbers.outcome import outcome_for, stops_batch
from tui.numbers.state import NumbersState, RowOutcome, Toggle, Verdict

Send = Callable[[ToggleRequest], Awaitable[ToggleSuccess | ApiFailure]]
Report = Callable[[NumbersState, RowOutcome], None]


@dataclass(frozen=True)
class BatchEnd:
    """How a batch ended: the state after it, and, if it stopped early, why and what is left."""

    state: NumbersState
    sent: list[Toggle] = field(default_factory=list)
    """Toggles a request went out for (whatever the answer)."""
    stopped_by: ApiFailure | None = None
    """The failure that stopped the batch; None when every toggle was sent (or when the
    caller asked to stop, see ``interrupted``)."""
    unsent: list[Toggle] = field(default_factory=list)
    """Toggles still to send: the one that stopped the batch, unless it may have been
    applied, and the ones after it."""
    interrupted: bool = False
    """The caller asked to stop (``should_stop``) before the batch was done."""


async def send_in_turn(
    state: NumbersState,
    toggles: Sequence[Toggle],
    send: Send,
    report: Report,
    should_stop: Callable[[], bool] = lambda: False,
) -> BatchEnd:
    """Send each toggle, waiting for its answer before the next; ``report`` gets the state
    and the outcome after each change (sending, then the answer, then "not sent" for the
    rest when the batch stops)."""
    sent: list[Toggle] = []
    for position, toggle in enumerate(toggles):
        if should_stop():
            return _stop(state, toggles[position:], report, sent, None, interrupted=True)
        sending = RowOutcome(toggle, Verdict.SENDING)
        state = state.recorded(sending)
        report(state, sending)
        answer = await send(toggle.request())
        sent.append(toggle)
        outcome = outcome_for(toggle, answer)
        state = state.recorded(outcome)
        report(state, outcome)
        if isinstance(answer, ApiFailure) and stops_batch(answer):
            rest = list(toggles[position + 1 :])
            if outcome.verdict is Verdict.REFUSED:
                rest.insert(0, toggle)  # refused before anything changed: send it again
            return _stop(state, rest, report, sent, answer, skip_first=rest[:1] == [toggle])
    return BatchEnd(state, sent)


def _stop(
    state: NumbersState,
    rest: Sequence[Toggle],
    report: Report,
    sent: list[Toggle],
    failure: ApiFailure | None,
    *,
    interrupted: bool = False,
    skip_first: bool = False,
) -> BatchEnd:
    """Mark the rest "not sent" (keeping the stopping toggle's own outcome) and end."""
    for index, toggle in enumerate(rest):
        if skip_first and index == 0:
            continue
        outcome = RowOutcome(toggle, Verdict.NOT_SENT)
        state = state.recorded(outcome)
        report(state, outcome)
    return BatchEnd(state, sent, failure, list(rest), interrupted)
