"""How a toggle's answer counts, when a batch stops, and an outcome in words.

Toggles go one by one, because each touches ElevenLabs and Sinch on the server. A refusal
about one number (not on the trunk, agent not synced, a call in progress, a 400, 404, 409
or 500, a 200 that reports failure) does not stop the others: the next number may well
go through. Anything that says the session or the server as a whole is in trouble does:
no answer or one not understood (sending more would be sending blind), a redirect, 401
(sign in, then resume), 403 (this account may not), 429 (wait), and a gateway's 502,
503 or 504. What is left stays pending, marked "not sent".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tui.api.failures import ApiFailure, FailureKind
from tui.api.number_models import ToggleSuccess
from tui.api.toggle_codes import explain
from tui.numbers.agents import AgentBook
from tui.numbers.state import RowOutcome, Toggle, Verdict

STOPPING_STATUSES = frozenset({401, 403, 429, 502, 503, 504})

NO_ANSWER_KINDS = frozenset({FailureKind.NETWORK, FailureKind.TIMEOUT, FailureKind.BAD_RESPONSE})
"""No answer, or one not understood: the toggle may or may not have been applied."""

GATEWAY_STATUSES = frozenset({502, 503, 504})
"""A gateway's answer, not Tether's: the request may have reached Tether and been applied
before the gateway gave up on it, so it is no answer from the server, not a refusal."""


def outcome_for(toggle: Toggle, answer: ToggleSuccess | ApiFailure) -> RowOutcome:
    if not isinstance(answer, ApiFailure):
        return RowOutcome(toggle, Verdict.APPLIED, message=answer.message)
    unanswered = answer.kind in NO_ANSWER_KINDS or (
        answer.kind is FailureKind.HTTP_STATUS and answer.status in GATEWAY_STATUSES
    )
    verdict = Verdict.UNANSWERED if unanswered else Verdict.REFUSED
    return RowOutcome(toggle, verdict, failure=answer)


def stops_batch(failure: ApiFailure) -> bool:
    """Whether the toggles after this failure should wait (see the module's docstring)."""
    if failure.kind is FailureKind.HTTP_STATUS:
        return failure.status in STOPPING_STATUSES
    return True  # no answer, not understood, a redirect, not sendable


def needs_sign_in(failure: ApiFailure | None) -> bool:
    return failure is not None and failure.status == 401


def short_text(outcome: RowOutcome, agents: AgentBook, trunk: str | None) -> str:
    """One cell of the table: the symbol and the gist (the detail line says the rest)."""
    match outcome.verdict:
        case Verdict.SENDING:
            return "… sending"
        case Verdict.APPLIED:
            if outcome.confirmed is False:
                return "! applied, re-read differs"
            if outcome.confirmed and outcome.failure is not None:
                return "✓ applied (answer lost)"
            return "✓ applied, confirmed" if outcome.confirmed else "✓ applied"
        case Verdict.REFUSED:
            assert outcome.failure is not None
            return "✗ " + explain(outcome.failure, trunk=trunk, agent=_agent(outcome, agents))
        case Verdict.UNANSWERED:
            return "✗ not applied (no answer)" if outcome.confirmed is False else "? no answer"
        case Verdict.NOT_SENT:
            return "● not sent yet"


def full_text(outcome: RowOutcome, agents: AgentBook, trunk: str | None) -> list[str]:
    """The outcome in sentences: what happened, the server's words, what to do next."""
    change = outcome.toggle.change(agents)
    failure = outcome.failure
    match outcome.verdict:
        case Verdict.SENDING:
            return [f"Sending: {change}…"]
        case Verdict.APPLIED:
            said = f" Server said: {outcome.message}." if outcome.message else ""
            if failure is not None:
                lines = [f"✓ Applied: {change}. The answer was lost ({failure.summary}),"]
                return [*lines, "but the re-read shows the number set as asked."]
            lines = [f"✓ Applied: {change}.{said}"]
            if outcome.confirmed:
                lines.append("Confirmed: the re-read shows it.")
            elif outcome.confirmed is False and outcome.reread is not None:
                now = outcome.reread.describe(agents)
                lines.append(
                    f"! But the re-read shows {now}: someone may have changed it since. "
                    "Check before toggling it again."
                )
            return lines
        case Verdict.REFUSED:
            assert failure is not None
            why = explain(failure, trunk=trunk, agent=_agent(outcome, agents))
            # The change first: the detail under the table has two lines, and a long reason
            # there hid what a retry would send (issue 18, item 18).
            lines = [f"✗ Refused: {change}. Still pending: send it again once fixed.", why]
            if failure.error and failure.error not in why:
                lines.append(f"Server said: {failure.error}")
            lines.extend(f"  • {detail}" for detail in failure.details)
            return lines
        case Verdict.UNANSWERED:
            assert failure is not None
            if outcome.confirmed is False and outcome.reread is not None:
                now = outcome.reread.describe(agents)
                return [
                    f"✗ Not applied: {change}. No answer ({failure.summary}),",
                    f"and the re-read shows {now}. Still pending: send it again.",
                ]
            return [
                f"? No answer ({failure.summary}): applied or not is unknown until the "
                "configuration is read again.",
                f"Sent: {change}.",
            ]
        case Verdict.NOT_SENT:
            return [f"● Not sent yet: {change}. The batch stopped before this number."]


def _agent(outcome: RowOutcome, agents: AgentBook) -> str | None:
    agent_id = outcome.toggle.after.agent_id if outcome.toggle.after.enabled else None
    return agents.label(agent_id) if agent_id else None


@dataclass(frozen=True)
class Tally:
    """How a batch went, counted from the outcomes of its toggles."""

    applied: int = 0
    confirmed: int = 0
    unconfirmed: int = 0
    refused: int = 0
    unanswered: int = 0
    not_sent: int = 0
    sending: int = 0

    @classmethod
    def of(cls, outcomes: Iterable[RowOutcome | None]) -> Tally:
        counts = dict.fromkeys(
            ("applied", "confirmed", "unconfirmed", "refused", "unanswered", "not_sent", "sending"),
            0,
        )
        for outcome in outcomes:
            if outcome is None:
                counts["not_sent"] += 1
                continue
            match outcome.verdict:
                case Verdict.APPLIED:
                    counts["applied"] += 1
                    if outcome.confirmed:
                        counts["confirmed"] += 1
                    elif outcome.confirmed is False:
                        counts["unconfirmed"] += 1
                case Verdict.REFUSED:
                    counts["refused"] += 1
                case Verdict.UNANSWERED:
                    counts["unanswered"] += 1
                case Verdict.NOT_SENT:
                    counts["not_sent"] += 1
                case Verdict.SENDING:
                    counts["sending"] += 1
        return cls(**counts)

    def words(self) -> str:
        """ "2 applied (2 confirmed), 1 refused, 1 not sent"."""
        parts: list[str] = []
        if self.applied:
            checked = []
            if self.confirmed:
                checked.append(f"{self.confirmed} confirmed")
            if self.unconfirmed:
                checked.append(f"{self.unconfirmed} differ in the re-read")
            parts.append(
                f"{self.applied} applied" + (f" ({', '.join(checked)})" if checked else "")
            )
        if self.refused:
            parts.append(f"{self.refused} refused")
        if self.unanswered:
            parts.append(f"{self.unanswered} with no answer")
        if self.not_sent:
            parts.append(f"{self.not_sent} not sent")
        return ", ".join(parts) or "nothing sent"
