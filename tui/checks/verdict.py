"""What a credential check can conclude, worded once for the review, the status panel
and the scripts.

Three verdicts and nothing in between, because the user acts on each differently:

- **ok** (✓): the issuer proved something, and the line says exactly what;
- **problem** (✗): the issuer said something definite that will stop calls from
  working; the line says what, and what to do. The app asks a second time before
  sending; ``set`` stops with exit 5;
- **not checked** (?): nothing was proven either way (no route, a timeout, an IP
  allow-list, a busy issuer, a secret that was not typed). It never blocks a save.

Each result also says what it rests on (:class:`Basis`): documented by the issuer,
observed in other tools' code and issues, or inferred. Observed behaviour can change
without notice, and the user (and the closing note of the issue) deserve to know which
verdicts could.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import Enum

from tui.form.masking import masked_in


class Verdict(Enum):
    """One line's conclusion; the symbol and the word make it readable without colour."""

    OK = "ok"
    PROBLEM = "problem"
    NOT_CHECKED = "not checked"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_SYMBOLS = {Verdict.OK: "✓", Verdict.PROBLEM: "✗", Verdict.NOT_CHECKED: "?"}

PENDING_SYMBOL = "…"
"""Shown while a check is still running."""


class Basis(Enum):
    """What a verdict rests on, as the research notes label their facts."""

    DOCUMENTED = "documented"
    """The issuer (or the Tether contract) documents this behaviour."""
    OBSERVED = "observed"
    """Seen in real code, issues or SDKs; not promised by the issuer."""
    INFERRED = "inferred"
    """Reasoned from the documented or observed behaviour; not seen as such."""


class CheckId(Enum):
    """Every line a check can produce, in the order they are shown."""

    ELEVENLABS_KEY = "elevenlabsApiKey"
    ELEVENLABS_CONVAI_WRITE = "elevenlabsConvaiWrite"
    ELEVENLABS_WEBHOOKS_WRITE = "elevenlabsWebhooksWrite"
    SINCH_KEY = "sinchEstKey"
    SINCH_TRUNK = "sinchEstTrunk"
    ELEVENLABS_WEBHOOK = "elevenlabsPostCallWebhook"
    """After a save, not before: whether Tether attached the post-call webhook."""

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def issuer(self) -> str:
        """Who is asked, in the user's words."""
        return "Sinch" if self in (CheckId.SINCH_KEY, CheckId.SINCH_TRUNK) else "ElevenLabs"


_LABELS = {
    CheckId.ELEVENLABS_KEY: "ElevenLabs API key",
    CheckId.ELEVENLABS_CONVAI_WRITE: "ElevenLabs agents: write",
    CheckId.ELEVENLABS_WEBHOOKS_WRITE: "ElevenLabs webhooks: write",
    CheckId.SINCH_KEY: "Sinch EST key",
    CheckId.SINCH_TRUNK: "Sinch EST trunk",
    CheckId.ELEVENLABS_WEBHOOK: "ElevenLabs post-call webhook",
}

LABEL_WIDTH = max(len(label) for label in _LABELS.values())
"""Wide enough for every label, so the verdicts line up in a column."""


@dataclass(frozen=True)
class TrunkDomainFix:
    """The trunk's real domain, which the user may put into the form with one key."""

    domain: str


@dataclass(frozen=True)
class CheckResult:
    """One line: which check, its verdict, what it means and what to do.

    Never holds a secret: summaries are built from statuses, the issuer's error codes
    and messages, identifiers and host names, never from what was sent.
    """

    check: CheckId
    verdict: Verdict
    summary: str
    """What was proven, what is wrong, or why nothing could be checked: one sentence."""
    basis: Basis
    reason: str
    """A stable machine-readable word for scripts (``invalid_api_key``, ``timeout``…)."""
    next_step: str = ""
    """What to do about it, when there is something to do."""
    fix: TrunkDomainFix | None = None

    @property
    def is_problem(self) -> bool:
        return self.verdict is Verdict.PROBLEM

    def headline(self) -> str:
        """``✓ ElevenLabs API key  ok: accepted…`` — symbol, label, word, summary."""
        return (
            f"{self.verdict.symbol} {self.check.label:<{LABEL_WIDTH}}  "
            f"{self.verdict.value}: {self.summary}"
        )

    def as_json(self) -> dict[str, object]:
        """The documented ``--json`` shape of one check."""
        return {
            "check": self.check.value,
            "label": self.check.label,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "summary": self.summary,
            "next": self.next_step or None,
            "basis": self.basis.value,
            "fix": {"sinchEstTrunkDomain": self.fix.domain} if self.fix else None,
        }


def scrubbed(result: CheckResult, secrets: Iterable[str]) -> CheckResult:
    """``result`` with any secret masked in its words.

    The rules never put a sent value into a line, but they quote the issuer's messages,
    and an issuer could echo what it was sent: this keeps that off the screen anyway.
    """
    secrets = list(secrets)
    summary, next_step = masked_in(result.summary, secrets), masked_in(result.next_step, secrets)
    if (summary, next_step) == (result.summary, result.next_step):
        return result
    return replace(result, summary=summary, next_step=next_step)


def pending_line(check: CheckId) -> str:
    """The line shown until a check answers."""
    return f"{PENDING_SYMBOL} {check.label}: checking…"


def not_checked(
    check: CheckId,
    summary: str,
    reason: str,
    *,
    next_step: str = "",
    basis: Basis = Basis.INFERRED,
) -> CheckResult:
    return CheckResult(check, Verdict.NOT_CHECKED, summary, basis, reason, next_step)


def problem(
    check: CheckId,
    summary: str,
    reason: str,
    next_step: str,
    basis: Basis,
    fix: TrunkDomainFix | None = None,
) -> CheckResult:
    return CheckResult(check, Verdict.PROBLEM, summary, basis, reason, next_step, fix)


def ok(check: CheckId, summary: str, basis: Basis, reason: str = "ok") -> CheckResult:
    return CheckResult(check, Verdict.OK, summary, basis, reason)
