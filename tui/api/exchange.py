"""One HTTP exchange, every way it can fail mapped to an :class:`ApiFailure`.

Shared by the config client and the sign-in calls, so that a timeout, a refused
connection, a TLS problem or a runaway body reads the same everywhere.

Connections are kept alive between requests (:data:`KEEPALIVE_EXPIRY`), so a session
pays one TCP and TLS handshake, not one per step. A kept connection that the server
closed meanwhile is dropped before use when its close has arrived (httpcore checks);
when the close crosses the request on the wire, a GET is sent once more on a fresh
connection (:func:`_stale_connection`). A POST never is: whether it was applied would
be unknown, and it is reported as such.

Every answer is untrusted, and bounded before anyone reads it:

- **a total deadline** per request (connect, send and the whole body): a server that
  drips one byte a second never trips a read timeout, and would otherwise hold a
  script or the "Loading…" screen forever (:class:`AnswerLimits`);
- **a size cap** on the decoded body, enforced while decompressing
  (:mod:`tui.api.answer_body`);
- **a depth limit** on its JSON (:mod:`tui.api.bounded_json`), parsed here once, off
  the UI's thread;
- **no library message that can quote a header**: h11 puts the offending bytes in its
  errors (``Illegal header value b'Bearer …'``), so a protocol error is reported by
  kind, never by its text.

A user's cancel (``asyncio.CancelledError``) is never caught: it ends the request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h11
import httpx

from tui.api import bounded_json
from tui.api.answer_body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_ANSWER_MB,
    MIB,
    TooLarge,
    Unreadable,
    body_text,
    read_body,
)
from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    bad_response,
    network_hint,
    not_sendable,
    timeout_hint,
    too_large,
)
from tui.api.transport import build_verify, describe_proxy, proxies_apply, tls_failure_reason

DEFAULT_DEADLINE = 15.0
"""Seconds a whole request may take by default (``--timeout``)."""


@dataclass(frozen=True)
class AnswerLimits:
    """What one client's requests may cost: the bounds every answer is read within."""

    deadline: float = DEFAULT_DEADLINE
    """Seconds for the whole request: connecting, sending, and reading the whole answer."""
    max_bytes: int = DEFAULT_MAX_ANSWER_MB * MIB
    """The decoded body's largest size; a larger one is refused unread past this."""
    size_setting: bool = True
    """Whether the user can raise ``max_bytes`` (the Tether API's cap, with
    ``--max-answer-mb``); an issuer's cap is fixed, and its failure names no setting."""


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

_limits: weakref.WeakKeyDictionary[httpx.AsyncClient, AnswerLimits] = weakref.WeakKeyDictionary()
"""Each client's :class:`AnswerLimits`, set once by :func:`open_client`: they travel
with the client, so no caller of :func:`exchange` can forget them."""


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


_UNPARSED: Any = object()


@dataclass(frozen=True)
class Answer:
    """What came back: enough to parse the body and to explain a failure."""

    status: int
    content_type: str
    text: str
    retry_after: str | None
    location: str | None
    payload: Any = field(default=_UNPARSED, repr=False, compare=False)
    """The body parsed by :func:`exchange` (None: not JSON); unset, :meth:`json` parses."""

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON (or nested too deeply)."""
        if self.payload is not _UNPARSED:
            return self.payload
        return bounded_json.loads_or_none(self.text)


def open_client(
    base_url: str,
    *,
    connect_timeout: float,
    limits: AnswerLimits,
    ca_bundle: Path | None,
    headers: dict[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """The one place the transport rules become an httpx client, for every caller.

    Redirects are never followed (the token would go with them), TLS is verified against
    the shared context of :func:`build_verify`, proxies come from the environment (never
    for loopback: :func:`~tui.api.transport.proxies_apply`), idle
    connections are kept for :data:`KEEPALIVE_EXPIRY`, only the encodings that can be
    decoded within the cap are asked for, and every :func:`exchange` on the client keeps
    to ``limits``. The connect timeout is its own (a host that does not answer is known
    sooner than the deadline); reads and writes are bounded by the deadline.

    Raises:
        TransportConfigError: the CA bundle cannot be used.
        httpx.InvalidURL: ``base_url`` is not a URL httpx accepts.
    """
    if log.isEnabledFor(logging.DEBUG):
        log.debug("client for %s: %s", base_url, describe_proxy(base_url))
    client = httpx.AsyncClient(
        base_url=base_url,
        headers={
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": "tether-voice",
            **(headers or {}),
        },
        timeout=httpx.Timeout(limits.deadline, connect=connect_timeout),
        follow_redirects=False,
        verify=build_verify(ca_bundle, url=base_url),
        trust_env=proxies_apply(base_url),  # httpx reads only proxies from it here
        transport=transport,
        limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
    )
    _limits[client] = limits
    return client


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
    """Send one request and read its answer, within the client's :class:`AnswerLimits`;
    never raises for the network or for what the server sends.

    ``headers`` are this request's own (e.g. its ``Authorization``), on top of the
    client's.

    Raises:
        asyncio.CancelledError: the caller was cancelled (the user reloaded, the app quit).
    """
    limits = _limits.get(http) or AnswerLimits()
    sent_headers = dict(headers or {})
    if content is not None:
        sent_headers["Content-Type"] = content_type
    started = time.perf_counter()
    tries: list[_Attempt] = []
    where = host_port(http.base_url)
    try:
        try:
            async with asyncio.timeout(limits.deadline):
                response, body = await _attempt(
                    http, method, path, content, sent_headers, limits, tries
                )
        finally:
            _last_answer[http] = time.monotonic()
    except TimeoutError:  # the deadline: asyncio.timeout's, as httpx raises its own class
        log.debug("%s %s: no whole answer in %g s", method, path, limits.deadline)
        begun = bool(tries) and tries[-1].answered
        summary = (
            f"The answer from {where} did not complete in {limits.deadline:g} s"
            if begun  # the status and headers came, the body did not (a drip)
            else f"No answer from {where} in time ({limits.deadline:g} s)"
        )
        return ApiFailure(FailureKind.TIMEOUT, operation, summary, timeout_hint(operation))
    except TooLarge:
        return too_large(operation, limits.max_bytes / MIB, setting=limits.size_setting)
    except Unreadable as exc:
        return bad_response(operation, str(exc))
    except httpx.TimeoutException as exc:
        log.debug("%s %s timed out: %s", method, path, type(exc).__name__)
        return ApiFailure(
            FailureKind.TIMEOUT,
            operation,
            f"No answer from {where} in time ({type(exc).__name__})",
            timeout_hint(operation),
        )
    except (httpx.LocalProtocolError, UnicodeEncodeError) as exc:
        # A header value HTTP cannot carry: the library's message quotes it, token and all.
        log.debug("%s %s not sent: %s", method, path, type(exc).__name__)
        return not_sendable(operation)
    except httpx.TransportError as exc:
        log.debug("%s %s transport error: %s", method, path, type(exc).__name__)
        malformed = _malformed_http(exc)
        if malformed is not None:
            # Something answered, but not in HTTP: not a dropped line. After a write it
            # was sent all the same, and bad_response's hint says it may have been applied.
            return bad_response(operation, f"the answer was not valid HTTP ({malformed})")
        # Once connected, a request may have reached the server before the line dropped:
        # a save's outcome is then unknown, exactly as after a timeout.
        maybe_sent = not isinstance(exc, httpx.ConnectError | httpx.ProxyError)
        hint = network_hint(operation)
        if maybe_sent and operation.writes:
            hint = timeout_hint(operation)
        reason = tls_failure_reason(exc) or transport_reason(exc)
        summary = (
            f"The connection to {where} dropped before the answer: {reason}"
            if maybe_sent
            else f"Could not reach {where}: {reason}"
        )
        return ApiFailure(FailureKind.NETWORK, operation, summary, hint)
    elapsed_ms = (time.perf_counter() - started) * 1000
    log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed_ms)
    text = body_text(body, response)
    try:
        payload = bounded_json.loads(text)
    except bounded_json.TooDeep as exc:
        return bad_response(operation, str(exc))
    except ValueError:
        payload = None
    return Answer(
        status=response.status_code,
        content_type=response.headers.get("content-type", ""),
        text=text,
        retry_after=response.headers.get("retry-after"),
        location=response.headers.get("location"),
        payload=payload,
    )


async def _attempt(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    content: bytes | None,
    headers: dict[str, str],
    limits: AnswerLimits,
    tries: list[_Attempt],
) -> tuple[httpx.Response, bytes]:
    """The request, sent once more if it met a connection the server had closed.

    ``tries`` gets each attempt's trace, so the caller knows whether any answer began.
    """
    idle_since = _last_answer.get(http)
    tries.append(_Attempt())
    try:
        return await _send(http, method, path, content, headers, limits, tries[-1])
    except httpx.TransportError as exc:
        if not _stale_connection(method, exc, tries[-1], idle_since):
            raise
        log.debug("%s %s: the kept connection was closed by the server; once more", method, path)
    tries.append(_Attempt())
    return await _send(http, method, path, content, headers, limits, tries[-1])


async def _send(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    content: bytes | None,
    headers: dict[str, str],
    limits: AnswerLimits,
    attempt: _Attempt,
) -> tuple[httpx.Response, bytes]:
    extensions = {"trace": attempt.trace}
    async with http.stream(
        method, path, content=content, headers=headers, extensions=extensions
    ) as response:
        return response, await read_body(response, limits.max_bytes)


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


_QUOTED = re.compile(r"""[:'"(]| b'| bytearray""")
"""Where h11's reason ends and its quote of the offending bytes begins."""


def _malformed_http(exc: httpx.TransportError) -> str | None:
    """The reason when what came back broke HTTP's rules, else None (a dropped line).

    Malformed: h11 refused the status line, a header or the chunking, or httpx refused
    the ``Location`` (a control character in it). Not malformed: a server that hung up
    without a word (httpx's "Server disconnected without sending a response", raised
    with no h11 error underneath) or in the middle of the body (h11's "peer closed
    connection…"), which are dropped connections. The reason is cut before the quote of
    the bytes at fault (``illegal header line: bytearray(b'Location: \x1b[2J…')``,
    ``Invalid URL in location header: …``): a header is never shown.
    """
    if not isinstance(exc, httpx.RemoteProtocolError):
        return None
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, h11.RemoteProtocolError | httpx.InvalidURL):
        seen = seen.__cause__ or seen.__context__
    if seen is None:
        return None
    reason = _QUOTED.split(str(exc if isinstance(seen, httpx.InvalidURL) else seen), maxsplit=1)[0]
    reason = reason.strip()
    if "closed" in reason:  # "peer closed connection without sending complete message body"
        return None
    return (reason[:1].lower() + reason[1:60]) or "a malformed status line or header"


def transport_reason(exc: httpx.TransportError) -> str:
    """The most specific reason in the exception chain: the OS's words when there are some.

    httpx says "All connection attempts failed"; the ``OSError`` underneath says
    "Connection refused", which is what the user needs. A resolver's error (``gaierror``)
    carries a negative code that ``os.strerror`` calls "Unknown error -2": it is said in
    words instead.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):  # its errno is the resolver's, not the OS's
            return f"the host name did not resolve ({seen.strerror or 'no address'})"
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno)
        if isinstance(seen, OSError) and seen.strerror:
            return seen.strerror
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    if isinstance(exc, httpx.ProtocolError):  # h11's words can quote what came back
        text = _QUOTED.split(text, maxsplit=1)[0]
    text = text.strip().rstrip(".")  # the sentence it goes into ends it
    return text or type(exc).__name__
