"""One HTTP exchange, every way it can fail mapped to an :class:`ApiFailure`.

Shared by the config client and the sign-in calls, so that a timeout, a refused
connection, a TLS problem or a runaway body reads the same everywhere.

Connections are kept alive between requests (:data:`KEEPALIVE_EXPIRY`), so a session
pays one TCP and TLS handshake, not one per step. A kept connection that the server
closed meanwhile is dropped before use when its close has arrived (httpcore checks);
when the close crosses the request on the wire, a GET is sent once more on a fresh
connection (:func:`_stale_connection`). A POST never is: whether it was applied would
be unknown, and it is reported as such.
"""

from __future__ import annotations

import json
import logging
import os
import time
import weakref
from collections.abc import Mapping
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

KEEPALIVE_EXPIRY = 120.0
"""Seconds an idle connection is kept for the next request (httpx's default is 5 s).

A person pauses between loading, ctrl+s and enter for far longer than 5 s, and each
new connection costs a TCP and a TLS handshake (2 round trips). 120 s outlasts what
servers commonly keep (nginx 75 s, cloud load balancers 60 s), so the server decides
when a connection ends, visibly (it closes it, and the next request opens a new one);
and it stays under the idle timeout of middleboxes that drop connections silently
(4 minutes on some cloud load balancers and NATs), where a request on a forgotten
connection would hang until the read timeout."""

STALE_AFTER = 4.0
"""Seconds of idleness after which a kept connection that fails unanswered is taken for
one the server closed while idle, and a GET is retried (see :func:`_stale_connection`).
Common servers close idle connections after 5 s at the soonest (Apache, Node, uvicorn;
nginx after 75 s), and the client sees that moment up to half a round trip early. A
connection that fails sooner after its last answer failed for another reason, which
the user must see rather than have hidden by a retry."""

IDEMPOTENT = frozenset({"GET", "HEAD"})

log = logging.getLogger(__name__)

_last_answer: weakref.WeakKeyDictionary[httpx.AsyncClient, float] = weakref.WeakKeyDictionary()
"""When each client last finished an exchange: how long its kept connection has idled
(requests of one client run one after another, so one clock per client suffices)."""


@dataclass
class _Attempt:
    """What httpcore's trace says about one attempt: a new connection? any answer?"""

    connected: bool = False
    answered: bool = False

    async def trace(self, name: str, info: Mapping[str, Any]) -> None:
        if name.endswith(".connect_tcp.started"):
            self.connected = True
        elif name.endswith("receive_response_headers.complete"):
            self.answered = True


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
    the shared context of :func:`build_verify`, proxies come from the environment, and
    idle connections are kept for :data:`KEEPALIVE_EXPIRY`.

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
        limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
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
    headers: Mapping[str, str] | None = None,
) -> Answer | ApiFailure:
    """Send one request and read its answer (capped); never raises for the network.

    ``headers`` are this request's own (e.g. its ``Authorization``), on top of the
    client's.
    """
    sent_headers = dict(headers or {})
    if content is not None:
        sent_headers["Content-Type"] = content_type
    started = time.perf_counter()
    try:
        try:
            response, text = await _attempt(http, method, path, content, sent_headers)
        finally:
            _last_answer[http] = time.monotonic()
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
        reason = tls_failure_reason(exc) or transport_reason(exc)
        where = host_port(http.base_url)
        summary = (
            f"The connection to {where} dropped before the answer: {reason}"
            if maybe_sent
            else f"Could not reach {where}: {reason}"
        )
        return ApiFailure(FailureKind.NETWORK, operation, summary, hint)
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
    return Answer(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        text=text,
        retry_after=response.headers.get("retry-after"),
        location=response.headers.get("location"),
    )


async def _attempt(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    content: bytes | None,
    headers: dict[str, str],
) -> tuple[httpx.Response, str]:
    """The request, sent once more if it met a connection the server had closed."""
    idle_since = _last_answer.get(http)
    attempt = _Attempt()
    try:
        return await _send(http, method, path, content, headers, attempt)
    except httpx.TransportError as exc:
        if not _stale_connection(method, exc, attempt, idle_since):
            raise
        log.debug("%s %s: the kept connection was closed by the server; once more", method, path)
    return await _send(http, method, path, content, headers, _Attempt())


async def _send(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    content: bytes | None,
    headers: dict[str, str],
    attempt: _Attempt,
) -> tuple[httpx.Response, str]:
    extensions = {"trace": attempt.trace}
    async with http.stream(
        method, path, content=content, headers=headers, extensions=extensions
    ) as response:
        return response, await _read_capped(response)


def _stale_connection(
    method: str, exc: httpx.TransportError, attempt: _Attempt, idle_since: float | None
) -> bool:
    """Whether a failed attempt met a kept connection that the server closed while idle.

    All of: an idempotent method (sending it twice does no harm); a kept connection
    reused, not a new one; no answer at all (not a byte of a status line); an error of
    the connection, not a timeout; and a connection idle for :data:`STALE_AFTER` or
    more, as one the server's idle timer closed must have been.
    """
    if method not in IDEMPOTENT or attempt.connected or attempt.answered:
        return False
    if isinstance(exc, httpx.TimeoutException) or idle_since is None:
        return False
    return time.monotonic() - idle_since >= STALE_AFTER


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
    text = str(exc).strip().rstrip(".")  # the sentence it goes into ends it
    return text or type(exc).__name__
