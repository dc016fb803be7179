"""``tether-voice set FIELD=VALUE ...``: the app's save, without the screen.

The flow is the app's, step for step, through the same code: load the configuration,
put each named value into a :class:`~tui.form.state.FormState` with ``with_value`` (as
the editor does on every keystroke), build the body with
:func:`~tui.form.body.build_save_request` (the one place it is built), review the
form's own ``changes()``, send, re-read, and check ``unconfirmed_after_save``. So a
value equal to the server's is dropped exactly as the app drops it, and ``set`` and
the app send byte-identical bodies for the same edits.

There is no stale-data check before sending, unlike the app's review: the script
loads right before it sends, so there is nothing for another admin to overwrite.

Newly typed credentials are checked with ElevenLabs and Sinch after the review, as in
the app: a definite problem stops the command (exit 5, nothing sent) unless
``--send-anyway``; a check that could not be made is a warning and the save goes on.
After a save with a new ElevenLabs key, the post-call webhook is looked at as well.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.printable import safe_json
from tui.script.exit_codes import ExitCode, for_failure
from tui.script.output import ScriptOutput
from tui.script.render import review_lines

if TYPE_CHECKING:
    from tui.checks.verdict import CheckResult
    from tui.form.state import FieldValue, FormState
    from tui.script.fields_arg import FieldArg
    from tui.script.session import Connect, Target


@dataclass(frozen=True)
class SetOptions:
    """What the command line asked ``set`` to do."""

    assignments: Sequence[str] = ()
    generate_tool_secret: bool = False
    clear_provider: bool = False
    dry_run: bool = False
    yes: bool = False
    send_anyway: bool = False
    json_output: bool = False
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)


def _ask(question: str) -> bool:
    """Ask on the terminal; anything but y/yes (or end of input) is no.

    The question goes to stderr, like the notices: with stdout sent to a log file, the
    person at the terminal still sees what they are asked. Ctrl+C here interrupts the
    command like anywhere else (exit 130, "nothing was sent"; see ``tui.shutdown``).
    """
    from tui.script.render import emit, emit_question

    emit_question(question)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        emit(err=True)
    return answer.strip().lower() in ("y", "yes")


def check_options(options: SetOptions) -> str | None:
    """Why the options cannot work together, or None; checked before any request."""
    if not (options.assignments or options.generate_tool_secret or options.clear_provider):
        return (
            "nothing to set: give FIELD=VALUE arguments, --generate-tool-secret or "
            "--clear-provider (see tether-voice set --help)."
        )
    return None


def parse_values(options: SetOptions) -> list[FieldArg]:
    """The ``FIELD=VALUE`` arguments, standard input and the environment read as asked.

    Raises:
        FieldArgError: an argument that cannot be used.
    """
    from tui.script.fields_arg import FieldArgError, parse_field_args

    stdin = sys.stdin if sys.stdin is not None else io.StringIO("")  # started with <&-
    args = parse_field_args(options.assignments, stdin=stdin, environ=options.environ)
    if options.clear_provider and any(a.spec.wire_name == "aiVoiceProvider" for a in args):
        raise FieldArgError("aiVoiceProvider=... and --clear-provider contradict each other.")
    return args


def edited_form(
    form: FormState, args: Sequence[FieldArg], options: SetOptions
) -> tuple[FormState, list[str]]:
    """The loaded form with every requested edit applied, as the editor would, and the
    notices to print for values that equal the server's (those are not sent)."""
    notices: list[str] = []
    edits: list[tuple[str, FieldValue]] = [(a.spec.wire_name, a.value) for a in args]
    if options.clear_provider:
        edits.append(("aiVoiceProvider", None))
    if options.generate_tool_secret:
        edits.append(("generateToolSecret", True))
    for wire_name, value in edits:
        form = form.with_value(wire_name, value)
        if not form.is_changed(wire_name):
            notices.append(f"unchanged, not sent: {wire_name}")
    return form, notices


def provider_problem(form: FormState) -> str | None:
    """A provider the app could not have chosen (not offered, not the loaded one)."""
    from tui.form.fields import PROVIDER_CHOICES

    value = form.plain_value("aiVoiceProvider")
    loaded = form.loaded.ai_voice_provider
    if value is None or value in PROVIDER_CHOICES or value == loaded:
        return None
    known = ", ".join(PROVIDER_CHOICES)
    clear = " To clear it, use --clear-provider." if str(value).strip().lower() in _NONE else ""
    return f"aiVoiceProvider: unknown provider {value!r} (known: {known}).{clear}"


JSON_CANNOT_ASK = "with --json nothing but JSON is written, so nobody is asked for"
"""Why ``--json`` needs ``--yes`` (or ``--dry-run``) on a terminal too: the question would
go to stderr, which carries only an error object then (README)."""

_NONE = {"none", "null", ""}
"""What someone who means "no provider" types (the app's list says "none")."""


def run_set(
    options: SetOptions,
    connect: Connect,
    *,
    confirm: Callable[[str], bool] = _ask,
) -> ExitCode:
    """Check the arguments, then connect, load, edit, review, check, confirm, send, re-read.

    Every usage error that needs no server (a secret on the command line, no way to
    confirm) is found before ``connect`` is called: nothing is read from the keyring and
    no request is made for a command that cannot run.
    """
    from tui.script.fields_arg import FieldArgError
    from tui.script.session import UsageError

    out = ScriptOutput("set", options.json_output)
    problem = check_options(options)
    if problem:
        return out.usage(problem)
    try:
        args = parse_values(options)
    except FieldArgError as exc:
        return out.usage(str(exc))
    stdin_used = any(arg.source == "standard input" for arg in args)
    terminal = sys.stdin is not None and sys.stdin.isatty()
    can_ask = not (stdin_used or options.json_output) and terminal
    if not (options.dry_run or options.yes or can_ask):
        why = (
            "standard input carried a value, so it cannot answer"
            if stdin_used
            else JSON_CANNOT_ASK
            if options.json_output and terminal
            else "standard input is not a terminal, so nobody can answer"
        )
        return out.usage(
            f"{why} the confirmation. Check what would be sent with --dry-run, then pass "
            "--yes to send without asking. Nothing was sent."
        )
    for arg in args:
        out.note(*(f"{arg.spec.wire_name}: {note}" for note in arg.notes))
    try:
        target = connect(out.note)
    except UsageError as exc:
        return out.usage(str(exc))
    try:
        return _load_and_send(target, args, options, confirm, out)
    finally:
        target.close()


def _load_and_send(
    target: Target,
    args: Sequence[FieldArg],
    options: SetOptions,
    confirm: Callable[[str], bool],
    out: ScriptOutput,
) -> ExitCode:
    from tui.api.failures import ApiFailure
    from tui.form.body import build_save_request
    from tui.form.masking import MASK
    from tui.form.state import FormState
    from tui.script.session import load, save_and_reread

    loaded = load(target.settings)
    if isinstance(loaded, ApiFailure):
        return out.failed(loaded, for_failure(loaded), "Load failed: ", "Nothing was sent.")
    form, notices = edited_form(FormState.from_loaded(loaded), args, options)
    problem = provider_problem(form)
    if problem:
        return out.usage(problem)
    out.note(*notices)
    request = build_save_request(form)
    changes = form.changes(whole=True)  # no value shortened: the lines wrap instead
    report = out.report
    report.update(
        url=target.label,
        changes=[
            {
                "field": change.spec.wire_name,
                "before": change.before,
                "after": change.after,
                "warnings": list(change.warnings),
            }
            for change in changes
        ],
        body=request.redacted_body(MASK),
        checks=[],
        dryRun=options.dry_run,
        sent=False,
    )
    if request.is_empty:
        out.note("Nothing to change: every value given is what the server holds. Nothing was sent.")
        return out.finish(ExitCode.NOTHING_TO_CHANGE)

    out.out(*review_lines(changes, target.label))
    for change in changes:
        out.note(*(f"warning: {change.spec.wire_name}: {w}" for w in change.warnings))
    results = _checks(target, form, out)
    found = [result for result in results if result.is_problem]
    if options.dry_run:
        out.out("Body (secrets masked):", *safe_json(report["body"], indent=2).splitlines())
        out.out("Dry run: nothing was sent.")
        code = ExitCode.CHECK_PROBLEM if found and not options.send_anyway else ExitCode.OK
        return out.finish(code)
    if found and not options.send_anyway:
        count = len(found)
        out.refused(
            ExitCode.CHECK_PROBLEM,
            "check problem",
            f"Not sent: the checks found {count} definite problem{'s' if count != 1 else ''} "
            f"({'in the checks on standard output' if options.json_output else 'above'}). "
            "Fix the value, or pass --send-anyway to send it regardless.",
        )
        return out.finish(ExitCode.CHECK_PROBLEM)
    if found:
        out.note(f"warning: sending despite {len(found)} problem(s) found (--send-anyway)")
    count = len(changes)
    plural = "s" if count != 1 else ""
    from tui.shutdown import doing

    with doing("waiting for the confirmation (nothing was sent)"):
        asked = options.yes or confirm(f"Send {count} change{plural} to {target.label}? [y/N] ")
    if not asked:
        out.out("Not sent.")
        return out.finish(ExitCode.NOTHING_TO_CHANGE)

    saved, reloaded = save_and_reread(target.settings, request)
    if isinstance(saved, ApiFailure):
        return out.failed(saved, for_failure(saved), "Save failed: ")
    said = saved.message or "saved"
    report.update(sent=True, serverMessage=said, confirmed=None, unconfirmed=[])
    out.out(f"Saved — server said: {said}")
    if reloaded is None or isinstance(reloaded, ApiFailure):
        lines = _reread_lines(reloaded)
        out.note(
            "warning: saved, but re-reading the configuration to confirm it failed:",
            *lines[:-1],
            "Next: check with `tether-voice show` before changing anything else.",
        )
    else:
        unconfirmed = form.unconfirmed_after_save(reloaded)
        report.update(confirmed=not unconfirmed, unconfirmed=unconfirmed)
        if unconfirmed:
            out.note(
                "warning: saved, but the re-read differs for: " + ", ".join(unconfirmed),
                "The server may have normalised the value, or someone else changed it: "
                "check with `tether-voice show`.",
            )
        else:
            reread = form.reread_after_save(reloaded)
            report.update(notShownByReread=list(reread.unseen))
            out.out(*reread.lines())
    _webhook(target, form, out)
    return out.finish(ExitCode.OK)


def _reread_lines(failure: object) -> list[str]:
    """A failed re-read's explanation (its last line, the next step, is replaced)."""
    from tui.api.failures import ApiFailure
    from tui.script.render import failure_lines

    return failure_lines(failure, "") if isinstance(failure, ApiFailure) else [""]


def _checks(target: Target, form: FormState, out: ScriptOutput) -> list[CheckResult]:
    """The review's credential checks, when they are on and the edits call for any."""
    from tui.checks.plan import plan_checks
    from tui.script.checks import (
        HEADING,
        result_lines,
        results_json,
        run_blocking,
        warning_lines,
    )

    settings = target.checks
    if settings is None or not settings.enabled:
        return []
    plan = plan_checks(form, probe_writes=settings.probe_writes)
    if plan.is_empty:
        return []
    results = run_blocking(plan, settings, out.progress)
    out.report["checks"] = results_json(results, form)
    out.out(HEADING, *result_lines(results, form))
    out.note(*warning_lines(results))
    return results


def _webhook(target: Target, form: FormState, out: ScriptOutput) -> None:
    """After a save with a key typed now: whether Tether attached the post-call webhook."""
    from pydantic import SecretStr

    from tui.checks.verdict import Verdict
    from tui.script.checks import webhook_blocking

    settings = target.checks
    if settings is None or not settings.enabled or not form.is_changed("elevenlabsApiKey"):
        return
    key = SecretStr(str(form.plain_value("elevenlabsApiKey")))
    result = webhook_blocking(key, settings, out.progress)
    out.report["webhook"] = result.as_json()
    line = f"{result.verdict.symbol} {result.check.label}: {result.summary}"
    if result.verdict is Verdict.OK:
        out.out(line)
    else:
        out.note(f"warning: {line}", *([f"Next: {result.next_step}."] if result.next_step else []))
