"""A stand-in for the ElevenLabs API: the few routes a credential check and Tether's
webhook setup touch, answering as the research notes say ElevenLabs does.

Written from the team's notes on credential checks, not from the app's client: stdlib
only, nothing from ``tui.api`` or ``tui.checks``, so the client and this server agreeing
means something. Every behaviour carries the notes' label: [DOC] documented by
ElevenLabs, [SEEN] seen in public code or issues, [INFERRED] reasoned, not seen.

Keys are published constants (:data:`DEMO_KEYS`), one per thing worth seeing. Each has
its own workspace, so what one key's saves do to webhooks never shows up under another.

The Agents Platform reads of the wiring checks (phone numbers, agents, tools, secrets,
conversations) answer from the workspace's :class:`~tui.demo.convai_world.ConvaiWorld`.
The demo stack puts the demo organization's world into the good key's workspace
(:mod:`tui.demo.wiring_world`); every other key with ``convai_read`` reads an empty
workspace: nothing imported, no agents, no tools, no secrets, no calls.
"""

from __future__ import annotations

import copy
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from tui.demo.convai_world import (
    CONVERSATIONS_DEFAULT_PAGE,
    PROVIDERS,
    SECRETS_DEFAULT_PAGE,
    ConvaiWorld,
    Json,
    PageError,
    page_size,
)
from tui.demo.loopback import JsonHandler, LoopbackServer, RouteTable
from tui.demo.routing import Route

__all__ = [
    "BUSY_KEY",
    "DEMO_KEYS",
    "EU_KEY",
    "GOOD_KEY",
    "IP_ALLOWLISTED_KEY",
    "KEY_ID",
    "NO_CONVAI_READ_KEY",
    "NO_CONVAI_WRITE_KEY",
    "NO_WEBHOOKS_WRITE_KEY",
    "QUOTA_KEY",
    "SLOW_KEY",
    "SLOW_SECONDS",
    "UNKNOWN_KEY",
    "UNUSUAL_ACTIVITY_KEY",
    "DemoKey",
    "ElevenLabsStandIn",
    "ElevenLabsState",
]

READ = "convai_read"
WRITE = "convai_write"
WEBHOOKS = "webhooks_write"
USER_READ = "user_read"

T = TypeVar("T")

SLOW_SECONDS = 30.0
"""How long the slow key's answer takes: longer than any check waits."""


@dataclass(frozen=True)
class DemoKey:
    """One demo key: what it may do, or the refusal every request with it gets."""

    key: str
    about: str
    """What the key shows, for the README and the demo server's banner."""
    permissions: frozenset[str] = frozenset()
    refusal: tuple[int, str, str] | None = None
    """(HTTP status, detail.status, message) answered to every request, before routes."""
    slow: bool = False
    known: bool = True
    """False: listed for the documentation only; ElevenLabs does not know it."""


GOOD_KEY = "sk_demo_good_7c41d2e9a0b3"
UNKNOWN_KEY = "sk_demo_unknown_5e0f8a3b19c6"
NO_CONVAI_READ_KEY = "sk_demo_no_convai_read_2d7e"
NO_CONVAI_WRITE_KEY = "sk_demo_no_convai_write_8b3f"
NO_WEBHOOKS_WRITE_KEY = "sk_demo_no_webhooks_write_4a9c"
EU_KEY = "sk_demo_eu_6f2a8d0c4e1b_residency_eu"
KEY_ID = "demo_key_id_3e8b1f0a"
QUOTA_KEY = "sk_demo_quota_exceeded_0c5d"
UNUSUAL_ACTIVITY_KEY = "sk_demo_unusual_activity_9e2a"
IP_ALLOWLISTED_KEY = "sk_demo_ip_allowlisted_1b6f"
BUSY_KEY = "sk_demo_busy_3d8c"
SLOW_KEY = "sk_demo_slow_7a0e"

_ALL = frozenset({READ, WRITE, WEBHOOKS})

DEMO_KEYS: tuple[DemoKey, ...] = (
    # A restricted key without user_read, on purpose: a check that used /v1/user would
    # reject it, as other tools have rejected good keys [SEEN].
    DemoKey(GOOD_KEY, "good: agents read/write and webhooks", _ALL),
    DemoKey(UNKNOWN_KEY, "unknown to ElevenLabs (as is any key not listed)", known=False),
    DemoKey(NO_CONVAI_READ_KEY, "without convai_read", frozenset({WRITE, WEBHOOKS})),
    DemoKey(NO_CONVAI_WRITE_KEY, "without convai_write", frozenset({READ, WEBHOOKS})),
    DemoKey(NO_WEBHOOKS_WRITE_KEY, "without webhooks_write", frozenset({READ, WRITE})),
    # An EU data-residency key sent to the default environment: what it answers there is
    # [NOT FOUND]; "invalid key" is the guess [INFERRED]. It is simply not listed here.
    DemoKey(EU_KEY, "EU data residency: unknown to this (default) environment", known=False),
    DemoKey(
        KEY_ID,
        "a key's ID pasted instead of the key",
        refusal=(401, "api_key_id_used_as_api_key", "You used an API key ID, not the API key."),
    ),  # [SEEN public code sample]
    DemoKey(
        QUOTA_KEY,
        "an account whose quota is used up",
        refusal=(401, "quota_exceeded", "This request exceeds your quota of 10000."),
    ),  # [DOC help center]
    DemoKey(
        UNUSUAL_ACTIVITY_KEY,
        "a free-tier account stopped for unusual activity",
        refusal=(
            401,
            "detected_unusual_activity",
            "Unusual activity detected. Free Tier usage disabled.",
        ),
    ),  # [SEEN n8n#17252]
    DemoKey(
        IP_ALLOWLISTED_KEY,
        "allow-listed for other IPs only (answers 403)",
        refusal=(403, "", "Requests from this IP address are not allowed for this API key."),
    ),  # 403 [DOC authentication]; the body is [NOT FOUND]
    DemoKey(
        BUSY_KEY,
        "ElevenLabs busy (answers 429)",
        refusal=(429, "system_busy", "Our services are experiencing high traffic."),
    ),  # [DOC 429 help article]
    DemoKey(SLOW_KEY, f"answers only after {SLOW_SECONDS:g} s", _ALL, slow=True),
)

_BY_KEY = {demo.key: demo for demo in DEMO_KEYS if demo.known}


@dataclass
class _Workspace:
    """One key's workspace: convai settings and workspace webhooks."""

    settings: dict[str, Any] = field(
        default_factory=lambda: {
            # The shape of GET /v1/convai/settings [SEEN public code sample].
            "conversation_initiation_client_data_webhook": None,
            "webhooks": {
                "post_call_webhook_id": None,
                "events": ["transcript"],
                "transcript_format": "json",
                "send_audio": False,
            },
        }
    )
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    """Tools created through the API (the write probe must create none)."""
    world: ConvaiWorld = field(default_factory=ConvaiWorld)
    """The Agents Platform data the wiring checks read (empty unless planted)."""


class ElevenLabsState:
    """Each known key's workspace; thread-safe like the Tether demo's state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._workspaces: dict[str, _Workspace] = {}

    def _workspace(self, key: str) -> _Workspace:
        return self._workspaces.setdefault(key, _Workspace())

    def settings(self, key: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._workspace(key).settings)

    def update_settings(self, key: str, patch: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            settings = self._workspace(key).settings
            for name, value in patch.items():
                if isinstance(value, dict) and isinstance(settings.get(name), dict):
                    settings[name].update(value)
                else:
                    settings[name] = value
            return copy.deepcopy(settings)

    def webhooks(self, key: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._workspace(key).webhooks)

    def create_webhook(self, key: str, name: str, url: str, auth_type: str) -> dict[str, str]:
        webhook_id = "wh_" + secrets.token_hex(8)
        with self._lock:
            self._workspace(key).webhooks.append(
                {
                    # Field names [SEEN vbrazo/elevenlabs_client WORKSPACE_WEBHOOKS.md].
                    "webhook_id": webhook_id,
                    "name": name,
                    "webhook_url": url,
                    "auth_type": auth_type,
                    "is_disabled": False,
                    "is_auto_disabled": False,
                    "most_recent_failure_error_code": None,
                    "most_recent_failure_timestamp": None,
                }
            )
        return {"webhook_id": webhook_id, "webhook_secret": "wsec_" + secrets.token_hex(16)}

    def change_webhook(self, key: str, webhook_id: str, **fields: Any) -> None:
        """For tests: disable a webhook, record a failure."""
        with self._lock:
            for webhook in self._workspace(key).webhooks:
                if webhook["webhook_id"] == webhook_id:
                    webhook.update(fields)

    def create_tool(self, key: str, config: dict[str, Any]) -> dict[str, str]:
        tool_id = "tool_" + secrets.token_hex(8)
        with self._lock:
            self._workspace(key).tools.append({"id": tool_id, "tool_config": config})
        return {"id": tool_id}

    def plant(self, key: str, world: ConvaiWorld) -> None:
        """Give ``key``'s workspace this world (the demo stack's good key)."""
        with self._lock:
            self._workspace(key).world = world

    def read_world(self, key: str, reader: Callable[[ConvaiWorld], T]) -> T:
        """``reader``'s answer from ``key``'s world, under the lock, as a copy."""
        with self._lock:
            return copy.deepcopy(reader(self._workspace(key).world))

    def edit_world(self, key: str, editor: Callable[[ConvaiWorld], T]) -> T:
        """Run ``editor`` on ``key``'s world under the lock (a toggle's consequences)."""
        with self._lock:
            return editor(self._workspace(key).world)

    def created_anything(self, key: str) -> bool:
        """Whether any tool or webhook exists for ``key``: the probes must create none."""
        with self._lock:
            workspace = self._workspaces.get(key)
            return bool(workspace and (workspace.tools or workspace.webhooks))


# --- answers ---------------------------------------------------------------------------


def _refuse(request: JsonHandler, status: int, reason: str, message: str) -> None:
    # {"detail": {"status", "message"}} [DOC invalid key; SEEN missing permissions]; the
    # newer type/code fields [DOC errors page] come with the permission refusals.
    detail = {"status": reason, "message": message} if reason else {"message": message}
    request.send_json(status, {"detail": detail})


def _missing(request: JsonHandler, permission: str) -> None:
    # HTTP 401, not 403, and the message names the permission [SEEN LifeOS#667].
    request.send_json(
        401,
        {
            "detail": {
                "type": "authentication_error",
                "code": "unauthorized",
                "status": "missing_permissions",
                "message": f"The API key you used is missing the permission {permission} "
                "to execute this operation.",
                "request_id": secrets.token_hex(8),
            }
        },
    )


def _validation_error(request: JsonHandler, *where: str) -> None:
    # 422 {"detail": [{"loc", "msg", "type"}]} [SEEN withone.ai mirror].
    request.send_json(
        422,
        {"detail": [{"loc": ["body", *where], "msg": "Field required", "type": "missing"}]},
    )


def _state(request: JsonHandler) -> ElevenLabsState:
    state = request.owner.state
    assert isinstance(state, ElevenLabsState)
    return state


def _authorised(request: JsonHandler, permission: str | None) -> str | None:
    """The request's key when it may do this, else None (the refusal is sent)."""
    key = (request.headers.get("xi-api-key") or "").strip()  # [DOC authentication]
    demo = _BY_KEY.get(key)
    if demo is None:
        # Unknown, revoked, mistyped or missing: 401 invalid_api_key [DOC].
        _refuse(request, 401, "invalid_api_key", "Invalid API key")
        return None
    if demo.slow and request.owner.stopping.wait(SLOW_SECONDS):
        request.drop()
        return None
    if demo.refusal is not None:
        _refuse(request, *demo.refusal)
        return None
    if permission is not None and permission not in demo.permissions:
        _missing(request, permission)
        return None
    return key


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else {}
    except ValueError:
        return None


def _list_agents(request: JsonHandler, body: bytes) -> None:
    # Needs convai_read [SEEN public code sample]; answers an `agents` array [SEEN]. The
    # workspace's agents are not listed here: the checks only need the status [INFERRED].
    if _authorised(request, READ) is None:
        return
    request.send_json(200, {"agents": [], "has_more": False, "next_cursor": None})


def _not_found(request: JsonHandler, what: str, ident: str) -> None:
    # 404 with a `detail`; its status and message texts are [INFERRED].
    request.send_json(
        404, {"detail": {"status": f"{what}_not_found", "message": f"{what} {ident} not found"}}
    )


def _query_lists(request: JsonHandler) -> dict[str, list[str]]:
    """Every value of every query parameter (``exclude_statuses`` is repeated [DOC])."""
    _, _, raw = (getattr(request, "path", None) or "").partition("?")
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True):
        values.setdefault(name, []).append(value)
    return values


def _query_error(request: JsonHandler, name: str, message: str) -> None:
    # 422 {"detail": [{"loc", "msg", "type"}]} for a query field [SEEN for bodies; the
    # same for the query is INFERRED].
    request.send_json(
        422, {"detail": [{"loc": ["query", name], "msg": message, "type": "value_error"}]}
    )


def _list_phone_numbers(request: JsonHandler, body: bytes) -> None:
    # GET /v1/convai/phone-numbers?provider=&agent_id=: a bare array, no paging
    # [DOC EL-SDK list()]; convai_read assumed [INFERRED: no per-route scope published].
    key = _authorised(request, READ)
    if key is None:
        return
    query = request.query()
    provider = query.get("provider") or None
    if provider is not None and provider not in PROVIDERS:
        _query_error(request, "provider", f"Input should be one of {', '.join(PROVIDERS)}")
        return
    agent_id = query.get("agent_id") or None
    answer = _state(request).read_world(
        key, lambda world: world.list_phone_numbers(provider, agent_id)
    )
    request.send_json(200, answer)


def _get_one(what: str, param: str, lookup: Callable[[ConvaiWorld, str], Json | None]) -> Route:
    """``GET …/{param}``: one item of the key's workspace as its list shows it, or
    ElevenLabs' 404 for ``what`` (phone numbers, agents and tools alike)."""

    def route(request: JsonHandler, body: bytes) -> None:
        key = _authorised(request, READ)
        if key is None:
            return
        wanted = request.path_params[param]
        item = _state(request).read_world(key, lambda world: lookup(world, wanted))
        if item is None:
            _not_found(request, what, wanted)
            return
        request.send_json(200, item)

    return route


def _list_secrets(request: JsonHandler, body: bytes) -> None:
    # GET /v1/convai/secrets?page_size=&cursor= -> {secrets, next_cursor}; metadata only,
    # never a value [DOC EL-SDK get_workspace_secrets_response_model.py].
    key = _authorised(request, READ)
    if key is None:
        return
    query = request.query()
    try:
        size = page_size(query.get("page_size"), SECRETS_DEFAULT_PAGE)
        cursor = query.get("cursor") or None
        answer = _state(request).read_world(key, lambda world: world.secrets_page(size, cursor))
    except PageError as refused:
        _query_error(request, refused.name, refused.message)
        return
    request.send_json(200, answer)


def _list_conversations(request: JsonHandler, body: bytes) -> None:
    # GET /v1/convai/conversations with agent_id, conversation_initiation_source,
    # call_start_after_unix, exclude_statuses (repeated), page_size (<= 100, default 30)
    # and cursor [DOC API reference; EL-SDK conversations/raw_client.py].
    key = _authorised(request, READ)
    if key is None:
        return
    query = _query_lists(request)

    def last(name: str) -> str | None:
        return query[name][-1] if query.get(name) else None

    after_raw = last("call_start_after_unix")
    if after_raw is not None and not (after_raw.isascii() and after_raw.lstrip("-").isdigit()):
        _query_error(request, "call_start_after_unix", "Input should be a valid integer")
        return
    agent_id = last("agent_id") or None
    source = last("conversation_initiation_source") or None
    after = int(after_raw) if after_raw is not None else None
    excluded = set(query.get("exclude_statuses", []))
    cursor = last("cursor") or None
    try:
        size = page_size(last("page_size"), CONVERSATIONS_DEFAULT_PAGE)
        answer = _state(request).read_world(
            key,
            lambda world: world.conversations_page(
                agent_id=agent_id,
                source=source,
                after=after,
                excluded=excluded,
                size=size,
                cursor=cursor,
            ),
        )
    except PageError as refused:
        _query_error(request, refused.name, refused.message)
        return
    request.send_json(200, answer)


def _create_tool(request: JsonHandler, body: bytes) -> None:
    # convai_write, checked before the body is validated [SEEN two public scripts].
    key = _authorised(request, WRITE)
    if key is None:
        return
    payload = _json_body(body)
    config = payload.get("tool_config") if isinstance(payload, dict) else None
    if not isinstance(config, dict):
        _validation_error(request, "tool_config")
        return
    request.send_json(200, _state(request).create_tool(key, config))


def _get_settings(request: JsonHandler, body: bytes) -> None:
    # Worked on a key without webhooks access [SEEN]; convai_read assumed [INFERRED].
    key = _authorised(request, READ)
    if key is not None:
        request.send_json(200, _state(request).settings(key))


def _patch_settings(request: JsonHandler, body: bytes) -> None:
    # Attaching a webhook is a settings change; convai_write assumed [INFERRED].
    key = _authorised(request, WRITE)
    if key is None:
        return
    payload = _json_body(body)
    if not isinstance(payload, dict):
        _validation_error(request)
        return
    request.send_json(200, _state(request).update_settings(key, payload))


def _list_webhooks(request: JsonHandler, body: bytes) -> None:
    # Any valid key [SEEN: worked on a key without webhooks access]; {"webhooks": [...]}.
    key = _authorised(request, None)
    if key is not None:
        request.send_json(200, {"webhooks": _state(request).webhooks(key)})


def _create_webhook(request: JsonHandler, body: bytes) -> None:
    # webhooks_write [SEEN]; `{}` answers 422 "settings required" [SEEN]; a created
    # webhook is not attached until the convai settings name it [SEEN].
    key = _authorised(request, WEBHOOKS)
    if key is None:
        return
    payload = _json_body(body)
    settings = payload.get("settings") if isinstance(payload, dict) else None
    if not isinstance(settings, dict) or not all(
        isinstance(settings.get(name), str) for name in ("name", "webhook_url", "auth_type")
    ):
        _validation_error(request, "settings")
        return
    created = _state(request).create_webhook(
        key, settings["name"], settings["webhook_url"], settings["auth_type"]
    )
    request.send_json(200, created)


def _user(request: JsonHandler, body: bytes) -> None:
    # Needs user_read, which restricted keys (every demo key) lack [SEEN LifeOS#667].
    if _authorised(request, USER_READ) is not None:
        request.send_json(200, {"subscription": {"tier": "demo"}})


ELEVENLABS_ROUTES: RouteTable = {
    "/v1/convai/agents": {"GET": _list_agents},
    # [DOC EL-SDK get_agent_response_model.py]
    "/v1/convai/agents/{agent_id}": {"GET": _get_one("agent", "agent_id", ConvaiWorld.agent)},
    "/v1/convai/phone-numbers": {"GET": _list_phone_numbers},
    # the list's item shape [DOC EL-SDK get()]
    "/v1/convai/phone-numbers/{phone_number_id}": {
        "GET": _get_one("phone_number", "phone_number_id", ConvaiWorld.phone_number)
    },
    # [DOC EL-SDK tool_response_model*.py]
    "/v1/convai/tools/{tool_id}": {"GET": _get_one("tool", "tool_id", ConvaiWorld.tool)},
    "/v1/convai/secrets": {"GET": _list_secrets},
    "/v1/convai/conversations": {"GET": _list_conversations},
    "/v1/convai/tools": {"POST": _create_tool},
    "/v1/convai/settings": {"GET": _get_settings, "PATCH": _patch_settings},
    "/v1/workspace/webhooks": {"GET": _list_webhooks, "POST": _create_webhook},
    "/v1/user": {"GET": _user},
}


class ElevenLabsStandIn(LoopbackServer[ElevenLabsState]):
    """The ElevenLabs stand-in on a daemon thread; faults spoil ``/v1/`` requests."""

    name = "elevenlabs"
    ROUTES = ELEVENLABS_ROUTES
    FAULT_PREFIX = "/v1/"

    def default_state(self) -> ElevenLabsState:
        return ElevenLabsState()
