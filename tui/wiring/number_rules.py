"""Each number's findings: imported, its agent, outbound and inbound sides, the trunk,
the Numbers API's voice routing; for AI-off numbers only whether ElevenLabs still has it.

Rules from the research notes' §5.2 (N1 to N6); fields [documented] in ElevenLabs' and
Sinch's SDKs; the verdicts are [inferred] unless a line says otherwise. Where one hop
cannot be judged because an earlier one failed, the line says so and points there.
"""

from __future__ import annotations

from typing import Any

from tui.checks.replies import Reply, quote
from tui.checks.sinch import same_domain
from tui.checks.verdict import Basis
from tui.wiring.answers import as_dict, flag, items, no_answer, payload_of, text
from tui.wiring.evidence import Evidence, TetherNumber
from tui.wiring.findings import CheckId, Finding, NumberReport, Verdict
from tui.wiring.inventory import SIP_TRUNK, Inventory, assigned_agent_id, outbound_of
from tui.wiring.org_rules import enabled_acls, usernames_in_lists

IN_ELEVENLABS = "ElevenLabs → phone numbers → {n}"
RETOGGLE = "turn AI off and on again for it in this app (Tether sets it up again)"


def _missing(check: CheckId, why: str) -> Finding:
    return Finding(check, Verdict.UNKNOWN, why, Basis.INFERRED)


def _elevenlabs_ready(check: CheckId, evidence: Evidence, inventory: Inventory) -> Finding | None:
    """The unknown line when ElevenLabs' list is not at hand, else None."""
    if evidence.elevenlabs is None:
        return _missing(check, evidence.elevenlabs_missing or "no ElevenLabs key given")
    if inventory.elevenlabs_items is None:
        return _missing(check, "ElevenLabs' phone numbers were not read (see the key's line)")
    return None


def imported(evidence: Evidence, inventory: Inventory, n: str) -> Finding:
    """N1: an item with exactly this number, over SIP trunk [documented: ElevenLabs
    matches the number exactly as the INVITE carries it; Sinch sends ``+E.164``
    (inferred from its records)]."""
    check = CheckId.ELEVENLABS_IMPORTED
    if (not_ready := _elevenlabs_ready(check, evidence, inventory)) is not None:
        return not_ready
    item = inventory.item_for(n)
    where = IN_ELEVENLABS.format(n=n)
    if item is None:
        near = inventory.near_item_for(n)
        if near is not None:
            written = quote(text(near, "phone_number") or "")
            return Finding(
                check,
                Verdict.WARNING,
                f"imported as {written}, not {n}: ElevenLabs matches the number exactly as "
                "Sinch sends it (+E.164)",
                Basis.DOCUMENTED,
                f"{where}: import it again written {n}",
            )
        return Finding(
            check,
            Verdict.PROBLEM,
            "not imported in ElevenLabs: its calls reach ElevenLabs and cannot be matched",
            Basis.INFERRED,
            f"{RETOGGLE}, or import it in ElevenLabs as a SIP-trunk number",
        )
    provider = text(item, "provider")
    if provider != SIP_TRUNK:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"imported as a {quote(provider or 'unknown')} number, not over SIP trunk: "
            "calls through Sinch do not reach it",
            Basis.DOCUMENTED,
            f"{where}: delete it and import it as a SIP-trunk number, or {RETOGGLE}",
        )
    label = text(item, "label")
    return Finding(
        check,
        Verdict.OK,
        "imported as a SIP-trunk number" + (f" ({quote(label)})" if label else ""),
        Basis.DOCUMENTED,
    )


def _item(inventory: Inventory, n: str) -> dict[str, Any] | None:
    item = inventory.item_for(n) or inventory.near_item_for(n)
    return item if item is not None and text(item, "provider") == SIP_TRUNK else None


def _imported_item(
    check: CheckId, evidence: Evidence, inventory: Inventory, n: str, why: str = ""
) -> dict[str, Any] | Finding:
    """The number's SIP-trunk item, or the unknown line saying which earlier hop is
    missing (ElevenLabs not read, or the number not imported: see that line)."""
    if (not_ready := _elevenlabs_ready(check, evidence, inventory)) is not None:
        return not_ready
    item = _item(inventory, n)
    if item is None:
        return _missing(check, f"not imported over SIP trunk{why} (see Imported)")
    return item


def agent(evidence: Evidence, inventory: Inventory, number: TetherNumber) -> Finding:
    """N2: an agent is assigned, exists, is not archived, and takes calls; its name is
    compared with Tether's agent's, because no field maps one to the other [not found]."""
    check = CheckId.ELEVENLABS_AGENT
    n = number.phone_number
    item = _imported_item(check, evidence, inventory, n, ", so no agent answers")
    if isinstance(item, Finding):
        return item
    agent_id = assigned_agent_id(item)
    where = IN_ELEVENLABS.format(n=n)
    if agent_id is None:
        return Finding(
            check,
            Verdict.PROBLEM,
            "no agent is assigned: nobody answers its calls",
            Basis.DOCUMENTED,
            f"{RETOGGLE} with an agent, or assign one in {where}",
        )
    assert evidence.elevenlabs is not None
    outcome = evidence.elevenlabs.agents.get(agent_id)
    listed_name = text(as_dict(item).get("assigned_agent"), "agent_name")
    shown = quote(listed_name or agent_id)
    if isinstance(outcome, Reply) and outcome.status == 404:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"the assigned agent {shown} does not exist in ElevenLabs (404)",
            Basis.DOCUMENTED,
            f"{RETOGGLE}, or assign an existing agent in {where}",
        )
    payload = payload_of(outcome)
    if payload is None:
        return no_answer(check, outcome, f"agent {shown}", "ElevenLabs")
    name = text(payload, "name") or listed_name or agent_id
    settings = as_dict(as_dict(payload).get("platform_settings"))
    if flag(settings, "archived"):
        return Finding(
            check,
            Verdict.PROBLEM,
            f"the assigned agent {quote(name)} is archived",
            Basis.INFERRED,
            f"{RETOGGLE} with an active agent, or unarchive it in ElevenLabs",
        )
    limits = as_dict(settings.get("call_limits"))
    for field, what in (("agent_concurrency_limit", "concurrent"), ("daily_limit", "daily")):
        if limits.get(field) == 0:
            return Finding(
                check,
                Verdict.PROBLEM,
                f"agent {quote(name)} has a {what} call limit of 0: it takes no calls",
                Basis.DOCUMENTED,
                "raise the limit in ElevenLabs → agent → advanced",
            )
    phone_id = text(item, "phone_number_id")
    listed = [text(p, "phone_number_id") for p in items(payload, "phone_numbers")]
    if phone_id and "phone_numbers" in as_dict(payload) and phone_id not in listed:
        return Finding(
            check,
            Verdict.WARNING,
            f"agent {quote(name)} does not list this number among its phone numbers",
            Basis.INFERRED,
            f"assign it again in {where}",
        )
    tether_name = evidence.tether.agent_names.get(number.ai_agent_id or "")
    if tether_name is not None and tether_name.casefold() != name.casefold():
        return Finding(
            check,
            Verdict.WARNING,
            f"answered by {quote(name)}, while Tether links it to {quote(tether_name)} "
            "(compared by name: no field links the two)",
            Basis.INFERRED,
            f"if that is the wrong agent, {RETOGGLE}",
        )
    named_like = (
        ", named like Tether's agent (compared by name: no field links the two)"
        if tether_name is not None
        else " (Tether's agent for it is not known by name here)"
    )
    return Finding(check, Verdict.OK, f"answered by {quote(name)}{named_like}", Basis.INFERRED)


def _trunk_domain(evidence: Evidence) -> str:
    """The trunk's own domain when Sinch said it, else the one Tether stores."""
    trunk = payload_of(evidence.sinch.trunk) if evidence.sinch is not None else None
    return text(trunk, "domain") or evidence.tether.trunk_domain


def outbound(evidence: Evidence, inventory: Inventory, n: str) -> Finding:
    """N4: ElevenLabs sends this number's outbound INVITEs to the trunk's domain, over
    TCP or TLS, with a username the trunk knows (or the trunk has an ACL)."""
    check = CheckId.ELEVENLABS_OUTBOUND
    item = _imported_item(check, evidence, inventory, n)
    if isinstance(item, Finding):
        return item
    where = IN_ELEVENLABS.format(n=n) + " → outbound"
    config = outbound_of(item)
    if config is None:
        return Finding(
            check,
            Verdict.PROBLEM,
            "no outbound trunk: the AI cannot place calls from this number",
            Basis.DOCUMENTED,
            f"{RETOGGLE}, or set the outbound trunk in {where}",
        )
    address = (text(config, "address") or "").strip()
    domain = _trunk_domain(evidence)
    if address.lower().startswith("sip:"):
        return Finding(
            check,
            Verdict.PROBLEM,
            f"the outbound address {quote(address)} is a SIP URI; ElevenLabs wants a host name",
            Basis.DOCUMENTED,
            f"{where}: set the address to {quote(domain or 'the trunk domain')}",
        )
    host = address.rsplit(":", 1)[0] if address.count(":") == 1 else address
    if not domain:
        return _missing(check, f"sends outbound calls to {quote(address)}; no trunk domain known")
    if not same_domain(host, domain):
        return Finding(
            check,
            Verdict.PROBLEM,
            f"sends outbound calls to {quote(address) or 'no address'}, not the trunk's "
            f"domain {quote(domain)}: Sinch refuses them",
            Basis.DOCUMENTED,
            f"{where}: set the address to {quote(domain)}, or {RETOGGLE}",
        )
    transport = (text(config, "transport") or "").lower()
    digest = flag(config, "has_auth_credentials")
    username = text(config, "username")
    side = evidence.sinch
    lists = usernames_in_lists(side.credential_lists) if side is not None else None
    if digest and username:
        if lists is not None and username not in lists:
            return Finding(
                check,
                Verdict.PROBLEM,
                f"sends the digest username {quote(username)}, which is in none of the "
                "trunk's credential lists: Sinch answers 401",
                Basis.INFERRED,
                f"{where}: use the trunk's username, or add it to a credential list in Sinch",
            )
        auth = f"digest user {quote(username)}" + (
            f" (in {quote(lists[username])})" if lists is not None else ""
        )
    else:
        acls = enabled_acls(evidence) if side is not None else None
        if acls == []:
            return Finding(
                check,
                Verdict.PROBLEM,
                "sends no digest credentials and the trunk has no enabled ACL: Sinch refuses "
                "its outbound calls",
                Basis.DOCUMENTED,
                f"{where}: set the trunk's username and password",
            )
        auth = "no digest credentials (the trunk's ACL must allow ElevenLabs' addresses)"
        if acls is not None:
            return Finding(
                check,
                Verdict.WARNING,
                f"to {quote(domain)} with {auth}; ElevenLabs' source addresses vary",
                Basis.DOCUMENTED,
                f"prefer digest: {where}",
            )
    if transport in ("udp", "auto"):
        return Finding(
            check,
            Verdict.WARNING,
            f"to {quote(domain)} over {transport.upper()}; ElevenLabs advises TCP or TLS",
            Basis.DOCUMENTED,
            f"{where}: transport TCP",
        )
    if text(config, "media_encryption") == "required":
        return Finding(
            check,
            Verdict.WARNING,
            f"to {quote(domain)} with media encryption required; whether Sinch offers SRTP "
            "is not documented",
            Basis.INFERRED,
            f"{where}: media encryption 'allowed'",
        )
    return Finding(
        check,
        Verdict.OK,
        f"to {quote(domain)} over {quote(transport.upper() or 'default transport')}, {auth}; "
        "the password cannot be compared",
        Basis.INFERRED,
    )


def inbound(evidence: Evidence, inventory: Inventory, n: str) -> Finding:
    """N3: nothing on ElevenLabs' side turns Sinch's calls away. Sinch publishes no
    source addresses [not found], so an address list cannot be judged."""
    check = CheckId.ELEVENLABS_INBOUND
    item = _imported_item(check, evidence, inventory, n)
    if isinstance(item, Finding):
        return item
    where = IN_ELEVENLABS.format(n=n) + " → inbound"
    config = as_dict(item).get("inbound_trunk")
    if not isinstance(config, dict):
        return Finding(check, Verdict.OK, "no inbound restrictions", Basis.DOCUMENTED)
    callers = [c for c in items(config, "allowed_numbers") if isinstance(c, str)]
    if callers:
        return Finding(
            check,
            Verdict.WARNING,
            f"accepts calls only from {len(callers)} listed caller number(s); everyone else "
            "is turned away",
            Basis.DOCUMENTED,
            f"{where}: clear the allowed numbers",
        )
    if flag(config, "has_auth_credentials"):
        return Finding(
            check,
            Verdict.WARNING,
            "asks callers for digest credentials; Sinch's endpoints authenticate by address "
            "(whether it answers a challenge is not documented)",
            Basis.INFERRED,
            f"{where}: remove the credentials",
        )
    if text(config, "media_encryption") == "required":
        return Finding(
            check,
            Verdict.WARNING,
            "requires media encryption; whether Sinch offers SRTP is not documented",
            Basis.INFERRED,
            f"{where}: media encryption 'allowed'",
        )
    addresses = [a for a in items(config, "allowed_addresses") if isinstance(a, str)]
    if addresses and "0.0.0.0/0" not in addresses:
        return Finding(
            check,
            Verdict.UNKNOWN,
            f"accepts calls only from {len(addresses)} address range(s); Sinch publishes no "
            "source addresses, so this cannot tell whether its are among them",
            Basis.INFERRED,
            f"if calls are refused, {where}: allow 0.0.0.0/0",
        )
    return Finding(check, Verdict.OK, "accepts calls from any address", Basis.DOCUMENTED)


def _sinch_ready(check: CheckId, evidence: Evidence) -> Finding | None:
    side = evidence.sinch
    if side is None:
        return _missing(check, evidence.sinch_missing or "no Sinch key ID and secret given")
    if not evidence.tether.trunk_id or not evidence.tether.project_id:
        return _missing(check, "Tether stores no Sinch project ID and trunk ID")
    if payload_of(side.token) is None:
        return _missing(check, "needs a Sinch token (see the key's line)")
    return None


def on_trunk(evidence: Evidence, n: str) -> Finding:
    """N5: the EST number is on Tether's trunk (so the trunk's endpoints get its calls)."""
    check = CheckId.SINCH_ON_TRUNK
    if (not_ready := _sinch_ready(check, evidence)) is not None:
        return not_ready
    side = evidence.sinch
    assert side is not None
    trunk = evidence.tether.trunk_id
    where = "Sinch dashboard → Elastic SIP Trunking → phone numbers"
    listing = side.trunk_numbers
    if listing is not None and listing.complete:
        for entry in listing.items:
            if text(entry, "phoneNumber") == n and text(entry, "sipTrunkId") in (None, trunk):
                return Finding(check, Verdict.OK, f"on trunk {quote(trunk)}", Basis.DOCUMENTED)
    outcome = side.est_numbers.get(n)
    if outcome is None:
        if listing is not None and not listing.complete:
            return no_answer(check, listing, "the numbers on the trunk", "Sinch")
        return _missing(check, "not looked up")
    if isinstance(outcome, Reply) and outcome.status == 404:
        return Finding(
            check,
            Verdict.PROBLEM,
            "on no Elastic SIP trunk: its calls never reach ElevenLabs",
            Basis.INFERRED,
            f"{where}: assign it to trunk {quote(trunk)}",
        )
    found = payload_of(outcome)
    if found is None:
        return no_answer(check, outcome, "the number's trunk", "Sinch")
    other = text(found, "sipTrunkId")
    if other == trunk:
        return Finding(check, Verdict.OK, f"on trunk {quote(trunk)}", Basis.DOCUMENTED)
    return Finding(
        check,
        Verdict.PROBLEM,
        f"on trunk {quote(other or 'unknown')}, not Tether's {quote(trunk)}: its calls go to "
        "that trunk's endpoints",
        Basis.DOCUMENTED,
        f"{where}: move it to trunk {quote(trunk)}",
    )


def voice_config(evidence: Evidence, n: str) -> Finding:
    """N6: the Numbers API routes the number's voice to EST, this trunk, nothing pending
    [documented fields; a change can sit in ``scheduledVoiceProvisioning``]."""
    check = CheckId.SINCH_VOICE_CONFIG
    if (not_ready := _sinch_ready(check, evidence)) is not None:
        return not_ready
    side = evidence.sinch
    assert side is not None
    trunk = evidence.tether.trunk_id
    where = f"Sinch dashboard → Numbers → {n} → voice configuration"
    outcome = side.active_numbers.get(n)
    if isinstance(outcome, Reply) and outcome.status == 404:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"the Numbers API does not have it in project {quote(evidence.tether.project_id)}",
            Basis.DOCUMENTED,
            "check that the number belongs to the Sinch project Tether stores",
        )
    found = payload_of(outcome)
    if found is None:
        return no_answer(check, outcome, "the number's voice configuration", "Sinch")
    capabilities = [c for c in items(found, "capability") if isinstance(c, str)]
    if "capability" in as_dict(found) and "VOICE" not in capabilities:
        return Finding(
            check,
            Verdict.PROBLEM,
            "the number has no VOICE capability",
            Basis.DOCUMENTED,
            "in Sinch, use a voice-capable number",
        )
    config = as_dict(as_dict(found).get("voiceConfiguration"))
    kind = text(config, "type")
    trunk_id = text(config, "trunkId")
    scheduled = as_dict(config.get("scheduledVoiceProvisioning"))
    status = text(scheduled, "status")
    if status == "FAILED":
        return Finding(
            check,
            Verdict.PROBLEM,
            f"a change of its voice routing failed (to {quote(text(scheduled, 'type') or '?')} "
            f"{quote(text(scheduled, 'trunkId') or '')})",
            Basis.DOCUMENTED,
            f"{where}: set EST, trunk {quote(trunk)} again",
        )
    pending = status in ("WAITING", "IN_PROGRESS")
    if pending and text(scheduled, "type") == "EST" and text(scheduled, "trunkId") == trunk:
        return Finding(
            check,
            Verdict.WARNING,
            f"moving to EST trunk {quote(trunk)}: provisioning {status.lower()}",
            Basis.DOCUMENTED,
            "check again in a few minutes",
        )
    if kind != "EST":
        return Finding(
            check,
            Verdict.PROBLEM,
            f"its voice goes to {quote(kind or 'nothing')}, not Elastic SIP Trunking",
            Basis.DOCUMENTED,
            f"{where}: EST, trunk {quote(trunk)}",
        )
    if trunk_id != trunk:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"its voice goes to EST trunk {quote(trunk_id or 'none')}, not {quote(trunk)}",
            Basis.DOCUMENTED,
            f"{where}: trunk {quote(trunk)}",
        )
    if pending:
        return Finding(
            check,
            Verdict.WARNING,
            f"EST trunk {quote(trunk)}, but a change is pending ({status.lower()})",
            Basis.DOCUMENTED,
            "check again in a few minutes",
        )
    return Finding(check, Verdict.OK, f"voice routed to EST trunk {quote(trunk)}", Basis.DOCUMENTED)


def leftover(evidence: Evidence, inventory: Inventory, n: str) -> Finding:
    """For an AI-off number: ElevenLabs should no longer hold it (a stale import still
    answers any call that reaches ElevenLabs for it) [inferred]."""
    check = CheckId.ELEVENLABS_LEFTOVER
    if (not_ready := _elevenlabs_ready(check, evidence, inventory)) is not None:
        return not_ready
    item = inventory.item_for(n) or inventory.near_item_for(n)
    if item is None:
        return Finding(check, Verdict.OK, "not imported in ElevenLabs", Basis.DOCUMENTED)
    agent_name = text(as_dict(item).get("assigned_agent"), "agent_name")
    who = f" (agent {quote(agent_name)})" if agent_name else ""
    return Finding(
        check,
        Verdict.WARNING,
        f"AI is off, but ElevenLabs still has it imported{who}",
        Basis.INFERRED,
        f"delete it in {IN_ELEVENLABS.format(n=n)}, or turn AI on and off again in this app",
    )


def number_findings(evidence: Evidence, inventory: Inventory, number: TetherNumber) -> NumberReport:
    n = number.phone_number
    if number.ai_enabled:
        checks = (
            imported(evidence, inventory, n),
            agent(evidence, inventory, number),
            outbound(evidence, inventory, n),
            inbound(evidence, inventory, n),
            on_trunk(evidence, n),
            voice_config(evidence, n),
        )
    else:
        checks = (leftover(evidence, inventory, n),)
    return NumberReport(n, number.user_id, number.ai_enabled, checks)
