"""The measurements: startup, memory, bytes per key and per focus move, save time.

Each child runs from spawn to reap in one ``run_once``; a failed run is recorded and
dropped, never raised, and ``measure_all`` runs every command round-robin so drift on
the machine hits every side of every ratio alike.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .programs import (
    APP_MARKER,
    BASELINE_MARKER,
    FLOOR_READY,
    REVIEW_MARKER,
    SAVED_MARKER,
    TOKEN,
)
from .records import Interaction, Interpreter, MeasurementError, Startup
from .report import fmt_ms
from .terminal import (
    COLUMNS,
    CTRL_S,
    ENTER,
    LINES,
    TAB,
    OutputWatch,
    PtyChild,
    rows_addressed,
)

TYPED_TEXT = "sk_bench_0123456789a"
"""20 characters typed one at a time into the API key field (the demo accepts any key)."""
TAB_SAMPLES = 6


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


def measure_startup(
    child: PtyChild,
    marker: str,
    limits: Limits,
    into: Startup,
    at_marker: Callable[[], None] | None = None,
) -> OutputWatch:
    """Measurements 1 and 2 and the first frame's size, for a child just spawned.

    ``at_marker`` runs the moment the marker is seen (e.g. to read a counter then).
    """
    watch = OutputWatch()
    seen = child.wait_for(marker, limits.start, watch)
    if at_marker is not None:
        at_marker()
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
