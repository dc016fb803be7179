"""The demo organization's Voice AI wiring across Tether, ElevenLabs and Sinch.

Derived from the Tether demo's own numbers (:class:`~tui.demo.state.DemoState`), so the
four systems agree: every AI-on number is imported into ElevenLabs with the agent of its
Tether prompt's name, sent out through the trunk's domain with the digest username the
trunk's credential list holds, on the EST trunk and routed to it in the Numbers API; an
AI-off number is in none of them. Each seeded number past the first few then carries one
planted problem (:data:`PLANTED`), so ``doctor`` and the health view have every verdict
to show; a 1,000-number organization (``demo-server --numbers 1000``) is otherwise
healthy.

When the Tether demo applies a toggle, :func:`sync_toggle` keeps the stand-ins in step:
on, the number is imported (with the agent of that name), on the trunk and routed to
it; off, it is removed from ElevenLabs and from the trunk, and routed back to the Voice
API (RTC). As the real server would on its own [INFERRED: the toggle's documented
effects stop at "checks the trunk and the agent's sync"].

What the stand-ins hold besides the numbers (the org-level findings):

- agents "Sales Line", "Support Desk", "Reception", "After Hours" (IDs
  ``agent_demo_<name>``), and an archived copy of "After Hours"
  (``agent_demo_after_hours_2024``) that +14165550107 still uses; "Billing (draft)" is
  not in ElevenLabs (never synced);
- Tether-host webhook tools: Sales Line's sends ``Authorization`` from an existing
  secret (ok); Reception's as a plain string (warning); Support Desk's sends none
  (problem); After Hours' names the secret ``sec_deleted``, which does not exist
  (problem); plus a calendar tool on another host and a client tool, which the checks
  must leave alone;
- recent conversations: Support Desk has 3 failed ``sip_trunk`` calls in the last 7 days
  (and an older one, and one in another agent's widget, that a correct filter leaves out);
- +14165550199 imported in ElevenLabs, unknown to Tether (a stale import).

Stdlib only, like the rest of the demo.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.demo import sinch
from tui.demo.convai_world import ConvaiWorld, inbound_trunk, outbound_trunk, phone_number_item
from tui.demo.elevenlabs import GOOD_KEY, ElevenLabsState
from tui.demo.numbers_data import DemoAgent
from tui.demo.sinch_world import (
    CREATED,
    DIGEST_USERNAME,
    active_number,
    est_number,
    voice_est,
    voice_rtc,
)

Json = dict[str, Any]

__all__ = [
    "ARCHIVED_AFTER_HOURS",
    "DELETED_SECRET_ID",
    "OLD_USERNAME",
    "PLANTED",
    "STALE_IMPORT",
    "TOOL_SECRET_ID",
    "Org",
    "Wiring",
    "plant_world",
    "sync_toggle",
]

TOOL_SECRET_ID = "sec_demo_tether_tool"
"""The workspace secret Sales Line's Tether tool sends as its bearer token."""
DELETED_SECRET_ID = "sec_deleted"
"""The secret After Hours' Tether tool names, which the workspace does not have."""
PLAIN_BEARER = "Bearer demo-plain-tool-secret-4e1a"
"""Reception's Tether tool's header, a plain string any convai_read key can read."""
OLD_USERNAME = "old-ai-user"
"""The digest username of +14165550108: in no credential list of any trunk."""
STALE_IMPORT = "+14165550199"
"""Imported in ElevenLabs, not a number of the Tether organization."""
ARCHIVED_AFTER_HOURS = "agent_demo_after_hours_2024"

_NO_AGENT = "-"
"""A :class:`Wiring` ``agent_id`` meaning: imported with no agent assigned."""

_KNOWN_AGENTS = ("Sales Line", "Support Desk", "Reception", "After Hours")


@dataclass(frozen=True)
class Org:
    """Where the organization's numbers go at Sinch: its project, trunk and domain."""

    project_id: str
    trunk_id: str
    domain: str


@dataclass(frozen=True)
class Wiring:
    """Where one number stands in the three stand-ins."""

    imported_as: str | None = None
    """The string ElevenLabs holds (None: not imported)."""
    agent_id: str | None = None
    """The ElevenLabs agent; None: the one of the Tether prompt's name; ``_NO_AGENT``:
    none assigned."""
    outbound_address: str | None = None
    """None: the trunk's domain."""
    username: str = DIGEST_USERNAME
    allowed_numbers: tuple[str, ...] | None = None
    est_trunk: str | None = None
    """The EST trunk the number is on (None: on no trunk)."""
    in_project: bool = True
    """Whether the Numbers API has it (the project owns it)."""
    voice_type: str = "RTC"
    voice_trunk: str = ""
    pending: str | None = None
    """A scheduled voice provisioning's status, not yet done."""


def _healthy(number: str, org: Org) -> Wiring:
    return Wiring(
        imported_as=number, est_trunk=org.trunk_id, voice_type="EST", voice_trunk=org.trunk_id
    )


@dataclass(frozen=True)
class Plant:
    """One seeded number's planted state, and what the checks should find."""

    finding: str
    changes: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Fields of :class:`Wiring` changed from the healthy wiring (AI on) or from none at
    all (AI off)."""
    from_healthy: bool | None = None
    """Start from the healthy wiring even though Tether says AI off (a leftover)."""


PLANTED: dict[str, Plant] = {
    "+14165550101": Plant("all ok"),
    "+14165550102": Plant("ok: AI off and nowhere (not on the trunk, not imported)"),
    "+14165550103": Plant("all ok"),
    "+14165550104": Plant(
        "warning: leftover, AI off but still imported in ElevenLabs (agent After Hours) "
        "and on the trunk",
        from_healthy=True,
    ),
    "+14165550105": Plant(
        "problem: not imported in ElevenLabs, though on the trunk and routed to it (drift)",
        {"imported_as": None},
    ),
    "+14165550106": Plant("problem: imported with no agent", {"agent_id": _NO_AGENT}),
    "+14165550107": Plant(
        "problem: its agent (After Hours) is archived in ElevenLabs",
        {"agent_id": ARCHIVED_AFTER_HOURS},
    ),
    "+14165550108": Plant(
        f"problem: outbound address {sinch.MISMATCHED_TRUNK_DOMAIN}, not the trunk's domain, "
        f"and username {OLD_USERNAME} in no credential list; warning: inbound allows only "
        "+14165550000",
        {
            "outbound_address": sinch.MISMATCHED_TRUNK_DOMAIN,
            "username": OLD_USERNAME,
            "allowed_numbers": ("+14165550000",),
        },
    ),
    "+14165550109": Plant(
        f"problem: on another EST trunk ({sinch.MISMATCHED_TRUNK_ID}), routed to it",
        {"est_trunk": sinch.MISMATCHED_TRUNK_ID, "voice_trunk": sinch.MISMATCHED_TRUNK_ID},
    ),
    "+14165550110": Plant(
        "problem: the Numbers API routes its voice to RTC, not to the trunk",
        {"voice_type": "RTC", "voice_trunk": ""},
    ),
    "+14165550111": Plant(
        "warning: provisioning to the trunk pending (WAITING)", {"pending": "WAITING"}
    ),
    "+14165550112": Plant(
        "warning: imported as 14165550112, without the leading +",
        {"imported_as": "14165550112"},
    ),
}
"""The seeded numbers (Tether's :meth:`~tui.demo.state.DemoState.seeded`) and their
planted states; a number not listed here is wired as Tether says."""


def slug_agent_id(name: str, taken: Iterable[str]) -> str:
    """``agent_demo_`` and the name in lower-case words: a stable, readable ID."""
    words = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:32] or "agent"
    base = f"agent_demo_{words}"
    used = set(taken)
    candidate, count = base, 2
    while candidate in used:
        candidate, count = f"{base}_{count}", count + 1
    return candidate


# --- what ElevenLabs holds besides the numbers ---------------------------------------------


def _webhook_tool(
    tool_id: str, name: str, description: str, url: str, method: str, headers: Json
) -> Json:
    # {id, tool_config, access_info, usage_stats}; a webhook's api_schema has url, method,
    # request_headers (values: a string or {secret_id}) [DOC EL-SDK tool_response_model,
    # webhook_tool_api_schema_config_output*.py].
    return {
        "id": tool_id,
        "tool_config": {
            "type": "webhook",
            "name": name,
            "description": description,
            "response_timeout_secs": 20,
            "disable_interruptions": False,
            "force_pre_tool_speech": False,
            "assignments": [],
            "dynamic_variables": {"dynamic_variable_placeholders": {}},
            "api_schema": {
                "url": url,
                "method": method,
                "request_headers": headers,
                "path_params_schema": {},
                "query_params_schema": None,
                "request_body_schema": (
                    None
                    if method == "GET"
                    else {
                        "type": "object",
                        "description": "What the agent sends",
                        "properties": {"phone": {"type": "string", "description": "Caller"}},
                        "required": ["phone"],
                    }
                ),
                "content_type": "application/json",
                "auth_connection": None,
            },
        },
        "access_info": {
            "is_creator": True,
            "creator_name": "Demo Admin",
            "creator_email": "admin@demo-org.example",
            "role": "admin",
        },
        "usage_stats": {"avg_latency_secs": 0.4, "total_calls": 12},
    }


def _tools(tether_url: str) -> dict[str, Json]:
    base = tether_url.rstrip("/") + "/api/voice-ai/tools"  # the path is [INFERRED]
    tools = [
        _webhook_tool(
            "tool_demo_sales_lookup",
            "lookup_customer",
            "Finds the caller in the CRM",
            f"{base}/lookup-customer",
            "POST",
            {"Authorization": {"secret_id": TOOL_SECRET_ID}, "Content-Type": "application/json"},
        ),
        # Not Tether's host: the checks leave it alone, whatever its headers.
        _webhook_tool(
            "tool_demo_calendar",
            "check_calendar",
            "Free slots in the sales calendar",
            "https://calendar.example.com/v1/availability",
            "GET",
            {"X-Api-Key": {"secret_id": "sec_demo_calendar"}},
        ),
        _webhook_tool(
            "tool_demo_reception_directory",
            "staff_directory",
            "Looks up who to transfer to",
            f"{base}/staff-directory",
            "GET",
            {"Authorization": PLAIN_BEARER},
        ),
        _webhook_tool(
            "tool_demo_support_ticket",
            "lookup_ticket",
            "Reads the caller's open tickets",
            f"{base}/lookup-ticket",
            "POST",
            {"Content-Type": "application/json"},
        ),
        _webhook_tool(
            "tool_demo_after_hours_message",
            "take_message",
            "Leaves a message for the office",
            f"{base}/take-message",
            "POST",
            {"Authorization": {"secret_id": DELETED_SECRET_ID}},
        ),
    ]
    client = {
        # A client tool runs in the caller's app, not on a server [DOC tool types].
        "id": "tool_demo_reception_map",
        "tool_config": {
            "type": "client",
            "name": "show_map",
            "description": "Shows the office on a map",
            "parameters": None,
            "expects_response": False,
            "response_timeout_secs": 20,
        },
        "access_info": tools[0]["access_info"],
        "usage_stats": {"avg_latency_secs": 0.0, "total_calls": 0},
    }
    return {tool["id"]: tool for tool in [*tools, client]}


_AGENT_TOOLS = {
    "Sales Line": ("tool_demo_sales_lookup", "tool_demo_calendar"),
    "Support Desk": ("tool_demo_support_ticket",),
    "Reception": ("tool_demo_reception_directory", "tool_demo_reception_map"),
    "After Hours": ("tool_demo_after_hours_message",),
}


def _dependant(ident: str, name: str) -> Json:
    # A secret's `used_by` entries; their fields beyond id and name are [INFERRED].
    return {
        "id": ident,
        "name": name,
        "type": "available",
        "created_at_unix_secs": 1736935200,
        "access_level": "admin",
    }


def _secrets() -> list[Json]:
    # {type: "stored", secret_id, name, used_by: {tools, agents, others, ...}}, no value
    # [DOC EL-SDK conv_ai_workspace_stored_secret_config.py].
    def secret(secret_id: str, name: str, tools: list[Json], agents: list[Json]) -> Json:
        return {
            "type": "stored",
            "secret_id": secret_id,
            "name": name,
            "used_by": {
                "tools": tools,
                "agents": agents,
                "others": [],
                "phone_numbers": [],
                "mcp_servers": [],
            },
        }

    sales = [_dependant("agent_demo_sales_line", "Sales Line")]
    return [
        secret(
            TOOL_SECRET_ID,
            "TETHER_TOOL_SECRET",
            [_dependant("tool_demo_sales_lookup", "lookup_customer")],
            sales,
        ),
        secret(
            "sec_demo_calendar",
            "CALENDAR_API_KEY",
            [_dependant("tool_demo_calendar", "check_calendar")],
            sales,
        ),
        secret("sec_demo_old_twilio", "OLD_TWILIO_TOKEN", [], []),
    ]


_HOUR, _DAY = 3600, 86400


def _conversations() -> list[Json]:
    # Summaries [DOC API reference ConversationSummaryResponseModel; EL-SDK adds
    # termination_reason and conversation_initiation_source]; newest first.
    rows = [
        # agent, seconds ago, duration, status, termination reason, result, direction, source
        ("agent_demo_reception", 30, 0, "in-progress", "", "unknown", "inbound", "sip_trunk"),
        (
            "agent_demo_sales_line",
            _HOUR,
            240,
            "done",
            "Call ended by remote party",
            "success",
            "inbound",
            "sip_trunk",
        ),
        (
            "agent_demo_support_desk",
            2 * _HOUR,
            4,
            "failed",
            "Tool lookup_ticket failed: the server answered HTTP 401 Unauthorized",
            "failure",
            "inbound",
            "sip_trunk",
        ),
        (
            "agent_demo_sales_line",
            _DAY,
            3,
            "failed",
            "Client disconnected: 1006",
            "failure",
            "inbound",
            "widget",
        ),
        (
            "agent_demo_support_desk",
            _DAY + 3 * _HOUR,
            0,
            "failed",
            "Call failed: SIP 480 Temporarily Unavailable",
            "failure",
            "outbound",
            "sip_trunk",
        ),
        (
            "agent_demo_sales_line",
            2 * _DAY,
            95,
            "done",
            "end_call tool was called.",
            "success",
            "outbound",
            "sip_trunk",
        ),
        (
            "agent_demo_support_desk",
            3 * _DAY,
            12,
            "failed",
            "Error: the language model did not answer in time",
            "failure",
            "inbound",
            "sip_trunk",
        ),
        (
            "agent_demo_reception",
            4 * _DAY,
            60,
            "done",
            "Call ended by remote party",
            "success",
            "inbound",
            "sip_trunk",
        ),
        (
            "agent_demo_support_desk",
            5 * _DAY,
            180,
            "done",
            "Call ended by remote party",
            "success",
            "inbound",
            "sip_trunk",
        ),
        (
            ARCHIVED_AFTER_HOURS,
            6 * _DAY,
            45,
            "done",
            "Call ended by remote party",
            "success",
            "inbound",
            "sip_trunk",
        ),
        (
            "agent_demo_support_desk",
            10 * _DAY,
            0,
            "failed",
            "Call failed: SIP 503 Service Unavailable",
            "failure",
            "inbound",
            "sip_trunk",
        ),
    ]
    names = {
        "agent_demo_sales_line": "Sales Line",
        "agent_demo_support_desk": "Support Desk",
        "agent_demo_reception": "Reception",
        ARCHIVED_AFTER_HOURS: "After Hours",
    }
    return [
        {
            "agent_id": agent_id,
            "agent_name": names[agent_id],
            "branch_id": None,
            "conversation_id": f"conv_demo_{index:04d}",
            "ago_secs": ago,
            "call_duration_secs": duration,
            "message_count": 0 if status == "in-progress" else max(2, duration // 15),
            "status": status,
            "termination_reason": reason,
            "call_successful": result,
            "direction": direction,
            "conversation_initiation_source": source,
            "transcript_summary": None,
            "call_summary_title": None,
            "rating": None,
            "tool_names": [],
        }
        for index, (agent_id, ago, duration, status, reason, result, direction, source) in (
            enumerate(rows, start=1)
        )
    ]


def _base_world(tether_url: str, agent_names: Iterable[str]) -> ConvaiWorld:
    world = ConvaiWorld(tools=_tools(tether_url), secrets=_secrets())
    world.conversations = _conversations()
    for name in _KNOWN_AGENTS:
        world.add_agent(
            slug_agent_id(name, world.agents), name, tool_ids=_AGENT_TOOLS.get(name, ())
        )
    world.add_agent(
        ARCHIVED_AFTER_HOURS,
        "After Hours",
        archived=True,
        tool_ids=_AGENT_TOOLS["After Hours"],
    )
    for name in agent_names:
        if world.live_agent_named(name) is None:
            world.add_agent(slug_agent_id(name, world.agents), name)
    return world


# --- putting a number's wiring into the stand-ins -----------------------------------------


class _Stands:
    """The stand-ins' states the wiring goes into, and the organization."""

    def __init__(
        self, elevenlabs: ElevenLabsState, sinch_state: sinch.SinchState, org: Org, key: str
    ) -> None:
        self.elevenlabs = elevenlabs
        self.sinch = sinch_state
        self.org = org
        self.key = key


def _agent_name(agents: Iterable[DemoAgent], agent_id: object) -> str | None:
    found = next((agent for agent in agents if agent.id == agent_id), None)
    return found.name if found is not None and found.synced else None


def _import(
    world: ConvaiWorld,
    number: str,
    wiring: Wiring,
    agent_name: str | None,
    org: Org,
    *,
    replace: bool = True,
) -> None:
    """Import ``number`` as ``wiring`` says (after removing any import of it, unless
    ``replace`` is off: a world being filled has none, and 5,000 removals cost)."""
    if replace:
        world.remove_number(number)
    if wiring.imported_as is None:
        return
    if wiring.agent_id == _NO_AGENT:
        agent = None
    else:
        agent_id = wiring.agent_id or (world.live_agent_named(agent_name) if agent_name else None)
        if agent_id is None and agent_name:
            agent_id = slug_agent_id(agent_name, world.agents)
            world.add_agent(agent_id, agent_name)
        agent = (agent_id, world.agents[agent_id]["name"]) if agent_id else None
    world.phone_numbers.append(
        phone_number_item(
            wiring.imported_as,
            agent_name or number,
            agent,
            outbound_trunk(wiring.outbound_address or org.domain, wiring.username),
            inbound_trunk(list(wiring.allowed_numbers) if wiring.allowed_numbers else None),
        )
    )


def _route(stands: _Stands, number: str, wiring: Wiring, when: str) -> None:
    """The Sinch side: the EST trunk, and the Numbers API's voice routing."""
    project = stands.org.project_id
    if wiring.est_trunk is None:
        stands.sinch.remove_est_number(project, number)
    else:
        stands.sinch.put_est_number(project, est_number(project, wiring.est_trunk, number, when))
    if not wiring.in_project:
        return
    if wiring.voice_type == "EST":
        voice = voice_est(wiring.voice_trunk, when, wiring.pending)
    else:
        voice = voice_rtc(when)
    if not stands.sinch.set_voice(project, number, voice):
        display = f"Demo org line {number[-4:]}"
        stands.sinch.put_active_number(project, active_number(project, number, voice, display))


def _org(config: Json, sinch_state: sinch.SinchState) -> Org:
    project = config.get("sinchEstProjectId")
    if project not in sinch_state.trunks:
        project = sinch.DEMO_PROJECT_ID
    trunks = sinch_state.trunks[project]
    trunk = config.get("sinchEstTrunkId")
    if trunk not in trunks:
        trunk = sinch.MATCHING_TRUNK_ID if sinch.MATCHING_TRUNK_ID in trunks else next(iter(trunks))
    return Org(project, trunk, trunks[trunk]["domain"])


def _seeded_wiring(row: Json, org: Org, not_on_trunk: set[str]) -> Wiring:
    number = str(row.get("phoneNumber"))
    enabled = bool(row.get("aiEnabled"))
    plant = PLANTED.get(number)
    healthy = enabled or (plant is not None and plant.from_healthy)
    wiring = _healthy(number, org) if healthy else Wiring()
    if number in not_on_trunk:
        # Tether refuses to turn it on (NUMBER_NOT_ON_TRUNK): not in the project at all.
        wiring = dataclasses.replace(wiring, est_trunk=None, in_project=False)
    if plant is not None and plant.changes:
        wiring = dataclasses.replace(wiring, **plant.changes)
    return wiring


def plant_world(
    config: Json,
    agents: list[DemoAgent],
    not_on_trunk: set[str],
    elevenlabs: ElevenLabsState,
    sinch_state: sinch.SinchState,
    tether_url: str,
    key: str = GOOD_KEY,
) -> Org:
    """Fill the stand-ins from the Tether demo's configuration (``public_config()``), its
    agents and the numbers it cannot put on the trunk; returns the organization used."""
    org = _org(config, sinch_state)
    stands = _Stands(elevenlabs, sinch_state, org, key)
    world = _base_world(tether_url, [agent.name for agent in agents if agent.synced])
    for row in config.get("phoneNumbers") or []:
        if not isinstance(row, dict) or not isinstance(row.get("phoneNumber"), str):
            continue
        number = row["phoneNumber"]
        wiring = _seeded_wiring(row, org, not_on_trunk)
        name = _agent_name(agents, row.get("aiAgentId"))
        _import(world, number, wiring, name, org, replace=False)
        _route(stands, number, wiring, CREATED)
    stale = _healthy(STALE_IMPORT, org)
    _import(world, STALE_IMPORT, stale, "Sales Line", org)
    elevenlabs.plant(key, world)
    return org


def sync_toggle(
    row: Json,
    agents: list[DemoAgent],
    elevenlabs: ElevenLabsState,
    sinch_state: sinch.SinchState,
    org: Org,
    key: str = GOOD_KEY,
) -> None:
    """A toggle the Tether demo applied to ``row`` (its state after): on, the number is
    imported with the agent of its prompt's name and healthy wiring, on the trunk and
    routed to it; off, removed from ElevenLabs and the trunk, and routed to RTC."""
    number = row.get("phoneNumber")
    if not isinstance(number, str):
        return
    stands = _Stands(elevenlabs, sinch_state, org, key)
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    wiring = _healthy(number, org) if row.get("aiEnabled") else Wiring()
    name = _agent_name(agents, row.get("aiAgentId"))
    elevenlabs.edit_world(key, lambda world: _import(world, number, wiring, name, org))
    _route(stands, number, wiring, when)
