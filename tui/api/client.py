"""The only place that speaks HTTP: load and save the Voice AI configuration.

One long-lived ``httpx.AsyncClient`` with the base URL, bearer token and explicit
timeouts set once. Both calls return either the parsed result or an
:class:`~tui.api.failures.ApiFailure`; they never raise for anything the network or
the server can do, so the UI has exactly one error path to render.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr, ValidationError

from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    describe_non_json,
    from_error_status,
    network_hint,
    timeout_hint,
)
from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig
from tui.api.transport import build_verify, tls_failure_reason

CONFIG_PATH = "/api/calls/voice-ai/config"
MAX_BODY_BYTES = 2 * 1024 * 1024
"""Answers larger than this are refused unread: a config is a few kilobytes, and a
runaway proxy page must not stall or swamp the app."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and as whom. The token is a ``SecretStr`` so ``repr`` never shows it."""

    base_url: str
    token: SecretStr
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    ca_bundle: Path | None = None
    """A PEM bundle of a private CA to trust; None: SSL_CERT_FILE or the built-in roots."""


@dataclass(frozen=True)
class _Answer:
    status: int
    content_type: str
    text: str
    retry_after: str | None
    location: str | None


class _TooLarge(Exception):
    pass


class VoiceConfigClient:
    """Load and save one organization's Voice AI configuration."""

    def __init__(
        self, settings: ConnectionSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._http = httpx.AsyncClient(
            base_url=settings.base_url,
            headers={"Accept": "application/json", "User-Agent": "tether-voice"},
            timeout=httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout),
            follow_redirects=False,
            verify=build_verify(settings.ca_bundle),
            trust_env=True,
            transport=transport,
        )
        self.use_token(settings.token)

    def use_token(self, token: SecretStr) -> None:
        """Send ``token`` from now on (after a sign-in); an empty token sends no header."""
        self.settings = replace(self.settings, token=token)
        if token.get_secret_value():
            self._http.headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        else:
            self._http.headers.pop("Authorization", None)

    @property
    def has_token(self) -> bool:
        return bool(self.settings.token.get_secret_value())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def load(self) -> VoiceAiConfig | ApiFailure:
        answer = await self._request("GET", Operation.LOAD)
        if isinstance(answer, ApiFailure):
            return answer
        payload = _parse_json(answer)
        if answer.status != 200 or not isinstance(payload, dict) or payload.get("success") is False:
            return _failure_for(answer, payload, Operation.LOAD)
        try:
            return VoiceAiConfig.model_validate(payload)
        except ValidationError as exc:
            return _bad_response(
                Operation.LOAD, f"the configuration has {exc.error_count()} malformed field(s)"
            )

    async def save(self, request: SaveRequest) -> SaveSuccess | ApiFailure:
        answer = await self._request("POST", Operation.SAVE, request)
        if isinstance(answer, ApiFailure):
            return answer
        payload = _parse_json(answer)
        if (
            answer.status != 200
            or not isinstance(payload, dict)
            or payload.get("success") is not True
        ):
            return _failure_for(answer, payload, Operation.SAVE)
        return SaveSuccess.model_validate(payload)

    async def _request(
        self, method: str, operation: Operation, request: SaveRequest | None = None
    ) -> _Answer | ApiFailure:
        content = None
        if request is not None:
            # Encoded here, at the last moment, so the revealed secrets live only in bytes.
            content = json.dumps(request.wire_body(), ensure_ascii=False).encode()
            log.debug(
                "POST fields: %s", sorted(request.model_dump(by_alias=True, exclude_unset=True))
            )
        started = time.perf_counter()
        try:
            async with self._http.stream(
                method,
                CONFIG_PATH,
                content=content,
                headers={"Content-Type": "application/json"} if content is not None else None,
            ) as response:
                text = await _read_capped(response)
        except _TooLarge:
            return _bad_response(
                operation, f"the answer was larger than {MAX_BODY_BYTES // 1024} KB"
            )
        except httpx.TimeoutException as exc:
            log.debug("%s timed out: %s", method, type(exc).__name__)
            return ApiFailure(
                FailureKind.TIMEOUT,
                operation,
                f"No answer from {self._where()} in time ({type(exc).__name__})",
                timeout_hint(operation),
            )
        except httpx.TransportError as exc:
            log.debug("%s transport error: %s", method, type(exc).__name__)
            return ApiFailure(
                FailureKind.NETWORK,
                operation,
                f"Could not reach {self._where()}: "
                f"{tls_failure_reason(exc) or _transport_reason(exc)}",
                network_hint(operation),
            )
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %s in %.0f ms", method, CONFIG_PATH, response.status_code, elapsed_ms)
        return _Answer(
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            text=text,
            retry_after=response.headers.get("retry-after"),
            location=response.headers.get("location"),
        )

    def _where(self) -> str:
        url = self._http.base_url
        return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


async def _read_capped(response: httpx.Response) -> str:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks).decode(response.encoding or "utf-8", errors="replace")


def _parse_json(answer: _Answer) -> Any:
    try:
        return json.loads(answer.text)
    except ValueError:
        return None


def _transport_reason(exc: httpx.TransportError) -> str:
    """The most specific reason in the exception chain: the OS's words when there are some.

    httpx says "All connection attempts failed"; the ``OSError`` underneath says
    "Connection refused" or "Name or service not known", which is what the user needs.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno)
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        seen = seen.__cause__ or seen.__context__
    text = str(exc).strip()
    return text or type(exc).__name__


def _bad_response(operation: Operation, what: str) -> ApiFailure:
    retry = "ctrl+s" if operation is Operation.SAVE else "ctrl+r"
    extra = (
        " The save may have been applied: reload (ctrl+r) to check."
        if operation is Operation.SAVE
        else ""
    )
    return ApiFailure(
        FailureKind.BAD_RESPONSE,
        operation,
        f"The server's answer was not understood: {what}",
        f"Check the URL points at the Tether API, then retry ({retry}).{extra} Your edits are kept.",
    )


def _failure_for(answer: _Answer, payload: Any, operation: Operation) -> ApiFailure:
    if 300 <= answer.status < 400:
        target = answer.location or "an unnamed location"
        return ApiFailure(
            FailureKind.REDIRECT,
            operation,
            f"HTTP {answer.status}: the server redirects to {target}",
            "The token is not sent on to another location: fix the instance URL (--url).",
            status=answer.status,
        )
    if answer.status == 200:
        if payload is None:
            return _bad_response(operation, describe_non_json(answer.text, answer.content_type))
        if not isinstance(payload, dict) or payload.get("success") is not False:
            return _bad_response(operation, "it is not the success envelope")
    return from_error_status(
        answer.status, operation, payload, answer.text, answer.content_type, answer.retry_after
    )
