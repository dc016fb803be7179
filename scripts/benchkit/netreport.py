"""The Markdown for the measurements over the latency proxy, and for ``uv run``'s cost.

Functions of the records alone, beside ``report`` (whose helpers they share): the
startup table per round-trip time with the issue's bound L(RTT), the flow table with
its handshakes and step times, and the command-cost table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .records import CommandCost, NetworkRow
from .report import check, fmt_bytes, fmt_ms, fmt_ratio, fmt_spread, median, ratio

FRAME_TARGET = 1.2
"""First useful frame ≤ 1.2 x L(RTT)."""
REVIEW_SLACK_S = 0.060
"""ctrl+s → review ≤ 1 RTT + 60 ms (the re-read on a kept-alive connection)."""
SAVE_SLACK_S = 0.080
"""enter → success ≤ 2 RTT + 80 ms (the POST and the re-read, no new handshake)."""
FLOW_HANDSHAKES = 2
FRAME_HANDSHAKES = 1


# --- pure helpers (unit-tested) ----------------------------------------------------------


def bound_l(rows: Sequence[NetworkRow], row: NetworkRow) -> float | None:
    """L(RTT) = max(stack floor at the smallest RTT measured, network floor at this RTT).

    The most this stack must pay to show the configuration, CPU or network: the stack
    floor's startup (measured with no added latency) or a bare GET over this RTT.
    """
    base = min(rows, key=lambda r: r.rtt_ms)
    floor, bare = median(base.floor.seconds), median(row.bare.seconds)
    known = [value for value in (floor, bare) if value is not None]
    return max(known) if len(known) == 2 else None


def within(value: float | None, limit: float) -> str:
    """``✓`` / ``✗`` against a limit in seconds, or ``?`` when unmeasured."""
    return check(value, limit)


# --- tables -----------------------------------------------------------------------------


def network_rows(rows: Sequence[NetworkRow]) -> list[str]:
    lines = [
        "| RTT | app: first useful frame | one-line app | network floor (bare httpx GET) "
        "| stack floor | L | app / L | ≤ 1.2 x L | first frame bytes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        bound = bound_l(rows, row)
        app = median(row.app.seconds)
        app_ratio = ratio(app, bound)
        mark = "?" if bound is None else check(app, FRAME_TARGET * bound)
        lines.append(
            f"| {row.rtt_ms:.0f} ms | {fmt_spread(row.app.seconds, fmt_ms)} "
            f"| {fmt_spread(row.baseline.seconds, fmt_ms)} "
            f"| {fmt_spread(row.bare.seconds, fmt_ms)} "
            f"| {fmt_spread(row.floor.seconds, fmt_ms)} | {fmt_ms(bound)} "
            f"| {fmt_ratio(app_ratio)} | {mark} | {fmt_bytes(median(row.app.frame_bytes))} |"
        )
    return lines


def flow_rows(rows: Sequence[NetworkRow]) -> list[str]:
    lines = [
        "| RTT | TLS handshakes before the first frame | TLS handshakes in the flow "
        "| ctrl+s → review | ≤ 1 RTT + 60 ms | enter → success | ≤ 2 RTT + 80 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        rtt = row.rtt_ms / 1000
        at_frame, in_flow = median(row.handshakes_at_frame), median(row.flow_handshakes)
        review, save = median(row.review_seconds), median(row.save_seconds)
        lines.append(
            f"| {row.rtt_ms:.0f} ms "
            f"| {_count(row.handshakes_at_frame)} {check(at_frame, FRAME_HANDSHAKES)} "
            f"| {_count(row.flow_handshakes)} {check(in_flow, FLOW_HANDSHAKES)} "
            f"| {fmt_spread(row.review_seconds, fmt_ms)} "
            f"| {within(review, rtt + REVIEW_SLACK_S)} "
            f"| {fmt_spread(row.save_seconds, fmt_ms)} "
            f"| {within(save, 2 * rtt + SAVE_SLACK_S)} |"
        )
    return lines


def _count(values: Sequence[float]) -> str:
    """Counts are whole: the median, and the range when runs differ."""
    if not values:
        return "—"
    low, high = min(values), max(values)
    text = f"{median(values):.0f}"
    return text if low == high else f"{text} [{low:.0f}, {high:.0f}]"


def command_rows(costs: Sequence[CommandCost]) -> list[str]:
    script = costs[-1] if costs else None
    script_s = median(script.seconds) if script else None
    lines = [
        "| command | wall time | more than the installed script | printed “Bytecode compiled” |",
        "| --- | --- | --- | --- |",
    ]
    for cost in costs:
        own = median(cost.seconds)
        extra = None if own is None or script_s is None else own - script_s
        printed = f"{sum(cost.printed)} of {len(cost.printed)} runs" if cost.printed else "—"
        shown = " ".join([Path(cost.argv[0]).name, *cost.argv[1:]])
        lines.append(
            f"| `{shown}` | {fmt_spread(cost.seconds, fmt_ms)} "
            f"| {'—' if cost is script else fmt_ms(extra)} | {printed} |"
        )
    return lines


def render_network(
    rows: Sequence[NetworkRow], interp_name: str, runs: int, flow_runs: int, pause: float
) -> list[str]:
    lines = [
        "",
        f"### Over a network (TLS + latency proxy; {interp_name} interpreter)",
        "",
        "Each program connects to `https://127.0.0.1:PORT`, a proxy that holds every "
        "byte for RTT/2 each way (the TLS handshake included, and one RTT for the TCP "
        "handshake before the client's first byte), terminates TLS with a throwaway CA "
        "and forwards to the demo server; the app gets `--ca-bundle`. "
        f"{runs} runs per program and RTT, round-robin. L = max(stack floor at "
        f"{min(r.rtt_ms for r in rows):.0f} ms, network floor at that RTT): the most "
        "this stack must pay, CPU or network.",
        "",
        *network_rows(rows),
        "",
        f"Flow ({flow_runs} of the app's runs per RTT): first frame, an edit, {pause:.0f} s "
        f"pause, ctrl+s until the review shows, {pause:.0f} s pause, enter until "
        "“server said: Configuration saved” (the POST and the re-read). Handshakes are "
        "counted at the proxy.",
        "",
        *flow_rows(rows),
    ]
    failures = [f for r in rows for s in (r.app, r.baseline, r.bare, r.floor) for f in s.failures]
    if failures:
        lines += ["", f"**{len(failures)} failed run(s) over the proxy** (dropped):"]
        lines += [f"- {text}" for text in failures]
    return lines


def render_commands(costs: Sequence[CommandCost]) -> list[str]:
    lines = [
        "",
        "### What `uv run` costs before the app starts",
        "",
        "Wall time of `--help` (parses its arguments and exits), from the project folder, "
        "round-robin; the installed script is the `tether-voice` of the same environment.",
        "",
        *command_rows(costs),
    ]
    failures = [f for c in costs for f in c.failures]
    if failures:
        lines += ["", *[f"- failed: {text}" for text in failures]]
    return lines


def network_json(rows: Sequence[NetworkRow]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        data = asdict(row)
        bound = bound_l(rows, row)
        data["median"] = {
            "app_seconds": median(row.app.seconds),
            "bound_l_seconds": bound,
            "app_over_l": ratio(median(row.app.seconds), bound),
            "review_seconds": median(row.review_seconds),
            "save_seconds": median(row.save_seconds),
            "handshakes_at_frame": median(row.handshakes_at_frame),
            "flow_handshakes": median(row.flow_handshakes),
        }
        out.append(data)
    return out
