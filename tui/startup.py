"""The one decision made before the UI starts: where to connect, and with which token.

The command line calls :func:`startup_plan` and exits with a clear message on a
:class:`StartupError`; the UI receives the plan and decides what to show first:

- a token from ``TETHER_TOKEN``: straight to the editor (the user chose it explicitly);
- a token from the keyring (``verify_first``): check it with verify-token first, and on
  False go to the sign-in screen saying the stored token is invalid or expired;
- no token: the sign-in screen.

No Textual and no HTTP here. The keyring is read only when ``TETHER_TOKEN`` is unset,
and only when a ``store`` is passed: scripts pass one and wait (at most the keyring
deadline) before their first request; the app passes none, so its first frame never
waits for the keyring, and looks the token up in a worker once it is on screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import SecretStr

from tui.api.transport import (
    TransportConfigError,
    build_verify,
    insecure_url_reason,
    token_problem,
)
from tui.auth.token_source import TokenSource, env_token, pick_token
from tui.settings import ConfigError, Flags, ResolvedSettings, load_settings

if TYPE_CHECKING:
    from tui.api.client import ConnectionSettings
    from tui.auth.token_store import TokenStore


class StartupError(Exception):
    """The app cannot start as asked; the message says why and how to fix it."""


@dataclass(frozen=True)
class StartupPlan:
    """What the UI needs to start: settings, the token (if any) and where it came from."""

    settings: ResolvedSettings
    token: SecretStr | None
    token_source: TokenSource | None
    token_entry: str
    """The keyring entry for this instance: where "Remember" saves and logout deletes."""

    @property
    def verify_first(self) -> bool:
        """A stored token may have expired since it was saved: check it before use."""
        return self.token_source == "keyring"

    @property
    def token_label(self) -> str:
        """Where the token came from, for messages ("the token in TETHER_TOKEN", ...)."""
        if self.token_source == "env":
            return "the token in TETHER_TOKEN"
        if self.token_source == "keyring":
            return f"the token stored in the keyring for '{self.token_entry}'"
        return "no token"

    def connection(self, token: SecretStr | None = None) -> ConnectionSettings:
        """Client settings with ``token`` (a fresh sign-in) or the plan's own token."""
        chosen = token if token is not None else self.token
        if chosen is None:
            raise StartupError("no token: sign in first")
        return self.settings.connection(chosen)


def startup_plan(
    flags: Flags, *, environ: Mapping[str, str], store: TokenStore | None = None
) -> StartupPlan:
    """Resolve the settings, check the transport is safe, and pick the token.

    ``store`` None: ``TETHER_TOKEN`` only; the caller looks in the keyring itself.

    Raises:
        StartupError: a config problem, no URL, an unsafe URL or an unusable CA bundle.
    """
    try:
        settings = load_settings(flags, environ)
    except ConfigError as exc:
        raise StartupError(str(exc)) from None
    if not settings.url:
        raise StartupError(
            "No instance URL: give --url URL, set TETHER_URL, or choose a profile "
            "(--profile NAME) from the config file"
            + (f" at {settings.config_path}" if settings.config_path else "")
            + ". To try the app without an instance, use --demo."
        )
    reason = insecure_url_reason(settings.url, settings.allow_insecure_http)
    if reason:
        raise StartupError(reason)
    try:
        build_verify(settings.ca_bundle, environ, url=settings.url)
    except TransportConfigError as exc:
        raise StartupError(str(exc)) from None
    issuer_problem = settings.issuer_url_problem()
    if issuer_problem:
        raise StartupError(issuer_problem)
    entry = settings.token_entry
    token, source = pick_token(environ, store, entry) if store is not None else env_token(environ)
    problem = token_problem(token) if token is not None else None
    if problem and source == "env":
        raise StartupError(f"TETHER_TOKEN cannot be used: {problem}. Set it to the token alone.")
    if problem:
        raise StartupError(
            f"The token stored in the keyring for '{entry}' cannot be used: {problem}. "
            f"Remove it with: tether-voice logout --profile '{entry}'."
        )
    return StartupPlan(settings, token, source, entry)
