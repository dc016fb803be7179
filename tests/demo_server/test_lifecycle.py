"""The demo server starts, stops and stays quiet: ports, threads, stderr, the command."""

from __future__ import annotations

import ast
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.demo_server.support import get_config, http_client, post_config
from tui.demo.faults import Fault
from tui.demo.server import ADMIN_TOKEN, CONFIG_PATH, SUPERADMIN_TOKEN, DemoServer, DemoState

# --- lifecycle and hygiene -------------------------------------------------------------


def test_stop_is_prompt_while_a_delayed_request_waits(server: DemoServer) -> None:
    server.inject(Fault.DELAY, delay_seconds=30)
    outcome: list[BaseException | int] = []

    def slow_request() -> None:
        try:
            with http_client(server.url, timeout=10) as http:
                outcome.append(get_config(http).status_code)
        except httpx.TransportError as error:
            outcome.append(error)

    requester = threading.Thread(target=slow_request)
    requester.start()
    deadline = time.monotonic() + 2
    while server.pending_faults() and time.monotonic() < deadline:
        time.sleep(0.005)  # the handler has taken the fault once the queue is empty
    assert server.pending_faults() == []

    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
    requester.join(timeout=2)
    assert not requester.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)


def test_stop_is_idempotent_and_refuses_connections_afterwards() -> None:
    server = DemoServer().start()
    url = server.url
    server.stop()
    server.stop()
    with pytest.raises(httpx.ConnectError):
        http_client(url, timeout=2).get(CONFIG_PATH)
    with pytest.raises(RuntimeError):
        server.start()


def test_port_is_unknown_before_start() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.stop()  # stopping a server that never started is harmless


def test_port_zero_picks_distinct_free_ports() -> None:
    with DemoServer() as first, DemoServer() as second:
        assert first.port != second.port
        assert first.url == f"http://127.0.0.1:{first.port}"
        with http_client(second.url) as http:
            assert get_config(http).status_code == 200


def test_default_state_is_the_seeded_demo() -> None:
    assert DemoServer().state.public_config() == DemoState.seeded().public_config()


def _handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_nothing_is_written_to_stderr(
    server: DemoServer, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    server.inject(Fault.DROP_CONNECTION)
    with pytest.raises(httpx.TransportError):
        get_config(client)
    get_config(client)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")  # not a request line: the 400 path
        raw.recv(1024)
    server.inject(Fault.HUGE_BODY)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as raw:
        raw.sendall(f"GET {CONFIG_PATH} HTTP/1.0\r\n\r\n".encode())
        raw.recv(1024)  # then hang up mid-body: the server's write fails
    deadline = time.monotonic() + 3
    while _handler_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_log_hook_gets_request_lines_only() -> None:
    lines: list[str] = []
    with DemoServer(log=lines.append) as server, http_client(server.url) as http:
        post_config(http, {"elevenlabsApiKey": "sk_must_not_be_logged"})
        get_config(http, {})
        server.inject(Fault.DROP_CONNECTION)
        with pytest.raises(httpx.TransportError):
            get_config(http)
    assert lines == [f"POST {CONFIG_PATH} 200", f"GET {CONFIG_PATH} 401", f"GET {CONFIG_PATH} 0"]


def test_server_imports_only_the_standard_library() -> None:
    # An independent oracle, cheap to start: no client code, no third-party imports.
    demo = Path(__file__).parents[2] / "tui" / "demo"
    servers = ("server.py", "faults.py", "loopback.py", "routing.py", "accounts.py", "state.py")
    # Not stack.py: it wires the servers to the app (check settings pointing at them).
    stand_ins = ("elevenlabs.py", "sinch.py", "numbers_data.py", "numbers_routes.py")
    for source in servers + stand_ins:
        tree = ast.parse((demo / source).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or name.startswith("tui.demo")
                assert allowed, f"{source} imports {name}"


def test_cli_serves_until_interrupted() -> None:
    argv = ["demo-server", "--tether-only", "--port", "0", "--fault", "503-html", "--empty"]
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = "".join(iter(process.stdout.readline, "Ctrl+C to stop.\n"))
        assert max(len(line) for line in banner.splitlines()) <= 80  # issue 18, item 26
        assert "superadmin@demo.tether.test" in banner  # who may sign in
        assert "503-html" in banner.split("Faults while it runs")[0]  # the fault waiting
        url = re.search(r"http://127\.0\.0\.1:\d+", banner)
        assert url, banner
        assert SUPERADMIN_TOKEN in banner and ADMIN_TOKEN in banner and "curl" in banner
        with http_client(url.group(0)) as http:
            assert get_config(http).status_code == 503
            assert get_config(http).json()["aiVoiceProvider"] is None  # --empty
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
    # Ended by Ctrl+C (the shell shows 130), saying so in one line (tests/test_signals.py).
    assert process.returncode == -signal.SIGINT, err
    assert (
        err.strip()
        == "tether-voice: interrupted (Ctrl+C) while running the demo server (it has stopped)."
    )
    assert f"GET {CONFIG_PATH} 503" in out and f"GET {CONFIG_PATH} 200" in out
