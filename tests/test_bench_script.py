"""The benchmark script's pure helpers (no timing assertions: numbers come from the script).

One smoke test runs a single pseudo-terminal measurement of the baseline app, to prove
the plumbing (spawn, marker search, VmHWM, reaping) works; it asserts what was seen,
never how fast.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tui.demo.server import DemoServer

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    # scripts/ is not a package: import its benchkit as bench.py does, with the scripts
    # folder on sys.path (Python puts it there when it runs scripts/bench.py).
    sys.path.insert(0, str(SCRIPTS))

from benchkit import (  # noqa: E402
    childrss,
    importtime,
    largeorg,
    largeorg_report,
    measure,
    netreport,
    network,
    programs,
    records,
    report,
    terminal,
)
from benchkit import numbers as bench_numbers  # noqa: E402

# --- strip_ansi -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("plain text", "plain text"),
        ("\x1b[38;5;253;48;5;17mtether\x1b[0m-voice", "tether-voice"),
        ("\x1b[10;28Hdemo\x1b[1;38;5;214mX", "demoX"),
        ("\x1b[?1049h\x1b[?25l\x1b[>25u\x1b[?2026$pready", "ready"),
        ("\x1b]22;default\x07a\x1b]0;title\x1b\\b", "ab"),
        ("\x1bP+q544e\x1b\\ok", "ok"),
        ("\x1b(Bx\x1b7y\x1b8", "xy"),
        ("line\r\nnext\x07", "line\nnext"),
        ("Saved — server said: ✓", "Saved — server said: ✓"),
    ],
)
def test_strip_ansi_leaves_what_a_person_reads(raw: str, plain: str) -> None:
    assert terminal.strip_ansi(raw) == plain


def test_strip_ansi_joins_a_word_split_by_escapes_between_its_characters() -> None:
    marker = "demo-org.elastic-sip.sinch.com"
    raw = "".join(f"{char}\x1b[38;5;{i}m" for i, char in enumerate(marker))
    assert terminal.strip_ansi(raw) == marker


# --- OutputWatch: the marker search across chunk boundaries ---------------------------


def _styled(text: str) -> bytes:
    return f"\x1b[5;3H\x1b[1;38;5;214;48;5;233m{text}\x1b[0m".encode()


@pytest.mark.parametrize("marker", ["demo-org.elastic-sip.sinch.com", "Saved — server said"])
def test_marker_is_found_whatever_the_chunk_boundary(marker: str) -> None:
    data = b"\x1b[?1049h" + _styled("before ") + _styled(marker) + _styled(" after")
    for cut in range(len(data) + 1):  # every split: inside escapes and UTF-8 characters
        watch = terminal.OutputWatch()
        watch.feed(data[:cut])
        watch.feed(data[cut:])
        assert watch.contains(marker), cut
        assert watch.byte_count == len(data)


def test_marker_is_found_when_fed_one_byte_at_a_time() -> None:
    marker = "Review:"
    data = b"\x1b[2;1H" + "".join(f"\x1b[3{i}m{c}" for i, c in enumerate(marker)).encode()
    watch = terminal.OutputWatch()
    seen_at = None
    for index in range(len(data)):
        watch.feed(data[index : index + 1])
        if seen_at is None and watch.contains(marker):
            seen_at = index
    assert seen_at == len(data) - 1  # only once its last character arrived


def test_marker_absent_is_not_found() -> None:
    watch = terminal.OutputWatch()
    watch.feed(_styled("demo-org.elastic-sip.sinch.co"))
    assert not watch.contains("demo-org.elastic-sip.sinch.com")


# --- statistics and formatting --------------------------------------------------------


def test_median_and_ratio() -> None:
    assert report.median([3.0, 1.0, 2.0]) == 2.0
    assert report.median([1.0, 2.0, 3.0, 4.0]) == 2.5
    assert report.median([]) is None
    assert report.ratio(3.0, 2.0) == 1.5
    assert report.ratio(None, 2.0) is None
    assert report.ratio(1.0, None) is None
    assert report.ratio(1.0, 0.0) is None


def test_formatting() -> None:
    assert report.fmt_ratio(2.214) == "2.21x"
    assert report.fmt_ratio(None) == "—"
    assert report.fmt_ms(0.9874) == "987 ms"
    assert report.fmt_mb(60204) == "58.8 MB"
    assert report.fmt_bytes(12777) == "12,777 B"
    assert report.fmt_spread([0.3, 0.1, 0.2], report.fmt_ms) == "200 ms [100 ms, 300 ms]"
    assert report.fmt_spread([0.1], report.fmt_ms) == "100 ms"
    assert report.fmt_spread([], report.fmt_ms) == "failed"


def test_targets_say_whether_met_and_by_how_much_missed() -> None:
    assert report.check(600, 600) == "✓"
    assert report.check(601, 600) == "✗"
    assert report.check(None, 600) == "?"
    assert report.target_note([100, 200, 1200], 600) == "≤ 600 B: median ✓, max ✗ (2.0x)"
    assert report.target_note([], 600) == "≤ 600 B: median ?, max ?"


def test_rows_addressed_counts_distinct_rows() -> None:
    output = b"\x1b[10;28Hx\x1b[10;30Hy\x1b[8;1Hz\x1b[30;1H\x1b[38;5;32mw\x1b[5H"
    assert terminal.rows_addressed(output) == 4
    assert terminal.rows_addressed(b"\x1b[38;5;253mno moves") == 0


def test_parse_importtime() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   _io\n"
        "import time:      2000 |       5000 |     textual.css.model\n"
        "import time:       900 |     706800 | tui.app\n"
        "some other line\n"
    )
    costs = importtime.parse_importtime(stderr)
    assert [(c.module, c.self_us, c.cumulative_us, c.depth) for c in costs] == [
        ("_io", 120, 120, 1),
        ("textual.css.model", 2000, 5000, 2),
        ("tui.app", 900, 706800, 0),
    ]


# --- one smoke test of the pty plumbing ------------------------------------------------


@pytest.mark.skipif(
    not os.path.exists("/dev/ptmx") or not Path("/proc/self/status").exists(),
    reason="needs pseudo-terminals (/dev/ptmx) and /proc",
)
def test_one_baseline_measurement_in_a_pty(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.py"
    baseline.write_text(programs.BASELINE_SOURCE, encoding="utf-8")
    startup = records.Startup()
    limits = measure.Limits(start=120.0, step=30.0)  # generous: this asserts no speed
    measure.run_once(
        [sys.executable, str(baseline)], programs.BASELINE_MARKER, limits, startup, None, tmp_path
    )
    assert startup.failures == []
    assert len(startup.seconds) == len(startup.hwm_kb) == len(startup.frame_bytes) == 1
    assert startup.hwm_kb[0] > 0
    assert startup.frame_bytes[0] > len(programs.BASELINE_MARKER)


@pytest.mark.skipif(
    not os.path.exists("/dev/ptmx") or not Path("/proc/self/status").exists(),
    reason="needs pseudo-terminals (/dev/ptmx) and /proc",
)
def test_the_stack_floor_loads_the_demo_config_in_a_pty(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    """The floor shows its marker only after a real GET, so a broken one fails here."""
    floor = tmp_path / "floor.py"
    floor.write_text(programs.FLOOR_SOURCE, encoding="utf-8")
    startup = records.Startup()
    limits = measure.Limits(start=120.0, step=30.0)  # generous: this asserts no speed
    argv = [sys.executable, str(floor), demo_server.url]
    measure.run_once(argv, programs.FLOOR_READY, limits, startup, None, tmp_path)
    assert startup.failures == []
    assert len(startup.seconds) == 1
    assert ("GET", "/api/calls/voice-ai/config", 200) in demo_server.state.request_log


# --- the report renders whatever was (or was not) measured ----------------------------


def _interpreter(name: str, measured: bool) -> Any:
    interp = records.Interpreter(name, "python", ["tether-voice"], ["python", "b.py"], "note")
    if measured:
        for startup, scale in ((interp.app, 2.0), (interp.baseline, 1.0), (interp.floor, 1.5)):
            startup.seconds += [0.4 * scale, 0.5 * scale]
            startup.first_output_seconds += [0.2 * scale, 0.25 * scale]
            startup.hwm_kb += [30000 * scale]
            startup.frame_bytes += [8000 * scale]
    else:
        interp.app.failures.append("'marker' not seen within 60 s; no output")
    return interp


def test_report_renders_full_and_empty_measurements() -> None:
    interaction = records.Interaction(key_bytes=[500, 700], tab_bytes=[13000], save_seconds=[0.2])
    imports = [records.ImportReport("current", 900_000, [records.ImportCost("tui.app", 1, 2, 0)])]
    interps = [
        _interpreter("current", True),
        _interpreter("venv-plain", True),
        _interpreter("venv-compiled", False),
    ]
    text = report.render_markdown(interps, interaction, imports, runs=5)
    assert (
        "| current | time to first useful frame | 900 ms [800 ms, 1000 ms] "
        "| 450 ms [400 ms, 500 ms] | 2.00x | 675 ms [600 ms, 750 ms] | 1.50x |"
    ) in text
    assert "median ✓, max ✗ (1.2x)" in text
    assert (
        "| venv-compiled | time to first useful frame | failed | failed | — | failed | — |"
    ) in text
    assert "1 failed run(s)" in text
    assert "`tui.app`" in text
    document = report.to_json(interps, records.Interaction(), [], runs=5)
    assert json.loads(json.dumps(document))["interpreters"][2]["median"]["app_seconds"] is None
    assert document["interpreters"][0]["median"]["floor_ratio_seconds"] == 1.5


# --- the network mode: wire timing, the proxy, the tables ------------------------------


def test_a_chunk_leaves_half_a_round_trip_after_it_arrived() -> None:
    assert network.release_time(arrived=1.0, previous=0.0, opened=0.0, delay=0.075) == 1.075


def test_nothing_leaves_before_the_connection_would_have_opened() -> None:
    # The client's first bytes, sent at once on loopback, wait for the emulated TCP
    # handshake (one RTT after the accept) and then cross the wire (RTT/2).
    assert network.release_time(
        arrived=1.0, previous=0.0, opened=1.15, delay=0.075
    ) == pytest.approx(1.225)


def test_chunks_keep_their_order() -> None:
    assert network.release_time(arrived=1.0, previous=1.3, opened=0.0, delay=0.075) == 1.3


def _timed_get(client: Any, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get(path).status_code
    return status, time.monotonic() - started


@pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is None, reason="needs cryptography for the CA"
)
def test_the_latency_proxy_serves_over_tls_with_its_round_trips(
    tmp_path: Path, demo_server: DemoServer
) -> None:
    """Fresh HTTPS costs 3 RTT (TCP, TLS, request), a kept connection 1: lower bounds only,
    which the proxy's own delays guarantee however busy the machine is."""
    import ssl

    import httpx

    rtt = 0.04
    ca = network.ThrowawayCA.create(tmp_path)
    context = ssl.create_default_context(cafile=str(ca.ca_pem))
    headers = {"Authorization": f"Bearer {programs.TOKEN}"}
    with network.LatencyProxy(ca, demo_server.port, rtt_ms=rtt * 1000) as proxy:
        assert proxy.url.startswith("https://127.0.0.1:")
        with httpx.Client(base_url=proxy.url, verify=context, headers=headers) as client:
            fresh = _timed_get(client, "/api/calls/voice-ai/config")
            kept = _timed_get(client, "/api/calls/voice-ai/config")
        assert fresh[0] == kept[0] == 200
        assert fresh[1] >= 3 * rtt
        assert kept[1] >= rtt
        assert proxy.counts() == (1, 1)
        with httpx.Client(base_url=proxy.url, verify=context) as other:
            assert other.get("/api/calls/voice-ai/config").status_code == 401
        assert proxy.counts() == (2, 2)
    # The proxy closed its side of everything: the demo server holds no connection.
    deadline = time.monotonic() + 5
    while demo_server.open_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert demo_server.open_connections == 0


def test_the_proxy_refuses_an_untrusted_client(tmp_path: Path, demo_server: DemoServer) -> None:
    """Without the CA the handshake fails: the programs measured really verify TLS."""
    pytest.importorskip("cryptography")
    import httpx

    ca = network.ThrowawayCA.create(tmp_path)
    with network.LatencyProxy(ca, demo_server.port, rtt_ms=0) as proxy:
        with pytest.raises(httpx.ConnectError):
            httpx.get(proxy.url + "/api/calls/voice-ai/config")
        assert proxy.counts()[1] == 0


def _row(rtt: float, app: list[float], bare: list[float], floor: list[float]) -> Any:
    row = records.NetworkRow(rtt)
    row.app.seconds += app
    row.bare.seconds += bare
    row.floor.seconds += floor
    row.app.frame_bytes += [9000.0]
    return row


def test_the_bound_is_the_larger_of_the_stack_floor_and_the_network_floor() -> None:
    rows = [_row(0, [0.40], [0.10], [0.35]), _row(150, [0.70], [0.55], [0.80])]
    assert netreport.bound_l(rows, rows[0]) == 0.35  # the stack floor at RTT 0
    assert netreport.bound_l(rows, rows[1]) == 0.55  # the network floor at 150 ms
    assert netreport.bound_l([_row(0, [0.4], [], [0.3])], _row(0, [0.4], [], [0.3])) is None


def test_network_tables_render_targets_and_gaps() -> None:
    rows = [_row(0, [0.40], [0.10], [0.35]), _row(150, [0.70], [0.55], [0.80])]
    rows[1].handshakes_at_frame += [1, 1]
    rows[1].flow_handshakes += [1, 2]
    rows[1].review_seconds += [0.20]
    rows[1].save_seconds += [0.50]
    text = "\n".join(netreport.render_network(rows, "venv-compiled", 5, 2, 10.0))
    assert "| 0 ms | 400 ms | failed | 100 ms | 350 ms | 350 ms | 1.14x | ✓ | 9,000 B |" in text
    assert "| 150 ms | 700 ms | failed | 550 ms | 800 ms | 550 ms | 1.27x | ✗ |" in text
    # 200 ms ≤ 150 + 60 ✓; 500 ms > 300 + 80 ✗; handshakes 1 ≤ 1 and 2 [1, 2] ≤ 2.
    assert "| 150 ms | 1 ✓ | 2 [1, 2] ✓ | 200 ms | ✓ | 500 ms | ✗ |" in text
    assert "| 0 ms | — ? | — ? | failed | ? | failed | ? |" in text


def test_command_costs_are_set_against_the_installed_script() -> None:
    uv = records.CommandCost(["/usr/bin/uv", "run", "tether-voice", "--help"], [0.30, 0.32])
    uv.printed += [True, True]
    script = records.CommandCost(["/x/.venv/bin/tether-voice", "--help"], [0.05, 0.05])
    script.printed += [False, False]
    text = "\n".join(netreport.command_rows([uv, script]))
    assert (
        "| `uv run tether-voice --help` | 310 ms [300 ms, 320 ms] | 260 ms | 2 of 2 runs |" in text
    )
    assert "| `tether-voice --help` | 50 ms [50 ms, 50 ms] | — | 0 of 2 runs |" in text


# --- the numbers at scale ---------------------------------------------------------------


def test_numbers_report_gives_bytes_and_time_per_kind_of_key() -> None:
    small, large = bench_numbers.NumbersRun(4), bench_numbers.NumbersRun(5000)
    for run, scale in ((small, 1), (large, 2)):
        run.open_seconds += [0.1 * scale]
        run.open_bytes += [20000 * scale]
        for samples in (run.filter_keys, run.erase_keys, run.down_keys, run.page_keys):
            samples.bytes += [100 * scale, 300 * scale]
            samples.seconds += [0.01 * scale, 0.03 * scale]
    large.failures.append("'Sales Line' not seen within 30 s")
    text = "\n".join(bench_numbers.numbers_rows([small, large]))
    assert "| key (median / max) | 4 numbers: bytes | time | 5,000 numbers: bytes | time |" in text
    assert (
        "| cursor move (down) | 200 B / 300 B | 20 ms / 30 ms | 400 B / 600 B | 40 ms / 60 ms |"
        in (text)
    )
    assert "5,000 numbers, failed run: 'Sales Line' not seen" in text


@pytest.mark.skipif(
    not os.path.exists("/dev/ptmx") or not Path("/proc/self/status").exists(),
    reason="needs pseudo-terminals (/dev/ptmx) and /proc",
)
def test_the_numbers_measurement_runs_in_a_pty(tmp_path: Path) -> None:
    """The plumbing works (open, filter, erase, move, quit); it asserts no speed."""
    from tui.demo.server import DemoState

    with DemoServer(state=DemoState.with_numbers(300)) as server:
        run = bench_numbers.NumbersRun(300)
        keys = bench_numbers.Keys(filter_text="43", downs=2, page_downs=1)
        argv = [sys.executable, "-m", "tui", "--url", server.url]
        bench_numbers.measure_once(
            argv, measure.child_env(), tmp_path, run, programs.APP_MARKER, keys
        )
    assert run.failures == []
    assert len(run.open_seconds) == 1 and run.open_bytes[0] > 0
    assert len(run.filter_keys.bytes) == 2 and min(run.filter_keys.bytes) > 0
    assert len(run.erase_keys.bytes) == 2 and len(run.down_keys.bytes) == 2
    assert len(run.page_keys.bytes) == 1


# --- a large organization (--large-org) -------------------------------------------------

needs_pty = pytest.mark.skipif(
    not os.path.exists("/dev/ptmx") or not Path("/proc/self/status").exists(),
    reason="needs pseudo-terminals (/dev/ptmx) and /proc",
)


def _touch(size: int) -> bytearray:
    """``size`` bytes really resident (each page written), not merely reserved."""
    ballast = bytearray(size)
    ballast[::4096] = b"\x01" * len(range(0, size, 4096))
    return ballast


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_a_commands_peak_rss_is_its_own_not_the_bench_that_spawned_it(tmp_path: Path) -> None:
    """Spawned from a process holding 160 MB, a bare interpreter still reports its own
    ~10 MB (wait4 on a direct child reports the parent's 160 MB: Linux keeps the larger
    figure across exec), and a command that holds 64 MB reports at least that."""
    ballast = _touch(160 << 20)
    python = [sys.executable, "-S", "-c"]
    bare = childrss.run_measured([*python, "pass"], {}, tmp_path, tmp_path)
    grows = childrss.run_measured(
        [*python, "b = bytearray(64 << 20); b[::4096] = b'x' * (len(b) // 4096); print(1)"],
        {},
        tmp_path,
        tmp_path,
    )
    failing = childrss.run_measured([*python, "raise SystemExit(3)"], {}, tmp_path, tmp_path)
    del ballast
    assert 0 < bare.maxrss_kb < 60 * 1024
    assert 0 < bare.helper_maxrss_kb < 60 * 1024
    assert grows.maxrss_kb >= 64 * 1024
    assert grows.output_bytes == 2 and grows.exit_code == 0 and grows.seconds > 0
    assert failing.exit_code == 3


def test_the_answer_size_counts_the_configuration_get_byte_for_byte() -> None:
    import httpx

    from tui.demo.server import DemoState

    with DemoServer(state=DemoState.with_numbers(300)) as server:
        size = largeorg.answer_size(server.port, 300)
        headers = {"Authorization": f"Bearer {programs.TOKEN}", "Accept-Encoding": "identity"}
        body = httpx.get(server.url + largeorg.CONFIG_PATH, headers=headers).content
    assert size.body_bytes == len(body)
    assert size.wire_bytes > size.body_bytes + len("HTTP/1.0 200 OK\r\n\r\n")
    assert size.content_encoding == ""  # the demo server does not compress
    assert 0 < size.gzip_bytes < size.body_bytes
    on = sum(1 for number in json.loads(body)["phoneNumbers"] if number["aiEnabled"])
    assert size.counter == f"300 ({on} AI on"


@needs_pty
@pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is None, reason="needs cryptography for the CA"
)
def test_the_large_org_measurement_runs_and_reports_in_a_pty(tmp_path: Path) -> None:
    """One run of each part at a small size (the app through the TLS proxy, the numbers
    script, both answers), rendered: every figure present and positive. No speed."""
    from tui.demo.server import DemoState

    count, rtt = 300, 0.0
    result = largeorg.LargeOrg(count, rtt, runs=1)
    app = [sys.executable, "-m", "tui"]
    ca = network.ThrowawayCA.create(tmp_path)
    for size in (largeorg.REFERENCE_COUNT, count):
        result.apps += [largeorg.AppLoad(size, None), largeorg.AppLoad(size, rtt)]
        result.scripts += [largeorg.ScriptCost(size, name) for name in largeorg.SCRIPTS]
    with (
        DemoServer(state=DemoState.with_numbers(count)) as server,
        network.LatencyProxy(ca, server.port, rtt_ms=rtt) as proxy,
    ):
        result.answers.append(largeorg.answer_size(server.port, count))
        target = largeorg.AppTarget(proxy.url, ("--ca-bundle", str(ca.ca_pem)), server.state)
        load = result.app(count, rtt)
        largeorg.measure_app_once(app, target, result.answers[0].counter, load, tmp_path)
        script = result.script(count, "numbers")
        largeorg.measure_script_once(app, server.url, script, tmp_path)
    assert load.failures == [] and script.failures == []
    assert load.config_gets == [1]
    assert min(load.counter_seconds + load.table_seconds) > 0
    assert 0 < load.hwm_counter_kb[0] <= load.hwm_table_kb[0]
    assert script.seconds[0] > 0 and script.maxrss_kb[0] > script.helper_maxrss_kb
    assert script.output_bytes[0] > count * len("+14375550000")  # every number listed
    text = "\n".join(largeorg_report.large_org_markdown(result))
    assert f"| body | {result.answers[0].body_bytes:,} B |" in text

    def cells(label: str) -> list[str]:
        row = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
        return [cell.strip() for cell in row.split("|")[2:-1]]

    def positive(cell: str) -> bool:
        return cell[0].isdigit() and float(cell.split()[0].replace(",", "")) > 0

    for label in ("spawn → numbers counter on screen", "peak RSS (VmHWM) with the table open"):
        assert positive(cells(label)[4]), cells(label)  # the 300 numbers through the proxy
    numbers = cells("`tether-voice numbers`")  # wall time and peak RSS at 300
    assert positive(numbers[1]) and positive(numbers[4]) and positive(numbers[6]), numbers


def _large_org_samples() -> largeorg.LargeOrg:
    result = largeorg.LargeOrg(100_000, 150.0, runs=2)
    for count, scale in ((4, 1.0), (100_000, 3.0)):
        result.answers.append(
            largeorg.AnswerSize(count, int(900 * scale**8), int(1000 * scale**8), "", 300, "x")
        )
        for rtt in (None, 150.0):
            load = largeorg.AppLoad(count, rtt)
            load.counter_seconds += [0.6 * scale, 0.8 * scale]
            load.table_seconds += [0.1 * scale]
            load.hwm_counter_kb += [50_000 * scale]
            load.hwm_table_kb += [60_000 * scale]
            load.config_gets += [1, 1]
            result.apps.append(load)
        for command in largeorg.SCRIPTS:
            cost = largeorg.ScriptCost(count, command, [0.4 * scale], [40_960 * scale])
            cost.output_bytes.append(700 * scale**8)
            result.scripts.append(cost)
    result.app(100_000, 150.0).failures.append("'100,000 (33,334 AI on' not seen within 180 s")
    return result


def test_the_large_org_report_sets_each_figure_beside_the_seeded_fours() -> None:
    text = "\n".join(largeorg_report.large_org_markdown(_large_org_samples()))
    assert "| body | 900 B | 5,904,900 B (5.6 MB) |" in text
    assert "| `Content-Encoding` sent to a request accepting gzip | none | none |" in text
    assert "| its transfer at 100 / 10 Mbit/s" in text and "| 525 ms / 5249 ms |" in text
    assert (
        "| app (median [min, max]) | loopback: 4 | loopback: 100,000 | ratio "
        "| RTT 150 ms: 4 | RTT 150 ms: 100,000 | ratio |"
    ) in text
    assert (
        "| spawn → numbers counter on screen | 700 ms [600 ms, 800 ms] "
        "| 2100 ms [1800 ms, 2400 ms] | 3.00x |"
    ) in text
    assert "| peak RSS (VmHWM) with the table open | 58.6 MB | 175.8 MB | 3.00x |" in text
    assert (
        "| `tether-voice show` | 400 ms | 1200 ms | 3.00x | 40.0 MB | 120.0 MB | 3.00x "
        "| 4,592,700 B (4.4 MB) |"
    ) in text
    assert "- app, 100,000 numbers, RTT 150 ms: '100,000 (33,334 AI on' not seen" in text


def test_large_org_options() -> None:
    bench = importlib.import_module("bench")
    args = bench.parse_args(["--large-org"])
    assert (args.large_org, args.large_org_rtt, args.large_org_only) == (100_000, 150.0, False)
    args = bench.parse_args(["--large-org", "5000", "--large-org-rtt", "50", "--large-org-only"])
    assert (args.large_org, args.large_org_rtt, args.large_org_only) == (5000, 50.0, True)
    assert bench.parse_args([]).large_org == 0
    for wrong in (
        ["--large-org-only"],
        ["--large-org", "3"],
        ["--large-org", "--large-org-rtt=-1"],
    ):
        with pytest.raises(SystemExit):
            bench.parse_args(wrong)
