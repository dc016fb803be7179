"""``doctor``'s text report: the organization, then the numbers, problems first.

Plain lines for :func:`tui.script.render.emit` (which escapes and wraps them). Healthy
numbers fold into one count unless ``--all``; a number shows only the lines that are not
ok unless ``--all``; an item list (each disagreeing number) shows a few and a count.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui.wiring.evidence import TetherNumber
from tui.wiring.findings import LABEL_WIDTH, Finding, Verdict, WiringReport, ordered_numbers

DETAILS_SHOWN = 5


def finding_lines(finding: Finding, indent: str, *, show_all: bool) -> list[str]:
    """``✗ Label  problem: what was found``, what to do below, then its items."""
    lines = [
        f"{indent}{finding.verdict.symbol} {finding.check.label:<{LABEL_WIDTH}}  "
        f"{finding.verdict.value}: {finding.found}"
    ]
    if finding.todo:
        lines.append(f"{indent}    → {finding.todo}")
    details = finding.details if show_all else finding.details[:DETAILS_SHOWN]
    lines.extend(f"{indent}    · {item}" for item in details)
    hidden = len(finding.details) - len(details)
    if hidden:
        lines.append(f"{indent}    · and {hidden} more (--all lists them)")
    return lines


def report_lines(
    report: WiringReport, numbers: Sequence[TetherNumber], *, show_all: bool, where: str
) -> list[str]:
    on = sum(1 for n in report.numbers if n.ai_enabled)
    lines = [
        f"Wiring of {where} (asked from this machine, read only): {len(report.numbers)} "
        f"number(s), {on} with AI on",
        "",
        "Organization:",
    ]
    for finding in report.checks:
        lines.extend(finding_lines(finding, "  ", show_all=show_all))
    lines += ["", "Numbers (problems first):" if report.numbers else "Numbers: none listed"]
    healthy = 0
    for number in ordered_numbers(report.numbers):
        if number.verdict is Verdict.OK and not show_all:
            healthy += 1
            continue
        state = "AI on" if number.ai_enabled else "AI off"
        lines.append(
            f"  {number.verdict.symbol} {number.phone_number}  {number.verdict.value} "
            f"({state}, user {number.user_id or '?'})"
        )
        for finding in number.checks:
            if finding.verdict is Verdict.OK and not show_all:
                continue
            lines.extend(finding_lines(finding, "      ", show_all=show_all))
    if healthy:
        lines.append(f"  ✓ {healthy} more number(s): every check ok (--all lists them)")
    lines += ["", summary_line(report)]
    return lines


def summary_line(report: WiringReport) -> str:
    counts = {verdict: 0 for verdict in Verdict}
    for finding in report.all_findings():
        counts[finding.verdict] += 1
    bad_numbers = sum(1 for n in report.numbers if n.verdict is Verdict.PROBLEM)
    verdict = (
        "calls will work"
        if report.ok
        else (
            "some calls will fail" if counts[Verdict.PROBLEM] else "not everything could be checked"
        )
    )
    return (
        f"{verdict}: {counts[Verdict.PROBLEM]} problem(s) ({bad_numbers} number(s) affected), "
        f"{counts[Verdict.WARNING]} warning(s), {counts[Verdict.UNKNOWN]} unknown, "
        f"{counts[Verdict.OK]} ok"
    )
