"""Shared fixtures: a real demo server on loopback for every test that needs one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from tui.api.client import ConnectionSettings
from tui.demo.server import ADMIN_TOKEN, SUPERADMIN_TOKEN, DemoServer
from tui.demo.stack import DemoStack


@pytest.fixture(autouse=True)
def _script_width(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Scripted output is as wide as ``COLUMNS`` says (:mod:`tui.script.width`): one
    exported in the developer's shell must not change what a test reads, and a width
    decided in one test must not carry into the next. A test may set ``COLUMNS``."""
    from tui.script import width

    monkeypatch.delenv("COLUMNS", raising=False)
    width.forget()
    yield
    width.forget()


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture
def demo_stack() -> Iterator[DemoStack]:
    """Tether plus the ElevenLabs and Sinch stand-ins, wired as in ``--demo``."""
    with DemoStack() as stack:
        yield stack


@pytest.fixture
def superadmin(demo_server: DemoServer) -> ConnectionSettings:
    return ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5.0)


@pytest.fixture
def admin(demo_server: DemoServer) -> ConnectionSettings:
    return ConnectionSettings(demo_server.url, SecretStr(ADMIN_TOKEN), read_timeout=5.0)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Gather the fault matrix's cells from the reports, which xdist sends back here."""
    from tests.fault_matrix_report import gather

    gather(report.user_properties)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault matrix (fault by phase → outcome) when its tests ran."""
    from tests.fault_matrix_report import RESULTS, render

    form = ["load", "recheck", "save", "reread"]
    if any(phase in form for _fault, phase in RESULTS):
        terminalreporter.section("fault matrix: fault by phase → outcome")
        for line in render(form):
            terminalreporter.write_line(line)
    numbers = ["toggle", "toggle reread"]
    if any(phase in numbers for _fault, phase in RESULTS):
        terminalreporter.section("fault matrix, phone numbers: fault by phase → outcome")
        for line in render(numbers):
            terminalreporter.write_line(line)
