"""A small JSON-over-HTTP server on loopback: the plumbing every demo server shares.

The Tether demo server and the stand-ins for third parties are all one of these with
their own routes and state. What they share lives here once: starting and stopping on
a daemon thread, HTTP/1.1 keep-alive, a route table (with ``{name}`` path parameters),
the injectable faults of :mod:`tui.demo.faults`, a loopback-only control route for
them, and a record of every request.

Why keep-alive (HTTP/1.1): real servers keep idle connections for a minute or so, and
a client that reuses its connection saves a TCP and TLS handshake per request. A demo
that closed every connection would hide both the benefit and the bugs of reuse (a
connection the server closed while the client held it). Idle connections are closed
after ``idle_timeout`` seconds, and all of them at :meth:`LoopbackServer.stop`, so no
handler thread outlives its server.

Why every request is recorded whole (headers and body): the leak tests check that each
secret reaches only the server it belongs to, which needs what each server was sent.
The records stay in memory; the ``log`` hook only ever gets "METHOD PATH STATUS".

Stdlib only, and nothing from ``tui.api``: these servers are independent readings of
the contracts, so a client and a server agreeing means something.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import selectors
import socket
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Generic, Self, TypeVar

from tui.demo.faults import (
    JSON_CONTENT_TYPE,
    CannedResponse,
    Fault,
    FaultQueue,
    PendingFault,
    canned_response,
    parse_fault_request,
)
from tui.demo.routing import CompiledRoutes, RecordedRequest, Route, RouteTable

__all__ = [
    "CONTROL_FAULTS_PATH",
    "Json",
    "JsonHandler",
    "LogHook",
    "LoopbackServer",
    "RecordedRequest",
    "Route",
    "RouteTable",
    "is_loopback",
]

CONTROL_FAULTS_PATH = "/__demo__/faults"

MAX_REQUEST_BODY = 1024 * 1024
"""Request bodies in these contracts are a few hundred bytes; refusing big ones keeps
a stray upload from filling memory."""

DEFAULT_IDLE_TIMEOUT = 60.0
"""Seconds an idle keep-alive connection (or a silent client) may hold a handler thread:
within the 60-75 s that common servers and proxies allow."""

Json = dict[str, Any]
LogHook = Callable[[str], None]

StateT = TypeVar("StateT")


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its owner and every connection it holds open."""

    daemon_threads = True
    # The default backlog of 5 drops a burst of connects, costing each a 1 s SYN retry.
    request_queue_size = 64
    # Never wait for handler threads on close: a DELAY fault must not hold up `stop()`.
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: LoopbackServer[Any]) -> None:
        self.owner = owner
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, JsonHandler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's `getfqdn()`, a reverse DNS lookup that can take seconds."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def hang_up_all(self) -> None:
        """Close every open connection: idle keep-alive threads wake with EOF and end."""
        with self.connections_lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay silent: the default prints a traceback over the full-screen TUI.

        The usual cause is a client going away mid-answer (a timeout, a size cap), which
        is the client's business, not an error of the demo.
        """


class JsonHandler(BaseHTTPRequestHandler):
    """Routes one request: the control route, then faults, then the owner's routes."""

    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    """TCP_NODELAY: an answer's headers and body leave in separate writes, and with
    Nagle's algorithm each answer on a kept connection waited for the client's delayed
    ACK (about 40 ms on Linux, measured 44 ms against 0.5 ms per request)."""
    path_params: dict[str, str]
    """The ``{name}`` parts of the matched route's path."""

    def setup(self) -> None:
        self.timeout = self.server.owner.idle_timeout
        self.path_params = {}
        self._body = b""
        super().setup()

    @property
    def owner(self) -> LoopbackServer[Any]:
        return self.server.owner

    # --- plumbing ---

    def do_GET(self) -> None:
        """Every method goes through one dispatcher, so unknown paths and 405s are uniform."""
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Write nothing: stderr is under a full-screen TUI, and a request line may carry data."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Record the request once it is answered (never printed with headers or bodies)."""
        status = int(code) if isinstance(code, int) else 0
        self.record(status)

    def record(self, status: int) -> None:
        method = getattr(self, "command", None) or "-"
        raw_path = getattr(self, "path", None) or "-"
        path, _, query = raw_path.partition("?")
        headers = tuple(self.headers.items()) if getattr(self, "headers", None) else ()
        self.owner.record(RecordedRequest(method, path, query, headers, self._body, status))

    def request_path(self) -> str:
        # Split by hand: urlsplit would read "//x" as a host name.
        return (getattr(self, "path", None) or "-").split("?", 1)[0]

    def query(self) -> dict[str, str]:
        """The query string's parameters (the last value of a repeated one)."""
        from urllib.parse import parse_qsl

        _, _, raw = (getattr(self, "path", None) or "").partition("?")
        return dict(parse_qsl(raw, keep_blank_values=True))

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = JSON_CONTENT_TYPE,
        headers: tuple[tuple[str, str], ...] = (),
        send_bytes: int | None = None,
    ) -> None:
        if send_bytes is None and self.request_path() != CONTROL_FAULTS_PATH:
            # A body cut short is sent as it was made: its length is part of the fault.
            body, headers = self.owner.rewrite_answer(self, status, body, content_type, headers)
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        self.wfile.write(body if send_bytes is None else body[:send_bytes])
        if send_bytes is not None:
            self.hang_up()

    def send_json(self, status: int, payload: object, *headers: tuple[str, str]) -> None:
        self.send(status, json.dumps(payload).encode(), headers=headers)

    def hang_up(self) -> None:
        """Close now, whatever has been sent: the client sees EOF, never a hang."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        self.record(0)
        self.hang_up()

    def _read_body(self) -> bytes | None:
        """The request body, read in full before answering (so a drop closes with FIN, not RST).

        None means the request was already refused (and the connection will close: what
        is left of an unread body would be taken for the next request).
        """
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self.send_json(411, {"success": False, "error": "Content-Length required"})
            return None
        raw_length = self.headers.get("Content-Length", "0").strip() or "0"
        if not raw_length.isdigit():
            self.close_connection = True
            self.send_json(400, {"success": False, "error": "Invalid Content-Length"})
            return None
        length = int(raw_length)
        if length > MAX_REQUEST_BODY:
            self.close_connection = True
            self.send_json(413, {"success": False, "error": "Payload too large"})
            return None
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        self._body = b""
        body = self._read_body()
        if body is None:
            return
        self._body = body
        path = self.request_path()
        if path == CONTROL_FAULTS_PATH:
            self._control_faults(body)
            return
        if path.startswith(self.owner.fault_prefix) and self._apply_fault():
            return
        methods, self.path_params = self.owner.routes.find(path)
        if methods is None:
            self.send_json(404, {"success": False, "error": "Not found"})
            return
        route = methods.get(self.command)
        if route is None:
            error = {"success": False, "error": f"Method {self.command} not allowed"}
            self.send_json(405, error, ("Allow", ", ".join(methods)))
            return
        route(self, body)

    def _apply_fault(self) -> bool:
        """Apply the next matching fault, before auth; True when it answered the request."""
        pending = self.owner.faults.take(self.command)
        if pending is None:
            return False
        if pending.fault is Fault.DELAY:
            # An Event, not sleep(): `stop()` sets it, so a sleeping handler never keeps a
            # stopping server (or a test) waiting. Stopped mid-wait: the server is gone.
            if self.owner.stopping.wait(pending.delay_seconds):
                self.drop()
                return True
            return False
        canned: CannedResponse | None = canned_response(pending.fault)
        if canned is None:  # DROP_CONNECTION
            self.drop()
            return True
        self.send(
            canned.status, canned.body, canned.content_type, canned.headers, canned.send_bytes
        )
        return True

    # --- control route (never subject to faults) ---

    def _control_faults(self, body: bytes) -> None:
        """GET lists, POST adds, DELETE clears the pending faults; loopback clients only."""
        if not is_loopback(self.client_address[0]):
            self.send_json(403, {"success": False, "error": "Control routes are loopback-only"})
            return
        faults = self.owner.faults
        if self.command == "GET":
            pending = [fault.as_json() for fault in faults.snapshot()]
            self.send_json(200, {"success": True, "pending": pending})
        elif self.command == "DELETE":
            self.send_json(200, {"success": True, "cleared": faults.clear()})
        elif self.command == "POST":
            try:
                faults.push(parse_fault_request(body))
            except ValueError as refused:
                self.send_json(400, {"success": False, "error": str(refused)})
                return
            pending = [fault.as_json() for fault in faults.snapshot()]
            self.send_json(200, {"success": True, "pending": pending})
        else:
            error = {"success": False, "error": f"Method {self.command} not allowed"}
            self.send_json(405, error, ("Allow", "GET, POST, DELETE"))


class LoopbackServer(Generic[StateT]):
    """One server on a daemon thread: ``with Server() as server: ... server.url``.

    A demo server is a subclass that declares what it serves: its ``ROUTES``, its
    ``FAULT_PREFIX`` and, for ``state=None``, its :meth:`default_state`. Port 0 (the
    default) takes a free port, so parallel tests never collide. The routes reach the
    state as ``request.owner.state``.
    """

    name = "demo"
    """Names the serving thread and the server in messages."""
    ROUTES: ClassVar[RouteTable] = {}
    FAULT_PREFIX: ClassVar[str] = "/"
    """Injected faults spoil only requests whose path starts with this."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state: StateT | None = None,
        *,
        routes: RouteTable | None = None,
        log: LogHook | None = None,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        """Nothing is bound until `start()`.

        ``routes`` replaces the class's ``ROUTES`` (a one-off server in a test). ``log``
        receives "METHOD PATH STATUS" lines, never headers or bodies.
        """
        self._state: StateT = state if state is not None else self.default_state()
        self.routes = CompiledRoutes(self.ROUTES if routes is None else routes)
        self._host = host
        self._requested_port = port
        self.fault_prefix = self.FAULT_PREFIX
        self._log = log
        self.idle_timeout = idle_timeout
        self.faults = FaultQueue()
        self.stopping = threading.Event()
        self._lifecycle = threading.Lock()
        self._records_lock = threading.Lock()
        self._records: list[RecordedRequest] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def default_state(self) -> StateT:
        """The state served when none is given; a server with state overrides this."""
        return None  # type: ignore[return-value]

    # --- lifecycle ---

    def start(self) -> Self:
        """Bind, listen and serve on a daemon thread; returns once connections are accepted."""
        with self._lifecycle:
            if self._httpd is not None or self.stopping.is_set():
                raise RuntimeError(f"a {type(self).__name__} can be started only once")
            httpd = _HTTPServer((self._host, self._requested_port), self)
            # The listening socket exists once the constructor returns: connections made
            # from now on wait in the backlog even if the thread has not run yet.
            httpd.timeout = 0  # handle_request() must not wait; _serve() does the waiting
            self._httpd = httpd
            self._wake = socket.socketpair()
            # The thread gets its objects as arguments: an immediate stop() clears the
            # attributes, possibly before the thread has read them.
            self._thread = threading.Thread(
                target=self._serve,
                args=(httpd, self._wake[0]),
                name=f"tether-{self.name}-server:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def _serve(self, httpd: _HTTPServer, wake: socket.socket) -> None:
        """Accept until stopped.

        Not `serve_forever()`: it polls for shutdown every 0.5 s, so each `stop()` would
        cost up to that. Here a byte on the `wake` socket ends the wait at once.
        """
        with selectors.DefaultSelector() as selector:
            selector.register(httpd, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _events in selector.select():
                    if key.fileobj is httpd and not self.stopping.is_set():
                        httpd.handle_request()

    def stop(self) -> None:
        """Stop accepting, close every connection, wake delayed handlers. Prompt and idempotent."""
        with self._lifecycle:
            if self.stopping.is_set():
                return
            self.stopping.set()
            httpd, thread, wake = self._httpd, self._thread, self._wake
            self._thread = self._wake = None
            if wake is not None:
                with contextlib.suppress(OSError):
                    wake[1].send(b"\0")
            if thread is not None:
                thread.join(timeout=5)
            if httpd is not None:
                httpd.server_close()
                httpd.hang_up_all()
            if wake is not None:
                for end in wake:
                    end.close()

    def __enter__(self) -> Self:
        return self if self._httpd is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- what tests and the command line see ---

    @property
    def state(self) -> StateT:
        """What this server serves; tests read and change it directly."""
        return self._state

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        if self._httpd is None:
            raise RuntimeError(f"the {type(self).__name__} has not been started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. "http://127.0.0.1:54321"."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed (idle keep-alive ones included)."""
        if self._httpd is None:
            return 0
        with self._httpd.connections_lock:
            return len(self._httpd.open_connections)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered (or dropped), oldest first, headers and body included."""
        with self._records_lock:
            return list(self._records)

    def rewrite_answer(
        self,
        request: JsonHandler,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: tuple[tuple[str, str], ...],
    ) -> tuple[bytes, tuple[tuple[str, str], ...]]:
        """The body and headers actually sent: as made, unless a subclass changes them.

        The hook of the hostile mode (:mod:`tui.demo.hostile`), which puts an attack on
        the client into every string an answer carries, routes and faults alike.
        """
        return body, headers

    def record(self, request: RecordedRequest) -> None:
        """Called by the handler once per request; subclasses may keep more."""
        with self._records_lock:
            self._records.append(request)
        if self._log is not None:
            self._log(f"{request.method} {request.path} {request.status}")

    def inject(
        self,
        fault: Fault,
        *,
        method: str | None = None,
        delay_seconds: float = 3.0,
        times: int = 1,
    ) -> None:
        """Spoil the next `times` requests under the fault prefix made with `method` (None: any)."""
        self.faults.push(PendingFault(fault, method, delay_seconds, times))

    def clear_faults(self) -> None:
        """Forget every pending fault."""
        self.faults.clear()

    def pending_faults(self) -> list[PendingFault]:
        """Copies of the faults not yet used up, oldest first."""
        return self.faults.snapshot()
