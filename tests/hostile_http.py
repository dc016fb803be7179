"""A test-only HTTP server on loopback that answers exactly the bytes it is given.

The demo server honours HTTP; this one is for what a broken or hostile server can do
that no well-behaved framework would let through: nested JSON, stacked compression, a
body that drips a byte at a time, header values with control characters, a status line
that is not HTTP. Each path answers a :class:`Canned` reply (or the default one), on a
fresh connection each time (``Connection: close``).
"""

from __future__ import annotations

import contextlib
import gzip
import socket
import socketserver
import threading
import zlib
from dataclasses import dataclass, field

NESTED = b"[" * 200_000 + b"]" * 200_000
"""200,000 levels of nesting in 400 KB: json.loads raises RecursionError on it."""


@dataclass(frozen=True)
class Canned:
    """One answer, as bytes on the wire."""

    status: int = 200
    headers: tuple[tuple[str, bytes], ...] = (("Content-Type", b"application/json"),)
    body: bytes = b"{}"
    drip: float | None = None
    """Seconds between bytes of the body (or of ``raw``): each byte its own write."""
    raw: bytes | None = None
    """The whole answer as is (status line, headers and all); status, headers and body
    are ignored."""
    content_length: bool = True


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(body: bytes, *headers: tuple[str, bytes], status: int = 200) -> Canned:
    return Canned(status, (("Content-Type", b"application/json"), *headers), body)


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, gzipped (about 1 KB per MB), built a MB at a time."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [squeeze.compress(zeros) for _ in range(megabytes)]
    parts.append(squeeze.flush())
    return b"".join(parts)


def stacked_gzip_bomb(megabytes: int) -> bytes:
    """The bomb of the issue: ``gzip, gzip``; the outer layer a couple of KB."""
    return gzip.compress(gzip_bomb(megabytes), 9)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        try:
            seen = self._read_request(sock)
        except (OSError, ValueError):
            return
        owner = self.server.owner
        owner.seen.append(seen)
        canned = owner.routes.get(seen.path.split("?")[0], owner.default)
        with contextlib.suppress(OSError):  # the client gave up (its deadline, its cap)
            self._answer(sock, canned)

    def _read_request(self, sock: socket.socket) -> Seen:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise ValueError("closed before the request")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        return Seen(method, path, headers)

    def _answer(self, sock: socket.socket, canned: Canned) -> None:
        if canned.raw is not None:
            self._send(sock, canned.raw, canned.drip)
            return
        head = [f"HTTP/1.1 {canned.status} Canned".encode()]
        head += [name.encode() + b": " + value for name, value in canned.headers]
        if canned.content_length:
            head.append(b"Content-Length: " + str(len(canned.body)).encode())
        head.append(b"Connection: close")
        sock.sendall(b"\r\n".join(head) + b"\r\n\r\n")
        self._send(sock, canned.body, canned.drip)

    def _send(self, sock: socket.socket, data: bytes, drip: float | None) -> None:
        if drip is None:
            sock.sendall(data)
            return
        stop = self.server.owner.stopping
        for index in range(len(data)):
            if stop.wait(drip):
                return
            sock.sendall(data[index : index + 1])


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: HostileServer


class HostileServer:
    """``with HostileServer() as server:`` then ``server.answer(path, Canned(...))``."""

    def __init__(self, default: Canned | None = None) -> None:
        self.default = default or Canned()
        self.routes: dict[str, Canned] = {}
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, path: str, canned: Canned) -> None:
        self.routes[path] = canned

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
