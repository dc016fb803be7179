"""Which token to start with: ``TETHER_TOKEN``, else the keyring, else none (sign in).

The environment wins because it is the explicit, per-shell choice (a CI job, a one-off
``TETHER_TOKEN=... tether-voice``) and because reading it costs nothing: the keyring is
not even imported when it is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import SecretStr

from tui.auth.token_store import TokenStore

TOKEN_ENV = "TETHER_TOKEN"

TokenSource = Literal["env", "keyring"]


def pick_token(
    environ: Mapping[str, str], store: TokenStore, entry: str
) -> tuple[SecretStr | None, TokenSource | None]:
    """The token to use and where it came from; ``(None, None)`` means "sign in".

    An empty or blank ``TETHER_TOKEN`` counts as unset, so ``TETHER_TOKEN=`` in a shell
    does not send an empty bearer token.
    """
    env_token = environ.get(TOKEN_ENV, "").strip()
    if env_token:
        return SecretStr(env_token), "env"
    stored = store.load(entry)
    if stored is not None:
        return stored, "keyring"
    return None, None
