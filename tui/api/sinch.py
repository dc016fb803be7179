"""The Sinch calls a credential check makes: a token for the key pair, then the trunk.

The key ID and secret go only to the auth server, as HTTP Basic credentials
[documented]; the EST API gets the short-lived bearer token, never the secret (Basic
auth there is "for test purposes only… heavily rate limited" [documented]). What each
answer means is in :mod:`tui.checks.sinch`.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from tui.api.issuers import IssuerClient
from tui.checks.replies import Outcome

AUTH_SETTING = "The Sinch auth URL (--sinch-auth-url)"
EST_SETTING = "The Sinch EST URL (--sinch-est-url)"
TOKEN_BODY = b"grant_type=client_credentials"
FORM = "application/x-www-form-urlencoded"


async def request_token(
    auth_url: str,
    key_id: str,
    key_secret: SecretStr,
    *,
    connect_timeout: float,
    read_timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Outcome:
    """``POST /oauth2/token`` with the pair as Basic credentials."""
    pair = f"{key_id}:{key_secret.get_secret_value()}".encode()
    basic = "Basic " + base64.b64encode(pair).decode("ascii")
    async with IssuerClient(
        auth_url,
        AUTH_SETTING,
        headers={"Authorization": basic},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        transport=transport,
    ) as client:
        return await client.ask("POST", "/oauth2/token", content=TOKEN_BODY, content_type=FORM)


async def get_trunk(
    est_url: str,
    token: SecretStr,
    project_id: str,
    trunk_id: str,
    *,
    connect_timeout: float,
    read_timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Outcome:
    """``GET /v1/projects/{projectId}/trunks/{trunkId}`` with the bearer token.

    The identifiers are escaped whole (``/`` included): a typed ``../x`` stays one
    path segment and cannot reach another route.
    """
    path = f"/v1/projects/{quote(project_id, safe='')}/trunks/{quote(trunk_id, safe='')}"
    async with IssuerClient(
        est_url,
        EST_SETTING,
        headers={"Authorization": f"Bearer {token.get_secret_value()}"},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        transport=transport,
    ) as client:
        return await client.ask("GET", path)
