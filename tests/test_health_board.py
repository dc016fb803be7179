"""The health board: what the numbers table's column and detail line show, step by step
of a run (pure, no app)."""

from __future__ import annotations

from tui.checks.verdict import Basis
from tui.form.masking import MASK
from tui.wiring.board import (
    CHECKING,
    HealthBoard,
    counts_line,
    finding_line,
    problems_first,
    scrubbed,
    scrubbed_report,
)
from tui.wiring.findings import CheckId, Finding, NumberReport, Verdict

A, B, C = "+14165550101", "+14165550102", "+14165550103"


def finding(check: CheckId, verdict: Verdict, found: str = "found", todo: str = "") -> Finding:
    return Finding(check, verdict, found, Basis.INFERRED, todo)


def report(number: str, *verdicts: Verdict) -> NumberReport:
    checks = [
        CheckId.ELEVENLABS_IMPORTED,
        CheckId.ELEVENLABS_AGENT,
        CheckId.ELEVENLABS_OUTBOUND,
        CheckId.SINCH_ON_TRUNK,
    ]
    return NumberReport(
        number,
        "user",
        True,
        tuple(
            finding(check, verdict, f"{check.value} {verdict.value}")
            for check, verdict in zip(checks, verdicts, strict=False)
        ),
    )


def test_never_run_shows_no_column_and_blank_cells() -> None:
    board = HealthBoard()
    assert not board.shown and not board.running
    assert board.cell(A) == ""
    assert board.detail(A) == ["Health: not checked in this session's runs. ctrl+g to check."]


def test_a_run_fills_in_number_by_number() -> None:
    board = HealthBoard().started([A, B], org=True)
    assert board.shown and board.running and board.org_checking
    assert (board.cell(A), board.cell(B), board.cell(C)) == (CHECKING, CHECKING, "")
    board = board.with_org([finding(CheckId.ELEVENLABS_KEY, Verdict.OK)])
    assert not board.org_checking and board.running
    board = board.with_number(report(A, Verdict.OK, Verdict.PROBLEM))
    assert (board.cell(A), board.cell(B)) == ("✗", CHECKING)
    board = board.finished([A, B], org=True)
    assert not board.running
    assert board.cell(B) == ""  # never answered: blank, not a verdict
    assert board.counts()[Verdict.PROBLEM] == 1


def test_a_stopped_run_keeps_what_came_and_says_what_did_not() -> None:
    board = HealthBoard().started([A, B], org=True).with_number(report(A, Verdict.OK))
    board = board.finished([A, B], org=True, stopped=True)
    assert board.cell(A) == "✓"
    assert board.cell(B) == ""
    assert B in board.stopped
    assert "stopped" in board.detail(B)[0]


def test_a_recheck_touches_only_its_numbers() -> None:
    board = HealthBoard().started([A, B], org=True)
    board = board.with_org([finding(CheckId.DRIFT, Verdict.WARNING)])
    board = board.with_number(report(A, Verdict.PROBLEM)).with_number(report(B, Verdict.OK))
    board = board.finished([A, B], org=True)
    again = board.started([A], org=False)
    assert again.org == board.org  # the organization's lines stay
    assert (again.cell(A), again.cell(B)) == (CHECKING, "✓")
    again = again.with_number(report(A, Verdict.OK)).finished([A], org=False)
    assert again.cell(A) == "✓" and again.runs == 2


def test_two_runs_at_once_end_separately() -> None:
    board = HealthBoard().started([A, B], org=True).started([C], org=False)
    board = board.finished([C], org=False, stopped=True)
    assert board.running and board.checking == {A, B}  # the full run goes on
    assert board.org_checking


def test_the_detail_puts_problems_first() -> None:
    board = HealthBoard().started([A], org=False)
    board = board.with_number(
        report(A, Verdict.WARNING, Verdict.OK, Verdict.PROBLEM, Verdict.UNKNOWN)
    )
    first, second = board.detail(A)
    assert first.startswith("✗ Outbound — problem:")
    assert second.startswith("2 more: ? On trunk — could not tell:")


def test_the_detail_of_a_healthy_number() -> None:
    board = HealthBoard().started([A], org=False).with_number(report(A, Verdict.OK, Verdict.OK))
    assert board.detail(A) == ["✓ Health ok: 2 checks passed."]


def test_one_wrong_finding_counts_the_rest() -> None:
    board = HealthBoard().started([A], org=False)
    board = board.with_number(report(A, Verdict.OK, Verdict.WARNING, Verdict.OK))
    assert board.detail(A)[1] == "✓ the other 2 checks passed."


def test_problems_first_keeps_the_order_within_a_verdict() -> None:
    findings = [
        finding(CheckId.ELEVENLABS_IMPORTED, Verdict.OK),
        finding(CheckId.ELEVENLABS_AGENT, Verdict.PROBLEM),
        finding(CheckId.ELEVENLABS_OUTBOUND, Verdict.WARNING),
        finding(CheckId.SINCH_ON_TRUNK, Verdict.PROBLEM),
    ]
    assert [f.check for f in problems_first(findings)] == [
        CheckId.ELEVENLABS_AGENT,
        CheckId.SINCH_ON_TRUNK,
        CheckId.ELEVENLABS_OUTBOUND,
        CheckId.ELEVENLABS_IMPORTED,
    ]


def test_words_next_to_every_symbol() -> None:
    line = finding_line(finding(CheckId.ELEVENLABS_AGENT, Verdict.UNKNOWN, "no answer", "retry"))
    assert line == "? Agent — could not tell: no answer; retry"
    counts = {Verdict.OK: 4, Verdict.PROBLEM: 2, Verdict.WARNING: 0, Verdict.UNKNOWN: 1}
    assert counts_line(counts) == "2 ✗ problem · 1 ? could not tell · 4 ✓ ok"


def test_a_sent_secret_is_masked_in_every_word() -> None:
    secret = "sk_echoed_back_123"
    echoed = Finding(
        CheckId.ELEVENLABS_KEY,
        Verdict.PROBLEM,
        f"ElevenLabs said: bad key {secret}",
        Basis.OBSERVED,
        f"replace {secret}",
        (f"detail {secret}",),
    )
    clean = scrubbed(echoed, [secret, ""])
    assert secret not in f"{clean.found}{clean.todo}{clean.details}"
    assert MASK in clean.found
    number = NumberReport(A, "u", True, (echoed,))
    assert secret not in repr(scrubbed_report(number, [secret]))
    assert scrubbed(echoed, []) is echoed


def test_the_view_lists_the_worst_numbers_and_counts_the_rest() -> None:
    """A thousand numbers took over a second to lay out on each redraw: the view lists
    the first of them (worst first) and sends the user to the table for the rest."""
    import io

    from rich.console import Console

    from tui.widgets.health_lines import NUMBERS_SHOWN, numbers_table

    numbers = [f"+1416555{i:04d}" for i in range(NUMBERS_SHOWN + 12)]
    board = HealthBoard().started(numbers, org=False)
    for position, number in enumerate(numbers):
        verdict = Verdict.OK if position < 2 else Verdict.PROBLEM
        board = board.with_number(report(number, verdict))
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(numbers_table(board, lambda number: ""))
    text = console.export_text()
    assert text.count("· AI on ·") == NUMBERS_SHOWN
    assert "and 10 more numbers with something to fix" in text
    assert "2 numbers with every check ok" in text


def test_answers_in_any_order_are_listed_in_tethers() -> None:
    """Answers arrive as the issuers answer; the view lists worst first, then as Tether
    lists the numbers, whatever the order of arrival (a snapshot depends on it)."""
    board = HealthBoard().started([A, B, C], org=False)
    for number in (C, A, B):
        board = board.with_number(report(number, Verdict.PROBLEM if number != B else Verdict.OK))
    assert [r.phone_number for r in board.ordered()] == [A, C, B]
    again = board.started([C], org=False).with_number(report(C, Verdict.PROBLEM))
    assert [r.phone_number for r in again.ordered()] == [A, C, B]
