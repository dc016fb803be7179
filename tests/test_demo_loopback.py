"""The demo servers' shared plumbing: keep-alive, path parameters, request records.

The Tether routes are tested in ``tests/demo_server/``; here a tiny route table of its
own shows what every demo server inherits.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tui.demo.faults import Fault
from tui.demo.loopback import JsonHandler, LoopbackServer
from tui.demo.server import CONFIG_PATH, SUPERADMIN_TOKEN, DemoServer


def _echo(request: JsonHandler, body: bytes) -> None:
    request.send_json(200, {"params": request.path_params, "query": request.query()})


ROUTES = {
    "/things/{thing}/parts/{part}": {"GET": _echo},
    "/things/special/parts/one": {"GET": lambda request, body: request.send_json(200, "exact")},
}


@pytest.fixture
def server() -> Iterator[LoopbackServer[None]]:
    with LoopbackServer(routes=ROUTES) as running:
        yield running


def test_path_parameters_and_query(server: LoopbackServer[None]) -> None:
    with httpx.Client(base_url=server.url, verify=False) as http:
        answer = http.get("/things/t-1/parts/p%202?page_size=1").json()
        assert answer == {"params": {"thing": "t-1", "part": "p%202"}, "query": {"page_size": "1"}}
        assert http.get("/things/special/parts/one").json() == "exact"  # exact paths win
        assert http.get("/things/t-1/parts").status_code == 404


def test_one_connection_serves_many_requests(server: LoopbackServer[None]) -> None:
    with httpx.Client(base_url=server.url, verify=False) as http:
        for _ in range(5):
            response = http.get("/things/a/parts/b")
            assert response.http_version == "HTTP/1.1"
        assert server.open_connections == 1
    deadline = time.monotonic() + 3
    while server.open_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.open_connections == 0  # the client's close reaches the server


def _read_one_answer(raw: socket.socket) -> bytes:
    """Exactly one HTTP answer (headers and Content-Length bytes of body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += raw.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        ).split(b":")[1]
    )
    while len(body) < length:
        body += raw.recv(4096)
    return head + b"\r\n\r\n" + body


def test_idle_connections_are_closed_after_the_idle_timeout() -> None:
    with (
        LoopbackServer(routes=ROUTES, idle_timeout=0.2) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=3) as raw,
    ):
        raw.sendall(b"GET /things/a/parts/b HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_one_answer(raw).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert raw.recv(4096) == b""  # the server hung up: EOF, not a reset
        assert time.monotonic() - started < 2


def test_stop_closes_idle_keep_alive_connections() -> None:
    server = LoopbackServer(routes=ROUTES).start()
    http = httpx.Client(base_url=server.url, verify=False)
    http.get("/things/a/parts/b")
    assert server.open_connections == 1
    server.stop()
    deadline = time.monotonic() + 3
    while _handler_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not _handler_threads()
    with pytest.raises(httpx.TransportError):
        http.get("/things/a/parts/b")
    http.close()


def _handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_a_dropped_request_does_not_spoil_the_next_on_a_new_connection() -> None:
    with DemoServer() as server, httpx.Client(base_url=server.url, verify=False) as http:
        headers = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}"}
        assert http.get(CONFIG_PATH, headers=headers).status_code == 200
        server.inject(Fault.DROP_MID_RESPONSE)
        with pytest.raises(httpx.TransportError):
            http.get(CONFIG_PATH, headers=headers)
        assert http.get(CONFIG_PATH, headers=headers).status_code == 200


def test_refused_bodies_close_the_connection(server: LoopbackServer[None]) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as raw:
        raw.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400")
    assert b"Connection: close" in answer


def test_every_request_is_recorded_whole() -> None:
    with DemoServer() as server, httpx.Client(base_url=server.url, verify=False) as http:
        http.post(
            CONFIG_PATH,
            json={"elevenlabsApiKey": "sk_recorded"},
            headers={"Authorization": f"Bearer {SUPERADMIN_TOKEN}"},
        )
        (record,) = server.requests
        assert (record.method, record.path, record.status) == ("POST", CONFIG_PATH, 200)
        assert record.header("authorization") == f"Bearer {SUPERADMIN_TOKEN}"
        assert record.carries("sk_recorded") and record.carries(SUPERADMIN_TOKEN)
        assert not record.carries("sk_other") and not record.carries("")
