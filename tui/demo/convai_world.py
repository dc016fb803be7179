"""One ElevenLabs workspace's Agents Platform data, and the read answers made from it.

Phone numbers imported over SIP trunking, agents, webhook tools, workspace secrets and
recent conversations: what the wiring checks read (the team's notes, wiring-checks.md
§1 and §3). Pure data and shaping, no HTTP: :mod:`tui.demo.elevenlabs` serves it, and
:mod:`tui.demo.wiring_world` fills and changes it. Labels as in the stand-ins: [DOC]
documented by ElevenLabs (its API reference or its SDK's types), [SEEN] seen in public
code, [INFERRED] reasoned, not seen. Stdlib only.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import time
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

__all__ = [
    "CONVERSATIONS_DEFAULT_PAGE",
    "MAX_PAGE_SIZE",
    "PROVIDERS",
    "SECRETS_DEFAULT_PAGE",
    "ConvaiWorld",
    "PageError",
    "inbound_trunk",
    "outbound_trunk",
    "page_size",
    "phone_number_id",
    "phone_number_item",
]

PROVIDERS = ("twilio", "sip_trunk", "exotel")
"""The ``provider`` values a list may filter by [DOC EL-SDK phone_numbers list()]."""
MAX_PAGE_SIZE = 100
"""Conversations: "Can not exceed 100" [DOC API reference]; secrets the same [INFERRED]."""
CONVERSATIONS_DEFAULT_PAGE = 30
"""Conversations: "defaults to 30" [DOC API reference]."""
SECRETS_DEFAULT_PAGE = 30
"""Secrets: the default is [NOT FOUND]; the conversations' is used [INFERRED]."""


class PageError(ValueError):
    """A page request ElevenLabs would refuse with 422: which query field, and why."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


def phone_number_id(number: str) -> str:
    """The demo's ID of an imported number: ``phnum_`` as real IDs are [SEEN], then
    ``demo_`` and the digits, so the same number always gets the same ID."""
    digits = "".join(ch for ch in number if ch.isalnum()) or "x"
    return f"phnum_demo_{digits}"


def outbound_trunk(address: str, username: str | None, transport: str = "tcp") -> Json:
    """The read shape of a number's outbound side [DOC EL-SDK
    get_phone_number_outbound_sip_trunk_config_response_model.py]: never a password,
    only whether there are credentials and the username."""
    return {
        "address": address,
        "transport": transport,
        "media_encryption": "allowed",
        "headers": {},
        "has_auth_credentials": username is not None,
        "username": username,
        "has_outbound_trunk": True,
        "enabled_codecs": ["PCMU/8000", "PCMA/8000"],
    }


def inbound_trunk(allowed_numbers: list[str] | None = None) -> Json:
    """The read shape of a number's inbound side [DOC EL-SDK
    get_phone_number_inbound_sip_trunk_config_response_model.py]; open to any address,
    as a real inbound-only SIP number was seen to be [SEEN public code sample]."""
    return {
        "allowed_addresses": ["0.0.0.0/0"],
        "allowed_numbers": allowed_numbers,
        "media_encryption": "allowed",
        "has_auth_credentials": False,
        "username": None,
        "remote_domains": None,
    }


def phone_number_item(
    number: str,
    label: str,
    agent: tuple[str, str] | None,
    outbound: Json | None,
    inbound: Json | None,
) -> Json:
    """A ``sip_trunk`` number as stored (the legacy ``provider_config`` is added when
    answered). ``agent``: (agent_id, agent_name), or None for no agent."""
    return {
        "phone_number": number,
        "label": label,
        "phone_number_id": phone_number_id(number),
        "provider": "sip_trunk",
        # {agent_id, agent_name} or null [DOC EL-SDK phone_number_agent_info.py].
        "assigned_agent": {"agent_id": agent[0], "agent_name": agent[1]} if agent else None,
        "outbound_trunk": outbound,
        "inbound_trunk": inbound,
        "livekit_stack": "standard",
        # "Deprecated and will be removed" [DOC]: answered, never worth a verdict.
        "supports_inbound": inbound is not None,
        "supports_outbound": outbound is not None,
    }


def _answer_item(item: Json) -> Json:
    answer = copy.deepcopy(item)
    # `provider_config`: the legacy duplicate of `outbound_trunk` [DOC EL-SDK].
    answer["provider_config"] = copy.deepcopy(item.get("outbound_trunk"))
    return answer


def _encode_cursor(offset: int) -> str:
    # An opaque string [DOC: "Cursor is returned in the response"]; its form [INFERRED].
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_cursor(cursor: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise PageError("cursor", "Invalid cursor") from None
    if not isinstance(offset, int) or offset < 0:
        raise PageError("cursor", "Invalid cursor")
    return offset


def page_size(raw: str | None, default: int) -> int:
    """A ``page_size`` query value: 1 to 100, else a 422 [DOC: "Can not exceed 100"]."""
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise PageError("page_size", f"Input should be between 1 and {MAX_PAGE_SIZE}")
    return int(raw)


def _page(items: list[Json], size: int, cursor: str | None) -> tuple[list[Json], str | None]:
    start = _decode_cursor(cursor) if cursor else 0
    chosen = items[start : start + size]
    after = start + len(chosen)
    return chosen, (_encode_cursor(after) if after < len(items) else None)


@dataclass
class ConvaiWorld:
    """One workspace's numbers, agents, tools, secrets and conversations."""

    phone_numbers: list[Json] = field(default_factory=list)
    """Stored items (:func:`phone_number_item`), in import order."""
    agents: dict[str, Json] = field(default_factory=dict)
    """agent_id -> {name, archived, tool_ids, call_limits, prompt}."""
    tools: dict[str, Json] = field(default_factory=dict)
    """tool_id -> the whole ``GET /v1/convai/tools/{id}`` answer."""
    secrets: list[Json] = field(default_factory=list)
    """Stored secrets' metadata; the values are never kept, as they are never answered."""
    conversations: list[Json] = field(default_factory=list)
    """Summaries with ``ago_secs`` (seconds before now) instead of a start time, so the
    demo's "last 7 days" stays the last 7 days however long it runs; newest first."""

    # --- changes (under the owner's lock) ---

    def add_agent(
        self,
        agent_id: str,
        name: str,
        *,
        archived: bool = False,
        tool_ids: tuple[str, ...] = (),
    ) -> None:
        self.agents[agent_id] = {
            "name": name,
            "archived": archived,
            "tool_ids": list(tool_ids),
            # {agent_concurrency_limit (-1 = none), daily_limit, bursting_enabled}
            # [DOC EL-SDK agent_call_limits.py]; values as seen on a real agent [SEEN].
            "call_limits": {
                "agent_concurrency_limit": -1,
                "daily_limit": 100000,
                "bursting_enabled": True,
            },
        }

    def live_agent_named(self, name: str) -> str | None:
        """The first agent of that name that is not archived (a number is imported with
        the agent the Tether prompt of that name was synced to [INFERRED])."""
        for agent_id, agent in self.agents.items():
            if agent["name"] == name and not agent["archived"]:
                return agent_id
        return None

    def remove_number(self, number: str) -> Json | None:
        """Remove every import of ``number``, with or without its ``+``; the first one
        removed (to keep its ID on a re-import), or None."""
        digits = number.lstrip("+")
        kept, removed = [], []
        for item in self.phone_numbers:
            same = str(item.get("phone_number", "")).lstrip("+") == digits
            (removed if same else kept).append(item)
        self.phone_numbers = kept
        return removed[0] if removed else None

    # --- answers ---

    def list_phone_numbers(self, provider: str | None, agent_id: str | None) -> list[Json]:
        """``GET /v1/convai/phone-numbers``: a bare array, no paging [DOC EL-SDK]."""
        return [
            _answer_item(item)
            for item in self.phone_numbers
            if (provider is None or item["provider"] == provider)
            and (agent_id is None or (item["assigned_agent"] or {}).get("agent_id") == agent_id)
        ]

    def phone_number(self, phone_number_id: str) -> Json | None:
        for item in self.phone_numbers:
            if item["phone_number_id"] == phone_number_id:
                return _answer_item(item)
        return None

    def agent(self, agent_id: str) -> Json | None:
        """``GET /v1/convai/agents/{id}`` [DOC EL-SDK get_agent_response_model.py], with
        ``phone_numbers[]`` the items assigned to it [SEEN real answer]."""
        agent = self.agents.get(agent_id)
        if agent is None:
            return None
        return {
            "agent_id": agent_id,
            "name": agent["name"],
            "conversation_config": {
                "agent": {
                    "first_message": f"Hello, this is {agent['name']}.",
                    "language": "en",
                    "prompt": {
                        "prompt": f"You are {agent['name']}, a voice agent of the demo org.",
                        "llm": "gemini-2.0-flash",
                        # `tool_ids` is current; inline `tools` "use tool_ids instead" [DOC].
                        "tool_ids": list(agent["tool_ids"]),
                        "built_in_tools": {},
                        "mcp_server_ids": [],
                    },
                }
            },
            "metadata": {"created_at_unix_secs": 1736935200},
            "platform_settings": {
                "archived": agent["archived"],
                "call_limits": dict(agent["call_limits"]),
            },
            "phone_numbers": self.list_phone_numbers(None, agent_id),
            "workflow": None,
            "tags": [],
            "version_id": None,
            "branch_id": None,
            "main_branch_id": None,
            "access_info": {
                "is_creator": True,
                "creator_name": "Demo Admin",
                "creator_email": "admin@demo-org.example",
                "role": "admin",
            },
        }

    def tool(self, tool_id: str) -> Json | None:
        found = self.tools.get(tool_id)
        return copy.deepcopy(found) if found is not None else None

    def secrets_page(self, size: int, cursor: str | None) -> Json:
        """``GET /v1/convai/secrets``: ``{secrets, next_cursor}``, no value field, ever
        [DOC EL-SDK get_workspace_secrets_response_model.py]."""
        chosen, next_cursor = _page(self.secrets, size, cursor)
        return {"secrets": copy.deepcopy(chosen), "next_cursor": next_cursor}

    def conversations_page(
        self,
        *,
        agent_id: str | None,
        source: str | None,
        after: int | None,
        excluded: set[str],
        size: int,
        cursor: str | None,
    ) -> Json:
        """``GET /v1/convai/conversations`` filtered as asked, newest first
        [DOC API reference: agent_id, call_start_after_unix, page_size, cursor; EL-SDK:
        conversation_initiation_source, exclude_statuses]."""
        now = int(time.time())
        matching = []
        for stored in self.conversations:
            summary = {key: value for key, value in stored.items() if key != "ago_secs"}
            summary["start_time_unix_secs"] = now - stored["ago_secs"]
            if agent_id is not None and summary["agent_id"] != agent_id:
                continue
            if source is not None and summary["conversation_initiation_source"] != source:
                continue
            # "Filter conversations after to this start date" [DOC]: strictly after
            # or not is unsaid; at-or-after here [INFERRED].
            if after is not None and summary["start_time_unix_secs"] < after:
                continue
            if summary["status"] in excluded:
                continue
            matching.append(summary)
        chosen, next_cursor = _page(matching, size, cursor)
        return {
            "conversations": copy.deepcopy(chosen),
            "next_cursor": next_cursor,
            "has_more": next_cursor is not None,
        }
