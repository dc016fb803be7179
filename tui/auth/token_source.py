"""Which token to start with: ``TETHER_TOKEN``, else the keyring, else none (sign in).

The environment wins because it is the explicit, per-shell choice (a CI job, a one-off
``TETHER_TOKEN=... tether-voice``) and because reading it costs nothing: the keyring is
not even imported when it is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from tui.auth.token_store import TokenStore

TOKEN_ENV = "TETHER_TOKEN"

TokenSource = Literal["env", "keyring"]


def env_token(environ: Mapping[str, str]) -> tuple[SecretStr | None, TokenSource | None]:
    """``TETHER_TOKEN`` if set (blank counts as unset), without asking the keyring."""
    value = environ.get(TOKEN_ENV, "").strip()
    return (SecretStr(value), "env") if value else (None, None)


def pick_token(
    environ: Mapping[str, str], store: TokenStore, entry: str
) -> tuple[SecretStr | None, TokenSource | None]:
    """The token to use and where it came from; ``(None, None)`` means "sign in".

    An empty or blank ``TETHER_TOKEN`` counts as unset, so ``TETHER_TOKEN=`` in a shell
    does not send an empty bearer token.
    """
    token, source = env_token(environ)
    if token is not None:
        return token, source
    stored = store.load(entry)
    if stored is not None:
        return stored, "keyring"
    return None, None


NO_TOKEN_REASON = "No token for this instance: sign in (or set TETHER_TOKEN before starting)."
"""The sign-in screen's first line when nothing is stored (or there is no keyring)."""


@dataclass(frozen=True)
class StoredToken:
    """What the app's keyring lookup found: a token, or why it must ask to sign in."""

    token: SecretStr | None
    reason: str
    """When there is no token: the sign-in screen's first line."""


async def find_stored_token(store: TokenStore | None, entry: str | None) -> StoredToken:
    """The app's lookup, awaited in a worker once the first frame is on screen.

    Waits at most the keyring deadline. A token that cannot be sent (a space, a
    typographic quote) is not used: the user signs in instead and is told how to remove
    it (the scripts refuse to start with it, see ``startup_plan``).
    """
    from tui.api.transport import token_problem

    if store is None or entry is None:
        return StoredToken(None, NO_TOKEN_REASON)
    token = await store.load_async(entry)
    if token is not None:
        problem = token_problem(token)
        if problem is None:
            return StoredToken(token, "")
        return StoredToken(
            None,
            f"The token stored in the keyring for '{entry}' cannot be used: {problem}. "
            f"Sign in to replace it (tether-voice logout --profile '{entry}' removes it).",
        )
    trouble = store.problem
    if trouble is None or trouble.kind == "none":
        return StoredToken(None, NO_TOKEN_REASON)
    return StoredToken(None, f"No stored token could be read: {trouble.cause}. Sign in to go on.")


def looking_message(store: TokenStore | None) -> str:
    """The status line while the lookup runs: the user sees the app wait, and how long."""
    limit = f" (at most {store.deadline:g} s)" if store is not None else ""
    return f"Looking for a stored token in the OS keyring{limit}…"
