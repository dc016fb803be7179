"""Sign-in over HTTP: log in, check a token, and ask whom a token belongs to.

The same rules as the config client (:mod:`tui.api.client`): a connect timeout and a
deadline for the whole request, redirects never followed (a token or password must not be sent on to another
location), TLS always verified, proxies from the environment, answers capped in size,
and every outcome a typed value: these functions never raise for anything the network
or the server can do. Given the session's ``client``, a call goes over its connection
pool (one kept-alive connection for the whole session, no new TLS handshake); without
one, over a short-lived client of its own (tests, or a one-off check).

Nothing here logs a token, a password or a response body; the password is revealed
only into the bytes of the login request and is never stored. A token a login answer
gives is checked (:func:`login_token_problem`) before anything uses it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.exchange import DEFAULT_DEADLINE, Answer, AnswerLimits, exchange, open_client
from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    bad_response,
    describe_non_json,
    from_error_status,
    redirect_failure,
)
from tui.api.models import ErrorEnvelope, SignedInUser
from tui.api.transport import (
    TransportConfigError,
    token_problem,
)

LOGIN_PATH = "/api/auth/login"
VERIFY_PATH = "/api/auth/verify-token"
PROFILE_PATH = "/api/user/profile"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedIn:
    """A successful login: the token (never shown, never logged) and who it belongs to."""

    token: SecretStr
    user: SignedInUser


async def login(
    base_url: str,
    email: str,
    password: SecretStr,
    *,
    connect_timeout: float = 5.0,
    read_timeout: float = DEFAULT_DEADLINE,
    ca_bundle: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    client: VoiceConfigClient | None = None,
) -> SignedIn | ApiFailure:
    """``POST /api/auth/login``; a wrong email or password is a failure that says so.

    ``read_timeout``: the whole request's deadline, as :class:`ConnectionSettings`'s.

    Never retried: a POST's outcome is unknown once sent. ``client``: the session's (its
    base URL is used).
    """
    # Encoded here, at the last moment, so the password lives only in the request bytes.
    body = json.dumps(
        {"email": email.strip(), "password": password.get_secret_value()}, ensure_ascii=False
    ).encode()
    answer = await _call(
        "POST",
        LOGIN_PATH,
        base_url=base_url,
        token=None,
        content=body,
        connect_timeout=connect_timeout,
        limits=AnswerLimits(deadline=read_timeout),
        ca_bundle=ca_bundle,
        transport=transport,
        client=client,
    )
    if isinstance(answer, ApiFailure):
        return answer
    payload = answer.json()
    if answer.status == 401:
        return ApiFailure(
            FailureKind.HTTP_STATUS,
            Operation.SIGN_IN,
            "Wrong email or password",
            "Check both and sign in again (the password is case-sensitive), or paste a token.",
            status=401,
            error=_server_words(payload),
        )
    if answer.status != 200 or not isinstance(payload, dict):
        return _failure(answer, payload)
    token = payload.get("token")
    if not isinstance(token, str) or not token:
        return _not_understood("the login answer has no token")
    problem = login_token_problem(token)
    if problem:
        return _not_understood(f"the login answer's token {problem}")
    try:
        user = SignedInUser.model_validate(payload.get("user") or {})
    except ValidationError:
        return _not_understood("the login answer's user is malformed")
    log.debug("signed in; role %s", user.access_role)
    return SignedIn(SecretStr(token), user)


MAX_TOKEN_CHARS = 16 * 1024
"""The longest token a login answer may give: a JWT is a few hundred characters, and
servers refuse request headers past 8 to 16 KB anyway."""


def login_token_problem(token: str) -> str | None:
    """Why a login answer's token cannot be used as a bearer token, or None.

    Checked before the token is used or stored: it goes into an ``Authorization`` header
    on every request, and a character HTTP cannot carry made httpx raise (non-ASCII:
    ``UnicodeEncodeError``, a crash) or say ``Illegal header value b'Bearer …'`` (the
    token on screen). The words never quote the token.
    """
    if len(token) > MAX_TOKEN_CHARS:
        return f"is longer than {MAX_TOKEN_CHARS // 1024} KiB"
    if token_problem(SecretStr(token)):
        return "holds a space, a line break or a character that is not printable ASCII"
    return None


async def verify_token(
    settings: ConnectionSettings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    client: VoiceConfigClient | None = None,
) -> bool | ApiFailure:
    """``GET /api/auth/verify-token``: True when good, False when the server says 401.

    Anything else (no answer, a 5xx, a redirect, an HTML page) is an ``ApiFailure``: a
    token must not be thrown away because a proxy was down.
    """
    answer = await _call_as(settings, VERIFY_PATH, transport, client)
    if isinstance(answer, ApiFailure):
        return answer
    if answer.status == 401:
        return False
    payload = answer.json()
    if answer.status == 200 and isinstance(payload, dict):
        return True
    return _failure(answer, payload)


async def fetch_profile(
    settings: ConnectionSettings,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    client: VoiceConfigClient | None = None,
) -> SignedInUser | ApiFailure:
    """``GET /api/user/profile``: who the token belongs to (there is no ``/api/auth/me``).

    Asked with ``settings.token``, which may differ from the client's (a pasted token
    being checked before it is used).
    """
    answer = await _call_as(settings, PROFILE_PATH, transport, client)
    if isinstance(answer, ApiFailure):
        return answer
    payload = answer.json()
    if answer.status != 200 or not isinstance(payload, dict):
        return _failure(answer, payload)
    user = payload.get("user")
    if not isinstance(user, dict):
        return _not_understood("the profile has no user")
    try:
        return SignedInUser.model_validate(user)
    except ValidationError:
        return _not_understood("the profile's user is malformed")


async def _call_as(
    settings: ConnectionSettings,
    path: str,
    transport: httpx.AsyncBaseTransport | None,
    client: VoiceConfigClient | None,
) -> Answer | ApiFailure:
    return await _call(
        "GET",
        path,
        base_url=settings.base_url,
        token=settings.token,
        content=None,
        connect_timeout=settings.connect_timeout,
        limits=settings.limits,
        ca_bundle=settings.ca_bundle,
        transport=transport,
        client=client,
    )


async def _call(
    method: str,
    path: str,
    *,
    base_url: str,
    token: SecretStr | None,
    content: bytes | None,
    connect_timeout: float,
    limits: AnswerLimits,
    ca_bundle: Path | None,
    transport: httpx.AsyncBaseTransport | None,
    client: VoiceConfigClient | None,
) -> Answer | ApiFailure:
    """One request on the session's pool, else on a short-lived client; every transport
    problem becomes a failure."""
    headers: dict[str, str] = {}
    problem = token_problem(token) if token is not None else None
    if problem:
        return ApiFailure(
            FailureKind.NOT_SENT,
            Operation.SIGN_IN,
            f"Not sent: {problem}",
            "Copy the token again (only the token itself) and sign in again.",
        )
    if client is not None:
        return await client.send(method, path, Operation.SIGN_IN, token=token, content=content)
    if token is not None:
        headers["Authorization"] = f"Bearer {token.get_secret_value()}"
    if content is not None:
        headers["Content-Type"] = "application/json"
    try:
        own = open_client(
            base_url,
            connect_timeout=connect_timeout,
            limits=limits,
            ca_bundle=ca_bundle,
            headers=headers,
            transport=transport,
        )
    except TransportConfigError as exc:
        return ApiFailure(
            FailureKind.NETWORK, Operation.SIGN_IN, str(exc), "Fix the CA bundle, then try again."
        )
    except httpx.InvalidURL as exc:
        return ApiFailure(
            FailureKind.NETWORK,
            Operation.SIGN_IN,
            f"The instance URL is not valid: {exc}",
            "Give it in full, e.g. https://tether.example.com.",
        )
    async with own:
        return await exchange(own, method, path, Operation.SIGN_IN, content=content)


def _server_words(payload: Any) -> str | None:
    """The server's own error text, when the body is the usual ``{"error": "..."}``."""
    if not isinstance(payload, dict):
        return None
    try:
        envelope = ErrorEnvelope.model_validate(payload)
    except ValidationError:
        return None
    return envelope.error if isinstance(envelope.error, str) else envelope.message


def _failure(answer: Answer, payload: Any) -> ApiFailure:
    if 300 <= answer.status < 400:
        return redirect_failure(Operation.SIGN_IN, answer.status, answer.location)
    if answer.status == 200:
        what = (
            describe_non_json(answer.text, answer.content_type)
            if payload is None
            else "an unexpected shape"
        )
        return _not_understood(what)
    return from_error_status(
        answer.status,
        Operation.SIGN_IN,
        payload,
        answer.text,
        answer.content_type,
        answer.retry_after,
    )


def _not_understood(what: str) -> ApiFailure:
    return bad_response(Operation.SIGN_IN, what)
