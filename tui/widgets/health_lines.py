"""The health view's lines: the organization's checks, then the numbers, problems first.

Symbol and word on every line (✓ ok, ✗ problem, ⚠ warning, ? could not tell, … checking)
so a verdict never rests on colour. Every finding quotes what ElevenLabs, Sinch or Tether
answered (a host name, an agent's name, a status): shown as plain text, escaped.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text

from tui.printable import printable
from tui.widgets.shown import shown, shown_line, shown_value
from tui.wiring.board import CHECKING, WORDS, HealthBoard, counts_line, problems_first
from tui.wiring.findings import CheckId, Finding, NumberReport, Verdict

SYMBOL_STYLES = {
    Verdict.OK: "green",
    Verdict.PROBLEM: "bold red",
    Verdict.WARNING: "bold yellow",
    Verdict.UNKNOWN: "yellow",
}

ORG_CHECKS = (
    CheckId.ELEVENLABS_KEY,
    CheckId.ELEVENLABS_WEBHOOK,
    CheckId.ELEVENLABS_TOOLS,
    CheckId.ELEVENLABS_RECENT_CALLS,
    CheckId.SINCH_TOKEN,
    CheckId.SINCH_TRUNK,
    CheckId.SINCH_ENDPOINTS,
    CheckId.SINCH_OUTBOUND_AUTH,
    CheckId.DRIFT,
)
"""The organization's lines while they are being checked (the rules decide the final set)."""

NUMBERS_SHOWN = 30
"""Numbers listed with their findings, worst first; the rest counted. At a thousand
numbers the whole list took over a second to lay out, on every redraw while answers
arrive; the numbers table holds every row."""

DETAILS_SHOWN = 8
"""Items listed under a finding (each disagreeing number, each tool); the rest counted."""

AgentLabel = Callable[[str], str]
"""A number's agent as the numbers table names it ("" when it has none)."""


def symbol(verdict: Verdict) -> Text:
    return shown(verdict.symbol, SYMBOL_STYLES[verdict])


def finding_text(finding: Finding) -> Text:
    """ "Imported — problem: not imported in ElevenLabs; import it …" with the label bold."""
    return shown_line((finding.check.label, "bold"), f" — {WORDS[finding.verdict]}: {finding.line}")


def _grid() -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=1, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    return table


def org_table(board: HealthBoard) -> Table:
    """One line per organization check: its verdict, or "checking…" until answered."""
    table = _grid()
    if board.org:
        for finding in board.org:
            table.add_row(symbol(finding.verdict), finding_text(finding))
            _add_details(table, finding)
    elif board.org_checking:
        for check in ORG_CHECKS:
            table.add_row(shown(CHECKING, "dim"), shown_line((check.label, "bold"), " — checking…"))
    else:
        table.add_row(shown("·", "dim"), shown(_org_idle(board)))
    return table


def _org_idle(board: HealthBoard) -> str:
    if board.failure:
        return f"Not checked: {board.failure}."
    if board.runs:
        return "Not checked in the last run (it was stopped before the answers came)."
    return "Not checked yet: give the keys you have above, then enter."


def numbers_table(board: HealthBoard, agent_label: AgentLabel) -> Table:
    """Numbers with something to say, problems first, each with its findings that are
    not ok; then one line each for the healthy, the checking and the unchecked."""
    table = _grid()
    reports = board.ordered()
    healthy = [r for r in reports if r.verdict is Verdict.OK]
    wrong = [r for r in reports if r.verdict is not Verdict.OK]
    for report in wrong[:NUMBERS_SHOWN]:
        _add_number(table, report, agent_label)
    if len(wrong) > NUMBERS_SHOWN:
        more = len(wrong) - NUMBERS_SHOWN
        table.add_row(
            shown("…", "dim"),
            shown(
                f"and {more} more number{'s' if more != 1 else ''} with something to fix: "
                "the numbers table (ctrl+n) shows each in its Health column, the findings "
                "of the row under the cursor below it"
            ),
        )
    if healthy:
        count = len(healthy)
        names = ", ".join(r.phone_number for r in healthy[:3])
        more = f" and {count - 3} more" if count > 3 else ""
        table.add_row(
            symbol(Verdict.OK),
            shown(f"{count} number{'s' if count != 1 else ''} with every check ok: {names}{more}"),
        )
    if board.checking:
        count = len(board.checking)
        table.add_row(
            shown(CHECKING, "dim"),
            shown(f"{count} number{'s' if count != 1 else ''} being checked…"),
        )
    if board.stopped:
        count = len(board.stopped)
        table.add_row(
            shown("·", "dim"),
            shown(
                f"{count} number{'s' if count != 1 else ''} not checked (the check was stopped"
                " or could not finish); enter checks again."
            ),
        )
    if not (reports or board.checking or board.stopped):
        table.add_row(shown("·", "dim"), shown("No number checked yet."))
    return table


def _add_number(table: Table, report: NumberReport, agent_label: AgentLabel) -> None:
    verdict = report.verdict
    ai = "AI on" if report.ai_enabled else "AI off"
    agent = agent_label(report.phone_number)
    head = Text()
    head.append(printable(report.phone_number), style="bold")
    head.append(printable(f" · {ai}" + (f" · agent {agent}" if agent else "")))
    head.append(printable(f" · {WORDS[verdict]}"))
    table.add_row(symbol(verdict), head)
    wrong = [f for f in problems_first(report.checks) if f.verdict is not Verdict.OK]
    for finding in wrong:
        nested = _nested()
        nested.add_row(Text(""), symbol(finding.verdict), finding_text(finding))
        table.add_row(Text(""), nested)
        _add_details(table, finding, nested=True)
    fine = len(report.checks) - len(wrong)
    if fine:
        nested = _nested()
        nested.add_row(
            Text(""),
            shown("✓", "dim"),
            shown(f"{fine} other check{'s' if fine != 1 else ''} ok", "dim"),
        )
        table.add_row(Text(""), nested)


def _nested() -> Table:
    """Under a number: an indent, the finding's symbol, its text wrapped under itself."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=1, no_wrap=True)
    table.add_column(width=1, no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    return table


def _add_details(table: Table, finding: Finding, *, nested: bool = False) -> None:
    """The items behind a finding, one per line, at most :data:`DETAILS_SHOWN`; each
    wrapped under itself, after its bullet."""
    details = finding.details
    if not details:
        return
    more = len(details) - DETAILS_SHOWN
    under = Table.grid(padding=(0, 1), expand=True)
    if nested:
        under.add_column(width=1, no_wrap=True)
    under.add_column(width=1, no_wrap=True)
    under.add_column(ratio=1, overflow="fold")
    lead = (Text(""),) if nested else ()
    for detail in details[:DETAILS_SHOWN]:
        under.add_row(*lead, shown("·", "dim"), shown_value(detail))
    if more > 0:
        under.add_row(*lead, Text(""), shown(f"… and {more} more (doctor --all lists each)", "dim"))
    table.add_row(Text(""), under)


def numbers_heading(board: HealthBoard) -> Text:
    counts = counts_line(board.counts())
    return shown_value(f"Numbers: {counts}" if counts else "Numbers")


def org_heading(board: HealthBoard) -> Text:
    if not board.org:
        return shown_value("Organization")
    counts = dict.fromkeys(Verdict, 0)
    for finding in board.org:
        counts[finding.verdict] += 1
    return shown_value(f"Organization: {counts_line(counts)}")
