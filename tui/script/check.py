"""``tether-voice check FIELD=VALUE ...``: will these credentials work? Nothing is saved.

For checking a key before a rotation: the values are given as ``set`` takes them
(``FIELD=-`` from standard input, ``FIELD=@env:NAME``; secrets never inline) and go
only to their issuers, ElevenLabs and Sinch. Tether is never written to.

Tether is read (a GET) only when the Sinch trunk check needs an identifier that was not
given: the project ID, trunk ID and trunk domain then come from the stored configuration,
as in the app's form. Without a Tether instance configured (no URL or token), the check
goes on without them and says so. The ElevenLabs key needs nothing from Tether.

``check`` runs whatever ``check_credentials`` says: asking for it is the point.
"""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.script.exit_codes import ExitCode
from tui.script.output import ScriptOutput

if TYPE_CHECKING:
    from tui.api.models import VoiceAiConfig
    from tui.checks.settings import CheckSettings
    from tui.script.fields_arg import FieldArg
    from tui.script.session import Connect, Target
    from tui.settings import Flags

CHECKABLE = (
    "elevenlabsApiKey",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
)
"""The fields a check can use; the provider and the tool secret are not credentials."""

IDENTIFIERS = ("sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain")


@dataclass(frozen=True)
class CheckOptions:
    """What the command line asked ``check`` to do."""

    assignments: Sequence[str] = ()
    json_output: bool = False
    demo: bool = False
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)


def run_check(options: CheckOptions, flags: Flags, connect: Connect) -> ExitCode:
    """Parse the values, find the settings (and Tether's identifiers if needed), ask.

    ``connect`` opens Tether (or the demo, whose notices, the issuer URLs its stand-ins
    replace among them, go where the command's notices go)."""
    from tui.script.fields_arg import FieldArgError, parse_field_args

    out = ScriptOutput("check", options.json_output)
    if not options.assignments:
        return out.usage(
            "nothing to check: give FIELD=VALUE arguments, e.g. elevenlabsApiKey=- "
            "(see tether-voice check --help)."
        )
    if flags.check_credentials is False:
        return out.usage("--no-check leaves check nothing to do.")
    stdin = sys.stdin if sys.stdin is not None else io.StringIO("")
    try:
        args = parse_field_args(options.assignments, stdin=stdin, environ=options.environ)
    except FieldArgError as exc:
        return out.usage(str(exc))
    for arg in args:
        if arg.spec.wire_name not in CHECKABLE:
            return out.usage(
                f"{arg.spec.wire_name} is not a credential; check takes: {', '.join(CHECKABLE)}."
            )
        out.note(*(f"{arg.spec.wire_name}: {note}" for note in arg.notes))
    given = {arg.spec.wire_name for arg in args}
    needs_tether = {"sinchEstKeyId", "sinchEstKeySecret"} <= given and not set(IDENTIFIERS) <= given
    found = _settings_and_target(options, flags, out, connect, needs_tether=needs_tether)
    if isinstance(found, ExitCode):
        return found
    settings, target = found
    try:  # the demo's stand-ins live as long as its target: close it after the checks
        loaded, where = _stored_identifiers(target, out) if needs_tether else (None, None)
        return _ask(args, settings, loaded, where, out)
    finally:
        if target is not None:
            target.close()


def _settings_and_target(
    options: CheckOptions,
    flags: Flags,
    out: ScriptOutput,
    connect: Connect,
    *,
    needs_tether: bool,
) -> tuple[CheckSettings, Target | None] | ExitCode:
    """The check settings (as the app resolves them, or the demo's stand-ins), and the
    Tether instance when the trunk check needs its identifiers (or with ``--demo``)."""
    from tui.script.session import UsageError
    from tui.settings import ConfigError, load_settings

    if options.demo:
        try:
            target = connect(out.note)
        except UsageError as exc:
            return out.usage(str(exc))
        assert target.checks is not None
        return dataclasses.replace(target.checks, enabled=True), target
    try:
        resolved = load_settings(flags, options.environ)
    except ConfigError as exc:
        return out.usage(str(exc))
    problem = dataclasses.replace(resolved, check_credentials=True).issuer_url_problem()
    if problem:
        return out.usage(problem)
    settings = dataclasses.replace(resolved.checks(), enabled=True)
    if not needs_tether:
        return settings, None
    try:
        target = connect(out.note)
    except UsageError:
        out.note(
            "notice: no Tether instance (URL and token) to read the project ID, trunk ID and "
            "trunk domain from: give them as arguments to check the trunk."
        )
        return settings, None
    return settings, target


def _stored_identifiers(
    target: Target | None, out: ScriptOutput
) -> tuple[VoiceAiConfig | None, str | None]:
    """Tether's stored configuration (a GET), for the identifiers not given."""
    from tui.api.failures import ApiFailure
    from tui.script.render import failure_lines
    from tui.script.session import load

    if target is None:
        return None, None
    loaded = load(target.settings)
    if isinstance(loaded, ApiFailure):
        out.note(
            "warning: could not read the project ID, trunk ID and domain from Tether:",
            *failure_lines(loaded)[:-1],
        )
        return None, None
    return loaded, target.label


def _ask(
    args: Sequence[FieldArg],
    settings: CheckSettings,
    loaded: VoiceAiConfig | None,
    where: str | None,
    out: ScriptOutput,
) -> ExitCode:
    from tui.api.models import VoiceAiConfig
    from tui.checks.plan import plan_checks
    from tui.form.state import FormState
    from tui.script.checks import (
        HEADING,
        problems,
        result_lines,
        results_json,
        run_blocking,
        tally,
        unchecked,
        warning_lines,
    )

    form = FormState.from_loaded(loaded if loaded is not None else VoiceAiConfig())
    for arg in args:
        form = form.with_value(arg.spec.wire_name, arg.value)
    if where is not None:
        out.note(f"notice: the trunk identifiers not given are the ones stored at {where}")
    results = run_blocking(
        plan_checks(form, probe_writes=settings.probe_writes), settings, out.progress
    )
    out.report.update(
        tether=where,
        checks=results_json(results, form),
        summary=tally(results),
    )
    out.out(HEADING, *result_lines(results, form))
    out.note(*warning_lines(results))
    if problems(results):
        code = ExitCode.CHECK_PROBLEM
    elif unchecked(results):
        code = ExitCode.NOT_ALL_CHECKED
    else:
        code = ExitCode.OK
    return out.finish(code)
