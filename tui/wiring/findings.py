"""What the wiring checks conclude, in one shape for ``doctor``, its ``--json`` and the
health view.

Four verdicts, because a superadmin acts on each differently:

- **ok** (✓): the answers show this hop wired as calls need;
- **problem** (✗): calls will fail or go elsewhere; the line says where to fix it;
- **warning** (⚠): likely trouble, or history that suggests it; never proof;
- **unknown** (?): could not tell read-only (no key, no answer, a field nobody
  documents).

Check ids are stable: scripts read them from ``--json``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from tui.checks.verdict import Basis


class Verdict(Enum):
    """One finding's conclusion; symbol and word make it readable without colour."""

    OK = "ok"
    PROBLEM = "problem"
    WARNING = "warning"
    UNKNOWN = "unknown"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def rank(self) -> int:
        """Worse is higher: a row shows its worst finding."""
        return _RANK[self]


_SYMBOLS = {Verdict.OK: "✓", Verdict.PROBLEM: "✗", Verdict.WARNING: "⚠", Verdict.UNKNOWN: "?"}
_RANK = {Verdict.OK: 0, Verdict.WARNING: 1, Verdict.UNKNOWN: 2, Verdict.PROBLEM: 3}


class CheckId(Enum):
    """Every check, by its stable ``--json`` id, in the order shown."""

    # organization
    ELEVENLABS_KEY = "elevenlabs.key"
    ELEVENLABS_WEBHOOK = "elevenlabs.webhook"
    ELEVENLABS_TOOLS = "elevenlabs.tools"
    ELEVENLABS_RECENT_CALLS = "elevenlabs.recent_calls"
    SINCH_TOKEN = "sinch.token"
    SINCH_TRUNK = "sinch.trunk"
    SINCH_ENDPOINTS = "sinch.endpoints"
    SINCH_OUTBOUND_AUTH = "sinch.outbound_auth"
    DRIFT = "drift"
    # per number
    ELEVENLABS_IMPORTED = "elevenlabs.imported"
    ELEVENLABS_AGENT = "elevenlabs.agent"
    ELEVENLABS_OUTBOUND = "elevenlabs.outbound"
    ELEVENLABS_INBOUND = "elevenlabs.inbound"
    SINCH_ON_TRUNK = "sinch.on_trunk"
    SINCH_VOICE_CONFIG = "sinch.voice_config"
    ELEVENLABS_LEFTOVER = "elevenlabs.leftover"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CheckId.ELEVENLABS_KEY: "ElevenLabs key",
    CheckId.ELEVENLABS_WEBHOOK: "Post-call webhook",
    CheckId.ELEVENLABS_TOOLS: "Agent tools → Tether",
    CheckId.ELEVENLABS_RECENT_CALLS: "Recent AI calls",
    CheckId.SINCH_TOKEN: "Sinch key",
    CheckId.SINCH_TRUNK: "Sinch trunk",
    CheckId.SINCH_ENDPOINTS: "Inbound route",
    CheckId.SINCH_OUTBOUND_AUTH: "Outbound auth",
    CheckId.DRIFT: "Numbers agree",
    CheckId.ELEVENLABS_IMPORTED: "Imported",
    CheckId.ELEVENLABS_AGENT: "Agent",
    CheckId.ELEVENLABS_OUTBOUND: "Outbound",
    CheckId.ELEVENLABS_INBOUND: "Inbound",
    CheckId.SINCH_ON_TRUNK: "On trunk",
    CheckId.SINCH_VOICE_CONFIG: "Voice routing",
    CheckId.ELEVENLABS_LEFTOVER: "Left in ElevenLabs",
}

LABEL_WIDTH = max(len(label) for label in _LABELS.values())


@dataclass(frozen=True)
class Finding:
    """One check's verdict: what was found and, when something is to be done, what.

    Never holds a secret: built from identifiers, statuses, host names and the issuers'
    own (quoted, escaped later) words, never from what was sent.
    """

    check: CheckId
    verdict: Verdict
    found: str
    """What the answers show, one sentence."""
    basis: Basis
    todo: str = ""
    """Where to fix it (Sinch dashboard, ElevenLabs number settings, this app)."""
    details: tuple[str, ...] = ()
    """One line per item behind the verdict (each disagreeing number, each tool), for
    ``--all``, ``--json`` and the health view; the line itself stays one sentence."""

    @property
    def line(self) -> str:
        return f"{self.found}; {self.todo}" if self.todo else self.found

    def as_json(self) -> dict[str, object]:
        """``{"id", "verdict", "line", "basis"}`` (plus ``found``/``next`` split out)."""
        return {
            "id": self.check.value,
            "verdict": self.verdict.value,
            "line": self.line,
            "basis": self.basis.value,
            "found": self.found,
            "next": self.todo or None,
            "details": list(self.details),
        }


def worst(findings: Iterable[Finding]) -> Verdict:
    """The verdict a group shows: its worst finding, ok when empty."""
    return max((f.verdict for f in findings), key=lambda v: v.rank, default=Verdict.OK)


@dataclass(frozen=True)
class NumberReport:
    """One Tether number and its checks (AI-off numbers get only the leftover check)."""

    phone_number: str
    user_id: str
    ai_enabled: bool
    checks: tuple[Finding, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return worst(self.checks)

    def as_json(self) -> dict[str, object]:
        return {
            "phoneNumber": self.phone_number,
            "userId": self.user_id,
            "aiEnabled": self.ai_enabled,
            "verdict": self.verdict.value,
            "checks": [finding.as_json() for finding in self.checks],
        }


@dataclass(frozen=True)
class WiringReport:
    """The organization's findings and every number's."""

    checks: tuple[Finding, ...] = ()
    numbers: tuple[NumberReport, ...] = field(default=())

    def all_findings(self) -> list[Finding]:
        return [*self.checks, *(f for n in self.numbers for f in n.checks)]

    @property
    def verdict(self) -> Verdict:
        return worst(self.all_findings())

    @property
    def ok(self) -> bool:
        """True when nothing is wrong and nothing was left unknown (warnings allowed)."""
        return self.verdict in (Verdict.OK, Verdict.WARNING)

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checks": [finding.as_json() for finding in self.checks],
            "numbers": [number.as_json() for number in self.numbers],
        }


def ordered_numbers(numbers: Sequence[NumberReport]) -> list[NumberReport]:
    """Problems first, then unknown, warnings, ok; the list's order within each."""
    return sorted(numbers, key=lambda n: -n.verdict.rank)
