"""One HTTP exchange, every way it can fail mapped to an :class:`ApiFailure`.

Shared by the config client and the sign-in calls, so that a timeout, a refused
connection, a TLS problem or a runaway body reads the same everywhere.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    bad_response,
    network_hint,
    timeout_hint,
)
from tui.api.transport import build_verify, describe_proxy, tls_failure_reason

MAX_BODY_BYTES = 2 * 1024 * 1024
"""Answers larger than this are refused unread: a config is a few kilobytes, and a
runaway proxy page must not stall or swamp the app."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    """What came back: enough to parse the body and to explain a failure."""

    status: int
    content_type: str
    text: str
    retry_after: str | None
    location: str | None

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def open_client(
    base_url: str,
    *,
    connect_timeout: float,
    read_timeout: float,
    ca_bundle: Path | None,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The one place the transport rules become an httpx client, for every caller.

    Redirects are never followed (the token would go with them), TLS is verified against
    the shared context of :func:`build_verify`, and proxies come from the environment.

    Raises:
        TransportConfigError: the CA bundle cannot be used.
        httpx.InvalidURL: ``base_url`` is not a URL httpx accepts.
    """
    if log.isEnabledFor(logging.DEBUG):
        log.debug("client for %s: %s", base_url, describe_proxy(base_url))
    return httpx.AsyncClient(
        base_url=base_url,
        headers={"Accept": "application/json", "User-Agent": "tether-voice", **(headers or {})},
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        follow_redirects=False,
        verify=build_verify(ca_bundle, url=base_url),
        trust_env=True,
        transport=transport,
    )


class _TooLarge(Exception):
    pass


async def exchange(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    operation: Operation,
    *,
    content: bytes | None = None,
    content_type: str = "application/json",
) -> Answer | ApiFailure:
    """Send one request and read its answer (capped); never raises for the network."""
    headers = {"Content-Type": content_type} if content is not None else None
    started = time.perf_counter()
    try:
        async with http.stream(method, path, content=content, headers=headers) as response:
            text = await _read_capped(response)
    except _TooLarge:
        return bad_response(operation, f"the answer was larger than {MAX_BODY_BYTES // 1024} KB")
    except httpx.TimeoutException as exc:
        log.debug("%s %s timed out: %s", method, path, type(exc).__name__)
        return ApiFailure(
            FailureKind.TIMEOUT,
            operation,
            f"No answer from {host_port(http.base_url)} in time ({type(exc).__name__})",
            timeout_hint(operation),
        )
    except httpx.TransportError as exc:
        log.debug("%s %s transport error: %s", method, path, type(exc).__name__)
        # Once connected, a request may have reached the server before the line dropped:
        # a save's outcome is then unknown, exactly as after a timeout.
        maybe_sent = not isinstance(exc, httpx.ConnectError | httpx.ProxyError)
        hint = network_hint(operation)
        if maybe_sent and operation.writes:
            hint = timeout_hint(operation)
        return ApiFailure(
            FailureKind.NETWORK,
            operation,
            f"Could not reach {host_port(http.base_url)}: "
            f"{tls_failure_reason(exc) or transport_reason(exc)}",
            hint,
        )
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
    return Answer(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        text=text,
        retry_after=response.headers.get("retry-after"),
        location=response.headers.get("location"),
    )


def host_port(url: httpx.URL) -> str:
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


def transport_reason(exc: httpx.TransportError) -> str:
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
