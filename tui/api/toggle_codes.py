"""The toggle's refusal codes, each explained once, for the app's rows and a script's lines.

The contract's error envelope carries an optional stable ``code``; for the phone-number
toggle it names three (``CallsErrorResponse`` in the reference). What each means, and
what to do about it, is worded here and nowhere else. The status code that comes with
each is not documented, so the explanation keys on the code alone; a refusal without a
known code is explained by the failure's own summary (:mod:`tui.api.failures`).

Sources: the reference's toggle page (enabling checks the number is on the Sinch EST
trunk and that the agent is synced to ElevenLabs, "fails fast without DB writes"), and
the code list of ``CallsErrorResponse``. ``OUTBOUND_IN_FLIGHT`` is only named there; that
it clears once the call ends is inferred from its name.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.api.failures import ApiFailure


@dataclass(frozen=True)
class CodeMeaning:
    """What one code tells the user: the explanation and whether retrying later helps."""

    explanation: str
    """With ``{trunk}`` and ``{agent}`` placeholders, filled by :func:`explain`."""
    retry_later: bool = False


NOT_SYNCED = "AGENT_NOT_SYNCED"
"""The agent is not synced to ElevenLabs: the numbers' state remembers it for the review."""

TOGGLE_CODES: dict[str, CodeMeaning] = {
    "NUMBER_NOT_ON_TRUNK": CodeMeaning(
        "this number is not on the Sinch trunk {trunk}: add it there first"
    ),
    NOT_SYNCED: CodeMeaning(
        "the agent {agent} is not synced to ElevenLabs: sync the agent to ElevenLabs first"
    ),
    "OUTBOUND_IN_FLIGHT": CodeMeaning(
        "a call is in progress: try again when it ends", retry_later=True
    ),
}


def refusal_code(failure: ApiFailure) -> str | None:
    """The stable code of a refusal: the envelope's ``code``, else the structured error's."""
    return failure.code or failure.error_code


def explain(failure: ApiFailure, *, trunk: str | None, agent: str | None) -> str:
    """One line for a refused toggle: the code and its meaning, or the failure's summary.

    ``trunk`` is the configuration's Sinch EST trunk ID and ``agent`` the agent's name
    (or ID) the toggle asked for; either may be unknown.
    """
    code = refusal_code(failure)
    meaning = TOGGLE_CODES.get(code or "")
    if meaning is not None:
        text = meaning.explanation.format(
            trunk=trunk or "(trunk ID not set)", agent=f"'{agent}'" if agent else "chosen"
        )
        return f"{code}: {text}"
    if code:
        return f"{code}: {failure.summary}"
    return failure.summary
