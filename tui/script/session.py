"""Where a scripted command connects, with which token, and its blocking requests.

The same decision as the app's (:func:`tui.startup.startup_plan`: profiles, flags >
environment > profile > defaults, the transport rules, ``TETHER_TOKEN`` else the
keyring), with one difference: a script never asks for a password. No token means
exit 2 with the two ways to provide one.

Each request runs in its own short event loop and its own client, so nothing is left
open while ``set`` waits for a human to confirm: a keep-alive connection the server
closed during that wait would otherwise fail the save.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tui.api.client import ConnectionSettings
    from tui.api.failures import ApiFailure
    from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig
    from tui.checks.settings import CheckSettings
    from tui.demo.stack import DemoStack
    from tui.settings import Flags


class UsageError(Exception):
    """The command cannot run as given; the message says why and how to fix it (exit 2)."""


@dataclass
class Target:
    """The instance a command talks to: connection settings and a label for messages."""

    settings: ConnectionSettings
    demo: DemoStack | None = None
    """The in-process demo server and its stand-ins (``--demo``), stopped by :meth:`close`."""
    checks: CheckSettings | None = None
    """The credential checks' settings, resolved as the app's (None: off)."""

    @property
    def label(self) -> str:
        return self.settings.base_url

    def close(self) -> None:
        if self.demo is not None:
            self.demo.stop()
            self.demo = None


Note = Callable[..., None]
"""Where a command's notices go: :meth:`~tui.script.output.ScriptOutput.note` (stderr,
or the ``notices`` of its ``--json`` object)."""


class Connect(Protocol):
    """``connect(note)``: open the command's :class:`Target` (:func:`open_target`).

    What it has to say on the way (``--demo``: the demo's line, the issuer URLs it
    ignores) goes to ``note``; without one, to stderr in text mode and nowhere with
    ``--json`` (a command whose object has no ``notices``).

    Raises:
        UsageError: as :func:`open_target`.
    """

    def __call__(self, note: Note | None = None) -> Target: ...


def demo_notices(target: Target, ignored: list[str]) -> list[str]:
    """What ``--demo`` says as it starts: where its server is, and each issuer URL given
    (:func:`~tui.settings.given_issuer_urls`) that its stand-ins replace."""
    return [
        f"DEMO server at {target.label} (started for this command; nothing is kept).",
        *(
            f"notice: --demo uses its own stand-ins on loopback; {name} is ignored"
            for name in ignored
        ),
    ]


def no_token(entry: str, profile: str | None, keyring_here: bool) -> str:
    """Why a script cannot start without a token, and the ways to give one that work on
    this host: the keyring is suggested only where there is one."""
    remember = (
        ", or sign in once with the app "
        f"(tether-voice{f' --profile {profile}' if profile else ''}) and remember the "
        "token in the OS keyring"
        if keyring_here
        else ": this host has no OS keyring to remember one in"
    )
    return (
        f"No token for '{entry}'. Set TETHER_TOKEN to a superadmin's bearer token (from "
        f"your secret manager, not typed on the command line){remember}. "
        "A script never asks for a password."
    )


def open_target(
    flags: Flags, *, demo: bool, read_timeout: float | None, environ: Mapping[str, str]
) -> Target:
    """Resolve the target exactly as the app does, or start the demo server.

    Raises:
        UsageError: no URL, a broken config file, an unsafe URL, an unusable CA bundle
            or token, or no token at all.
    """
    from pydantic import SecretStr

    if demo:
        # As the app's --demo: its own instance with a published token; profiles and
        # tokens are ignored so a runbook can be tried without touching a real one.
        from tui.api.client import ConnectionSettings
        from tui.demo.server import SUPERADMIN_TOKEN
        from tui.demo.stack import DemoStack

        stack = DemoStack(webhook_attached=True).start()
        settings = ConnectionSettings(
            stack.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=read_timeout or 15.0
        )
        checks = stack.check_settings(
            enabled=flags.check_credentials is not False,
            probe_writes=flags.probe_write_permissions is not False,
        )
        return Target(settings, stack, checks)

    from tui.auth.token_store import TokenStore
    from tui.startup import StartupError, startup_plan

    store = TokenStore()
    try:
        plan = startup_plan(flags, environ=environ, store=store)
    except StartupError as exc:
        raise UsageError(str(exc)) from None
    if plan.token is None and store.problem is not None and store.problem.kind != "none":
        # Timed out, failed or would prompt: say so, and how to do without it.
        raise UsageError(f"{store.problem.cause}; set TETHER_TOKEN to skip it.")
    if plan.token is None:
        keyring_here = store.problem is None or store.problem.kind != "none"
        raise UsageError(no_token(plan.token_entry, plan.settings.profile, keyring_here))
    return Target(plan.connection(), checks=plan.settings.checks())


def load(settings: ConnectionSettings) -> VoiceAiConfig | ApiFailure:
    """GET the configuration (blocking)."""
    from tui.shutdown import doing

    with doing(f"loading the configuration from {settings.base_url} (nothing was changed)"):
        return asyncio.run(_load(settings))


def save_and_reread(
    settings: ConnectionSettings, request: SaveRequest
) -> tuple[SaveSuccess | ApiFailure, VoiceAiConfig | ApiFailure | None]:
    """POST ``request``, then GET again to confirm it; the GET is skipped after a failure."""
    from tui.shutdown import doing

    with doing(
        f"saving to {settings.base_url}: its outcome is unknown — check with `tether-voice show`"
    ):
        return asyncio.run(_save_and_reread(settings, request))


async def _load(settings: ConnectionSettings) -> VoiceAiConfig | ApiFailure:
    from tui.api.client import VoiceConfigClient

    client = VoiceConfigClient(settings)
    try:
        return await client.load()
    finally:
        await client.aclose()


async def _save_and_reread(
    settings: ConnectionSettings, request: SaveRequest
) -> tuple[SaveSuccess | ApiFailure, VoiceAiConfig | ApiFailure | None]:
    from tui.api.client import VoiceConfigClient
    from tui.api.failures import ApiFailure

    client = VoiceConfigClient(settings)
    try:
        saved = await client.save(request)
        if isinstance(saved, ApiFailure):
            return saved, None
        return saved, await client.load()
    finally:
        await client.aclose()
