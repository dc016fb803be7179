"""The credential checks for scripts: run them to the end, word them as plain lines.

The same plan, runner and rules as the app's review (``tui.checks``, ``tui.api.checks``);
what differs is only the front end: lines in display order once every check has
answered (so two runs diff cleanly), next steps as commands rather than keys.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from tui.checks.verdict import CheckId, CheckResult, Verdict

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tui.checks.plan import CheckPlan
    from tui.checks.settings import CheckSettings
    from tui.form.state import FormState

HEADING = "Checks (asked from this machine):"


def run_blocking(
    plan: CheckPlan, settings: CheckSettings, progress: Callable[[str], None]
) -> list[CheckResult]:
    """Every line of ``plan``, asked of the issuers in parallel, within their deadline;
    ``progress`` is told whom it asks (a person waits; ``--json`` keeps stderr for JSON)."""
    from tui.api.checks import run_checks

    if plan.to_ask:
        issuers = " and ".join(
            sorted({check.issuer for check in plan.to_ask}, key=["ElevenLabs", "Sinch"].index)
        )
        progress(f"Checking with {issuers}…")
    return asyncio.run(run_checks(plan, settings, lambda result: None))


def webhook_blocking(
    key: SecretStr, settings: CheckSettings, progress: Callable[[str], None]
) -> CheckResult:
    """After a save: the post-call webhook, looked at a few times over some seconds."""
    from tui.api.checks import check_webhook

    progress("Checking ElevenLabs' post-call webhook…")
    return asyncio.run(check_webhook(key, settings))


TRUNK_IDENTIFIERS = ("sinchEstProjectId", "sinchEstTrunkId")

_KEY_ARGS = "sinchEstKeyId=… sinchEstKeySecret=-"
_BY_CHECK_AND_REASON = {
    (CheckId.ELEVENLABS_KEY, "stored_secret"): "give it again to check it: "
    "elevenlabsApiKey=- (stdin) or elevenlabsApiKey=@env:NAME",
    (CheckId.ELEVENLABS_KEY, "no_key"): "give it: elevenlabsApiKey=- (stdin) or "
    "elevenlabsApiKey=@env:NAME",
    (CheckId.SINCH_KEY, "stored_secret"): f"give both to check the pair: {_KEY_ARGS}",
    (CheckId.SINCH_TRUNK, "stored_secret"): "give both to check this trunk and its domain: "
    f"{_KEY_ARGS}",
}
_BY_REASON = {
    "busy": "run it again in a moment",
    "issuer_error": "run it again later",
    "timeout": "run it again later, or from a host that can reach it",
}


def for_scripts(result: CheckResult) -> CheckResult:
    """The line with its next step as a script user takes it: arguments to give and
    commands to run again, where the app's words say to type into the form or to review
    again."""
    step = _BY_CHECK_AND_REASON.get((result.check, result.reason)) or _BY_REASON.get(result.reason)
    return replace(result, next_step=step) if step and result.next_step else result


def fix_assignments(result: CheckResult, form: FormState) -> dict[str, str] | None:
    """What to ``set`` to use the trunk's own domain: the domain, and the identifiers the
    trunk was looked up with where they were given here rather than stored (setting the
    domain alone would pair it with the stored trunk, whose domain it is not)."""
    if result.fix is None:
        return None
    given = {
        name: str(form.plain_value(name) or "")
        for name in TRUNK_IDENTIFIERS
        if form.is_changed(name)
    }
    return {**given, "sinchEstTrunkDomain": result.fix.domain}


def results_json(results: Sequence[CheckResult], form: FormState) -> list[dict[str, object]]:
    """The documented ``--json`` shape of each check, its fix as the fields to set."""
    return [
        {**for_scripts(result).as_json(), "fix": fix_assignments(result, form)}
        for result in results
    ]


def result_lines(results: Sequence[CheckResult], form: FormState) -> list[str]:
    """One line per check (symbol, label, verdict, summary), its next step and fix below."""
    lines: list[str] = []
    for result in map(for_scripts, results):
        lines.append(f"  {result.headline()}")
        if result.next_step:
            lines.append(f"      → {result.next_step}")
        assignments = fix_assignments(result, form)
        if assignments:
            lines.extend(_fix_command(assignments))
    return lines


def _fix_command(assignments: dict[str, str]) -> list[str]:
    """``to use it: tether-voice set …``, quoted for the shell, and, when it is longer
    than a line, broken with backslashes: a command wrapped at a space would run as two
    commands when pasted."""
    import shlex

    from tui.printable import printable
    from tui.script.width import line_width

    # Escaped before measuring: the width counts what is shown (an issuer's domain may
    # hold an escape sequence, which then shows as text and is no use pasted anyway).
    words = [
        "tether-voice",
        "set",
        *(printable(shlex.quote(f"{k}={v}")) for k, v in assignments.items()),
    ]
    width = line_width()
    single = f"      to use it: {' '.join(words)}"
    if len(single) <= width:
        return [single]
    lines, line = ["      to use it:"], "        " + " ".join(words[:2])
    for word in words[2:]:
        if len(line) + 1 + len(word) + 2 > width:
            lines.append(f"{line} \\")
            line = f"          {word}"
        else:
            line = f"{line} {word}"
    return [*lines, line]


def problems(results: Sequence[CheckResult]) -> list[CheckResult]:
    return [result for result in results if result.verdict is Verdict.PROBLEM]


def unchecked(results: Sequence[CheckResult]) -> list[CheckResult]:
    return [result for result in results if result.verdict is Verdict.NOT_CHECKED]


def warning_lines(results: Sequence[CheckResult]) -> list[str]:
    """A warning per line that could not be checked, for stderr; not for lines that only
    wait on another (the key's own line already says why)."""
    return [
        f"warning: not checked: {r.check.label}: {r.summary}"
        for r in unchecked(results)
        if r.reason != "key_not_proven"
    ]


def tally(results: Sequence[CheckResult]) -> dict[str, int]:
    """How many of each verdict, for ``--json``."""
    return {
        "ok": sum(1 for r in results if r.verdict is Verdict.OK),
        "problem": len(problems(results)),
        "notChecked": len(unchecked(results)),
    }
