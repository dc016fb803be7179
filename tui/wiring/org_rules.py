"""The organization's findings: keys, webhook, the agents' tools, recent calls, the trunk.

Each rule reads :class:`~tui.wiring.evidence.Evidence` and returns one
:class:`~tui.wiring.findings.Finding`. Sources are in the team's research notes on
wiring checks (§ numbers below refer to them); the verdict rules themselves are
[inferred] unless a line says otherwise. The key, token and trunk lines reuse the
credential checks' rules, so a key reads the same in ``check`` and ``doctor``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tui.checks import elevenlabs as elevenlabs_rules
from tui.checks import sinch as sinch_rules
from tui.checks.replies import Reply, quote
from tui.checks.verdict import Basis, CheckResult
from tui.checks.verdict import Verdict as CheckVerdict
from tui.wiring.answers import (
    as_dict,
    dicts,
    flag,
    items,
    named,
    no_answer,
    number,
    payload_of,
    text,
)
from tui.wiring.evidence import Evidence, Listing
from tui.wiring.findings import CheckId, Finding, Verdict
from tui.wiring.inventory import Inventory

_FROM_CHECK = {
    CheckVerdict.OK: Verdict.OK,
    CheckVerdict.PROBLEM: Verdict.PROBLEM,
    CheckVerdict.NOT_CHECKED: Verdict.UNKNOWN,
}


def from_credential_check(check: CheckId, result: CheckResult) -> Finding:
    """A credential check's line as a wiring finding (✓ ✗ ? keep their meaning)."""
    return Finding(
        check, _FROM_CHECK[result.verdict], result.summary, result.basis, result.next_step
    )


def missing(check: CheckId, why: str, todo: str = "") -> Finding:
    """A line that could not be checked because an input is missing."""
    return Finding(check, Verdict.UNKNOWN, why, Basis.INFERRED, todo)


# --- ElevenLabs -------------------------------------------------------------------


def elevenlabs_key(evidence: Evidence, inventory: Inventory) -> Finding:
    """O1: the phone-number list proves the key and the read permission it needs."""
    check = CheckId.ELEVENLABS_KEY
    side = evidence.elevenlabs
    if side is None:
        return missing(check, evidence.elevenlabs_missing or "no ElevenLabs key given")
    outcome = side.phone_numbers
    if inventory.elevenlabs_items is not None:
        total = len(inventory.elevenlabs_items)
        sip = sum(1 for i in inventory.elevenlabs_items if text(i, "provider") == "sip_trunk")
        return Finding(
            check,
            Verdict.OK,
            f"the key may read phone numbers (convai_read): {total} imported, {sip} over SIP trunk",
            Basis.DOCUMENTED,
        )
    if isinstance(outcome, Reply) and outcome.status == 200:
        return no_answer(check, outcome, "the phone-number list", "ElevenLabs")
    result = elevenlabs_rules.classify_key(outcome, region=None, base=None)
    return from_credential_check(check, result)


def elevenlabs_webhook(evidence: Evidence) -> Finding:
    """O10: the post-call webhook, by the credential checks' own rule."""
    check = CheckId.ELEVENLABS_WEBHOOK
    side = evidence.elevenlabs
    if side is None:
        return missing(check, evidence.elevenlabs_missing or "no ElevenLabs key given")
    if not isinstance(side.webhook, CheckResult):
        return missing(check, "the post-call webhook was not looked at")
    return from_credential_check(check, side.webhook)


def _tool_ids(agent: Any) -> list[str]:
    prompt = as_dict(as_dict(as_dict(agent).get("conversation_config")).get("agent")).get("prompt")
    return [t for t in items(prompt, "tool_ids") if isinstance(t, str)]


def _inline_tools(agent: Any) -> list[dict[str, Any]]:
    """``prompt.tools[]``: inline tool configs (deprecated in favour of tool_ids [doc])."""
    prompt = as_dict(as_dict(as_dict(agent).get("conversation_config")).get("agent")).get("prompt")
    return dicts(items(prompt, "tools"))


def _authorization(schema: dict[str, Any]) -> tuple[bool, Any]:
    """(present, value) of the ``Authorization`` request header, any case."""
    headers = as_dict(schema.get("request_headers"))
    for name, value in headers.items():
        if isinstance(name, str) and name.lower() == "authorization":
            return True, value
    return False, None


def elevenlabs_tools(evidence: Evidence, inventory: Inventory) -> Finding:
    """O7: each webhook tool calling Tether's host sends ``Authorization`` from a secret.

    Tether requires the tool secret as a bearer token [documented: the contract]; a
    header given as ``{secret_id}`` comes from the workspace's secret store, and a plain
    string is readable by any key allowed to read agents [inferred from the documented
    union type]. Whether the secret's value equals Tether's cannot be read anywhere.
    """
    check = CheckId.ELEVENLABS_TOOLS
    side = evidence.elevenlabs
    if side is None:
        return missing(check, evidence.elevenlabs_missing or "no ElevenLabs key given")
    if inventory.elevenlabs_items is None:
        return missing(check, "needs the phone-number list (see the key's line)")
    agents = inventory.agents_in_use
    if not agents:
        return Finding(check, Verdict.OK, "no agent is assigned to an AI number", Basis.INFERRED)
    host = evidence.tether.host
    secret_ids = _secret_ids(side.secrets)
    problems: list[str] = []
    warnings: list[str] = []
    unknowns: list[str] = []
    ours = webhooks = 0
    for agent_id in agents:
        agent = inventory.agent_payload(agent_id)
        agent_name = quote(inventory.agent_name(agent_id))
        if agent is None:
            unknowns.append(f"agent {agent_name}: not read")
            continue
        configs: list[tuple[str, dict[str, Any] | None]] = [
            (tool_id, as_dict(payload_of(side.tools.get(tool_id))).get("tool_config"))
            for tool_id in _tool_ids(agent)
        ]
        configs += [(text(tool, "name") or "inline tool", tool) for tool in _inline_tools(agent)]
        for tool_id, config in configs:
            if not isinstance(config, dict):
                unknowns.append(f"{agent_name}: tool {quote(tool_id)} not read")
                continue
            if text(config, "type") != "webhook":
                continue
            webhooks += 1
            schema = as_dict(config.get("api_schema"))
            url = text(schema, "url") or ""
            if (urlsplit(url).hostname or "").lower() != host or not host:
                continue
            ours += 1
            tool = f"{agent_name}: tool {quote(text(config, 'name') or tool_id)}"
            present, value = _authorization(schema)
            if not present:
                problems.append(f"{tool} calls Tether with no Authorization header")
            elif isinstance(value, str):
                warnings.append(f"{tool} sends Authorization as a plain string")
            elif isinstance(value, dict) and isinstance(value.get("secret_id"), str):
                if secret_ids is None:
                    unknowns.append(f"{tool}: the secret list was not read")
                elif value["secret_id"] not in secret_ids:
                    problems.append(
                        f"{tool} sends Authorization from secret "
                        f"{quote(value['secret_id'])}, which does not exist"
                    )
            else:
                unknowns.append(f"{tool}: Authorization comes from a variable")
    details = tuple(problems + warnings + unknowns)
    if problems:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"{len(problems)} tool(s) calling Tether will be refused: {named(problems, 2, '; ')}",
            Basis.INFERRED,
            "in ElevenLabs (agent → tools) send Authorization from the secret that holds "
            "Tether's tool secret, or rotate the tool secret in this app so Tether sets "
            "the tools up again",
            details,
        )
    if unknowns:
        return Finding(
            check,
            Verdict.UNKNOWN,
            f"could not read every tool: {named(unknowns, 2, '; ')}",
            Basis.INFERRED,
            details=details,
        )
    if warnings:
        return Finding(
            check,
            Verdict.WARNING,
            f"{named(warnings, 2, '; ')}: any key that may read agents can read it",
            Basis.INFERRED,
            "in ElevenLabs, store it as a secret and reference it instead",
            details,
        )
    if ours == 0:
        if webhooks == 0:
            return Finding(
                check,
                Verdict.OK,
                f"the {len(agents)} agent(s) in use have no webhook tools",
                Basis.INFERRED,
            )
        return Finding(
            check,
            Verdict.UNKNOWN,
            f"none of the {webhooks} webhook tool(s) of the agents in use calls {quote(host)}; "
            "if Tether's tools use another host name than this app's URL, this cannot tell",
            Basis.INFERRED,
        )
    return Finding(
        check,
        Verdict.OK,
        f"{ours} tool(s) calling Tether send Authorization from a stored secret (its value "
        "cannot be compared with Tether's: neither side returns it)",
        Basis.INFERRED,
    )


def _secret_ids(secrets: Listing | None) -> set[str] | None:
    if secrets is None or not secrets.complete:
        return None
    found: set[str] = set()
    for page in secrets.items:
        secret_id = text(page, "secret_id")
        if secret_id:
            found.add(secret_id)
    return found


def recent_calls(evidence: Evidence, inventory: Inventory) -> Finding:
    """O9: failed SIP-trunk conversations of the agents in use, last 7 days: history,
    never proof of what is wired now [inferred]; the fields are [documented]."""
    check = CheckId.ELEVENLABS_RECENT_CALLS
    side = evidence.elevenlabs
    if side is None:
        return missing(check, evidence.elevenlabs_missing or "no ElevenLabs key given")
    agents = inventory.agents_in_use
    if not agents:
        return Finding(check, Verdict.OK, "no agent is assigned to an AI number", Basis.INFERRED)
    failed: list[str] = []
    unread: list[str] = []
    more = False
    for agent_id in agents:
        listing = side.failed_calls.get(agent_id)
        name = quote(inventory.agent_name(agent_id))
        if listing is None or not listing.complete:
            unread.append(name)
            continue
        more = more or listing.truncated
        for call in listing.items:
            if text(call, "status") != "failed":
                continue
            reason = text(call, "termination_reason") or "no reason given"
            failed.append(f"{name}: {quote(reason)}")
    if failed:
        count = f"{len(failed)}{'+' if more else ''}"
        return Finding(
            check,
            Verdict.WARNING,
            f"{count} failed SIP-trunk call(s) in the last 7 days ({named(failed, 2, '; ')})",
            Basis.DOCUMENTED,
            "history, not proof: the lines above and below say what is wired wrong now; "
            "ElevenLabs → Conversations has each call",
            tuple(failed),
        )
    if unread:
        return Finding(
            check,
            Verdict.UNKNOWN,
            f"could not read the recent calls of {named(unread)}",
            Basis.INFERRED,
        )
    return Finding(
        check,
        Verdict.OK,
        f"no failed SIP-trunk call in the last 7 days for the {len(agents)} agent(s) in use",
        Basis.DOCUMENTED,
    )


# --- Sinch --------------------------------------------------------------------------


def sinch_token(evidence: Evidence) -> Finding:
    check = CheckId.SINCH_TOKEN
    side = evidence.sinch
    if side is None:
        return missing(check, evidence.sinch_missing or "no Sinch key ID and secret given")
    return from_credential_check(check, sinch_rules.classify_token(side.token))


def sinch_trunk(evidence: Evidence) -> Finding:
    """The trunk exists in the project and its domain is Tether's (the credential check's
    rule), with the trunk's fallback and call rate as information (O3)."""
    check = CheckId.SINCH_TRUNK
    side, tether = evidence.sinch, evidence.tether
    if side is None:
        return missing(check, evidence.sinch_missing or "no Sinch key ID and secret given")
    if not tether.trunk_id or not tether.project_id:
        return missing(check, "Tether stores no Sinch project ID and trunk ID")
    if side.trunk is None:
        return missing(check, "needs a Sinch token (see the key's line)")
    result = sinch_rules.classify_trunk(
        side.trunk,
        project_id=tether.project_id,
        trunk_id=tether.trunk_id,
        form_domain=tether.trunk_domain,
    )
    finding = from_credential_check(check, result)
    if finding.verdict is not Verdict.OK:
        return finding
    trunk = payload_of(side.trunk)
    rate = number(trunk, "callsPerSecond")
    forward = flag(trunk, "enableCallForward")
    notes = []
    if rate is not None:
        notes.append(f"{rate} call(s) per second")
    if forward is not None:
        notes.append("undeliverable calls forwarded" if forward else "no call forwarding")
    found = finding.found + (f" ({', '.join(notes)})" if notes else "")
    return Finding(check, Verdict.OK, found, finding.basis)


ELEVENLABS_SIP_HOSTS = frozenset(
    {
        "sip.rtc.elevenlabs.io",  # [documented]
        "sip-static.rtc.elevenlabs.io",  # [documented] static IPs, Enterprise
        "sip-static.rtc.eu.residency.elevenlabs.io",  # [documented]
        "sip-static.rtc.in.residency.elevenlabs.io",  # [documented]
        "sip-static.rtc.sg.residency.elevenlabs.io",  # [documented]
        "sip.rtc.in.residency.elevenlabs.io",  # [documented by a third party]
        "sip.rtc.eu.residency.elevenlabs.io",  # [inferred] by the other hosts' pattern
    }
)
"""Where a trunk must send inbound calls for ElevenLabs to answer them."""


def endpoint_host(address: str) -> str:
    """``sip:host:5060;transport=tcp`` → ``host``: an address written as a URI still names
    its host; lower case, no final dot."""
    host = address.strip().lower().removeprefix("sip:").split(";")[0]
    if host.count(":") == 1:
        host = host.split(":")[0]
    return host.removesuffix(".")


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _describe(endpoint: dict[str, Any]) -> str:
    name = text(endpoint, "name") or text(endpoint, "id") or "an endpoint"
    address = text(endpoint, "address") or text(endpoint, "credentialUsername") or "?"
    transport = text(endpoint, "transport") or "?"
    port = number(endpoint, "port")
    where = f"{address}:{port}" if port else address
    return f"{quote(name)} ({quote(where)} {quote(transport)}, priority {number(endpoint, 'priority')})"


def sinch_endpoints(evidence: Evidence) -> Finding:
    """O2: inbound calls reach ElevenLabs first.

    Every number on the trunk is delivered to the trunk's enabled endpoints by priority,
    lowest first, equal ones in turn [documented]; ElevenLabs listens on
    ``sip.rtc.elevenlabs.io``, 5060 TCP or 5061 TLS, UDP experimental [documented].
    """
    check = CheckId.SINCH_ENDPOINTS
    side, tether = evidence.sinch, evidence.tether
    if side is None:
        return missing(check, evidence.sinch_missing or "no Sinch key ID and secret given")
    if side.endpoints is None:
        return missing(check, "needs the trunk (see the trunk's line)")
    if not side.endpoints.complete:
        return no_answer(check, side.endpoints, "the trunk's endpoints", "Sinch")
    trunk = quote(tether.trunk_id)
    where = f"Sinch dashboard → Elastic SIP Trunking → trunk {trunk} → endpoints"
    endpoints = dicts(list(side.endpoints.items))
    enabled = [e for e in endpoints if flag(e, "enabled") is True]
    if not enabled:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"trunk {trunk} has no enabled endpoint: inbound calls are refused (SIP 503)",
            Basis.DOCUMENTED,
            f"{where}: add sip.rtc.elevenlabs.io, TCP 5060",
        )
    static = [e for e in enabled if text(e, "address")]
    if not static:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"trunk {trunk} has only registered endpoints; ElevenLabs needs a static one",
            Basis.INFERRED,
            f"{where}: add sip.rtc.elevenlabs.io, TCP 5060",
        )
    ours = [e for e in static if endpoint_host(text(e, "address") or "") in ELEVENLABS_SIP_HOSTS]
    others = [e for e in enabled if e not in ours]
    if not ours:
        addresses = [endpoint_host(text(e, "address") or "") for e in static]
        if all(_is_ip(a) for a in addresses):
            return Finding(
                check,
                Verdict.UNKNOWN,
                f"trunk {trunk} sends inbound calls to {named(addresses)}: an IP cannot be "
                "told from ElevenLabs' or a session border controller's",
                Basis.INFERRED,
            )
        return Finding(
            check,
            Verdict.PROBLEM,
            f"no enabled endpoint of trunk {trunk} points at ElevenLabs; inbound calls go to "
            f"{named([_describe(e) for e in enabled], 2)}",
            Basis.DOCUMENTED,
            f"{where}: add sip.rtc.elevenlabs.io, TCP 5060, with the best priority",
            tuple(_describe(e) for e in enabled),
        )
    priorities = [number(e, "priority") for e in enabled]
    if any(p is None for p in priorities):
        return Finding(
            check,
            Verdict.UNKNOWN,
            f"an endpoint of trunk {trunk} has no priority; the order cannot be told",
            Basis.INFERRED,
        )
    ours_best = min(number(e, "priority") or 0 for e in ours)
    ahead = [e for e in others if (number(e, "priority") or 0) <= ours_best]
    if ahead:
        tie = all((number(e, "priority") or 0) == ours_best for e in ahead)
        effect = (
            "calls alternate between them and ElevenLabs"
            if tie
            else "inbound calls to the AI numbers go there first"
        )
        return Finding(
            check,
            Verdict.PROBLEM,
            f"{named([_describe(e) for e in ahead], 2)} "
            f"{'ties with' if tie else 'comes before'} ElevenLabs (priority {ours_best}): "
            f"{effect}",
            Basis.DOCUMENTED,
            f"{where}: give ElevenLabs' endpoint the lowest priority number, or disable the other",
            tuple(_describe(e) for e in ahead),
        )
    chosen = min(ours, key=lambda e: number(e, "priority") or 0)
    transport = (text(chosen, "transport") or "").upper()
    port = number(chosen, "port")
    if (transport == "TCP" and port == 5061) or (transport == "TLS" and port == 5060):
        return Finding(
            check,
            Verdict.PROBLEM,
            f"ElevenLabs' endpoint {_describe(chosen)} uses {transport} on port {port}; "
            "ElevenLabs takes TCP on 5060 and TLS on 5061",
            Basis.DOCUMENTED,
            f"{where}: set the port to {5060 if transport == 'TCP' else 5061}",
        )
    found = f"inbound calls go to ElevenLabs first: {_describe(chosen)}, best of {len(enabled)}"
    if transport == "UDP":
        return Finding(
            check,
            Verdict.WARNING,
            f"{found}, over UDP, which ElevenLabs calls experimental",
            Basis.DOCUMENTED,
            f"{where}: use TCP 5060 or TLS 5061",
        )
    return Finding(check, Verdict.OK, found, Basis.DOCUMENTED)


def usernames_in_lists(side_lists: Listing | None) -> dict[str, str] | None:
    """Every username of the trunk's credential lists → its list's name; None unread."""
    if side_lists is None or not side_lists.complete:
        return None
    found: dict[str, str] = {}
    for listed in dicts(list(side_lists.items)):
        list_name = text(listed, "name") or text(listed, "id") or "a credential list"
        for credential in dicts(items(listed, "credentials")):
            username = text(credential, "username")
            if username:
                found.setdefault(username, list_name)
    return found


def enabled_acls(evidence: Evidence) -> list[str] | None:
    """Names of the enabled ACLs linked to the trunk; None when that could not be read."""
    side = evidence.sinch
    if side is None or side.acl_ids is None or not side.acl_ids.complete:
        return None
    names: list[str] = []
    for acl_id in side.acl_ids.items:
        if not isinstance(acl_id, str):
            continue
        acl = payload_of(side.acls.get(acl_id))
        if acl is None:
            return None
        if flag(acl, "enabled") is not False:
            names.append(text(acl, "name") or acl_id)
    return names


def digest_usernames(inventory: Inventory) -> dict[str, list[str]]:
    """Username → the AI numbers whose outbound trunk sends it."""
    from tui.wiring.inventory import outbound_of

    used: dict[str, list[str]] = {}
    for tether_number in inventory.ai_on:
        outbound = outbound_of(inventory.item_for(tether_number.phone_number))
        if outbound and flag(outbound, "has_auth_credentials") and text(outbound, "username"):
            used.setdefault(text(outbound, "username") or "", []).append(tether_number.phone_number)
    return used


def sinch_outbound_auth(evidence: Evidence, inventory: Inventory) -> Finding:
    """O4: the trunk lets ElevenLabs' outbound INVITEs in: a linked credential list with
    the usernames the numbers send, or an enabled ACL [documented: Sinch authorises by
    credential list or ACL]. Passwords are never returned by either side."""
    check = CheckId.SINCH_OUTBOUND_AUTH
    side, tether = evidence.sinch, evidence.tether
    if side is None:
        return missing(check, evidence.sinch_missing or "no Sinch key ID and secret given")
    if side.credential_lists is None or side.acl_ids is None:
        return missing(check, "needs the trunk (see the trunk's line)")
    lists = usernames_in_lists(side.credential_lists)
    if lists is None:
        return no_answer(check, side.credential_lists, "the trunk's credential lists", "Sinch")
    acls = enabled_acls(evidence)
    if acls is None:
        failed = side.acl_ids if not side.acl_ids.complete else None
        return no_answer(check, failed, "the trunk's access control lists", "Sinch")
    trunk = quote(tether.trunk_id)
    where = f"Sinch dashboard → Elastic SIP Trunking → trunk {trunk} → authentication"
    has_lists = bool(side.credential_lists.items)
    if not has_lists and not acls:
        return Finding(
            check,
            Verdict.PROBLEM,
            f"trunk {trunk} has no credential list and no enabled ACL: ElevenLabs' outbound "
            "calls are refused (SIP 401/403)",
            Basis.DOCUMENTED,
            f"{where}: link a credential list with the username ElevenLabs sends",
        )
    used = digest_usernames(inventory) if inventory.elevenlabs_items is not None else {}
    absent = {u: numbers for u, numbers in used.items() if u not in lists}
    if absent:
        details = tuple(
            f"username {quote(u)} (sent for {named(numbers, 3)}) is in no credential list"
            for u, numbers in absent.items()
        )
        return Finding(
            check,
            Verdict.PROBLEM,
            f"{named(list(absent))}, sent by ElevenLabs for "
            f"{sum(len(n) for n in absent.values())} number(s), is in none of the trunk's "
            "credential lists: those outbound calls get SIP 401",
            Basis.INFERRED,
            f"{where}: add the username, or fix it in ElevenLabs → phone numbers → outbound",
            details,
        )
    if used:
        where_listed = sorted({lists[u] for u in used})
        return Finding(
            check,
            Verdict.OK,
            f"the username(s) ElevenLabs sends ({named(sorted(used))}) are in "
            f"{named(where_listed)}; passwords cannot be compared (never returned)",
            Basis.INFERRED,
        )
    if acls:
        return Finding(
            check,
            Verdict.WARNING,
            f"outbound calls can only pass by IP (ACL {named(acls)}); ElevenLabs' source "
            "addresses vary unless its static-IP servers are used",
            Basis.DOCUMENTED,
            "prefer digest: a credential list on the trunk and its username in ElevenLabs",
        )
    return Finding(
        check,
        Verdict.OK,
        f"trunk {trunk} has credential lists; no AI number sends digest credentials yet",
        Basis.INFERRED,
    )
