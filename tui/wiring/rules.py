"""The wiring checks' verdicts, for every front end: the organization's, one number's,
the whole report.

The app calls :func:`number_report` as each number's answers arrive (the organization's
answers are in by then), and :func:`organization_findings` once they are; ``doctor``
calls :func:`build_report` at the end.
"""

from __future__ import annotations

from tui.wiring import drift as drift_rule
from tui.wiring import number_rules, org_rules
from tui.wiring.evidence import Evidence, TetherNumber
from tui.wiring.findings import Finding, NumberReport, WiringReport
from tui.wiring.inventory import Inventory

_LAST: list[Inventory] = []
"""The last inventory built: the app asks number after number of the same evidence, and
the index over 1,000 items need not be built 1,000 times. Kept while its evidence is the
one asked about (a frozen value: its ElevenLabs side cannot change under the index);
holding it keeps the evidence alive, so an identity test cannot be fooled by a reused id."""


def _inventory(evidence: Evidence, only: frozenset[str] | None = None) -> Inventory:
    if _LAST:
        last = _LAST[0]
        if last.evidence is evidence and last.only == only:  # Evidence is frozen
            return last
    inventory = Inventory(evidence, only)
    _LAST[:] = [inventory]
    return inventory


def organization_findings(
    evidence: Evidence, only: frozenset[str] | None = None
) -> tuple[Finding, ...]:
    """The organization's lines, in :class:`~tui.wiring.findings.CheckId` order; with
    ``only``, the agents' lines (tools, recent calls) are about those numbers' agents."""
    inventory = _inventory(evidence, only)
    return (
        org_rules.elevenlabs_key(evidence, inventory),
        org_rules.elevenlabs_webhook(evidence),
        org_rules.elevenlabs_tools(evidence, inventory),
        org_rules.recent_calls(evidence, inventory),
        org_rules.sinch_token(evidence),
        org_rules.sinch_trunk(evidence),
        org_rules.sinch_endpoints(evidence),
        org_rules.sinch_outbound_auth(evidence, inventory),
        drift_rule.drift(evidence, inventory),
    )


def number_report(evidence: Evidence, number: TetherNumber) -> NumberReport:
    """One number's lines (AI-off numbers: only whether ElevenLabs still has it)."""
    return number_rules.number_findings(evidence, _inventory(evidence), number)


def build_report(evidence: Evidence, only: frozenset[str] | None = None) -> WiringReport:
    """Everything; ``only`` limits the numbers reported (the organization's lines stay)."""
    inventory = _inventory(evidence, only)
    numbers = tuple(
        number_rules.number_findings(evidence, inventory, number)
        for number in evidence.tether.numbers
        if only is None or number.phone_number in only
    )
    return WiringReport(organization_findings(evidence, only), numbers)
