"""Measure tether-voice's startup, memory and terminal output against a baseline.

    uv run python scripts/bench.py [--runs N] [--venvs] [--importtime] [--json]

Performance claims about the app come from this script, never from timed assertions
in tests: every number is measured in one run on one machine, next to a baseline
measured in the same run (a one-line Textual app), and reported as medians and
ratios, so a slow or busy machine shifts both sides alike.

What it measures, each child in a real pseudo-terminal of 100x30 (xterm-256color):

1. Time to first useful frame: from spawning ``tether-voice --url URL`` (against a
   demo server this process runs) until the loaded configuration's trunk domain is on
   screen; and for the baseline, until its one line is. Also the time to the first
   byte on the terminal (interpreter, imports and driver start), which splits the
   first from what follows (stylesheet, widgets, the HTTP load, the paint). A third
   program, the stack floor (the baseline plus httpx, pydantic and one GET), shows how
   much of the ratio the libraries cost before any of the app's own code.
2. Peak RSS (``VmHWM``) of the child once that text appeared.
3. Bytes written to the terminal: the first full frame, each keystroke while typing
   into the ElevenLabs API key field, each focus move (Tab), and output while idle
   (a blinking cursor would show here) — against the targets of ≤ 600 B per key and
   ≤ 4 KB per Tab — and how many screen rows each key rewrites (30 of 30 is a full
   repaint).
4. Time from confirming a save (Enter in the review) to the success message.
5. With ``--venvs``: measurements 1 and 2 again from two throwaway venvs with the
   project and its locked dependencies installed, one without bytecode (uv's default)
   and one with ``--compile-bytecode``. Children always run with
   ``PYTHONDONTWRITEBYTECODE=1``, so one run cannot warm the next by writing ``.pyc``.
6. With ``--importtime``: the top cumulative import costs of the startup path.

Markdown goes to stdout; with ``--json`` stdout gets JSON instead and the Markdown
goes to stderr. Progress lines always go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import json
import os
import platform
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent

COLUMNS, LINES = 100, 30
TOKEN = "demo-superadmin-token"
APP_MARKER = "demo-org.elastic-sip.sinch.com"
"""The demo server's trunk domain: on screen only once the loaded config is shown."""
BASELINE_MARKER = "bench-baseline-ready"
REVIEW_MARKER = "Review:"
SAVED_MARKER = "server said: Configuration saved"
"""The final status line; the interim "Server: Configuration saved. Re-reading…" differs."""

TYPED_TEXT = "sk_bench_0123456789a"
"""20 characters typed one at a time into the API key field (the demo accepts any key)."""
TAB_SAMPLES = 6
KEY_TARGET_BYTES = 600
TAB_TARGET_BYTES = 4 * 1024

CTRL_Q, CTRL_S, TAB, ENTER = b"\x11", b"\x13", b"\t", b"\r"

BASELINE_SOURCE = f'''"""The baseline: the least a Textual app can do — show one static line."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Baseline(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("{BASELINE_MARKER}: one static line")


if __name__ == "__main__":
    Baseline().run()
'''


FLOOR_MARKER = "bench-floor-ready"
FLOOR_READY = f"{FLOOR_MARKER}: {APP_MARKER}"
"""What the floor shows once loaded; a traceback quoting its source cannot contain it."""
FLOOR_SOURCE = f'''"""The stack's floor: the baseline plus what the app cannot start without.

httpx and pydantic imported, one AsyncClient, one GET of the configuration validated
into a pydantic model, and the trunk domain shown on one static line. What the app
adds on top of this is its own code and its screen.
"""

import sys

import httpx
from pydantic import BaseModel, ConfigDict
from textual.app import App, ComposeResult
from textual.widgets import Static


class Config(BaseModel):
    model_config = ConfigDict(extra="allow")
    sinchEstTrunkDomain: str | None = None


class Floor(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("loading", id="line")

    async def on_mount(self) -> None:
        headers = {{"Authorization": "Bearer {TOKEN}"}}
        async with httpx.AsyncClient(base_url=sys.argv[1], headers=headers) as client:
            answer = await client.get("/api/calls/voice-ai/config")
        config = Config.model_validate(answer.json())
        self.query_one("#line", Static).update(
            f"{FLOOR_MARKER}: {{config.sinchEstTrunkDomain}}"
        )


if __name__ == "__main__":
    Floor().run()
'''


class MeasurementError(RuntimeError):
    """A child did not show what was awaited in time (or exited): that run is dropped."""


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


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values (a measurement whose every run failed)."""
    return statistics.median(values) if values else None


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either side is missing or zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def fmt_ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.0f} ms"


def fmt_mb(kilobytes: float | None) -> str:
    """VmHWM is in kB (KiB); MB here is MiB, one decimal."""
    return "—" if kilobytes is None else f"{kilobytes / 1024:.1f} MB"


def fmt_bytes(count: float | None) -> str:
    return "—" if count is None else f"{count:,.0f} B"


def fmt_spread(values: Sequence[float], fmt: Callable[[float | None], str]) -> str:
    """Median, then [min, max], so a noisy measurement shows that it is noisy."""
    if not values:
        return "failed"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(median(values))} [{fmt(min(values))}, {fmt(max(values))}]"


def check(value: float | None, target: float) -> str:
    """✓ when the value meets the target (at most), ✗ when not, ? when unmeasured."""
    if value is None:
        return "?"
    return "✓" if value <= target else "✗"


def parse_importtime(stderr: str) -> list[ImportCost]:
    """The ``-X importtime`` lines as records; indentation of the name is the depth."""
    pattern = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")
    costs = []
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            depth = max(0, (len(indent) - 1) // 2)
            costs.append(ImportCost(name.strip(), int(self_us), int(cumulative_us), depth))
    return costs


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportCost:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass(frozen=True)
class ImportReport:
    """The top of one interpreter's ``-X importtime`` output."""

    interpreter: str
    total_us: int
    top: list[ImportCost]


@dataclass
class Startup:
    """Samples of measurement 1 and 2 (and the first frame's size) for one command."""

    seconds: list[float] = field(default_factory=list)
    first_output_seconds: list[float] = field(default_factory=list)
    """Until the first byte on the terminal: interpreter, imports, driver start."""
    hwm_kb: list[float] = field(default_factory=list)
    frame_bytes: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Interaction:
    """Samples of measurements 3 and 4, pooled over the app's runs."""

    key_bytes: list[float] = field(default_factory=list)
    key_rows: list[float] = field(default_factory=list)
    tab_bytes: list[float] = field(default_factory=list)
    tab_rows: list[float] = field(default_factory=list)
    idle_bytes_per_s: list[float] = field(default_factory=list)
    save_seconds: list[float] = field(default_factory=list)


@dataclass
class Interpreter:
    """One way of running the app and the baseline, e.g. the current venv."""

    name: str
    python: str
    app_argv: list[str]
    baseline_argv: list[str]
    note: str
    floor_argv: list[str] = field(default_factory=list)
    """The stack's floor (FLOOR_SOURCE); the demo server's URL is appended."""
    app: Startup = field(default_factory=Startup)
    baseline: Startup = field(default_factory=Startup)
    floor: Startup = field(default_factory=Startup)
    build_seconds: float | None = None


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


# --- measurements -------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Every deadline in one place; defaults are generous so a slow machine only slows."""

    start: float = 60.0
    step: float = 10.0
    quiet: float = 0.15
    frame_quiet: float = 0.3
    idle: float = 1.5
    key_cap: float = 3.0


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The children's environment: a fixed terminal, and no bytecode written by any run."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TEXTUAL")}
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(LINES),
        PYTHONDONTWRITEBYTECODE="1",
        TETHER_TOKEN=TOKEN,
    )
    env.pop("TETHER_URL", None)
    env.update(extra or {})
    return env


def measure_startup(child: PtyChild, marker: str, limits: Limits, into: Startup) -> OutputWatch:
    """Measurements 1 and 2 and the first frame's size, for a child just spawned."""
    watch = OutputWatch()
    seen = child.wait_for(marker, limits.start, watch)
    hwm = child.peak_rss_kb()
    trailing, _ = child.read_until_quiet(limits.frame_quiet, cap=limits.step)
    watch.feed(trailing)
    into.seconds.append(seen - child.started)
    into.first_output_seconds.append((child.first_output or seen) - child.started)
    into.hwm_kb.append(hwm)
    into.frame_bytes.append(watch.byte_count)
    return watch


def key_output(child: PtyChild, key: bytes, limits: Limits) -> bytes:
    """What the app writes in reaction to one key, once its output has gone quiet."""
    stray = child.drain(0.0)
    if stray:
        print(f"    (ignored {stray} B written before the key)", file=sys.stderr)
    child.send(key)
    output, capped = child.read_until_quiet(
        limits.quiet, cap=limits.key_cap, first_byte_timeout=limits.step
    )
    if capped:
        print(f"    (output after {key!r} never went quiet in {limits.key_cap} s)", file=sys.stderr)
    return output


def measure_interaction(child: PtyChild, limits: Limits, into: Interaction) -> None:
    """Measurements 3 and 4 on an app that shows its loaded config, focus on the Select."""

    def press(key: bytes, bytes_into: list[float], rows_into: list[float]) -> None:
        output = key_output(child, key, limits)
        bytes_into.append(len(output))
        rows_into.append(rows_addressed(output))

    press(TAB, into.tab_bytes, into.tab_rows)  # Select → API key Input
    for char in TYPED_TEXT:
        press(char.encode(), into.key_bytes, into.key_rows)
    into.idle_bytes_per_s.append(child.drain(limits.idle) / limits.idle)
    for _ in range(TAB_SAMPLES):
        press(TAB, into.tab_bytes, into.tab_rows)
    child.send(CTRL_S)
    child.wait_for(REVIEW_MARKER, limits.step, OutputWatch())
    child.read_until_quiet(limits.frame_quiet, cap=limits.step)
    confirmed = child.send(ENTER)
    saved = child.wait_for(SAVED_MARKER, limits.step, OutputWatch())
    into.save_seconds.append(saved - confirmed)


def run_once(
    argv: Sequence[str],
    marker: str,
    limits: Limits,
    startup: Startup,
    interaction: Interaction | None,
    cwd: Path,
) -> None:
    """One child from spawn to reap; a failure is recorded, not raised, so others go on."""
    try:
        with PtyChild(argv, child_env(), cwd) as child:
            measure_startup(child, marker, limits, startup)
            if interaction is not None:
                measure_interaction(child, limits, interaction)
    except (MeasurementError, OSError) as error:
        startup.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)


def measure_all(
    interps: Sequence[Interpreter],
    url: str,
    runs: int,
    limits: Limits,
    cwd: Path,
    interaction: Interaction,
) -> None:
    """Round-robin: each round runs every interpreter's baseline, floor and app once, so
    drift on the machine (other work, thermal) hits every side of every ratio alike.

    One discarded warm-up of each command first fills the page cache. Only the first
    interpreter's app runs also do the interaction measurements.
    """
    for interp in interps:
        print(f"[{interp.name}] warm-up", file=sys.stderr)
        run_once(interp.baseline_argv, BASELINE_MARKER, limits, Startup(), None, cwd)
        if interp.floor_argv:
            run_once([*interp.floor_argv, url], FLOOR_READY, limits, Startup(), None, cwd)
        run_once([*interp.app_argv, "--url", url], APP_MARKER, limits, Startup(), None, cwd)
    for index in range(runs):
        for interp in interps:
            app_argv = [*interp.app_argv, "--url", url]
            app_interaction = interaction if interp is interps[0] else None
            run_once(interp.baseline_argv, BASELINE_MARKER, limits, interp.baseline, None, cwd)
            if interp.floor_argv:
                floor_argv = [*interp.floor_argv, url]
                run_once(floor_argv, FLOOR_READY, limits, interp.floor, None, cwd)
            run_once(app_argv, APP_MARKER, limits, interp.app, app_interaction, cwd)
            app_s = interp.app.seconds[-1:] or [None]
            base_s = interp.baseline.seconds[-1:] or [None]
            floor_s = interp.floor.seconds[-1:] or [None]
            print(
                f"[{interp.name}] run {index + 1}/{runs}: app {fmt_ms(app_s[0])}, "
                f"baseline {fmt_ms(base_s[0])}, floor {fmt_ms(floor_s[0])}",
                file=sys.stderr,
            )


# --- interpreters and venvs ---------------------------------------------------------------


def console_script(python: str) -> list[str]:
    """``tether-voice`` beside `python` when installed (what users run), else ``-m tui``."""
    script = Path(python).parent / "tether-voice"
    return [str(script)] if script.exists() else [python, "-m", "tui"]


def _has_bytecode(package_dir: Path) -> bool:
    """Whether the package's ``__init__`` has an up-to-date ``.pyc`` beside it."""
    source = package_dir / "__init__.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    return cached.exists() and cached.stat().st_mtime >= source.stat().st_mtime


def current_interpreter(baseline: Path) -> Interpreter:
    site = next(Path(sys.prefix).glob("lib/python*/site-packages"), Path(sys.prefix))
    textual_pyc = _has_bytecode(site / "textual")
    # An editable install runs the project from its source tree; with no bytecode cache
    # written there (PYTHONDONTWRITEBYTECODE=1), every start compiles the app's modules.
    tui_pyc = _has_bytecode(PROJECT_DIR / "tui")
    note = (
        f"this interpreter (`sys.executable`, Python {platform.python_version()}); "
        f"Textual {'has' if textual_pyc else 'has no'} compiled bytecode here, "
        f"the app's own modules {'have' if tui_pyc else 'have none (compiled at each start)'}"
    )
    return Interpreter(
        "current",
        sys.executable,
        console_script(sys.executable),
        [sys.executable, str(baseline)],
        note,
        floor_argv=[sys.executable, str(baseline.with_name("floor.py"))],
    )


def run_checked(
    argv: Sequence[str],
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """Run a setup command with a deadline; its stderr goes into the error if it fails."""
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MeasurementError(f"{argv[0]} {argv[1]} took over {timeout:.0f} s") from error
    if done.returncode != 0:
        raise MeasurementError(f"{' '.join(argv[:3])} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def build_venv(name: str, root: Path, baseline: Path, compile_bytecode: bool) -> Interpreter:
    """A throwaway venv with the project installed (not editable) at the locked versions."""
    uv = shutil.which("uv")
    if uv is None:
        raise MeasurementError("--venvs needs uv on PATH")
    venv = root / name
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_COMPILE_BYTECODE")}
    started = time.monotonic()
    requirements = root / "requirements.txt"
    if not requirements.exists():
        locked = run_checked(
            [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--quiet"],
            timeout=120,
            env=env,
            cwd=PROJECT_DIR,
        )
        requirements.write_text(locked, encoding="utf-8")
    run_checked(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], timeout=120, env=env
    )
    python = str(venv / "bin" / "python")
    install = [uv, "pip", "install", "--quiet", "--python", python, "-r", str(requirements)]
    install.append(str(PROJECT_DIR))
    # --no-config: the project's own [tool.uv] compile-bytecode setting would otherwise
    # make the "plain" venv compiled too.
    install.insert(3, "--no-config")
    if compile_bytecode:
        install.append("--compile-bytecode")
    run_checked(install, timeout=600, env=env)
    how = "with `--compile-bytecode`" if compile_bytecode else "without bytecode (uv's default)"
    interp = Interpreter(
        name,
        python,
        console_script(python),
        [python, str(baseline)],
        f"throwaway `uv venv` + `uv pip install` {how}",
        floor_argv=[python, str(baseline.with_name("floor.py"))],
    )
    interp.build_seconds = time.monotonic() - started
    return interp


def import_costs(interp: Interpreter, cwd: Path, top: int = 15) -> ImportReport:
    """The top cumulative imports of ``import tui.cli; import tui.app``, and the total.

    Run from `cwd` (not the project) so a venv imports its installed copy of tui.
    """
    argv = [interp.python, "-X", "importtime", "-c", "import tui.cli; import tui.app"]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=120,
            env=child_env(),
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MeasurementError("python -X importtime took over 120 s") from error
    costs = parse_importtime(done.stderr)
    if done.returncode != 0 or not costs:
        raise MeasurementError(f"python -X importtime failed: {done.stderr.strip()[-300:]}")
    total = sum(cost.self_us for cost in costs)
    ranked = sorted(costs, key=lambda c: c.cumulative_us, reverse=True)[:top]
    return ImportReport(interp.name, total, ranked)


# --- report -------------------------------------------------------------------------------


def startup_rows(interp: Interpreter) -> list[str]:
    """| interpreter | measurement | app | baseline | app / baseline | floor | floor / baseline |"""
    sides = (interp.app, interp.baseline, interp.floor)
    measurements: list[tuple[str, Callable[[Startup], list[float]], Callable]] = [
        ("time to first byte on the terminal", lambda s: s.first_output_seconds, fmt_ms),
        ("time to first useful frame", lambda s: s.seconds, fmt_ms),
        ("peak RSS (VmHWM) at that frame", lambda s: s.hwm_kb, fmt_mb),
        ("bytes of the first full frame", lambda s: s.frame_bytes, fmt_bytes),
    ]
    lines = []
    for what, samples, fmt in measurements:
        app, base, floor = (samples(side) for side in sides)
        app_ratio = fmt_ratio(ratio(median(app), median(base)))
        floor_ratio = fmt_ratio(ratio(median(floor), median(base)))
        lines.append(
            f"| {interp.name} | {what} | {fmt_spread(app, fmt)} | {fmt_spread(base, fmt)} "
            f"| {app_ratio} | {fmt_spread(floor, fmt)} | {floor_ratio} |"
        )
    return lines


def target_note(values: Sequence[float], target: float) -> str:
    """ "≤ 600 B: median ✓, max ✗ (1.4x)": meets the target or by how much it misses."""

    def one(label: str, value: float | None) -> str:
        mark = check(value, target)
        over = ratio(value, target)
        return f"{label} {mark}" + (f" ({over:.1f}x)" if mark == "✗" and over else "")

    peak = max(values, default=None)
    return f"≤ {target:,.0f} B: {one('median', median(values))}, {one('max', peak)}"


def sample_row(what: str, values: Sequence[float], fmt: Callable[[float | None], str]) -> str:
    """| what | median | max | samples |, the shape every interaction row shares."""
    return f"| {what} | {fmt(median(values))} | {fmt(max(values, default=None))} | {len(values)}"


def interaction_rows(result: Interaction) -> list[str]:
    def rows(value: float | None) -> str:
        return "—" if value is None else f"{value:.0f} of {LINES}"

    return [
        "| measurement | median | max | samples | target |",
        "| --- | --- | --- | --- | --- |",
        sample_row("bytes per keystroke (API key field)", result.key_bytes, fmt_bytes)
        + f" | {target_note(result.key_bytes, KEY_TARGET_BYTES)} |",
        sample_row("screen rows rewritten per keystroke", result.key_rows, rows) + " | — |",
        sample_row("bytes per focus move (Tab)", result.tab_bytes, fmt_bytes)
        + f" | {target_note(result.tab_bytes, TAB_TARGET_BYTES)} |",
        sample_row("screen rows rewritten per Tab", result.tab_rows, rows) + " | — |",
        sample_row("idle output per second (nothing pressed)", result.idle_bytes_per_s, fmt_bytes)
        + " | — |",
        sample_row(f"save: Enter in review → “{SAVED_MARKER}”", result.save_seconds, fmt_ms)
        + " | — |",
    ]


def render_markdown(
    interps: list[Interpreter],
    interaction: Interaction,
    imports: list[ImportReport],
    runs: int,
    load_note: str = "",
) -> str:
    lines = [
        "## tether-voice benchmark",
        "",
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; each child in a {COLUMNS}x{LINES} pty "
        f"(TERM=xterm-256color) with PYTHONDONTWRITEBYTECODE=1; {runs} runs per row after "
        "one discarded warm-up, round-robin over every command so drift hits all alike; "
        "values are median [min, max]." + (f" {load_note}" if load_note else ""),
        "",
        "App: `tether-voice --url URL` against a demo server in the bench process "
        f"(first useful frame = “{APP_MARKER}” on screen). Baseline: a Textual app "
        "showing one static line. Stack floor: that app plus what this app cannot start "
        "without (httpx and pydantic imported, one GET of the configuration validated by "
        "a pydantic model, its trunk domain shown): the part of the ratio the stack "
        "costs before any of the app's own code or screen.",
        "",
    ]
    lines += [
        f"- **{i.name}**: {i.note}; app command `{Path(i.app_argv[0]).name}`" for i in interps
    ]
    lines += [
        "",
        "| interpreter | measurement | app | baseline | app / baseline | stack floor "
        "| floor / baseline |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for interp in interps:
        lines += startup_rows(interp)
    venvs = {i.name: i for i in interps}
    plain, compiled = venvs.get("venv-plain"), venvs.get("venv-compiled")
    if plain and compiled:
        lines += [
            "",
            "| bytecode at install | app | baseline | venv build time |",
            "| --- | --- | --- | --- |",
        ]
        for interp in (plain, compiled):
            lines.append(
                f"| {interp.name} | {fmt_ms(median(interp.app.seconds))} "
                f"| {fmt_ms(median(interp.baseline.seconds))} | {fmt_ms(interp.build_seconds)} |"
            )
        lines.append(
            f"| plain / compiled | "
            f"{fmt_ratio(ratio(median(plain.app.seconds), median(compiled.app.seconds)))} | "
            f"{fmt_ratio(ratio(median(plain.baseline.seconds), median(compiled.baseline.seconds)))}"
            " | — |"
        )
    lines += [
        "",
        f"Interaction ({interps[0].name} interpreter, pooled over the app's runs; a key's "
        "bytes are counted until the output is quiet for 150 ms):",
        "",
        *interaction_rows(interaction),
    ]
    failures = [
        (i.name, f)
        for i in interps
        for f in (*i.app.failures, *i.baseline.failures, *i.floor.failures)
    ]
    if failures:
        lines += ["", f"**{len(failures)} failed run(s)** (dropped from the numbers):"]
        lines += [f"- {name}: {text}" for name, text in failures]
    for report in imports:
        lines += [
            "",
            f'`python -X importtime -c "import tui.cli; import tui.app"` ({report.interpreter}): '
            f"{report.total_us / 1000:.0f} ms of imports in all (one run, with importtime's "
            f"own overhead); top {len(report.top)} by cumulative time:",
            "",
            "| cumulative | self | module |",
            "| --- | --- | --- |",
        ]
        lines += [
            f"| {c.cumulative_us / 1000:.1f} ms | {c.self_us / 1000:.1f} ms "
            f"| {'· ' * c.depth}`{c.module}` |"
            for c in report.top
        ]
    return "\n".join(lines) + "\n"


def to_json(
    interps: list[Interpreter],
    interaction: Interaction,
    imports: list[ImportReport],
    runs: int,
) -> dict[str, Any]:
    """Every raw sample, plus the medians and ratios the table shows."""

    def summary(interp: Interpreter) -> dict[str, Any]:
        data = asdict(interp)
        data["median"] = {
            "app_seconds": median(interp.app.seconds),
            "app_first_output_seconds": median(interp.app.first_output_seconds),
            "baseline_seconds": median(interp.baseline.seconds),
            "ratio_seconds": ratio(median(interp.app.seconds), median(interp.baseline.seconds)),
            "floor_seconds": median(interp.floor.seconds),
            "floor_ratio_seconds": ratio(
                median(interp.floor.seconds), median(interp.baseline.seconds)
            ),
            "app_hwm_kb": median(interp.app.hwm_kb),
            "baseline_hwm_kb": median(interp.baseline.hwm_kb),
        }
        return data

    return {
        "runs": runs,
        "terminal": {"columns": COLUMNS, "lines": LINES, "term": "xterm-256color"},
        "python": platform.python_version(),
        "interpreters": [summary(i) for i in interps],
        "interaction": {
            **asdict(interaction),
            "targets": {"key_bytes": KEY_TARGET_BYTES, "tab_bytes": TAB_TARGET_BYTES},
        },
        "importtime": [asdict(report) for report in imports],
    }


# --- main ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="measured runs per row (min 5)")
    parser.add_argument(
        "--venvs",
        action="store_true",
        help="also measure startup from two throwaway uv venvs, without and with bytecode",
    )
    parser.add_argument("--importtime", action="store_true", help="list the top cumulative imports")
    parser.add_argument(
        "--json", action="store_true", help="JSON on stdout (the Markdown goes to stderr)"
    )
    args = parser.parse_args(argv)
    if args.runs < 5:
        parser.error("--runs must be at least 5: a median of fewer says little")
    return args


@contextlib.contextmanager
def demo_server() -> Iterator[str]:
    """A demo server on a free loopback port for the whole run, always stopped."""
    from tui.demo.server import DemoServer

    server = DemoServer().start()
    try:
        yield server.url
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    limits = Limits()
    with (
        tempfile.TemporaryDirectory(prefix="tether-bench-") as tmp,
        demo_server() as url,
    ):
        scratch = Path(tmp)
        baseline = scratch / "baseline.py"
        baseline.write_text(BASELINE_SOURCE, encoding="utf-8")
        baseline.with_name("floor.py").write_text(FLOOR_SOURCE, encoding="utf-8")
        interps = [current_interpreter(baseline)]
        if args.venvs:
            for name, compiled in (("venv-plain", False), ("venv-compiled", True)):
                print(f"[{name}] building", file=sys.stderr)
                try:
                    interps.append(build_venv(name, scratch / "venvs", baseline, compiled))
                except MeasurementError as error:
                    print(f"[{name}] not measured: {error}", file=sys.stderr)
        interaction = Interaction()
        load_before = os.getloadavg()[0]
        measure_all(interps, url, args.runs, limits, scratch, interaction)
        load_note = (
            f"1-minute load average {load_before:.2f} before the runs, "
            f"{os.getloadavg()[0]:.2f} after (other work on the machine shows here)."
        )
        imports = []
        if args.importtime:
            # The venv with bytecode shows import work alone, without compiling.
            for interp in (i for i in interps if i.name in ("current", "venv-compiled")):
                try:
                    imports.append(import_costs(interp, scratch))
                except MeasurementError as error:
                    print(f"[{interp.name}] importtime not measured: {error}", file=sys.stderr)
    report = render_markdown(interps, interaction, imports, args.runs, load_note)
    if args.json:
        print(report, file=sys.stderr)
        print(json.dumps(to_json(interps, interaction, imports, args.runs), indent=2))
    else:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
