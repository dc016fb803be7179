"""A fresh demo server per test, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.demo_server.support import http_client
from tui.demo.server import DemoServer, DemoState


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """A fresh seeded server per test, so no test sees another's saves or faults."""
    with DemoServer(state=DemoState.seeded()) as running:
        yield running


@pytest.fixture
def empty_server() -> Iterator[DemoServer]:
    with DemoServer(state=DemoState.empty()) as running:
        yield running


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with http_client(server.url) as http:
        yield http
