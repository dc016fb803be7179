"""Measure tether-voice's startup, memory and terminal output against a baseline.

    uv run python scripts/bench.py [--runs N] [--venvs] [--network] [--uv-run]
                                   [--release [--release-python PYTHON]]
                                   [--importtime] [--json] [--numbers N [--numbers-only]]
                                   [--large-org [N] [--large-org-rtt MS] [--large-org-only]]
                                   [--wiring [--wiring-numbers N] [--wiring-ai-on N]
                                    [--wiring-rtt MS] [--wiring-only]]

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
   With ``--release``: the offline release (``benchkit.release``), built by
   ``scripts/release``, beside the compiled venv in the same round-robin: the
   tarball installed by its ``install.sh`` (with ``--release-python``, else this
   interpreter) and the pex warm, then the pex's first run from an empty
   ``PEX_ROOT``; with the artifacts' sizes and the install time.
6. With ``--importtime``: the top cumulative import costs of the startup path.
7. With ``--network``: over a TLS + latency proxy (``benchkit/network.py``) at each
   RTT of ``--rtts`` (0, 50, 150 ms): the app's first useful frame, the baseline, a bare
   httpx GET process (the network floor) and the stack floor; the TLS handshakes before
   the first frame and in a load → review → save flow with ``--pause`` seconds between
   steps, and the time from ctrl+s to the review and from enter to the success message.
   Measured with the compiled venv (the installed command), built for the purpose when
   ``--venvs`` did not build it.
8. With ``--uv-run``: what ``uv run tether-voice`` costs before the app starts, against
   the installed script of the same environment.
9. With ``--numbers N``: the numbers table at scale (``benchkit.numbers``): bytes and
   time per filter keystroke and per cursor move with N numbers, next to the seeded
   four in the same run. ``--numbers-only`` skips 1-6.
10. With ``--large-org [N]`` (N = 100,000 by default): a large organization
    (``benchkit.largeorg``): the size of the configuration GET that carries the numbers
    (on the wire, and gzipped), the app's time from spawn to the numbers counter and
    from ctrl+n to the table's first row with its peak RSS, on loopback and through the
    latency proxy at ``--large-org-rtt`` (150 ms), and ``tether-voice show`` and
    ``numbers``: wall time and peak RSS; each next to the seeded four in the same run.
    ``--large-org-only`` skips 1-6.
11. With ``--wiring``: the wiring checks (``benchkit.wiring``) for 1,000 numbers with
    400 AI on (``--wiring-numbers``, ``--wiring-ai-on``) against the demo stack's
    stand-ins, on loopback and through a TLS + latency proxy in front of each at
    ``--wiring-rtt`` (50 ms): the gathering's and the rules' wall time, the requests
    each issuer answered, repeated requests, TLS handshakes; against the target of
    ≤ 15 s at 50 ms. ``--wiring-only`` skips 1-6.

Markdown goes to stdout; with ``--json`` stdout gets JSON instead and the Markdown
goes to stderr. Progress lines always go to stderr.

The parts live in ``benchkit`` beside this file (see its ``__init__``); this file is the
command line only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from benchkit import wiring as bench_wiring
from benchkit.importtime import import_costs
from benchkit.interpreters import build_venv, current_interpreter
from benchkit.largeorg import DEFAULT_COUNT, LargeOrg, measure_large_org
from benchkit.largeorg_report import large_org_markdown
from benchkit.measure import Limits, child_env, measure_all
from benchkit.netreport import network_json, render_commands, render_network
from benchkit.network import ThrowawayCA
from benchkit.numbers import NumbersRun, measure_numbers, numbers_rows
from benchkit.programs import APP_MARKER, BARE_GET_SOURCE, BASELINE_SOURCE, FLOOR_SOURCE
from benchkit.records import (
    CommandCost,
    ImportReport,
    Interaction,
    Interpreter,
    MeasurementError,
    NetworkRow,
)
from benchkit.release import (
    ReleaseBench,
    measure_pex_first_runs,
    prepare_release,
    release_markdown,
    release_python,
)
from benchkit.report import render_markdown, to_json
from benchkit.uvrun import measure_uv_run, project_script
from benchkit.wan import measure_network
from benchkit.wiring import WiringBench, measure_wiring, wiring_markdown

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
        "--network",
        action="store_true",
        help="also measure over a TLS + latency proxy at each of --rtts (takes minutes)",
    )
    parser.add_argument(
        "--rtts",
        default="0,50,150",
        help="round-trip times in ms for --network (default: %(default)s)",
    )
    parser.add_argument(
        "--flow-runs",
        type=int,
        default=3,
        help="app runs per RTT that also make the load → review → save flow (default: 3)",
    )
    parser.add_argument(
        "--pause",
        type=float,
        default=10.0,
        help="seconds between the flow's steps (default: 10, past httpx's 5 s keep-alive)",
    )
    parser.add_argument(
        "--uv-run", action="store_true", help="also measure what `uv run tether-voice` costs"
    )
    parser.add_argument(
        "--release",
        action="store_true",
        help="also build the offline release and measure its tarball (installed) and pex "
        "against the installed venv, in the same round-robin",
    )
    parser.add_argument(
        "--release-python",
        metavar="PYTHON",
        help="with --release: the Python to install the tarball with (default: this one)",
    )
    parser.add_argument(
        "--no-check",
        action="store_true",
        help="with --network: the app with its credential checks off (the flow types an "
        "ElevenLabs key, which the review would check with ElevenLabs)",
    )
    parser.add_argument(
        "--json", action="store_true", help="JSON on stdout (the Markdown goes to stderr)"
    )
    parser.add_argument(
        "--numbers",
        type=int,
        default=0,
        metavar="N",
        help="also measure the numbers table with N numbers (e.g. 5000) against the seeded 4",
    )
    parser.add_argument(
        "--numbers-only", action="store_true", help="with --numbers: measure only the numbers"
    )
    parser.add_argument(
        "--large-org",
        type=int,
        nargs="?",
        const=DEFAULT_COUNT,
        default=0,
        metavar="N",
        help="also measure a large organization of N numbers (default N: %(const)s): answer "
        "size, the app's load time and memory, show and numbers; against the seeded 4",
    )
    parser.add_argument(
        "--large-org-rtt",
        type=float,
        default=150.0,
        metavar="MS",
        help="with --large-org: the round-trip time of its proxy runs (default: %(default)s)",
    )
    parser.add_argument(
        "--large-org-only",
        action="store_true",
        help="with --large-org: skip the startup and interaction measurements",
    )
    parser.add_argument(
        "--wiring",
        action="store_true",
        help="also measure the wiring checks (doctor) against the stand-ins, on loopback "
        "and through the latency proxy",
    )
    parser.add_argument(
        "--wiring-numbers",
        type=int,
        default=bench_wiring.DEFAULT_COUNT,
        metavar="N",
        help="with --wiring: numbers in the organization (default: %(default)s)",
    )
    parser.add_argument(
        "--wiring-ai-on",
        type=int,
        default=bench_wiring.DEFAULT_AI_ON,
        metavar="N",
        help="with --wiring: how many of them are AI on (default: %(default)s)",
    )
    parser.add_argument(
        "--wiring-rtt",
        type=float,
        default=bench_wiring.DEFAULT_RTT_MS,
        metavar="MS",
        help="with --wiring: the round-trip time of the proxied runs (default: %(default)s)",
    )
    parser.add_argument(
        "--wiring-only",
        action="store_true",
        help="with --wiring: skip the startup and interaction measurements",
    )
    args = parser.parse_args(argv)
    if args.wiring_only and not args.wiring:
        parser.error("--wiring-only needs --wiring")
    if args.wiring_rtt < 0:
        parser.error("--wiring-rtt must not be negative")
    if not 0 <= args.wiring_ai_on <= args.wiring_numbers:
        parser.error("--wiring-ai-on must be between 0 and --wiring-numbers")
    if args.numbers_only and not args.numbers:
        parser.error("--numbers-only needs --numbers N")
    if args.large_org_only and not args.large_org:
        parser.error("--large-org-only needs --large-org")
    if args.large_org and args.large_org <= 4:
        parser.error("--large-org: N must be more than the seeded 4 numbers")
    if args.large_org_rtt < 0:
        parser.error("--large-org-rtt must not be negative")
    if args.runs < 5:
        parser.error("--runs must be at least 5: a median of fewer says little")
    try:
        args.rtts = [float(part) for part in args.rtts.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--rtts: not a comma-separated list of milliseconds: {args.rtts!r}")
    if not args.rtts or min(args.rtts) < 0:
        parser.error("--rtts needs at least one round-trip time, none negative")
    if not 0 <= args.flow_runs <= args.runs:
        parser.error("--flow-runs must be between 0 and --runs")
    return args


@contextlib.contextmanager
def demo_server(numbers: int = 0) -> Iterator[str]:
    """A demo server on a free loopback port for the whole run, always stopped; with
    ``numbers``, seeded with that many phone numbers."""
    from tui.demo.server import DemoServer, DemoState

    state = DemoState.with_numbers(numbers) if numbers else DemoState.seeded()
    server = DemoServer(state=state).start()
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
        baseline.with_name("bare_get.py").write_text(BARE_GET_SOURCE, encoding="utf-8")
        interps = [current_interpreter(baseline)]
        if args.venvs or args.network or args.release:
            wanted = (("venv-plain", False), ("venv-compiled", True))
            for name, compiled in wanted if args.venvs else wanted[1:]:
                print(f"[{name}] building", file=sys.stderr)
                try:
                    interps.append(build_venv(name, scratch / "venvs", baseline, compiled))
                except MeasurementError as error:
                    print(f"[{name}] not measured: {error}", file=sys.stderr)
        release: ReleaseBench | None = None
        if args.release:
            try:
                python = release_python(args.release_python)
                release, installed = prepare_release(scratch, baseline, python)
                interps += installed
            except MeasurementError as error:
                print(f"[release] not measured: {error}", file=sys.stderr)
        interaction = Interaction()
        load_before = os.getloadavg()[0]
        loopback = interps if args.venvs or args.release else interps[:1]
        startup_skipped = args.numbers_only or args.large_org_only or args.wiring_only
        if not startup_skipped:
            measure_all(loopback, url, args.runs, limits, scratch, interaction)
            if release is not None:
                pex = scratch / "release-dist" / release.pex
                measure_pex_first_runs(release, pex, url, args.runs, limits, scratch)
        network: list[NetworkRow] = []
        on_network: Interpreter | None = None
        if args.network:
            on_network = next((i for i in interps if i.name == "venv-compiled"), interps[0])
            bare_argv = [on_network.python, str(baseline.with_name("bare_get.py"))]
            network = measure_network(
                on_network,
                bare_argv,
                ThrowawayCA.create(scratch),
                int(url.rsplit(":", 1)[1]),
                args.rtts,
                args.runs,
                args.flow_runs,
                args.pause,
                limits,
                scratch,
                app_options=["--no-check"] if args.no_check else [],
            )
        commands: list[CommandCost] = []
        if args.uv_run:
            try:
                commands = measure_uv_run(project_script(), args.runs)
            except MeasurementError as error:
                print(f"[uv run] not measured: {error}", file=sys.stderr)
        numbers: list[NumbersRun] = []
        if args.numbers:
            with demo_server(args.numbers) as many:
                numbers = measure_numbers(
                    interps[0].app_argv,
                    {4: url, args.numbers: many},
                    args.runs,
                    child_env(),
                    scratch,
                    APP_MARKER,
                )
        large_org: LargeOrg | None = None
        if args.large_org:
            large_org = measure_large_org(
                interps[0].app_argv, args.large_org, args.large_org_rtt, args.runs, scratch
            )
        wiring: WiringBench | None = None
        if args.wiring:
            wiring = measure_wiring(
                args.wiring_numbers, args.wiring_ai_on, args.wiring_rtt, args.runs, scratch
            )
        load_note = (
            f"1-minute load average {load_before:.2f} before the runs, "
            f"{os.getloadavg()[0]:.2f} after (other work on the machine shows here)."
        )
        imports: list[ImportReport] = []
        if args.importtime:
            # The venv with bytecode shows import work alone, without compiling.
            for interp in (i for i in interps if i.name in ("current", "venv-compiled")):
                try:
                    imports.append(import_costs(interp, scratch))
                except MeasurementError as error:
                    print(f"[{interp.name}] importtime not measured: {error}", file=sys.stderr)
    if startup_skipped:
        report = f"{load_note}\n"
    else:
        report = render_markdown(loopback, interaction, imports, args.runs, load_note)
    if release is not None:
        report += "\n" + "\n".join(release_markdown(release, loopback)) + "\n"
    if numbers:
        report += (
            f"\nThe numbers table ({args.runs} runs, pooled; a key's bytes are counted until "
            "the output is quiet for 150 ms, its time is to the last of them):\n\n"
            + "\n".join(numbers_rows(numbers))
            + "\n"
        )
    if large_org is not None:
        report += "\n" + "\n".join(large_org_markdown(large_org)) + "\n"
    if wiring is not None:
        report += "\n" + "\n".join(wiring_markdown(wiring)) + "\n"
    if network and on_network is not None:
        parts = render_network(network, on_network.name, args.runs, args.flow_runs, args.pause)
        report += "\n".join(parts) + "\n"
    if commands:
        report += "\n".join(render_commands(commands)) + "\n"
    if args.json:
        print(report, file=sys.stderr)
        document = to_json(loopback, interaction, imports, args.runs)
        document["network"] = network_json(network)
        document["commands"] = [asdict(cost) for cost in commands]
        document["release"] = asdict(release) if release is not None else None
        document["numbers"] = [asdict(run) for run in numbers]
        document["large_org"] = asdict(large_org) if large_org is not None else None
        document["wiring"] = asdict(wiring) if wiring is not None else None
        print(json.dumps(document, indent=2))
    else:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
