"""A loopback HTTP server that speaks the Tether Voice AI config contract.

It backs the app's `--demo` mode, the `tether-voice demo-server` subcommand and the tests.

Why a real server rather than a mocked transport: the app's HTTP layer is exercised end to
end -- sockets, status lines, keep-alive, headers, bodies that are not JSON, connections
that drop -- exactly as it is against production.

Why stdlib only, and nothing imported from `tui.api`: this is an independent reading of the
contract (the team's `voice-ai-config.md`). When the client and this server agree,
that agreement means something; a shared model would let both be wrong together. It also
keeps the in-process start cheap: no import beyond `http.server`, no DNS lookup on bind.

The plumbing (threads, keep-alive, faults, records) is `loopback.py`'s; the accounts are
`accounts.py`'s and the organization's data `state.py`'s. This module is the routes.

What it is not: secure. Tokens and passwords are published constants, the `/__demo__/`
control routes need no token (they answer loopback clients only), nothing persists.
"""

from __future__ import annotations

import json
import secrets
import sys
import time

from tui.demo.accounts import (
    ADMIN_TOKEN,
    DEMO_USERS,
    SUPERADMIN_TOKEN,
    DemoUser,
    user_by_email,
    user_by_token,
)
from tui.demo.faults import Fault
from tui.demo.loopback import (
    CONTROL_FAULTS_PATH,
    JsonHandler,
    LoopbackServer,
    RecordedRequest,
    RouteTable,
    is_loopback,
)
from tui.demo.numbers_routes import NUMBERS_ROUTES
from tui.demo.state import DemoState, InvalidUpdate

__all__ = [
    "ADMIN_TOKEN",
    "CONFIG_PATH",
    "CONTROL_FAULTS_PATH",
    "DEFAULT_PORT",
    "DEMO_USERS",
    "SUPERADMIN_TOKEN",
    "TETHER_ROUTES",
    "DemoServer",
    "DemoState",
    "DemoUser",
    "InvalidUpdate",
    "bearer_user",
    "serve_forever_cli",
]

DEFAULT_PORT = 2212  # the reference's "local API service" port

CONFIG_PATH = "/api/calls/voice-ai/config"


def bearer_user(request: JsonHandler) -> DemoUser | None:
    """The demo account whose token the request carries, if any."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return user_by_token(token.strip())


def _state(request: JsonHandler) -> DemoState:
    state = request.owner.state
    assert isinstance(state, DemoState)
    return state


# --- the contract's routes ----------------------------------------------------------------


def _get_config(request: JsonHandler, body: bytes) -> None:
    if bearer_user(request) is None:
        request.send_json(401, {"success": False, "error": "Invalid or expired token"})
        return
    request.send_json(200, _state(request).public_config())


def _post_config(request: JsonHandler, body: bytes) -> None:
    user = bearer_user(request)
    if user is None:
        request.send_json(401, {"success": False, "error": "Invalid or expired token"})
        return
    if user.access_role != "SUPERADMIN":
        request.send_json(401, {"success": False, "error": "Superadmin access required"})
        return
    try:
        # An empty body is `{}`, as Express's JSON parser has it.
        update = json.loads(body) if body.strip() else {}
    except ValueError:
        request.send_json(400, InvalidUpdate("INVALID_JSON", "Malformed JSON body").as_json())
        return
    state = _state(request)
    if isinstance(update, dict):
        state.record_post(update)
    try:
        state.apply_update(update)
    except InvalidUpdate as refused:
        request.send_json(400, refused.as_json())
        return
    state.after_save(update)
    request.send_json(200, {"success": True, "message": "Configuration saved"})


def _login(request: JsonHandler, body: bytes) -> None:
    try:
        credentials = json.loads(body) if body.strip() else {}
    except ValueError:
        credentials = None
    email = credentials.get("email") if isinstance(credentials, dict) else None
    password = credentials.get("password") if isinstance(credentials, dict) else None
    if not isinstance(email, str) or not isinstance(password, str) or not email:
        request.send_json(400, {"error": "Email and password are required"})
        return
    user = user_by_email(email.strip().lower())
    if user is None or not secrets.compare_digest(password, user.password):
        request.send_json(401, {"error": "Invalid email or password"})
        return
    request.send_json(200, {"token": user.token, "user": user.login_user()})


def _verify_token(request: JsonHandler, body: bytes) -> None:
    if bearer_user(request) is None:
        request.send_json(401, {"error": "Invalid or expired token"})
        return
    request.send_json(200, {"message": "Token is good"})


def _profile(request: JsonHandler, body: bytes) -> None:
    user = bearer_user(request)
    if user is None:
        request.send_json(401, {"error": "Invalid or expired token"})
        return
    request.send_json(200, {"user": user.profile_user(), "persona": None})


TETHER_ROUTES: RouteTable = {
    CONFIG_PATH: {"GET": _get_config, "POST": _post_config},
    "/api/auth/login": {"POST": _login},
    "/api/auth/verify-token": {"GET": _verify_token},
    "/api/user/profile": {"GET": _profile},
    **NUMBERS_ROUTES,
}


# --- the server -----------------------------------------------------------------------------


class DemoServer(LoopbackServer[DemoState]):
    """The Tether demo server on a daemon thread: `with DemoServer() as server: ... server.url`.

    Faults spoil `/api/` requests only. Port 0 (the default) takes a free port, so
    parallel tests never collide. Without a state it serves the seeded demo organization.
    """

    name = "demo"
    ROUTES = TETHER_ROUTES
    FAULT_PREFIX = "/api/"

    def default_state(self) -> DemoState:
        return DemoState.seeded()

    def record(self, request: RecordedRequest) -> None:
        """Also keep (method, path, status) on the state, where the tests read it."""
        self.state.record_request(request.method, request.path, request.status)
        super().record(request)


def serve_forever_cli(
    host: str,
    port: int,
    faults: list[Fault],
    delay_seconds: float,
    empty: bool,
    numbers: int = 0,
    hostile: bool = False,
) -> None:
    """Run the demo server in the foreground until a signal (`tether-voice demo-server`).

    Each fault in `faults` is queued once, in order, for any method. Request lines are
    printed as they are answered: this is a terminal of its own, not under the TUI.
    `hostile`: the hostile Tether (:mod:`tui.demo.hostile`) and its own organization.
    """

    def log(line: str) -> None:
        print(line, flush=True)

    if hostile:
        from tui.demo.hostile import HostileTether

        if empty or numbers:
            raise SystemExit(
                "demo server: --hostile serves its own organization; drop --empty/--numbers"
            )
        server: DemoServer = HostileTether(host, port, log=log)
    else:
        state = DemoState.empty() if empty else DemoState.with_numbers(numbers)
        server = DemoServer(host, port, state, log=log)
    try:
        server.start()
    except OSError as error:
        raise SystemExit(f"demo server: cannot listen on {host}:{port}: {error}") from None
    for fault in faults:
        server.inject(fault, delay_seconds=delay_seconds)
    if not is_loopback(host) and host != "localhost":
        print(
            f"warning: listening on {host}: demo tokens are public; use 127.0.0.1",
            file=sys.stderr,
        )
    from tui.demo.banner import tether_only

    pending = server.pending_faults()
    print(tether_only(server.url, server.fault_prefix, pending, hostile), flush=True)
    try:
        while True:
            time.sleep(3600)  # interruptible on every platform, unlike Event.wait()
    finally:  # Ctrl+C, SIGTERM, SIGHUP: the command line says so and exits 128 + N
        server.stop()
