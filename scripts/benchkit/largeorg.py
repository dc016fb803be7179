"""A large organization: what 100,000 phone numbers cost in bytes, time and memory.

The configuration's one GET carries every number (the contract has no paging), so a
large organization is one large answer. Measured against a demo server seeded with N
numbers (``DemoState.with_numbers``) and, in the same run and round-robin, against the
seeded four (the reference, for the ratios):

1. The answer: the GET's body and its bytes on the wire (status line and headers
   included), asked with ``Accept-Encoding: gzip, deflate`` to see whether the server
   compresses it (the demo server never does: it says so in ``Content-Encoding``), and
   the body's gzip size at level 6 computed here, what a compressing server would send.
2. The app in the 100x30 pty, on loopback (plain HTTP) and through the TLS + latency
   proxy (``benchkit.network``) at one round-trip time: from spawn to the numbers
   counter of "On the server now" ("100,000 (33,334 AI on"), then ctrl+n to the table's
   first row named by its agent; peak RSS (``VmHWM``) at the counter and with the table
   open; how many configuration GETs the load made.
3. The scripts ``tether-voice show`` and ``tether-voice numbers`` (both list every
   number) on loopback: wall time and peak RSS from spawn to exit, through
   ``benchkit.childrss`` (the bench's own memory must not count), and their output size.

A run the app or a script fails (an answer refused as too large, a timeout) is recorded
with its reason and left out of the medians, never raised.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .childrss import run_measured
from .measure import child_env
from .network import LatencyProxy, ThrowawayCA
from .numbers import AGENTS_MARKER, CTRL_N
from .programs import TOKEN
from .records import MeasurementError
from .terminal import OutputWatch, PtyChild

if TYPE_CHECKING:
    from tui.demo.server import DemoServer, DemoState

DEFAULT_COUNT = 100_000
REFERENCE_COUNT = 4
"""The seeded organization's numbers: what every ratio is taken against."""
CONFIG_PATH = "/api/calls/voice-ai/config"
LOAD_FAILED = "Load failed"
"""The app's status line when the configuration could not be used (e.g. too large)."""
SCRIPTS = ("show", "numbers")


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerSize:
    """The configuration GET's answer with ``count`` numbers, as the demo server sends it."""

    count: int
    body_bytes: int
    wire_bytes: int
    """Status line, headers and body: what one GET moves (TLS adds its framing)."""
    content_encoding: str
    """What the server said in ``Content-Encoding`` to a request accepting gzip ("" none)."""
    gzip_bytes: int
    """The body through gzip level 6: what a server that compresses would send instead."""
    counter: str
    """How the app's "On the server now" counts these numbers: its ready marker."""


@dataclass
class AppLoad:
    """The app's samples at one size and one network, pooled over the runs."""

    count: int
    rtt_ms: float | None
    """None: loopback (plain HTTP); else through the TLS + latency proxy at this RTT."""
    counter_seconds: list[float] = field(default_factory=list)
    """Spawn → the numbers counter on screen (the answer read, parsed and shown)."""
    table_seconds: list[float] = field(default_factory=list)
    """ctrl+n (once the first frame is done) → the table's first row, agent named."""
    hwm_counter_kb: list[float] = field(default_factory=list)
    hwm_table_kb: list[float] = field(default_factory=list)
    config_gets: list[float] = field(default_factory=list)
    """Configuration GETs the server answered from spawn to the table."""
    failures: list[str] = field(default_factory=list)


@dataclass
class ScriptCost:
    """One script at one size: wall time, peak RSS and output, pooled over the runs."""

    count: int
    command: str
    seconds: list[float] = field(default_factory=list)
    maxrss_kb: list[float] = field(default_factory=list)
    output_bytes: list[float] = field(default_factory=list)
    helper_maxrss_kb: float = 0.0
    """The spawning helper's own peak: a figure at or under it would not be the script's."""
    failures: list[str] = field(default_factory=list)


@dataclass
class LargeOrg:
    """Everything one ``--large-org`` measurement collected."""

    count: int
    rtt_ms: float
    runs: int
    answers: list[AnswerSize] = field(default_factory=list)
    apps: list[AppLoad] = field(default_factory=list)
    scripts: list[ScriptCost] = field(default_factory=list)

    def app(self, count: int, rtt_ms: float | None) -> AppLoad:
        return next(a for a in self.apps if a.count == count and a.rtt_ms == rtt_ms)

    def script(self, count: int, command: str) -> ScriptCost:
        return next(s for s in self.scripts if s.count == count and s.command == command)


# --- 1. the answer ------------------------------------------------------------------------


def counter_text(config: object) -> str:
    """The start of the app's count of the numbers, "100,000 (33,334 AI on": the marker.

    The same words as the summary's (``tui.form.summary.numbers_summary``), cut before
    the part a 100-column screen may cut off.
    """
    numbers = config.get("phoneNumbers") if isinstance(config, dict) else None
    if not isinstance(numbers, list) or not numbers:
        raise MeasurementError("the demo server's configuration lists no numbers")
    on = sum(1 for number in numbers if isinstance(number, dict) and number.get("aiEnabled"))
    return f"{len(numbers):,} ({on:,} AI on"


def answer_size(port: int, count: int, timeout: float = 60.0) -> AnswerSize:
    """One raw HTTP/1.1 GET of the configuration, every byte of the answer counted."""
    request = (
        f"GET {CONFIG_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {TOKEN}\r\nAccept: application/json\r\n"
        "Accept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    raw = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        while chunk := connection.recv(1 << 20):
            raw += chunk
    head, separator, body = bytes(raw).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not separator or " 200 " not in f"{lines[0]} ":
        raise MeasurementError(f"the configuration GET answered {lines[0]!r}")
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:])
    }
    encoding = headers.get("content-encoding", "")
    plain = gzip.decompress(body) if encoding == "gzip" else body
    return AnswerSize(
        count=count,
        body_bytes=len(body),
        wire_bytes=len(raw),
        content_encoding=encoding,
        gzip_bytes=len(gzip.compress(plain, compresslevel=6)),
        counter=counter_text(json.loads(plain)),
    )


# --- 2. the app ---------------------------------------------------------------------------


def wait_for_any(
    child: PtyChild, markers: Sequence[str], timeout: float, watch: OutputWatch
) -> tuple[str, float]:
    """Like ``PtyChild.wait_for``, for the first of several markers: (which, when)."""
    deadline = time.monotonic() + timeout
    while True:
        for marker in markers:
            if watch.contains(marker):
                return marker, time.monotonic()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise MeasurementError(f"none of {list(markers)} seen within {timeout:.0f} s")
        data = child.read(min(remaining, 0.5))
        if data is None:
            raise MeasurementError(f"the app exited before {markers[0]!r}: {_tail(watch.plain)}")
        watch.feed(data)


def _status_line(watch: OutputWatch) -> str:
    """The app's failure as it said it (demo data only), for the report."""
    plain = " ".join(watch.plain.split())
    start = plain.rfind(LOAD_FAILED)
    return plain[start : start + 240]


def _tail(text: str, chars: int = 200) -> str:
    """The end of an output on one line, for a report's list of failures."""
    return repr(" ".join(text.split())[-chars:])


@dataclass(frozen=True)
class AppTarget:
    """Where one app run connects: the URL, its extra options, the server's request log."""

    url: str
    options: tuple[str, ...]
    state: DemoState
    """The server's state, whose ``request_log`` counts the configuration GETs."""


def measure_app_once(
    app_argv: Sequence[str],
    target: AppTarget,
    counter: str,
    into: AppLoad,
    cwd: Path,
    start_limit: float = 180.0,
) -> None:
    """One app from spawn to reap: the counter, then ctrl+n to the table's first row."""
    before = len(target.state.request_log)
    argv = [*app_argv, "--url", target.url, *target.options]
    try:
        with PtyChild(argv, child_env(), cwd) as child:
            watch = OutputWatch()
            seen, when = wait_for_any(child, (counter, LOAD_FAILED), start_limit, watch)
            if seen == LOAD_FAILED:
                watch.feed(child.read_until_quiet(0.3, cap=5.0)[0])
                raise MeasurementError(f"after {when - child.started:.1f} s: {_status_line(watch)}")
            hwm_counter = child.peak_rss_kb()
            child.read_until_quiet(0.3, cap=start_limit)
            sent = child.send(CTRL_N)
            opened = child.wait_for(AGENTS_MARKER, start_limit, OutputWatch())
            child.read_until_quiet(0.3, cap=start_limit)
            hwm_table = child.peak_rss_kb()
            child.send(b"\x1b")  # close the numbers; close() then quits with ctrl+q
            child.read_until_quiet(0.15, cap=5.0)
    except (MeasurementError, OSError) as error:
        into.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)
        return
    requests = target.state.request_log[before:]
    into.counter_seconds.append(when - child.started)
    into.table_seconds.append(opened - sent)
    into.hwm_counter_kb.append(hwm_counter)
    into.hwm_table_kb.append(hwm_table)
    into.config_gets.append(sum(1 for r in requests if r[:2] == ("GET", CONFIG_PATH)))


# --- 3. the scripts -----------------------------------------------------------------------


def measure_script_once(
    app_argv: Sequence[str], url: str, into: ScriptCost, scratch: Path, timeout: float = 180.0
) -> None:
    """``tether-voice --url URL <command>`` once, its output to a file."""
    argv = [*app_argv, "--url", url, into.command]
    try:
        cost = run_measured(argv, child_env(), scratch, scratch, timeout)
        if cost.exit_code != 0:
            tail = _tail(cost.stderr_tail)
            raise MeasurementError(f"{into.command} exited {cost.exit_code}: {tail}")
    except (MeasurementError, OSError) as error:
        into.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)
        return
    into.seconds.append(cost.seconds)
    into.maxrss_kb.append(cost.maxrss_kb)
    into.output_bytes.append(cost.output_bytes)
    into.helper_maxrss_kb = max(into.helper_maxrss_kb, cost.helper_maxrss_kb)


# --- the round-robin ----------------------------------------------------------------------


@contextlib.contextmanager
def demo_servers(counts: Sequence[int]) -> Iterator[dict[int, DemoServer]]:
    """A demo server per size on free loopback ports, always stopped."""
    from tui.demo.server import DemoServer, DemoState

    servers: dict[int, DemoServer] = {}
    try:
        for count in counts:
            servers[count] = DemoServer(state=DemoState.with_numbers(count)).start()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


def measure_large_org(
    app_argv: Sequence[str],
    count: int,
    rtt_ms: float,
    runs: int,
    scratch: Path,
    warm_up: bool = True,
) -> LargeOrg:
    """Every measurement at both sizes, ``runs`` times, round-robin so drift on the
    machine hits both sides of each ratio alike; one discarded warm-up first (the small
    app and ``show``: it fills the page cache, and the large one has nothing more to)."""
    result = LargeOrg(count, rtt_ms, runs)
    counts = (REFERENCE_COUNT, count)
    ca = ThrowawayCA.create(scratch)
    with demo_servers(counts) as servers, contextlib.ExitStack() as stack:
        targets: dict[tuple[int, float | None], AppTarget] = {}
        for size in counts:
            server = servers[size]
            print(f"[large org {size:,}] reading the answer", file=sys.stderr)
            result.answers.append(answer_size(server.port, size))
            proxy = stack.enter_context(LatencyProxy(ca, server.port, rtt_ms))
            ca_option = ("--ca-bundle", str(ca.ca_pem))
            targets[size, None] = AppTarget(server.url, (), server.state)
            targets[size, rtt_ms] = AppTarget(proxy.url, ca_option, server.state)
            for rtt in (None, rtt_ms):
                result.apps.append(AppLoad(size, rtt))
            for command in SCRIPTS:
                result.scripts.append(ScriptCost(size, command))
        counters = {answer.count: answer.counter for answer in result.answers}
        if warm_up:
            print("[large org] warm-up", file=sys.stderr)
            small = targets[REFERENCE_COUNT, None]
            measure_app_once(app_argv, small, counters[REFERENCE_COUNT], AppLoad(0, None), scratch)
            measure_script_once(app_argv, small.url, ScriptCost(0, "show"), scratch)
        for index in range(runs):
            for (size, rtt), target in targets.items():
                load = result.app(size, rtt)
                done = len(load.counter_seconds)
                measure_app_once(app_argv, target, counters[size], load, scratch)
                where = "loopback" if rtt is None else f"RTT {rtt:.0f} ms"
                print(
                    f"[large org {size:,}] run {index + 1}/{runs}, {where}: counter "
                    f"{_new_ms(load.counter_seconds, done)}, "
                    f"table {_new_ms(load.table_seconds, done)}",
                    file=sys.stderr,
                )
            for command in SCRIPTS:
                for size in counts:
                    cost = result.script(size, command)
                    done = len(cost.seconds)
                    measure_script_once(app_argv, targets[size, None].url, cost, scratch)
                    print(
                        f"[large org {size:,}] run {index + 1}/{runs}: {command} "
                        f"{_new_ms(cost.seconds, done)}",
                        file=sys.stderr,
                    )
    return result


def _new_ms(samples: list[float], before: int) -> str:
    """The sample this run added, or "failed" when it added none."""
    return f"{samples[-1] * 1000:.0f} ms" if len(samples) > before else "failed"
