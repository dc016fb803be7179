"""O6: do the trunk, Tether and ElevenLabs agree on which numbers are the AI's?

Endpoints are per trunk, not per number [documented]: every number on the trunk is sent
to ElevenLabs, and ElevenLabs answers only the numbers imported there [inferred]. So:

- on the trunk but not imported: calls reach ElevenLabs and cannot be matched: a problem
  for an AI-on number; for an AI-off one a warning (it may be routed on purpose);
- AI-on in Tether but not on the trunk or not imported: a problem (the per-number lines
  say which hop);
- imported but AI-off in Tether, or unknown to Tether: a warning (a stale import still
  answers calls that reach it).

Every disagreement is listed by number in ``details``.
"""

from __future__ import annotations

from tui.checks.verdict import Basis
from tui.wiring.answers import named, no_answer, text
from tui.wiring.evidence import Evidence
from tui.wiring.findings import CheckId, Finding, Verdict
from tui.wiring.inventory import SIP_TRUNK, Inventory, digits

CHECK = CheckId.DRIFT


def trunk_numbers(evidence: Evidence) -> set[str] | None:
    """The numbers on Tether's trunk, when the whole list was read."""
    side = evidence.sinch
    if side is None or side.trunk_numbers is None or not side.trunk_numbers.complete:
        return None
    trunk = evidence.tether.trunk_id
    return {
        phone
        for entry in side.trunk_numbers.items
        if (phone := text(entry, "phoneNumber")) and text(entry, "sipTrunkId") in (None, trunk)
    }


def drift(evidence: Evidence, inventory: Inventory) -> Finding:
    if evidence.sinch is None or evidence.elevenlabs is None:
        why = evidence.sinch_missing if evidence.sinch is None else evidence.elevenlabs_missing
        return Finding(
            CHECK,
            Verdict.UNKNOWN,
            f"needs both ElevenLabs and Sinch ({why or 'a key is missing'})",
            Basis.INFERRED,
        )
    on_trunk = trunk_numbers(evidence)
    if on_trunk is None:
        listing = evidence.sinch.trunk_numbers
        return no_answer(CHECK, listing, "the numbers on the trunk", "Sinch")
    if inventory.elevenlabs_items is None:
        return Finding(
            CHECK,
            Verdict.UNKNOWN,
            "needs ElevenLabs' phone-number list (see the key's line)",
            Basis.INFERRED,
        )
    tether = {n.phone_number: n for n in evidence.tether.numbers}
    # A Tether number imported in another format (no "+") counts as imported here: its
    # own line warns about the format. Other imports keep ElevenLabs' spelling.
    imported = {
        phone
        for phone in tether
        if (item := inventory.item_for(phone) or inventory.near_item_for(phone)) is not None
        and text(item, "provider") == SIP_TRUNK
    }
    tether_digits = {digits(phone) for phone in tether}
    imported |= {
        phone
        for phone, item in inventory.by_number.items()
        if text(item, "provider") == SIP_TRUNK and digits(phone) not in tether_digits
    }
    ai_on = {n.phone_number for n in inventory.ai_on}
    problems: list[str] = []
    warnings: list[str] = []
    for phone in sorted(on_trunk - imported):
        if phone in ai_on:
            problems.append(f"{phone}: AI on and on the trunk, but not imported in ElevenLabs")
        elif phone in tether:
            warnings.append(
                f"{phone}: AI off, but on the trunk: its calls reach ElevenLabs, which has "
                "no such number"
            )
        else:
            warnings.append(f"{phone}: on the trunk, unknown to Tether and to ElevenLabs")
    for phone in sorted(ai_on - on_trunk):
        if phone in imported:
            problems.append(f"{phone}: AI on and imported, but not on the trunk")
        else:
            problems.append(f"{phone}: AI on, but neither on the trunk nor imported")
    for phone in sorted(imported - ai_on):
        if phone in tether:
            warnings.append(f"{phone}: AI off in Tether, but still imported in ElevenLabs")
        else:
            warnings.append(f"{phone}: imported in ElevenLabs, but not a number of Tether's")
    details = tuple(problems + warnings)
    counts = f"{len(on_trunk)} on the trunk, {len(ai_on)} AI on in Tether, {len(imported)} imported"
    if problems:
        return Finding(
            CHECK,
            Verdict.PROBLEM,
            f"{len(details)} disagreement(s) ({counts}): {named([d.split(':')[0] for d in problems], 3)} "
            "will not reach their agent",
            Basis.INFERRED,
            "the numbers' own lines say which hop to fix",
            details,
        )
    if warnings:
        return Finding(
            CHECK,
            Verdict.WARNING,
            f"{len(details)} disagreement(s) ({counts}): "
            f"{named([d.split(':')[0] for d in warnings], 3)}",
            Basis.INFERRED,
            "remove stale imports in ElevenLabs → phone numbers; take numbers no agent "
            "answers off the trunk",
            details,
        )
    return Finding(CHECK, Verdict.OK, f"the three agree ({counts})", Basis.INFERRED)
