"""Formatting of the numbers, and the Markdown and JSON renderings of a run.

Functions of the records alone: medians, ratios, spreads and targets, shaped into the
tables the README quotes (Markdown) and every raw sample (JSON).
"""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .programs import APP_MARKER, SAVED_MARKER
from .records import ImportReport, Interaction, Interpreter, Startup
from .terminal import COLUMNS, LINES

KEY_TARGET_BYTES = 600
TAB_TARGET_BYTES = 4 * 1024


# --- pure helpers (unit-tested) ----------------------------------------------------------


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
