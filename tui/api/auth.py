"""Sign-in over HTTP: log in, check a token, and ask whom a token belongs to.

The same rules as the config client (:mod:`tui.api.client`): explicit connect/read
timeouts, redirects never followed (a token or password must not be sent on to another
location), TLS always verified, proxies from the environment, answers capped in size,
and every outcome a typed value: these functions never raise for anything the network
or the server can do. Each call uses a short-lived client: sign-in happens once, before
the long-lived config client exists.

Nothing here logs a token, a password or a response body; the password is revealed
only into the bytes of the login request and is never stored.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from tui.api.client import (
    MAX_BODY_BYTES,
    ConnectionSettings,
    _Answer,
    _parse_json,
    _read_capped,
    _TooLarge,
    _transport_reason,
)
from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    describe_non_json,
    from_error_status,
    network_hint,
    timeout_hint,
)
from tui.api.models import ErrorEnvelope, SignedInUser
from tui.api.transport import (
    TransportConfigError,
    build_verify,
    tls_failure_reason,
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
    read_timeout: float = 15.0,
    ca_bundle: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SignedIn | ApiFailure:
    """``POST /api/auth/login``; a wrong email or password is a failure that says so."""
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
        timeouts=(connect_timeout, read_timeout),
        ca_bundle=ca_bundle,
        transport=transport,
    )
    if isinstance(answer, ApiFailure):
        return answer
    payload = _parse_json(answer)
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
    try:
        user = SignedInUser.model_validate(payload.get("user") or {})
    except ValidationError:
        return _not_understood("the login answer's user is malformed")
    log.debug("signed in; role %s", user.access_role)
    return SignedIn(SecretStr(token), user)


async def verify_token(
    settings: ConnectionSettings, transport: httpx.AsyncBaseTransport | None = None
) -> bool | ApiFailure:
    """``GET /api/auth/verify-token``: True when good, False when the server says 401.

    Anything else (no answer, a 5xx, a redirect, an HTML page) is an ``ApiFailure``: a
    token must not be thrown away because a proxy was down.
    """
    answer = await _call_as(settings, VERIFY_PATH, transport)
    if isinstance(answer, ApiFailure):
        return answer
    if answer.status == 401:
        return False
    payload = _parse_json(answer)
    if answer.status == 200 and isinstance(payload, dict):
        return True
    return _failure(answer, payload)


async def fetch_profile(
    settings: ConnectionSettings, transport: httpx.AsyncBaseTransport | None = None
) -> SignedInUser | ApiFailure:
    """``GET /api/user/profile``: who the token belongs to (there is no ``/api/auth/me``)."""
    answer = await _call_as(settings, PROFILE_PATH, transport)
    if isinstance(answer, ApiFailure):
        return answer
    payload = _parse_json(answer)
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
    settings: ConnectionSettings, path: str, transport: httpx.AsyncBaseTransport | None
) -> _Answer | ApiFailure:
    return await _call(
        "GET",
        path,
        base_url=settings.base_url,
        token=settings.token,
        content=None,
        timeouts=(settings.connect_timeout, settings.read_timeout),
        ca_bundle=settings.ca_bundle,
        transport=transport,
    )


async def _call(
    method: str,
    path: str,
    *,
    base_url: str,
    token: SecretStr | None,
    content: bytes | None,
    timeouts: tuple[float, float],
    ca_bundle: Path | None,
    transport: httpx.AsyncBaseTransport | None,
) -> _Answer | ApiFailure:
    """One request on a short-lived client; every transport problem becomes a failure."""
    headers = {"Accept": "application/json", "User-Agent": "tether-voice"}
    problem = token_problem(token) if token is not None else None
    if problem:
        return ApiFailure(
            FailureKind.NOT_SENT,
            Operation.SIGN_IN,
            f"Not sent: {problem}",
            "Copy the token again (only the token itself) and sign in again.",
        )
    if token is not None:
        headers["Authorization"] = f"Bearer {token.get_secret_value()}"
    if content is not None:
        headers["Content-Type"] = "application/json"
    connect_timeout, read_timeout = timeouts
    where = _where(base_url)
    try:
        client = httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=False,
            verify=build_verify(ca_bundle),
            trust_env=True,
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
    started = time.perf_counter()
    try:
        async with client, client.stream(method, path, content=content) as response:
            text = await _read_capped(response)
    except _TooLarge:
        return _not_understood(f"the answer was larger than {MAX_BODY_BYTES // 1024} KB")
    except httpx.TimeoutException as exc:
        log.debug("%s %s timed out: %s", method, path, type(exc).__name__)
        return ApiFailure(
            FailureKind.TIMEOUT,
            Operation.SIGN_IN,
            f"No answer from {where} in time ({type(exc).__name__})",
            timeout_hint(Operation.SIGN_IN),
        )
    except httpx.TransportError as exc:
        log.debug("%s %s transport error: %s", method, path, type(exc).__name__)
        return ApiFailure(
            FailureKind.NETWORK,
            Operation.SIGN_IN,
            f"Could not reach {where}: {tls_failure_reason(exc) or _transport_reason(exc)}",
            network_hint(Operation.SIGN_IN),
        )
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
    return _Answer(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        text=text,
        retry_after=response.headers.get("retry-after"),
        location=response.headers.get("location"),
    )


def _where(base_url: str) -> str:
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL:
        return base_url
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _server_words(payload: Any) -> str | None:
    """The server's own error text, when the body is the usual ``{"error": "..."}``."""
    if not isinstance(payload, dict):
        return None
    try:
        envelope = ErrorEnvelope.model_validate(payload)
    except ValidationError:
        return None
    return envelope.error if isinstance(envelope.error, str) else envelope.message


def _failure(answer: _Answer, payload: Any) -> ApiFailure:
    if 300 <= answer.status < 400:
        target = answer.location or "an unnamed location"
        return ApiFailure(
            FailureKind.REDIRECT,
            Operation.SIGN_IN,
            f"HTTP {answer.status}: the server redirects to {target}",
            "Credentials are not sent on to another location: fix the instance URL (--url).",
            status=answer.status,
        )
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
    return ApiFailure(
        FailureKind.BAD_RESPONSE,
        Operation.SIGN_IN,
        f"The server's answer was not understood: {what}",
        "Check the URL points at the Tether API, then try again.",
    )
