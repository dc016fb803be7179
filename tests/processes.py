"""Real processes of the commands, as a user starts them: in pipes, or in a terminal.

Shared by the tests that send them signals and those that watch what reaches the screen.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))  # as tests/test_bench_script.py: benchkit's helpers

from benchkit.terminal import strip_ansi  # noqa: E402

LIMIT = 15.0
"""Seconds any process here gets to react; generous, the machine is shared."""


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No TETHER_* from the developer's shell, an empty config, the test backends findable."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TETHER_", "PYTHON_KEY"))}
    config = tmp_path / "config.toml"
    config.write_text("")
    clean.update(
        TETHER_VOICE_CONFIG=str(config),
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        PYTHONPATH=str(ROOT),
        TERM="xterm-256color",
    )
    return clean


def tether_voice(*args: str) -> list[str]:
    return [sys.executable, "-m", "tui", *args]


def wait_until(condition: Callable[[], bool], what: str, limit: float = LIMIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"not seen within {limit:.0f} s: {what}"
        time.sleep(0.02)


class Terminal:
    """The app in a pseudo-terminal that is its controlling terminal, as over SSH.

    The controlling terminal matters: closing it is what sends SIGHUP, as a lost SSH
    connection or a closed terminal window does.
    """

    def __init__(self, argv: list[str], env: dict[str, str], size: tuple[int, int] = (80, 24)):
        import fcntl
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        # Take the terminal as controlling terminal in the new session, then become the app.
        take = (
            "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
            "os.execv(sys.argv[1], sys.argv[1:])"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", take, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.raw = bytearray()

    @property
    def text(self) -> str:
        return strip_ansi(self.raw.decode("utf-8", "replace"))

    def read(self, timeout: float) -> bool:
        """Read what is there; False once the terminal has no writer left."""
        if self.master is None:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        self.raw += data
        return bool(data)

    def wait_for(self, words: str, limit: float = LIMIT) -> None:
        deadline = time.monotonic() + limit
        while words not in self.text:
            assert time.monotonic() < deadline, f"{words!r} not on screen: {self.text[-300:]!r}"
            assert self.read(0.1) or words in self.text, f"ended early: {self.text[-300:]!r}"

    def finish(self, limit: float = LIMIT) -> int:
        """Read until the app has gone; its exit status."""
        deadline = time.monotonic() + limit
        while self.proc.poll() is None and time.monotonic() < deadline:
            if not self.read(0.1):
                time.sleep(0.02)
        while self.read(0.05):
            pass
        return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))

    def hang_up(self) -> None:
        """Close the terminal (a lost connection): the kernel sends SIGHUP."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def close(self) -> None:
        if self.proc.poll() is None:
            with_group = self.proc.pid
            os.killpg(with_group, signal.SIGKILL)
            self.proc.wait(LIMIT)
        self.hang_up()
