"""The pseudo-terminal a measured program runs in, and the watch on what it writes.

Apart from the measurements so that every mode spawns, reads and reaps its children
the same way: a 100x30 pty, a deadline on every wait, markers searched in the text a
person would read, and the child's process group always ended.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence
from pathlib import Path

from .records import MeasurementError

COLUMNS, LINES = 100, 30

CTRL_Q, CTRL_S, TAB, ENTER = b"\x11", b"\x13", b"\t", b"\r"


# --- pure helpers (unit-tested) ----------------------------------------------------------

_ESCAPE = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]                 # CSI: cursor moves, colours, mode switches
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)       # OSC, ended by BEL or ST
    | \x1b[PX^_][^\x1b]*\x1b\\                # DCS, SOS, PM, APC, ended by ST
    | \x1b[()*+][0-9A-Za-z]                   # character set selection
    | \x1b[ -/]*[0-~]                         # any other two-or-more-byte escape
    | \x9b[0-?]*[ -/]*[@-~]                   # 8-bit CSI
    | [\x00-\x08\x0b-\x1f\x7f]                # remaining C0 controls (keeps \t and \n)
    """,
    re.VERBOSE,
)


def strip_ansi(text: str) -> str:
    """Remove escape sequences and control bytes, leaving the text a person would read.

    Textual interleaves cursor moves and colour changes with the text, so a marker is
    only reliably found in the stripped output.
    """
    return _ESCAPE.sub("", text)


class OutputWatch:
    """Terminal output accumulated since a point in time, searchable as plain text.

    Bytes are kept raw and decoded and stripped as a whole on each search, so a marker,
    an escape sequence or a UTF-8 character split across read() chunks is still found.
    """

    def __init__(self) -> None:
        self._raw = bytearray()
        self._plain: str | None = ""

    def feed(self, data: bytes) -> None:
        self._raw += data
        self._plain = None

    @property
    def byte_count(self) -> int:
        return len(self._raw)

    @property
    def plain(self) -> str:
        if self._plain is None:
            self._plain = strip_ansi(bytes(self._raw).decode("utf-8", errors="replace"))
        return self._plain

    def contains(self, marker: str) -> bool:
        return marker in self.plain


_CURSOR_TO_ROW = re.compile(rb"\x1b\[(\d+)(?:;\d*)?[Hf]")


def rows_addressed(output: bytes) -> int:
    """How many distinct screen rows the output moves the cursor to (CUP sequences).

    Tells a redraw of one line from a repaint of the whole screen: Textual positions the
    cursor at the start of every line segment it writes.
    """
    return len({int(row) for row in _CURSOR_TO_ROW.findall(output)})


# --- the pseudo-terminal ------------------------------------------------------------------


class PtyChild:
    """A child process whose stdin, stdout and stderr are one pseudo-terminal of 100x30.

    Every wait has a deadline; ``close()`` (also on any exception, via ``with``) asks
    the child to quit with ctrl+q and kills its process group if it does not.
    """

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: Path) -> None:
        master, slave = os.openpty()
        try:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            self.started = time.monotonic()
            # A new session, so the child and anything it spawns can be killed as a group.
            self.proc = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master = master
        self.eof = False
        self.first_output: float | None = None

    def __enter__(self) -> PtyChild:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, data: bytes) -> float:
        """Write keys to the terminal; returns the time of writing."""
        os.write(self.master, data)
        return time.monotonic()

    def read(self, timeout: float) -> bytes | None:
        """One chunk: b"" when nothing came within `timeout`, None once the child is gone."""
        if self.eof:
            return None
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every slave end is closed, i.e. the child exited
            data = b""
        if not data:
            self.eof = True
            return None
        if self.first_output is None:
            self.first_output = time.monotonic()
        return data

    def wait_for(self, marker: str, timeout: float, watch: OutputWatch) -> float:
        """Read into `watch` until its plain text contains `marker`; returns when it did."""
        deadline = time.monotonic() + timeout
        while not watch.contains(marker):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MeasurementError(f"{marker!r} not seen within {timeout:.0f} s{_tail(watch)}")
            data = self.read(min(remaining, 0.5))
            if data is None:
                raise MeasurementError(f"the child exited before {marker!r}{_tail(watch)}")
            watch.feed(data)
        return time.monotonic()

    def read_until_quiet(
        self, quiet: float, cap: float, first_byte_timeout: float = 0.0
    ) -> tuple[bytes, bool]:
        """Collect output until none came for `quiet` seconds (at most `cap` seconds).

        With `first_byte_timeout`, first wait that long for output to start, so a slow
        reaction to a key is not mistaken for "no output". Returns (output, capped): a
        capped read means the output never went quiet, e.g. an animation.
        """
        output = bytearray()
        if first_byte_timeout > 0:
            data = self.read(first_byte_timeout)
            if not data:
                return b"", False
            output += data
        start = last = time.monotonic()
        while True:
            now = time.monotonic()
            if now - start >= cap:
                return bytes(output), True
            wait = min(quiet - (now - last), cap - (now - start))
            if wait <= 0:
                return bytes(output), False
            data = self.read(wait)
            if data is None:
                return bytes(output), False
            if data:
                output += data
                last = time.monotonic()

    def drain(self, seconds: float) -> int:
        """Read and count whatever arrives during `seconds` (e.g. a blinking cursor)."""
        deadline = time.monotonic() + seconds
        count = 0
        while True:
            data = self.read(max(0.0, deadline - time.monotonic()))
            if data is None:
                return count
            if data:
                count += len(data)
            elif time.monotonic() >= deadline:
                return count

    def peak_rss_kb(self) -> float:
        """VmHWM of the child (the process the pty runs: the interpreter itself)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text(encoding="ascii")
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if not match:
            raise MeasurementError("no VmHWM in /proc status")
        return float(match.group(1))

    def close(self, grace: float = 5.0) -> int | None:
        """Quit with ctrl+q, keep draining so the child never blocks on a full pty, reap.

        Falls back to SIGTERM, then SIGKILL, of the child's own process group.
        """
        try:
            if self.proc.poll() is None:
                with contextlib.suppress(OSError):
                    self.send(CTRL_Q)
                deadline = time.monotonic() + grace
                while self.proc.poll() is None and time.monotonic() < deadline:
                    if self.read(0.05) is None:
                        with contextlib.suppress(subprocess.TimeoutExpired):
                            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
                if self.proc.poll() is not None:
                    break
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, sig)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=wait)
            return self.proc.poll()
        finally:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = -1


def _tail(watch: OutputWatch, chars: int = 200) -> str:
    """The end of what was on screen, for an error message (demo data only, no secrets)."""
    text = " ".join(watch.plain.split())[-chars:]
    return f"; last output: {text!r}" if text else "; no output"
