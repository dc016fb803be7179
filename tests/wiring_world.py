"""A healthy wiring world as evidence, and ways to break one hop at a time (for the rules' tests).

Built as the issuers answer (the research notes' shapes), not from the rules' code.
"""

from __future__ import annotations

import copy
from typing import Any

from tui.checks.replies import Reply, Unreached
from tui.checks.verdict import Basis, CheckId, CheckResult
from tui.checks.verdict import Verdict as CheckVerdict
from tui.wiring.evidence import (
    ElevenLabsSide,
    Evidence,
    Listing,
    SinchSide,
    TetherNumber,
    TetherSide,
)

TRUNK = "trunk-1"
PROJECT = "proj-1"
DOMAIN = "acme.pstn.sinch.com"
HOST = "tether.example.com"
ON = ("+14165550101", "+14165550103")
OFF = ("+14165550102",)


def el_item(phone: str, agent: str = "agent_sales", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "phone_number": phone,
        "label": f"Line {phone[-4:]}",
        "phone_number_id": f"phnum_{phone[1:]}",
        "provider": "sip_trunk",
        "assigned_agent": {"agent_id": agent, "agent_name": "Sales Line"},
        "outbound_trunk": {
            "address": DOMAIN,
            "transport": "tcp",
            "media_encryption": "allowed",
            "has_auth_credentials": True,
            "username": "acme-ai",
        },
        "inbound_trunk": {
            "allowed_addresses": ["0.0.0.0/0"],
            "allowed_numbers": None,
            "media_encryption": "allowed",
            "has_auth_credentials": False,
        },
        "livekit_stack": "standard",
    }
    item.update(changes)
    return item


def agent(agent_id: str = "agent_sales", name: str = "Sales Line", **settings: Any) -> dict:
    return {
        "agent_id": agent_id,
        "name": name,
        "conversation_config": {"agent": {"prompt": {"tool_ids": ["tool_lookup"]}}},
        "platform_settings": {"archived": False, **settings},
        "phone_numbers": [{"phone_number_id": f"phnum_{p[1:]}"} for p in ON],
    }


def tool(headers: dict[str, Any] | None = None, url: str = f"https://{HOST}/api/tools/x") -> dict:
    return {
        "id": "tool_lookup",
        "tool_config": {
            "type": "webhook",
            "name": "Look up customer",
            "api_schema": {
                "url": url,
                "method": "POST",
                "request_headers": {"Authorization": {"secret_id": "sec_1"}}
                if headers is None
                else headers,
            },
        },
    }


def webhook_ok() -> CheckResult:
    return CheckResult(
        CheckId.ELEVENLABS_WEBHOOK, CheckVerdict.OK, "attached", Basis.OBSERVED, "ok"
    )


def healthy() -> dict[str, Any]:
    """The raw pieces of a healthy world, to be changed then assembled by :func:`evidence`."""
    return {
        "numbers": [TetherNumber(p, f"u{p[-3:]}", True, "p_sales") for p in ON]
        + [TetherNumber(p, f"u{p[-3:]}", False, None) for p in OFF],
        "agent_names": {"p_sales": "Sales Line"},
        "el_numbers": Reply(200, [el_item(p) for p in ON]),
        "agents": {"agent_sales": Reply(200, agent())},
        "tools": {"tool_lookup": Reply(200, tool())},
        "secrets": Listing(({"secret_id": "sec_1", "name": "tether"},)),
        "failed_calls": {"agent_sales": Listing(())},
        "token": Reply(200, {"access_token": "tok"}),
        "trunk": Reply(
            200, {"id": TRUNK, "domain": DOMAIN, "callsPerSecond": 5, "enableCallForward": False}
        ),
        "endpoints": Listing(
            (
                {
                    "name": "ElevenLabs",
                    "address": "sip.rtc.elevenlabs.io",
                    "port": 5060,
                    "transport": "TCP",
                    "priority": 1,
                    "enabled": True,
                },
                {
                    "name": "PBX",
                    "address": "203.0.113.10",
                    "port": 5060,
                    "transport": "UDP",
                    "priority": 0,
                    "enabled": False,
                },
            )
        ),
        "credential_lists": Listing(
            ({"id": "cl1", "name": "EL outbound", "credentials": [{"username": "acme-ai"}]},)
        ),
        "acl_ids": Listing(()),
        "acls": {},
        "trunk_numbers": Listing(tuple({"phoneNumber": p, "sipTrunkId": TRUNK} for p in ON)),
        "est_numbers": {},
        "active_numbers": {
            p: Reply(
                200,
                {
                    "phoneNumber": p,
                    "capability": ["SMS", "VOICE"],
                    "voiceConfiguration": {
                        "type": "EST",
                        "trunkId": TRUNK,
                        "scheduledVoiceProvisioning": None,
                    },
                },
            )
            for p in ON
        },
        "webhook": webhook_ok(),
    }


def evidence(
    world: dict[str, Any] | None = None, *, el: bool = True, sinch: bool = True
) -> Evidence:
    w = copy.deepcopy(world if world is not None else healthy())
    tether = TetherSide(
        numbers=tuple(w["numbers"]),
        project_id=PROJECT,
        trunk_id=TRUNK,
        trunk_domain=DOMAIN,
        host=HOST,
        agent_names=w["agent_names"],
    )
    el_side = (
        ElevenLabsSide(
            phone_numbers=w["el_numbers"],
            agents=w["agents"],
            tools=w["tools"],
            secrets=w["secrets"],
            failed_calls=w["failed_calls"],
            webhook=w["webhook"],
        )
        if el
        else None
    )
    sinch_side = (
        SinchSide(
            token=w["token"],
            trunk=w["trunk"],
            endpoints=w["endpoints"],
            credential_lists=w["credential_lists"],
            acl_ids=w["acl_ids"],
            acls=w["acls"],
            trunk_numbers=w["trunk_numbers"],
            est_numbers=w["est_numbers"],
            active_numbers=w["active_numbers"],
        )
        if sinch
        else None
    )
    return Evidence(
        tether,
        el_side,
        sinch_side,
        elevenlabs_missing="" if el else "no ElevenLabs key given",
        sinch_missing="" if sinch else "no Sinch key ID and secret given",
    )


UNREACHED = Unreached("timeout", "No answer from api.example:443 within 8 s")
