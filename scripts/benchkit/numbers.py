"""The numbers table at scale: bytes and time per filter keystroke and per cursor move.

The app runs in the same 100x30 pseudo-terminal as the other measurements, against a
demo server seeded with many numbers (``DemoState.with_numbers``), and, in the same
run and round-robin, against the seeded four: the reference, so the report can say
what thousands of rows cost on top of the table itself.

Per key: the bytes the app writes until its output has been quiet for 150 ms, and the
time from writing the key to the last of those bytes (what a person waits for). Keys:
ctrl+n (open the numbers, agents loaded), eight digits typed into the filter, eight
backspaces (back to every row), twenty ``down`` and five ``pagedown``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .records import MeasurementError
from .terminal import OutputWatch, PtyChild

CTRL_N, DOWN, PAGE_DOWN, BACKSPACE = b"\x0e", b"\x1b[B", b"\x1b[6~", b"\x7f"
FILTER_TEXT = "43755512"
"""Narrows 5,000 generated numbers step by step (+1437 555 12xx: 100 rows at the end)."""
DOWNS, PAGE_DOWNS = 20, 5
AGENTS_MARKER = "Sales Line"
"""The first row's agent by name: on screen once the agents are read (an ID before)."""


@dataclass
class KeySamples:
    """Bytes and seconds for each press of one kind of key."""

    bytes: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


@dataclass
class NumbersRun:
    """Every sample for one size of the number list, pooled over the runs."""

    count: int
    open_seconds: list[float] = field(default_factory=list)
    open_bytes: list[float] = field(default_factory=list)
    filter_keys: KeySamples = field(default_factory=KeySamples)
    erase_keys: KeySamples = field(default_factory=KeySamples)
    down_keys: KeySamples = field(default_factory=KeySamples)
    page_keys: KeySamples = field(default_factory=KeySamples)
    failures: list[str] = field(default_factory=list)


FIRST_BYTE = 1.0
"""A key that draws nothing within this (``down`` on the last row) counts 0 B, 0 ms."""


def press(child: PtyChild, key: bytes, quiet: float, cap: float) -> tuple[int, float]:
    """Send ``key``; (bytes written in reaction, seconds from the key to the last byte)."""
    child.drain(0.0)
    sent = child.send(key)
    size, last = 0, sent
    deadline = sent + cap
    while True:
        now = time.monotonic()
        wait = min(quiet if size else sent + FIRST_BYTE - now, deadline - now)
        if wait <= 0:
            break
        data = child.read(wait)
        if data is None:
            raise MeasurementError(f"the app exited after {key!r}")
        if not data:
            break  # quiet after output, or nothing at all within FIRST_BYTE
        size += len(data)
        last = time.monotonic()
    return size, last - sent


@dataclass(frozen=True)
class Keys:
    """What one run presses (smaller in the bench's own smoke test)."""

    filter_text: str = FILTER_TEXT
    downs: int = DOWNS
    page_downs: int = PAGE_DOWNS


def measure_once(
    argv: Sequence[str],
    env: dict[str, str],
    cwd: Path,
    run: NumbersRun,
    ready: str,
    keys: Keys = Keys(),
) -> None:
    """One app from spawn to reap: open the numbers, filter, erase, move."""
    quiet, cap = 0.15, 5.0
    try:
        with PtyChild(argv, env, cwd) as child:
            child.wait_for(ready, 60.0, OutputWatch())
            child.read_until_quiet(0.3, cap=10.0)
            watch = OutputWatch()
            sent = child.send(CTRL_N)
            child.wait_for(AGENTS_MARKER, 30.0, watch)
            run.open_seconds.append(time.monotonic() - sent)
            tail, _ = child.read_until_quiet(quiet, cap=cap)
            run.open_bytes.append(watch.byte_count + len(tail))
            for char in keys.filter_text:
                _record(run.filter_keys, press(child, char.encode(), quiet, cap))
            for _ in keys.filter_text:
                _record(run.erase_keys, press(child, BACKSPACE, quiet, cap))
            for _ in range(keys.downs):
                _record(run.down_keys, press(child, DOWN, quiet, cap))
            for _ in range(keys.page_downs):
                _record(run.page_keys, press(child, PAGE_DOWN, quiet, cap))
            child.send(b"\x1b")  # close the numbers; ctrl+q (on close) then quits
            child.read_until_quiet(quiet, cap=cap)
    except (MeasurementError, OSError) as error:
        run.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)


def _record(into: KeySamples, sample: tuple[int, float]) -> None:
    into.bytes.append(sample[0])
    into.seconds.append(sample[1])


def measure_numbers(
    app_argv: Sequence[str],
    urls: dict[int, str],
    runs: int,
    env: dict[str, str],
    cwd: Path,
    ready: str,
) -> list[NumbersRun]:
    """Round-robin over the list sizes (``urls``: count -> demo server), ``runs`` times
    each after one discarded warm-up of each."""
    results = {count: NumbersRun(count) for count in urls}
    for count, url in urls.items():
        print(f"[numbers {count:,}] warm-up", file=sys.stderr)
        measure_once([*app_argv, "--url", url], env, cwd, NumbersRun(count), ready)
    for index in range(runs):
        for count, url in urls.items():
            measure_once([*app_argv, "--url", url], env, cwd, results[count], ready)
            run = results[count]
            last = run.filter_keys.seconds[-len(FILTER_TEXT) :] or [0.0]
            print(
                f"[numbers {count:,}] run {index + 1}/{runs}: filter key max "
                f"{max(last) * 1000:.0f} ms",
                file=sys.stderr,
            )
    return list(results.values())


def numbers_rows(results: list[NumbersRun]) -> list[str]:
    """The Markdown table: per kind of key, median and max bytes and ms, at each size."""
    from .report import fmt_bytes, fmt_ms, median

    def cells(samples: list[float], fmt: object) -> str:
        return f"{fmt(median(samples))} / {fmt(max(samples, default=None))}"  # type: ignore[operator]

    header = "| key (median / max) | " + " | ".join(
        f"{run.count:,} numbers: bytes | time" for run in results
    )
    lines = [header + " |", "| --- |" + " --- | --- |" * len(results)]
    kinds = [
        ("open the numbers (ctrl+n, agents read)", None),
        (f"filter keystroke ({len(FILTER_TEXT)} digits)", "filter_keys"),
        ("erase a filter character (backspace)", "erase_keys"),
        ("cursor move (down)", "down_keys"),
        ("page down", "page_keys"),
    ]
    for label, attribute in kinds:
        row = f"| {label} |"
        for run in results:
            if attribute is None:
                row += f" {cells(run.open_bytes, fmt_bytes)} | {cells(run.open_seconds, fmt_ms)} |"
            else:
                samples: KeySamples = getattr(run, attribute)
                row += f" {cells(samples.bytes, fmt_bytes)} | {cells(samples.seconds, fmt_ms)} |"
        lines.append(row)
    for run in results:
        for failure in run.failures:
            lines.append(f"\n- {run.count:,} numbers, failed run: {failure}")
    return lines
