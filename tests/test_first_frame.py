"""What reaches the terminal adds up to the screen the app means to show.

The editor paints itself once when first shown (:mod:`tui.screens.paint_once`), and a
configuration already fetched at launch is in that first paint. Both skip updates
Textual would otherwise send; if one that mattered were skipped, the terminal would
show something the app does not. So: run the app in a real pseudo-terminal, rebuild
the screen from its output, and compare it with a full repaint of the same state
(forced by a resize away and back).
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import sys
import termios
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.terminal_grid import TerminalGrid
from tui.demo.faults import Fault
from tui.demo.server import DemoServer

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from benchkit.measure import child_env  # noqa: E402
from benchkit.programs import APP_MARKER  # noqa: E402
from benchkit.terminal import COLUMNS, LINES, OutputWatch, PtyChild  # noqa: E402

pytestmark = pytest.mark.skipif(
    not os.path.exists("/dev/ptmx"), reason="needs pseudo-terminals (/dev/ptmx)"
)

QUIET = 0.6
"""Seconds without output that count as "settled" (generous: the machine may be busy)."""


def resize(child: PtyChild, columns: int, lines: int) -> None:
    fcntl.ioctl(child.master, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    os.killpg(child.proc.pid, signal.SIGWINCH)


def settle(child: PtyChild, first_byte_timeout: float = 0.0) -> str:
    """Output until none came for QUIET s (waiting up to ``first_byte_timeout`` for any)."""
    output, _ = child.read_until_quiet(QUIET, cap=20.0, first_byte_timeout=first_byte_timeout)
    return output.decode("utf-8", "replace")


@pytest.fixture
def app_in_a_terminal(tmp_path: Path) -> Iterator[tuple[DemoServer, PtyChild]]:
    with DemoServer() as server:
        argv = [sys.executable, "-m", "tui", "--url", server.url]
        env = child_env()
        for name in ("COLUMNS", "LINES"):  # they would pin the size: the pty's must count
            env.pop(name)
        yield server, PtyChild(argv, env, tmp_path)


def shown_then_repainted(server: DemoServer, child: PtyChild) -> tuple[list[str], list[str]]:
    """The screen as sent until settled, and as a full repaint of that state shows it."""
    with child:
        watch = OutputWatch()
        child.wait_for(APP_MARKER, 60, watch)
        sent = bytes(watch._raw).decode("utf-8", "replace") + settle(child)
        shown = TerminalGrid(COLUMNS, LINES)
        shown.feed(sent)
        resize(child, COLUMNS, LINES + 3)
        settle(child, first_byte_timeout=10.0)
        resize(child, COLUMNS, LINES)
        repainted = TerminalGrid(COLUMNS, LINES)
        repainted.feed(settle(child, first_byte_timeout=10.0))
        return shown.text(), repainted.text()


def test_the_first_frame_with_the_config_fetched_at_launch_is_what_the_app_shows(
    app_in_a_terminal: tuple[DemoServer, PtyChild],
) -> None:
    server, child = app_in_a_terminal
    shown, repainted = shown_then_repainted(server, child)
    assert any("demo-org.elastic-sip.sinch.com" in line for line in shown)
    assert any("No unsaved changes" in line for line in shown)
    assert any("SUPERADMIN" in line for line in shown)  # the profile, after the paint
    assert shown == repainted


def test_a_config_that_arrives_after_the_first_paint_is_drawn_in_full(
    app_in_a_terminal: tuple[DemoServer, PtyChild],
) -> None:
    server, child = app_in_a_terminal
    server.inject(Fault.DELAY, method="GET", delay_seconds=0.8)  # the launch's GET waits
    shown, repainted = shown_then_repainted(server, child)
    assert any("Loaded the configuration" in line for line in shown)
    assert shown == repainted
