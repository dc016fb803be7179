"""The demo's whole world: the Tether demo server plus stand-ins for ElevenLabs and Sinch.

``tether-voice --demo``, ``demo-server``, the scripts' ``--demo`` and the tests start
this stack. Its wiring:

- after a save with a new ElevenLabs key, the Tether demo sets up the post-call webhook
  on the ElevenLabs stand-in, as the real server does [documented: the save contract],
  so the app's after-save check has something true to find. As on the real server, a
  failure (a key without ``webhooks_write``) is only logged, and the save still succeeds;
- at start, the ElevenLabs and Sinch stand-ins are filled from the Tether demo's numbers
  (:mod:`tui.demo.wiring_world`: imported numbers, agents, tools, EST and Numbers API
  records, with the seeded numbers' planted problems), and each toggle the Tether demo
  applies keeps them in step.

The Tether demo server stays usable alone (``DemoServer()``): without the stack, a saved
key simply counts as a configured webhook.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Self

from tui.demo import elevenlabs, wiring_world
from tui.demo.banner import banner
from tui.demo.elevenlabs import ElevenLabsStandIn
from tui.demo.faults import Fault
from tui.demo.loopback import LogHook, LoopbackServer, is_loopback
from tui.demo.server import DemoServer
from tui.demo.sinch import SinchAuthStandIn, SinchEstStandIn, SinchState
from tui.demo.sinch_numbers import SinchNumbersStandIn
from tui.demo.state import DemoState

if TYPE_CHECKING:
    from tui.checks.settings import CheckSettings
    from tui.demo.hostile import Hostility

__all__ = ["SERVER_NAMES", "DemoStack", "parse_fault_spec", "serve_stack_cli"]

SERVER_NAMES = ("tether", "elevenlabs", "sinch-auth", "sinch-est", "sinch-numbers")
"""The stack's servers, as ``--fault SERVER:KIND`` names them."""

WEBHOOK_NAME = "Tether post-call"
WEBHOOK_URL = "https://your-instance.example.com/api/webhook/elevenlabs"
"""What the demo Tether registers: a public URL (the reference's example instance), as a
real server registers its own public address, not the one a client happens to use."""

SETUP_TIMEOUT = 5.0
"""Seconds the demo Tether waits for the ElevenLabs stand-in during webhook setup."""


class _SetupFailed(Exception):
    pass


class DemoStack:
    """Five loopback servers started and stopped together.

    ``port`` 0 takes free ports (tests); another port puts Tether there and the
    stand-ins on the next four (``demo-server``). ``webhook_delay``: None sets the
    webhook up before the save answers; seconds set it up that long after, on a thread,
    as a real server may (the app's after-save check then has to wait for it).
    ``hostile``: every string the five servers answer is an attack on the client
    (:mod:`tui.demo.hostile`; a :class:`~tui.demo.hostile.Hostility` picks the kinds);
    without a ``state``, Tether then serves the hostile organization.
    ``webhook_attached``: when Tether's state says the post-call webhook is configured,
    it exists in the good key's workspace from the start, as for a real organization
    (what ``--demo`` and ``demo-server`` serve); off, the workspace starts empty, which
    the after-save webhook tests need.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        state: DemoState | None = None,
        webhook_delay: float | None = None,
        log: LogHook | None = None,
        hostile: bool | Hostility = False,
        webhook_attached: bool = False,
    ) -> None:
        def port_for(offset: int) -> int:
            return port + offset if port else 0

        shared = SinchState()
        self.hostile = bool(hostile)
        if hostile:
            from tui.demo import hostile as h

            how = None if hostile is True else hostile
            self.tether: DemoServer = h.HostileTether(host, port, state, log=log, hostility=how)
            self.elevenlabs: ElevenLabsStandIn = h.HostileElevenLabs(
                host, port_for(1), log=log, hostility=how
            )
            self.sinch_auth: SinchAuthStandIn = h.HostileSinchAuth(
                host, port_for(2), shared, log=log, hostility=how
            )
            self.sinch_est: SinchEstStandIn = h.HostileSinchEst(
                host, port_for(3), shared, log=log, hostility=how
            )
            self.sinch_numbers: SinchNumbersStandIn = h.HostileSinchNumbers(
                host, port_for(4), shared, log=log, hostility=how
            )
        else:
            self.tether = DemoServer(host, port, state, log=log)
            self.elevenlabs = ElevenLabsStandIn(host, port_for(1), log=log)
            self.sinch_auth = SinchAuthStandIn(host, port_for(2), shared, log=log)
            self.sinch_est = SinchEstStandIn(host, port_for(3), shared, log=log)
            self.sinch_numbers = SinchNumbersStandIn(host, port_for(4), shared, log=log)
        self.webhook_delay = webhook_delay
        self.webhook_attached = webhook_attached
        self.org: wiring_world.Org | None = None
        """Where the organization's numbers go at Sinch; known once started."""
        self._log = log
        self._notes_lock = threading.Lock()
        self._notes: list[str] = []

    @property
    def servers(self) -> dict[str, LoopbackServer[Any]]:
        return {
            "tether": self.tether,
            "elevenlabs": self.elevenlabs,
            "sinch-auth": self.sinch_auth,
            "sinch-est": self.sinch_est,
            "sinch-numbers": self.sinch_numbers,
        }

    def start(self) -> Self:
        """Start every server (all or none), fill the stand-ins from Tether's numbers,
        then wire Tether's webhook setup and toggles."""
        started: list[LoopbackServer[Any]] = []
        try:
            for server in self.servers.values():
                started.append(server.start())
        except BaseException:
            for server in started:
                server.stop()
            raise
        tether = self.tether.state
        self.org = wiring_world.plant_world(
            tether.public_config(),
            list(tether.numbers.agents),
            set(tether.numbers.not_on_trunk),
            self.elevenlabs.state,
            self.sinch_est.state,
            self.tether.url,
        )
        if self.webhook_attached and tether.public_config().get("elevenlabsWebhookConfigured"):
            self._attached_at_start()
        tether.webhook_setup = self._set_up_webhook
        tether.toggle_applied = self._toggle_applied
        return self

    def _attached_at_start(self) -> None:
        """The seeded organization says its post-call webhook is configured: so it is, in
        the good key's workspace (the one the wiring world lives in), as a real
        organization's would be. Set in the stand-in's state directly, not over HTTP:
        the request records stay what the client sent."""
        state = self.elevenlabs.state
        created = state.create_webhook(elevenlabs.GOOD_KEY, WEBHOOK_NAME, WEBHOOK_URL, "hmac")
        state.update_settings(
            elevenlabs.GOOD_KEY, {"webhooks": {"post_call_webhook_id": created["webhook_id"]}}
        )

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def check_settings(self, *, enabled: bool = True, probe_writes: bool = True) -> CheckSettings:
        """Check settings pointing at the stand-ins (write probes on, as in the demo)."""
        from tui.checks.settings import CheckSettings

        return CheckSettings(
            enabled=enabled,
            probe_writes=probe_writes,
            elevenlabs_url=self.elevenlabs.url,
            sinch_auth_url=self.sinch_auth.url,
            sinch_est_url=self.sinch_est.url,
            sinch_numbers_url=self.sinch_numbers.url,
            off_note="Credential checks are off (--no-check): nothing was asked.",
        )

    @property
    def webhook_log(self) -> list[str]:
        """What the demo Tether "logged" about webhook setups, oldest first."""
        with self._notes_lock:
            return list(self._notes)

    # --- what Tether does after a toggle ----------------------------------------------------

    def _toggle_applied(self, row: dict[str, Any]) -> None:
        if self.org is None:
            return
        wiring_world.sync_toggle(
            row,
            list(self.tether.state.numbers.agents),
            self.elevenlabs.state,
            self.sinch_est.state,
            self.org,
        )

    # --- what Tether does after a save ----------------------------------------------------

    def _set_up_webhook(self, key: str) -> None:
        if self.webhook_delay is None:
            self._attach(key)
            return

        def later() -> None:
            if not self.tether.stopping.wait(self.webhook_delay):
                self._attach(key)

        threading.Thread(target=later, name="tether-demo-webhook", daemon=True).start()

    def _attach(self, key: str) -> None:
        """Create the webhook (HMAC), then make it the post-call webhook [SEEN: creating
        does not attach]; on failure only log, as Tether does [DOC]."""
        try:
            created = self._elevenlabs_call(
                "POST",
                "/v1/workspace/webhooks",
                key,
                {
                    "settings": {
                        "name": WEBHOOK_NAME,
                        "webhook_url": WEBHOOK_URL,
                        "auth_type": "hmac",
                    }
                },
            )
            webhook_id, secret = created.get("webhook_id"), created.get("webhook_secret")
            if not isinstance(webhook_id, str) or not isinstance(secret, str):
                raise _SetupFailed("the create answer had no webhook_id / webhook_secret")
            # Stored before the PATCH that attaches it, taken back if that fails: stored
            # after, a client that saw the PATCH land on ElevenLabs and read Tether at
            # once could still find it "not configured" there (the app's summary did).
            previous = self.tether.state.secret("webhookSecret")
            self.tether.state.webhook_attached(secret)
            try:
                self._elevenlabs_call(
                    "PATCH",
                    "/v1/convai/settings",
                    key,
                    {"webhooks": {"post_call_webhook_id": webhook_id}},
                )
            except _SetupFailed:
                self.tether.state.webhook_detached(previous)
                raise
        except _SetupFailed as failed:
            self._note(f"ElevenLabs webhook setup failed (the save succeeded): {failed}")
            return
        self._note(f"ElevenLabs post-call webhook {webhook_id} attached")

    def _elevenlabs_call(
        self, method: str, path: str, key: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        request = urllib.request.Request(
            self.elevenlabs.url + path,
            data=json.dumps(payload).encode(),
            method=method,
            headers={"xi-api-key": key, "Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback
        try:
            with opener.open(request, timeout=SETUP_TIMEOUT) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _SetupFailed(f"{method} {path}: HTTP {error.code} {_reason(error)}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise _SetupFailed(f"{method} {path}: {type(error).__name__}") from None
        return answer if isinstance(answer, dict) else {}

    def _note(self, line: str) -> None:
        with self._notes_lock:
            self._notes.append(line)
        if self._log is not None:
            self._log(f"tether: {line}")


def _reason(error: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(error.read() or b"{}").get("detail")
    except (ValueError, AttributeError, OSError):
        return ""
    if isinstance(detail, dict):
        return " ".join(str(detail.get(name, "")) for name in ("status", "message")).strip()
    return ""


def parse_fault_spec(spec: str) -> tuple[str, Fault]:
    """``KIND`` (the Tether server) or ``SERVER:KIND``; ValueError names the choices."""
    server, colon, kind = spec.rpartition(":")
    server = server if colon else "tether"
    if server not in SERVER_NAMES:
        raise ValueError(
            f"unknown server {server!r} in {spec!r}; one of: {', '.join(SERVER_NAMES)}"
        )
    return server, Fault(kind)


def serve_stack_cli(
    host: str,
    port: int,
    fault_specs: list[str],
    delay_seconds: float,
    empty: bool,
    numbers: int = 0,
    hostile: bool = False,
) -> None:
    """Run the stack in the foreground until Ctrl+C (``tether-voice demo-server``).

    Faults are queued once each, in order. Request lines are printed as they are
    answered: this is a terminal of its own, not under the TUI. ``hostile`` serves the
    hostile organization (:mod:`tui.demo.hostile`), which ``empty`` and ``numbers``
    would replace, so they are refused together.
    """
    faults = [parse_fault_spec(spec) for spec in fault_specs]
    if hostile and (empty or numbers):
        raise SystemExit(
            "demo server: --hostile serves its own organization; drop --empty/--numbers"
        )
    state = None if hostile else DemoState.empty() if empty else DemoState.with_numbers(numbers)
    stack = DemoStack(
        host,
        port,
        state=state,
        webhook_delay=1.5,
        webhook_attached=True,
        log=lambda line: print(line, flush=True),
        hostile=hostile,
    )
    try:
        stack.start()
    except OSError as error:
        raise SystemExit(
            f"demo server: cannot listen on {host}:{port} to {port + 4 if port else port}: {error}"
        ) from None
    for server_name, fault in faults:
        stack.servers[server_name].inject(fault, delay_seconds=delay_seconds)
    if not is_loopback(host) and host != "localhost":
        print(
            f"warning: listening on {host}: demo tokens are public; use 127.0.0.1",
            file=sys.stderr,
        )
    print(banner(stack), flush=True)
    try:
        while True:
            time.sleep(3600)  # interruptible on every platform, unlike Event.wait()
    finally:  # Ctrl+C, SIGTERM, SIGHUP: the command line says so and exits 128 + N
        stack.stop()
