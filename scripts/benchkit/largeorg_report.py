"""The Markdown for ``--large-org``: the answer's size, the app's load, the scripts' cost.

Functions of the records alone (``benchkit.largeorg``): each figure at the large size
beside the seeded four's and their ratio, medians with [min, max], failures listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .largeorg import REFERENCE_COUNT, SCRIPTS, AppLoad, LargeOrg
from .report import fmt_mb, fmt_ms, fmt_ratio, fmt_spread, median, ratio


def fmt_size(count: float | None) -> str:
    """Bytes exactly, and in MB (MiB, as ``fmt_mb``) once past one."""
    if count is None:
        return "—"
    if count < 1024 * 1024:
        return f"{count:,.0f} B"
    return f"{count:,.0f} B ({count / (1024 * 1024):.1f} MB)"


def transfer_seconds(count: float, mbit_per_s: float) -> float:
    """How long ``count`` bytes take at a link's rate, handshakes and latency aside."""
    return count * 8 / (mbit_per_s * 1_000_000)


def _where(rtt_ms: float | None) -> str:
    return "loopback" if rtt_ms is None else f"RTT {rtt_ms:.0f} ms"


def answer_rows(result: LargeOrg) -> list[str]:
    """| the configuration GET | 4 numbers | N numbers |"""
    answers = sorted(result.answers, key=lambda answer: answer.count)
    lines = [
        "| configuration GET (carries every number) | "
        + " | ".join(f"{answer.count:,} numbers" for answer in answers)
        + " |",
        "| --- |" + " --- |" * len(answers),
    ]
    rows: list[tuple[str, Callable[..., str]]] = [
        ("body", lambda a: fmt_size(a.body_bytes)),
        ("on the wire (status line and headers included)", lambda a: fmt_size(a.wire_bytes)),
        (
            "`Content-Encoding` sent to a request accepting gzip",
            lambda a: f"`{a.content_encoding}`" if a.content_encoding else "none",
        ),
        (
            "body through gzip -6 (what a compressing server would send)",
            lambda a: fmt_size(a.gzip_bytes),
        ),
        (
            "its transfer at 100 / 10 Mbit/s (computed: the proxy adds latency, not a rate)",
            lambda a: (
                f"{fmt_ms(transfer_seconds(a.wire_bytes, 100))} / "
                f"{fmt_ms(transfer_seconds(a.wire_bytes, 10))}"
            ),
        ),
    ]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(answer) for answer in answers) + " |")
    return lines


def _sides(result: LargeOrg, rtt: float | None) -> tuple[AppLoad, AppLoad]:
    return result.app(REFERENCE_COUNT, rtt), result.app(result.count, rtt)


def app_rows(result: LargeOrg) -> list[str]:
    """| measurement | per network: 4 | N | N / 4 |"""
    networks: Sequence[float | None] = (None, result.rtt_ms)
    header = "| app (median [min, max]) |"
    for rtt in networks:
        where = _where(rtt)
        header += f" {where}: {REFERENCE_COUNT} | {where}: {result.count:,} | ratio |"
    lines = [header, "| --- |" + " --- | --- | --- |" * len(networks)]
    measurements: list[tuple[str, Callable[[AppLoad], list[float]], Callable]] = [
        ("spawn → numbers counter on screen", lambda a: a.counter_seconds, fmt_ms),
        ("ctrl+n → the table's first row (agent named)", lambda a: a.table_seconds, fmt_ms),
        ("peak RSS (VmHWM) at the counter", lambda a: a.hwm_counter_kb, fmt_mb),
        ("peak RSS (VmHWM) with the table open", lambda a: a.hwm_table_kb, fmt_mb),
        ("configuration GETs to the table", lambda a: a.config_gets, lambda v: f"{v:.0f}"),
    ]
    for label, samples, fmt in measurements:
        row = f"| {label} |"
        for rtt in networks:
            small, large = (samples(side) for side in _sides(result, rtt))
            row += f" {fmt_spread(small, fmt)} | {fmt_spread(large, fmt)} | "
            row += f"{fmt_ratio(ratio(median(large), median(small)))} |"
        lines.append(row)
    return lines


def script_rows(result: LargeOrg) -> list[str]:
    """| command | wall time 4 | N | ratio | peak RSS 4 | N | ratio | stdout at N |"""
    n = f"{result.count:,}"
    lines = [
        f"| script, loopback (median [min, max]) | wall time: {REFERENCE_COUNT} | {n} | ratio "
        f"| peak RSS: {REFERENCE_COUNT} | {n} | ratio | stdout at {n} |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for command in SCRIPTS:
        small = result.script(REFERENCE_COUNT, command)
        large = result.script(result.count, command)
        time_ratio = ratio(median(large.seconds), median(small.seconds))
        rss_ratio = ratio(median(large.maxrss_kb), median(small.maxrss_kb))
        lines.append(
            f"| `tether-voice {command}` | {fmt_spread(small.seconds, fmt_ms)} "
            f"| {fmt_spread(large.seconds, fmt_ms)} | {fmt_ratio(time_ratio)} "
            f"| {fmt_spread(small.maxrss_kb, fmt_mb)} | {fmt_spread(large.maxrss_kb, fmt_mb)} "
            f"| {fmt_ratio(rss_ratio)} | {fmt_size(median(large.output_bytes))} |"
        )
    return lines


def failure_lines(result: LargeOrg) -> list[str]:
    lines = [
        f"- app, {app.count:,} numbers, {_where(app.rtt_ms)}: {failure}"
        for app in result.apps
        for failure in app.failures
    ]
    lines += [
        f"- `{script.command}`, {script.count:,} numbers: {failure}"
        for script in result.scripts
        for failure in script.failures
    ]
    return lines


def large_org_markdown(result: LargeOrg) -> list[str]:
    """The three tables, with what each measures; failed runs listed under them."""
    helper = max((s.helper_maxrss_kb for s in result.scripts), default=0.0)
    lines = [
        f"A large organization: {result.count:,} numbers against the seeded "
        f"{REFERENCE_COUNT} ({result.runs} runs each, round-robin, values median [min, max]; "
        "demo servers in the bench process, so the bench's own work competes for the CPU "
        "with the program measured, as any other load on the machine does).",
        "",
        *answer_rows(result),
        "",
        f"The app in the pty: loopback is plain HTTP; {_where(result.rtt_ms)} is TLS through "
        "the latency proxy (which runs in the bench process too). The counter is "
        "“On the server now”'s count of the numbers; ctrl+n is sent once the first frame "
        "is done.",
        "",
        *app_rows(result),
        "",
        "The scripts' wall time is from spawn to exit, their peak RSS `ru_maxrss` from a "
        f"small spawning helper (its own peak, {fmt_mb(helper)}, is the floor of the "
        "figure), output to a file.",
        "",
        *script_rows(result),
    ]
    failures = failure_lines(result)
    if failures:
        lines += ["", f"**{len(failures)} failed run(s)** (left out of the medians):", *failures]
    return lines
