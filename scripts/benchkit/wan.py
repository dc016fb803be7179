"""The measurements over the latency proxy: startup at each round-trip time, and a flow.

For each RTT (0, 50 and 150 ms by default) one ``LatencyProxy`` runs in front of the
demo server; the app, the one-line baseline, the network floor (a bare httpx GET) and
the stack floor are started round-robin against it, the app with ``--ca-bundle``.
Some of the app's runs go on through a flow a person would make: the first frame, an
edit, a pause, ctrl+s (the review), a pause, enter (the success message). The pauses
(10 s by default) outlast httpx's default keep-alive of 5 s, so a client that lets its
connection go pays a new handshake at each step; the proxy counts them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .measure import Limits, child_env, measure_startup
from .network import LatencyProxy, ThrowawayCA
from .programs import (
    APP_MARKER,
    BARE_READY,
    BASELINE_MARKER,
    FLOOR_READY,
    REVIEW_MARKER,
    SAVED_MARKER,
)
from .records import Interpreter, MeasurementError, NetworkRow, Startup
from .report import fmt_ms
from .terminal import CTRL_S, ENTER, TAB, OutputWatch, PtyChild

FLOW_TEXT = "sk_flow"
"""Typed into the API key field before ctrl+s, so there is something to save."""


def run_flow(
    child: PtyChild, proxy: LatencyProxy, pause: float, limits: Limits, row: NetworkRow
) -> None:
    """From the first frame: edit, pause, ctrl+s → review, pause, enter → success."""
    child.read_until_quiet(limits.frame_quiet, cap=limits.step)
    child.send(TAB)  # the provider Select → the API key field
    for char in FLOW_TEXT:
        child.send(char.encode())
    child.read_until_quiet(limits.frame_quiet, cap=limits.step)
    child.drain(pause)
    asked = child.send(CTRL_S)
    shown = child.wait_for(REVIEW_MARKER, limits.step, OutputWatch())
    child.read_until_quiet(limits.frame_quiet, cap=limits.step)
    child.drain(pause)
    confirmed = child.send(ENTER)
    saved = child.wait_for(SAVED_MARKER, limits.step, OutputWatch())
    row.review_seconds.append(shown - asked)
    row.save_seconds.append(saved - confirmed)


def run_over_proxy(
    argv: Sequence[str],
    marker: str,
    limits: Limits,
    startup: Startup,
    cwd: Path,
    proxy: LatencyProxy,
    row: NetworkRow | None = None,
    pause: float | None = None,
) -> None:
    """One child against the proxy; with ``row``, its handshakes (and with ``pause``, a flow)."""
    try:
        _, before = proxy.counts()

        def count_handshakes() -> None:
            if row is not None:
                row.handshakes_at_frame.append(proxy.counts()[1] - before)

        with PtyChild(argv, child_env(), cwd) as child:
            measure_startup(child, marker, limits, startup, count_handshakes)
            if row is not None and pause is not None:
                run_flow(child, proxy, pause, limits, row)
                row.flow_handshakes.append(proxy.counts()[1] - before)
    except (MeasurementError, OSError) as error:
        startup.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)


def measure_network(
    interp: Interpreter,
    bare_argv: Sequence[str],
    ca: ThrowawayCA,
    upstream_port: int,
    rtts_ms: Sequence[float],
    runs: int,
    flow_runs: int,
    pause: float,
    limits: Limits,
    cwd: Path,
    app_options: Sequence[str] = (),
) -> list[NetworkRow]:
    """Every program at every RTT, round-robin; the app's first ``flow_runs`` runs at each
    RTT also make the flow. One discarded warm-up of each first. ``app_options`` go to the
    app's command line (``--no-check``)."""
    rows = [NetworkRow(rtt) for rtt in rtts_ms]
    proxies = [LatencyProxy(ca, upstream_port, rtt).start() for rtt in rtts_ms]
    try:
        for index in range(-1, runs):  # -1: the warm-up, whose numbers are dropped
            for row, proxy in zip(rows, proxies, strict=True):
                target = row if index >= 0 else NetworkRow(row.rtt_ms)
                ca_path = str(ca.ca_pem)
                app = [*interp.app_argv, "--url", proxy.url, "--ca-bundle", ca_path, *app_options]
                floor = [*interp.floor_argv, proxy.url, ca_path]
                bare = [*bare_argv, proxy.url, ca_path]
                run_over_proxy(
                    interp.baseline_argv, BASELINE_MARKER, limits, target.baseline, cwd, proxy
                )
                run_over_proxy(bare, BARE_READY, limits, target.bare, cwd, proxy)
                run_over_proxy(floor, FLOOR_READY, limits, target.floor, cwd, proxy)
                flow = pause if 0 <= index < flow_runs else None
                run_over_proxy(app, APP_MARKER, limits, target.app, cwd, proxy, target, flow)
                if index < 0:
                    continue
                last = [s.seconds[-1:] or [None] for s in (row.app, row.bare, row.floor)]
                print(
                    f"[rtt {row.rtt_ms:.0f} ms] run {index + 1}/{runs}: app {fmt_ms(last[0][0])}, "
                    f"bare GET {fmt_ms(last[1][0])}, floor {fmt_ms(last[2][0])}"
                    + (" (with the flow)" if flow is not None else ""),
                    file=sys.stderr,
                )
    finally:
        for proxy in proxies:
            proxy.stop()
    return rows
