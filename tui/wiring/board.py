"""The latest wiring health run as the app shows it: filled in as answers arrive.

Pure (no Textual, no HTTP): the health view, the numbers table's column and its detail
line all read one :class:`HealthBoard`, and each answer makes a new one, so "what does
this row show while the check runs" is a table of unit tests, not a pilot run.

A number is known by its E.164 string, the join key across Tether, Sinch and ElevenLabs
(``wiring-checks.md`` §0). Its cell in the numbers table is:

- blank: not part of any run this session (or the run was stopped before it);
- ``…``: being checked now;
- ``✓`` ``✗`` ``⚠`` ``?``: the number's worst finding in the latest answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from tui.form.masking import masked_in
from tui.wiring.findings import Finding, NumberReport, Verdict, worst

CHECKING = "…"
"""The cell of a number whose answers are not all in yet."""

WORDS = {
    Verdict.OK: "ok",
    Verdict.PROBLEM: "problem",
    Verdict.WARNING: "warning",
    Verdict.UNKNOWN: "could not tell",
}
"""The verdict in words, next to its symbol wherever a verdict is shown."""


def problems_first(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first (✗, ?, ⚠, ✓); the checks' own order within each verdict."""
    return sorted(findings, key=lambda finding: -finding.verdict.rank)


def _frozen(mapping: Mapping[str, NumberReport]) -> Mapping[str, NumberReport]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class HealthBoard:
    """Organization findings and one report per number, from the runs of this session."""

    runs: int = 0
    """Runs started this session; 0: never run (the numbers table shows no column)."""
    org: tuple[Finding, ...] = ()
    org_checking: bool = False
    reports: Mapping[str, NumberReport] = field(default_factory=lambda: _frozen({}))
    checking: frozenset[str] = frozenset()
    """Numbers whose answers are not in yet."""
    stopped: frozenset[str] = frozenset()
    """Numbers the last stopped run never reached (shown blank, said in the summary)."""
    failure: str = ""
    """Why the last run could not check anything (Tether unreadable, an internal error)."""
    positions: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Each number's place in Tether's list: answers arrive in any order, the view lists
    them in this one (within each verdict)."""

    # --- the run's steps ------------------------------------------------------------

    def started(self, numbers: Iterable[str], *, org: bool) -> HealthBoard:
        """A run begins for ``numbers`` (and the organization, when ``org``): their old
        answers give way to ``…``; other numbers keep theirs."""
        listed = list(numbers)
        wanted = frozenset(listed)
        reports = {n: r for n, r in self.reports.items() if n not in wanted}
        positions = dict(self.positions)
        for number in listed:
            positions.setdefault(number, len(positions))
        return replace(
            self,
            positions=MappingProxyType(positions),
            runs=self.runs + 1,
            org=() if org else self.org,
            org_checking=org or self.org_checking,
            reports=_frozen(reports),
            checking=self.checking | wanted,
            stopped=self.stopped - wanted,
            failure="",
        )

    def with_org(self, findings: Iterable[Finding]) -> HealthBoard:
        return replace(self, org=tuple(findings), org_checking=False)

    def with_number(self, report: NumberReport) -> HealthBoard:
        number = report.phone_number
        reports = dict(self.reports)
        reports[number] = report
        return replace(
            self,
            reports=_frozen(reports),
            checking=self.checking - {number},
            stopped=self.stopped - {number},
        )

    def finished(
        self,
        numbers: Iterable[str],
        *,
        org: bool,
        stopped: bool = False,
        failure: str = "",
    ) -> HealthBoard:
        """A run for ``numbers`` (and the organization, when ``org``) ended: those still
        ``…`` were stopped, or could not be checked. Another run's numbers stay as they are."""
        left = self.checking & frozenset(numbers)
        return replace(
            self,
            org_checking=self.org_checking and not org,
            checking=self.checking - left,
            stopped=self.stopped | left if stopped or failure else self.stopped,
            failure=failure,
        )

    # --- reading --------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.org_checking or bool(self.checking)

    @property
    def shown(self) -> bool:
        """Whether the numbers table has a health column (a run was started)."""
        return self.runs > 0

    def cell(self, number: str | None) -> str:
        """The numbers table's cell for ``number``: blank, ``…`` or a verdict symbol."""
        if not number:
            return ""
        if number in self.checking:
            return CHECKING
        report = self.reports.get(number)
        return report.verdict.symbol if report is not None else ""

    def report(self, number: str | None) -> NumberReport | None:
        return self.reports.get(number) if number else None

    def detail(self, number: str | None) -> list[str]:
        """Two lines about one number for the numbers table's detail: its worst findings
        (problems first), or where its check stands. Each line is plain, unescaped text."""
        if not number:
            return []
        if number in self.checking:
            return [f"{CHECKING} Health: checking this number…"]
        report = self.reports.get(number)
        if report is None:
            if number in self.stopped:
                return ["Health: not checked (the check was stopped). ctrl+g checks again."]
            return ["Health: not checked in this session's runs. ctrl+g to check."]
        wrong = [f for f in problems_first(report.checks) if f.verdict is not Verdict.OK]
        if not wrong:
            count = len(report.checks)
            return [f"✓ Health ok: {count} check{'s' if count != 1 else ''} passed."]
        lines = [finding_line(wrong[0])]
        fine = len(report.checks) - len(wrong)
        if len(wrong) == 2:
            lines.append(finding_line(wrong[1]))
        elif len(wrong) > 2:
            lines.append(f"{len(wrong) - 1} more: {finding_line(wrong[1])}")
        elif fine:
            lines.append(f"✓ the other {fine} check{'s' if fine != 1 else ''} passed.")
        return lines

    def ordered(self) -> list[NumberReport]:
        """Every report, worst first, in Tether's order within each verdict."""
        last = len(self.positions)
        return sorted(
            self.reports.values(),
            key=lambda r: (-r.verdict.rank, self.positions.get(r.phone_number, last)),
        )

    def counts(self) -> dict[Verdict, int]:
        """How many numbers show each verdict."""
        counts = dict.fromkeys(Verdict, 0)
        for report in self.reports.values():
            counts[report.verdict] += 1
        return counts

    @property
    def org_verdict(self) -> Verdict | None:
        return worst(self.org) if self.org else None


def finding_words(finding: Finding) -> str:
    """ "Imported — problem: not imported in ElevenLabs; import it …" (plain text)."""
    return f"{finding.check.label} — {WORDS[finding.verdict]}: {finding.line}"


def finding_line(finding: Finding) -> str:
    """The same, after the verdict's symbol."""
    return f"{finding.verdict.symbol} {finding_words(finding)}"


def scrubbed(finding: Finding, secrets: Iterable[str]) -> Finding:
    """``finding`` with every sent secret masked in its words: the rules quote the
    issuers' messages, and an issuer could echo what it was sent."""
    secrets = [secret for secret in secrets if secret]

    def clean(text: str) -> str:
        return masked_in(text, secrets)

    if not secrets:
        return finding
    return replace(
        finding,
        found=clean(finding.found),
        todo=clean(finding.todo),
        details=tuple(clean(line) for line in finding.details),
    )


def scrubbed_report(report: NumberReport, secrets: Iterable[str]) -> NumberReport:
    checks = tuple(scrubbed(finding, secrets) for finding in report.checks)
    return replace(report, checks=checks)


def counts_line(counts: Mapping[Verdict, int]) -> str:
    """ "2 ✗ problem · 1 ⚠ warning · 4 ✓ ok" (zero counts left out; worst first)."""
    order = (Verdict.PROBLEM, Verdict.UNKNOWN, Verdict.WARNING, Verdict.OK)
    parts = [f"{counts[v]} {v.symbol} {WORDS[v]}" for v in order if counts.get(v)]
    return " · ".join(parts)
