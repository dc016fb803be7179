"""A loopback HTTP server that speaks the Tether Voice AI config contract.

It backs the app's `--demo` mode, the `tether-voice demo-server` subcommand and the tests.

Why a real server rather than a mocked transport: the app's HTTP layer is exercised end to
end -- sockets, status lines, headers, bodies that are not JSON, connections that drop --
exactly as it is against production.

Why stdlib only, and nothing imported from `tui.api`: this is an independent reading of the
contract (the team's `voice-ai-config.md`). When the client and this server agree,
that agreement means something; a shared model would let both be wrong together. It also
keeps the in-process start cheap: no import beyond `http.server`, no DNS lookup on bind.

What it is not: secure. Tokens and passwords are published constants, the `/__demo__/`
control routes need no token (they answer loopback clients only), nothing persists.
"""

from __future__ import annotations

import contextlib
import copy
import ipaddress
import json
import secrets
import selectors
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self

from tui.demo.faults import (
    JSON_CONTENT_TYPE,
    CannedResponse,
    Fault,
    FaultQueue,
    PendingFault,
    canned_response,
)

__all__ = [
    "ADMIN_TOKEN",
    "CONFIG_PATH",
    "CONTROL_FAULTS_PATH",
    "DEFAULT_PORT",
    "DEMO_USERS",
    "SUPERADMIN_TOKEN",
    "DemoServer",
    "DemoState",
    "DemoUser",
    "InvalidUpdate",
    "serve_forever_cli",
]

DEFAULT_PORT = 2212  # the reference's "local API service" port
SUPERADMIN_TOKEN = "demo-superadmin-token"
ADMIN_TOKEN = "demo-admin-token"

CONFIG_PATH = "/api/calls/voice-ai/config"
CONTROL_FAULTS_PATH = "/__demo__/faults"

# Request bodies in this contract are a few hundred bytes; refusing big ones keeps a
# stray upload from filling the app's memory.
MAX_REQUEST_BODY = 1024 * 1024

Json = dict[str, Any]
LogHook = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo account: what login checks, and what login/profile answer."""

    id: str
    email: str
    password: str
    full_name: str
    organization_id: str
    access_role: str
    token: str

    def login_user(self) -> Json:
        """The `user` object of the login answer (`id`, not `_id`, as the reference shows)."""
        return {
            "id": self.id,
            "email": self.email,
            "fullName": self.full_name,
            "organizationId": self.organization_id,
            "accessRole": self.access_role,
        }

    def profile_user(self) -> Json:
        """The `user` object of `/api/user/profile` (Mongo-style `_id`)."""
        return {
            "_id": self.id,
            "fullName": self.full_name,
            "email": self.email,
            "accessRole": self.access_role,
            "organizationId": self.organization_id,
        }


_DEMO_ORG_ID = "64f0a1b2c3d4e5f6a7b80001"

DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        id="64f0a1b2c3d4e5f6a7b8c001",
        email="superadmin@demo.tether.test",
        password="demo-superadmin-password",
        full_name="Sam Superadmin",
        organization_id=_DEMO_ORG_ID,
        access_role="SUPERADMIN",
        token=SUPERADMIN_TOKEN,
    ),
    # An ADMIN, not a superadmin: may read the config but not save it, which is how the
    # contract's "a successful GET does not prove you may POST" case is demonstrated.
    DemoUser(
        id="64f0a1b2c3d4e5f6a7b8c002",
        email="admin@demo.tether.test",
        password="demo-admin-password",
        full_name="Alex Admin",
        organization_id=_DEMO_ORG_ID,
        access_role="ADMIN",
        token=ADMIN_TOKEN,
    ),
)
_USERS_BY_TOKEN = {user.token: user for user in DEMO_USERS}
_USERS_BY_EMAIL = {user.email: user for user in DEMO_USERS}


# --- the organization's configuration -------------------------------------------------

# The POST body's known fields and their JSON types (the contract's table). Anything else
# is accepted and ignored: the request schema says additionalProperties: true.
_SECRET_FIELDS = ("elevenlabsApiKey", "sinchEstKeyId", "sinchEstKeySecret")
_IDENTIFIER_FIELDS = ("sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain")
_KNOWN_FIELDS = (
    "aiVoiceProvider",
    "elevenlabsApiKey",
    "generateToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
)

# Values the server stores but never returns. `secret()` reads them back for tests.
SECRET_NAMES = (
    "elevenlabsApiKey",
    "elevenlabsToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "webhookSecret",
)


class InvalidUpdate(ValueError):
    """A POST body the server refuses; carries the structured error the 400 answer shows."""

    def __init__(self, code: str, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_json(self) -> Json:
        """The 400 body: a structured `CallsErrorResponse` with the code repeated on top."""
        error: Json = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"success": False, "error": error, "code": self.code}


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, as a zod-style message spells it."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _validate(body: object) -> Mapping[str, object]:
    """Check every known field's type; raise InvalidUpdate listing each bad field."""
    if not isinstance(body, dict):
        raise InvalidUpdate("INVALID_BODY", "Request body must be a JSON object")
    details: list[dict[str, str]] = []
    for name in _KNOWN_FIELDS:
        if name not in body:
            continue
        value = body[name]
        if name == "generateToolSecret":
            expected, ok = "boolean", isinstance(value, bool)
        elif name == "aiVoiceProvider":
            expected, ok = "string", value is None or isinstance(value, str)
        else:
            expected, ok = "string", isinstance(value, str)
        if not ok:
            message = f"Expected {expected}, received {_json_type(value)}"
            details.append({"field": name, "message": message})
    if details:
        raise InvalidUpdate("VALIDATION_ERROR", "Invalid request body", details)
    return body


def _seeded_phone_numbers() -> list[Json]:
    # A mix on purpose: enabled with an agent, disabled without, and disabled but still
    # assigned an agent, so every rendering branch of the phone table is on screen.
    rows = (
        ("64f0a1b2c3d4e5f6a7b8c9d1", "+14165550101", True, "64f0a1b2c3d4e5f6a7b8cc01"),
        ("64f0a1b2c3d4e5f6a7b8c9d2", "+14165550102", False, None),
        ("64f0a1b2c3d4e5f6a7b8c9d3", "+14165550103", True, "64f0a1b2c3d4e5f6a7b8cc03"),
        ("64f0a1b2c3d4e5f6a7b8c9d4", "+14165550104", False, "64f0a1b2c3d4e5f6a7b8cc04"),
    )
    return [
        {"userId": user_id, "phoneNumber": number, "aiEnabled": enabled, "aiAgentId": agent}
        for user_id, number, enabled, agent in rows
    ]


class DemoState:
    """One organization's Voice AI configuration, in memory, plus what the server saw.

    Thread-safe: every request runs on its own thread, and tests read and `mutate()` it
    from theirs, so all access goes through one lock and reads return copies.
    """

    def __init__(self) -> None:
        """An organization with nothing configured; see `seeded()` for the demo data."""
        self._lock = threading.Lock()
        self._provider: str | None = None
        self._secrets: dict[str, str | None] = dict.fromkeys(SECRET_NAMES)
        # None means "never set": the GET answer then leaves the field out, which is the
        # contract's "may be absent" case (and `empty()` exercises it).
        self._identifiers: dict[str, str | None] = dict.fromkeys(_IDENTIFIER_FIELDS)
        self._phone_numbers: list[Json] = []
        # A field the client's model does not know, to exercise its "show unknown fields".
        self._webhook_configured = False
        self._received_posts: list[Json] = []
        self._request_log: list[tuple[str, str, int]] = []
        self._ignored_keys: list[str] = []

    @classmethod
    def empty(cls) -> Self:
        """Nothing configured: provider null, flags false, ids absent, no phone numbers."""
        return cls()

    @classmethod
    def seeded(cls) -> Self:
        """The demo organization, fully configured and deterministic (snapshots rely on it)."""
        state = cls()
        state._provider = "elevenlabs"
        state._secrets.update(
            elevenlabsApiKey="sk_demo_seeded_key_0000",
            elevenlabsToolSecret="5eed" * 16,
            sinchEstKeyId="est-key-id-demo-seeded-0000",
            sinchEstKeySecret="est-key-secret-demo-seeded-0000",
            webhookSecret="wsec_demo_seeded_0000",
        )
        state._identifiers.update(
            sinchEstProjectId="3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91",
            sinchEstTrunkId="trunk-demo-001",
            sinchEstTrunkDomain="demo-org.elastic-sip.sinch.com",
        )
        state._phone_numbers = _seeded_phone_numbers()
        state._webhook_configured = True
        return state

    # --- the contract ---

    def public_config(self) -> Json:
        """The GET answer. Secrets appear only as `...Configured` flags, never as values."""
        with self._lock:
            answer: Json = {
                "success": True,
                "aiVoiceProvider": self._provider,
                "elevenlabsApiKeyConfigured": bool(self._secrets["elevenlabsApiKey"]),
                "elevenlabsToolSecretConfigured": bool(self._secrets["elevenlabsToolSecret"]),
                "sinchEstConfigured": bool(
                    self._secrets["sinchEstKeyId"] and self._secrets["sinchEstKeySecret"]
                ),
            }
            for name, value in self._identifiers.items():
                if value is not None:
                    answer[name] = value
            answer["phoneNumbers"] = copy.deepcopy(self._phone_numbers)
            answer["elevenlabsWebhookConfigured"] = self._webhook_configured
            return answer

    def apply_update(self, body: object) -> None:
        """Apply a POST body: only the keys present change; all-or-nothing on bad types.

        `aiVoiceProvider: null` clears the provider; `generateToolSecret: true` stores a
        fresh 32-byte hex secret (false does nothing); a non-empty `elevenlabsApiKey` also
        "configures the webhook", as the real server does after a save. Unknown keys are
        ignored (additionalProperties: true) and their names kept in `ignored_keys`.
        Raises InvalidUpdate, having changed nothing, when the body is not acceptable.
        """
        update = _validate(body)
        with self._lock:
            if "aiVoiceProvider" in update:
                self._provider = update["aiVoiceProvider"]  # type: ignore[assignment]
            for name in _SECRET_FIELDS:
                if name in update:
                    self._secrets[name] = update[name]  # type: ignore[assignment]
            for name in _IDENTIFIER_FIELDS:
                if name in update:
                    self._identifiers[name] = update[name]  # type: ignore[assignment]
            if update.get("generateToolSecret") is True:
                self._secrets["elevenlabsToolSecret"] = secrets.token_hex(32)
            if update.get("elevenlabsApiKey"):
                self._webhook_configured = True
                self._secrets["webhookSecret"] = "wsec_" + secrets.token_hex(16)
            self._ignored_keys.extend(key for key in update if key not in _KNOWN_FIELDS)

    # --- for tests ---

    def mutate(self, **fields: object) -> None:
        """Change the server behind the client's back (another admin saving), camelCase keys."""
        self.apply_update(fields)

    def secret(self, name: str) -> str | None:
        """A stored secret value (one of SECRET_NAMES), so a test can check what was saved."""
        if name not in SECRET_NAMES:
            raise KeyError(f"unknown secret {name!r}; expected one of {SECRET_NAMES}")
        with self._lock:
            return self._secrets[name]

    @property
    def received_posts(self) -> list[Json]:
        """Decoded JSON-object bodies of config POSTs, oldest first.

        Recorded after the fault and auth checks and before type validation, so a body the
        server refused with 400 is still here; bodies that are not a JSON object are not.
        """
        with self._lock:
            return copy.deepcopy(self._received_posts)

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every answered request; status 0 = dropped unanswered."""
        with self._lock:
            return list(self._request_log)

    @property
    def ignored_keys(self) -> list[str]:
        """Names of unknown POST keys seen (accepted, ignored), in arrival order."""
        with self._lock:
            return list(self._ignored_keys)

    def record_post(self, body: Json) -> None:
        """Called by the handler for each config POST that passed the fault and auth checks."""
        with self._lock:
            self._received_posts.append(copy.deepcopy(body))

    def record_request(self, method: str, path: str, status: int) -> None:
        """Called by the handler once per request."""
        with self._lock:
            self._request_log.append((method, path, status))


# --- HTTP ------------------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _DemoHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer carrying the demo's shared objects for the handlers."""

    daemon_threads = True
    # The default backlog of 5 drops a burst of connects, costing each a 1 s SYN retry.
    request_queue_size = 64
    # Never wait for handler threads on close: a DELAY fault must not hold up `stop()`.
    block_on_close = False

    def __init__(
        self,
        address: tuple[str, int],
        state: DemoState,
        faults: FaultQueue,
        stopping: threading.Event,
        log: LogHook | None,
    ) -> None:
        self.state = state
        self.faults = faults
        self.stopping = stopping
        self.log = log
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _DemoRequestHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's `getfqdn()`, a reverse DNS lookup that can take seconds."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay silent: the default prints a traceback over the full-screen TUI.

        The usual cause is a client going away mid-answer (a timeout, a size cap), which
        is the client's business, not an error of the demo.
        """


Route = Callable[["_DemoRequestHandler", bytes], None]


class _DemoRequestHandler(BaseHTTPRequestHandler):
    """Routes one request: control routes, then faults (/api/ only), then the contract."""

    server: _DemoHTTPServer
    # HTTP/1.0: one request per connection, so no idle keep-alive thread outlives `stop()`
    # and answers a pooled client from a server that has stopped.
    protocol_version = "HTTP/1.0"
    timeout = 10  # seconds a silent client may hold a handler thread
    routes: ClassVar[dict[str, dict[str, Route]]] = {}

    # --- plumbing ---

    def do_GET(self) -> None:
        """Every method goes through one dispatcher, so unknown paths and 405s are uniform."""
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Write nothing: stderr is under a full-screen TUI, and a request line may carry data."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Record "METHOD PATH STATUS" (never bodies or headers) for tests and the log hook."""
        status = int(code) if isinstance(code, int) else 0
        self._record(status)

    def _record(self, status: int) -> None:
        method = getattr(self, "command", None) or "-"
        path = self._path()
        self.server.state.record_request(method, path, status)
        if self.server.log is not None:
            self.server.log(f"{method} {path} {status}")

    def _path(self) -> str:
        # Split by hand: urlsplit would read "//x" as a host name.
        return (getattr(self, "path", None) or "-").split("?", 1)[0]

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = JSON_CONTENT_TYPE,
        headers: tuple[tuple[str, str], ...] = (),
        send_bytes: int | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        self.wfile.write(body if send_bytes is None else body[:send_bytes])
        if send_bytes is not None:
            self._hang_up()

    def _send_json(self, status: int, payload: Json, *headers: tuple[str, str]) -> None:
        self._send(status, json.dumps(payload).encode(), headers=headers)

    def _hang_up(self) -> None:
        """Close now, whatever has been sent: the client sees EOF, never a hang."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _drop(self) -> None:
        self._record(0)
        self._hang_up()

    def _read_body(self) -> bytes | None:
        """The request body, read in full before answering (so a drop closes with FIN, not RST).

        None means the request was already refused.
        """
        raw_length = self.headers.get("Content-Length", "0").strip() or "0"
        if not raw_length.isdigit():
            self._send_json(400, {"success": False, "error": "Invalid Content-Length"})
            return None
        length = int(raw_length)
        if length > MAX_REQUEST_BODY:
            self.close_connection = True
            self._send_json(413, {"success": False, "error": "Payload too large"})
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            return
        path = self._path()
        if path == CONTROL_FAULTS_PATH:
            self._control_faults(body)
            return
        if path.startswith("/api/") and self._apply_fault():
            return
        methods = self.routes.get(path)
        if methods is None:
            self._send_json(404, {"success": False, "error": "Not found"})
            return
        route = methods.get(self.command)
        if route is None:
            error = {"success": False, "error": f"Method {self.command} not allowed"}
            self._send_json(405, error, ("Allow", ", ".join(methods)))
            return
        route(self, body)

    def _apply_fault(self) -> bool:
        """Apply the next matching fault, before auth; True when it answered the request."""
        pending = self.server.faults.take(self.command)
        if pending is None:
            return False
        if pending.fault is Fault.DELAY:
            # An Event, not sleep(): `stop()` sets it, so a sleeping handler never keeps a
            # stopping server (or a test) waiting. Stopped mid-wait: the server is gone.
            if self.server.stopping.wait(pending.delay_seconds):
                self._drop()
                return True
            return False
        canned: CannedResponse | None = canned_response(pending.fault)
        if canned is None:  # DROP_CONNECTION
            self._drop()
            return True
        self._send(
            canned.status, canned.body, canned.content_type, canned.headers, canned.send_bytes
        )
        return True

    def _bearer_user(self) -> DemoUser | None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return _USERS_BY_TOKEN.get(token.strip())

    # --- the contract's routes ---

    def _get_config(self, body: bytes) -> None:
        if self._bearer_user() is None:
            self._send_json(401, {"success": False, "error": "Invalid or expired token"})
            return
        self._send_json(200, self.server.state.public_config())

    def _post_config(self, body: bytes) -> None:
        user = self._bearer_user()
        if user is None:
            self._send_json(401, {"success": False, "error": "Invalid or expired token"})
            return
        if user.access_role != "SUPERADMIN":
            self._send_json(401, {"success": False, "error": "Superadmin access required"})
            return
        try:
            # An empty body is `{}`, as Express's JSON parser has it.
            update = json.loads(body) if body.strip() else {}
        except ValueError:
            self._send_json(400, InvalidUpdate("INVALID_JSON", "Malformed JSON body").as_json())
            return
        state = self.server.state
        if isinstance(update, dict):
            state.record_post(update)
        try:
            state.apply_update(update)
        except InvalidUpdate as refused:
            self._send_json(400, refused.as_json())
            return
        self._send_json(200, {"success": True, "message": "Configuration saved"})

    def _login(self, body: bytes) -> None:
        try:
            credentials = json.loads(body) if body.strip() else {}
        except ValueError:
            credentials = None
        email = credentials.get("email") if isinstance(credentials, dict) else None
        password = credentials.get("password") if isinstance(credentials, dict) else None
        if not isinstance(email, str) or not isinstance(password, str) or not email:
            self._send_json(400, {"error": "Email and password are required"})
            return
        user = _USERS_BY_EMAIL.get(email.strip().lower())
        if user is None or not secrets.compare_digest(password, user.password):
            self._send_json(401, {"error": "Invalid email or password"})
            return
        self._send_json(200, {"token": user.token, "user": user.login_user()})

    def _verify_token(self, body: bytes) -> None:
        if self._bearer_user() is None:
            self._send_json(401, {"error": "Invalid or expired token"})
            return
        self._send_json(200, {"message": "Token is good"})

    def _profile(self, body: bytes) -> None:
        user = self._bearer_user()
        if user is None:
            self._send_json(401, {"error": "Invalid or expired token"})
            return
        self._send_json(200, {"user": user.profile_user(), "persona": None})

    # --- control route (never subject to faults) ---

    def _control_faults(self, body: bytes) -> None:
        """GET lists, POST adds, DELETE clears the pending faults; loopback clients only."""
        if not _is_loopback(self.client_address[0]):
            self._send_json(403, {"success": False, "error": "Control routes are loopback-only"})
            return
        faults = self.server.faults
        if self.command == "GET":
            pending = [fault.as_json() for fault in faults.snapshot()]
            self._send_json(200, {"success": True, "pending": pending})
        elif self.command == "DELETE":
            self._send_json(200, {"success": True, "cleared": faults.clear()})
        elif self.command == "POST":
            try:
                faults.push(_parse_fault_request(body))
            except ValueError as refused:
                self._send_json(400, {"success": False, "error": str(refused)})
                return
            pending = [fault.as_json() for fault in faults.snapshot()]
            self._send_json(200, {"success": True, "pending": pending})
        else:
            error = {"success": False, "error": f"Method {self.command} not allowed"}
            self._send_json(405, error, ("Allow", "GET, POST, DELETE"))


_DemoRequestHandler.routes = {
    CONFIG_PATH: {
        "GET": _DemoRequestHandler._get_config,
        "POST": _DemoRequestHandler._post_config,
    },
    "/api/auth/login": {"POST": _DemoRequestHandler._login},
    "/api/auth/verify-token": {"GET": _DemoRequestHandler._verify_token},
    "/api/user/profile": {"GET": _DemoRequestHandler._profile},
}


def _parse_fault_request(body: bytes) -> PendingFault:
    """`{"fault", "method"?, "delay"?, "times"?}` -> PendingFault; ValueError says what is wrong."""
    try:
        request = json.loads(body) if body.strip() else None
    except ValueError:
        request = None
    if not isinstance(request, dict):
        raise ValueError('expected a JSON object such as {"fault": "503-html"}')
    try:
        fault = Fault(request.get("fault"))
    except ValueError:
        choices = ", ".join(fault.value for fault in Fault)
        raise ValueError(f"unknown fault {request.get('fault')!r}; one of: {choices}") from None
    method = request.get("method")
    delay = request.get("delay", 3.0)
    times = request.get("times", 1)
    if method is not None and not isinstance(method, str):
        raise ValueError("method must be a string such as GET or POST, or null for any")
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise ValueError("delay must be a number of seconds")
    if isinstance(times, bool) or not isinstance(times, int):
        raise ValueError("times must be a whole number")
    return PendingFault(fault, method, float(delay), times)


# --- lifecycle ---------------------------------------------------------------------------


class DemoServer:
    """The demo server on a daemon thread: `with DemoServer() as server: ... server.url`.

    Port 0 (the default) takes a free port, so parallel tests never collide.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state: DemoState | None = None,
        *,
        log: LogHook | None = None,
    ) -> None:
        """Nothing is bound until `start()`. `log` receives "METHOD PATH STATUS" lines."""
        self._host = host
        self._requested_port = port
        self._state = state if state is not None else DemoState.seeded()
        self._log = log
        self._faults = FaultQueue()
        self._stopping = threading.Event()
        self._lifecycle = threading.Lock()
        self._httpd: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def start(self) -> Self:
        """Bind, listen and serve on a daemon thread; returns once connections are accepted."""
        with self._lifecycle:
            if self._httpd is not None or self._stopping.is_set():
                raise RuntimeError("a DemoServer can be started only once")
            address = (self._host, self._requested_port)
            httpd = _DemoHTTPServer(address, self._state, self._faults, self._stopping, self._log)
            # The listening socket exists once the constructor returns: connections made
            # from now on wait in the backlog even if the thread has not run yet.
            httpd.timeout = 0  # handle_request() must not wait; _serve() does the waiting
            self._httpd = httpd
            self._wake = socket.socketpair()
            # The thread gets its objects as arguments: an immediate stop() clears the
            # attributes, possibly before the thread has read them.
            self._thread = threading.Thread(
                target=self._serve,
                args=(httpd, self._wake[0]),
                name=f"tether-demo-server:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def _serve(self, httpd: _DemoHTTPServer, wake: socket.socket) -> None:
        """Accept until stopped.

        Not `serve_forever()`: it polls for shutdown every 0.5 s, so each `stop()` would
        cost up to that. Here a byte on the `wake` socket ends the wait at once.
        """
        with selectors.DefaultSelector() as selector:
            selector.register(httpd, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _events in selector.select():
                    if key.fileobj is httpd and not self._stopping.is_set():
                        httpd.handle_request()

    def stop(self) -> None:
        """Stop accepting, close the socket, wake delayed handlers. Prompt and idempotent."""
        with self._lifecycle:
            if self._stopping.is_set():
                return
            self._stopping.set()
            httpd, thread, wake = self._httpd, self._thread, self._wake
            self._thread = self._wake = None
            if wake is not None:
                with contextlib.suppress(OSError):
                    wake[1].send(b"\0")
            if thread is not None:
                thread.join(timeout=5)
            if httpd is not None:
                httpd.server_close()
            if wake is not None:
                for end in wake:
                    end.close()

    def __enter__(self) -> Self:
        return self if self._httpd is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def state(self) -> DemoState:
        """The organization this server serves; tests read and `mutate()` it directly."""
        return self._state

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        if self._httpd is None:
            raise RuntimeError("the DemoServer has not been started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. "http://127.0.0.1:54321"."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def inject(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        delay_seconds: float = 3.0,
        times: int = 1,
    ) -> None:
        """Spoil the next `times` /api/ requests made with `method` (None: any method)."""
        self._faults.push(PendingFault(fault, method, delay_seconds, times))

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        self._faults.clear()

    def pending_faults(self) -> list[PendingFault]:
        """Copies of the faults not yet used up, oldest first."""
        return self._faults.snapshot()


def serve_forever_cli(
    host: str, port: int, faults: list[Fault], delay_seconds: float, empty: bool
) -> None:
    """Run the demo server in the foreground until Ctrl+C (`tether-voice demo-server`).

    Each fault in `faults` is queued once, in order, for any method. Request lines are
    printed as they are answered: this is a terminal of its own, not under the TUI.
    """
    state = DemoState.empty() if empty else DemoState.seeded()
    server = DemoServer(host, port, state, log=lambda line: print(line, flush=True))
    try:
        server.start()
    except OSError as error:
        raise SystemExit(f"demo server: cannot listen on {host}:{port}: {error}") from None
    for fault in faults:
        server.inject(fault, delay_seconds=delay_seconds)
    if not _is_loopback(host) and host != "localhost":
        print(
            f"warning: listening on {host}: demo tokens are public; use 127.0.0.1",
            file=sys.stderr,
        )
    faults_url = f"{server.url}{CONTROL_FAULTS_PATH}"
    print(
        f"Tether demo server on {server.url}\n"
        f"  superadmin token: {SUPERADMIN_TOKEN}\n"
        f"  admin token (GET only): {ADMIN_TOKEN}\n"
        f"  app: TETHER_TOKEN={SUPERADMIN_TOKEN} tether-voice --url {server.url}\n"
        f'  inject a fault: curl -X POST {faults_url} -d \'{{"fault": "503-html"}}\'\n'
        f"  clear faults:   curl -X DELETE {faults_url}\n"
        "Ctrl+C to stop.",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)  # interruptible on every platform, unlike Event.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
