"""``tether-voice doctor``: will this organization's AI calls work? Every hop, every number.

Reads Tether (the configuration and its agents), then asks ElevenLabs and Sinch, read
only, with the keys given as ``check`` takes them (``FIELD=-`` from standard input,
``FIELD=@env:NAME``; secrets never inline). Nothing is written anywhere. The rules are
:mod:`tui.wiring` (shared with the app's health view); the requests
:mod:`tui.api.wiring`; here only arguments, order and words.

Exit: 0 all ok (warnings allowed), 5 a definite problem, 6 something could not be
checked, 2 usage, 3 Tether unreachable, 1 Tether refused.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.script.exit_codes import ExitCode
from tui.script.output import ScriptOutput

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tui.checks.settings import CheckSettings
    from tui.script.session import Connect, Target
    from tui.wiring.evidence import TetherSide
    from tui.wiring.findings import WiringReport

KEYS = ("elevenlabsApiKey", "sinchEstKeyId", "sinchEstKeySecret")
IDENTIFIERS = ("sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain")


@dataclass(frozen=True)
class DoctorOptions:
    """What the command line asked ``doctor`` to do."""

    assignments: Sequence[str] = ()
    numbers: Sequence[str] = ()
    show_all: bool = False
    json_output: bool = False
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Keys:
    """The keys and identifiers given (secrets wrapped)."""

    elevenlabs_key: SecretStr | None = None
    sinch_key_id: str | None = None
    sinch_key_secret: SecretStr | None = None
    identifiers: Mapping[str, str] = field(default_factory=dict)


def run_doctor(options: DoctorOptions, connect: Connect) -> ExitCode:
    """Parse the keys, read Tether, ask the issuers, print the report."""
    out = ScriptOutput("doctor", options.json_output)
    keys = _keys(options, out)
    if isinstance(keys, ExitCode):
        return keys
    from tui.script.session import UsageError

    try:
        target = connect(out.note)
    except UsageError as exc:
        return out.usage(str(exc))
    try:
        if target.demo is not None and not (keys.elevenlabs_key or keys.sinch_key_id):
            keys = _demo_keys(keys)
            out.note("notice: --demo without keys: using the demo's published good keys")
        tether = _read_tether(target, keys, out)
        if isinstance(tether, ExitCode):
            return tether
        only = _only(options.numbers, tether, out)
        if isinstance(only, ExitCode):
            return only
        checks = target.checks
        from tui.checks.settings import CheckSettings

        settings = checks if checks is not None else CheckSettings()
        report = _ask(tether, keys, only, settings, out)
    finally:
        target.close()
    from tui.script.doctor_render import report_lines

    out.report.update(report.as_json())
    out.out(*report_lines(report, tether.numbers, show_all=options.show_all, where=target.label))
    return out.finish(exit_code(report))


def exit_code(report: WiringReport) -> ExitCode:
    from tui.wiring.findings import Verdict

    verdicts = {finding.verdict for finding in report.all_findings()}
    if Verdict.PROBLEM in verdicts:
        return ExitCode.CHECK_PROBLEM
    if Verdict.UNKNOWN in verdicts:
        return ExitCode.NOT_ALL_CHECKED
    return ExitCode.OK


def _keys(options: DoctorOptions, out: ScriptOutput) -> Keys | ExitCode:
    from pydantic import SecretStr

    from tui.script.fields_arg import FieldArgError, parse_field_args

    stdin = sys.stdin if sys.stdin is not None else io.StringIO("")
    try:
        args = parse_field_args(options.assignments, stdin=stdin, environ=options.environ)
    except FieldArgError as exc:
        return out.usage(str(exc))
    values: dict[str, str | SecretStr] = {}
    for arg in args:
        name = arg.spec.wire_name
        if name not in KEYS + IDENTIFIERS:
            return out.usage(
                f"doctor takes the keys and trunk identifiers: {', '.join(KEYS + IDENTIFIERS)}; not {name}."
            )
        out.note(*(f"{name}: {note}" for note in arg.notes))
        values[name] = arg.value
    if ("sinchEstKeyId" in values) != ("sinchEstKeySecret" in values):
        return out.usage(
            "give the Sinch key ID and key secret together: sinchEstKeyId=… sinchEstKeySecret=-"
        )

    def secret(name: str) -> SecretStr | None:
        value = values.get(name)
        if value is None:
            return None
        return value if isinstance(value, SecretStr) else SecretStr(value)

    def plain(name: str) -> str | None:
        value = values.get(name)
        if value is None:
            return None
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    return Keys(
        elevenlabs_key=secret("elevenlabsApiKey"),
        sinch_key_id=plain("sinchEstKeyId"),
        sinch_key_secret=secret("sinchEstKeySecret"),
        identifiers={name: plain(name) or "" for name in IDENTIFIERS if name in values},
    )


def _demo_keys(keys: Keys) -> Keys:
    """The demo stand-ins' published good keys (they are constants in the README)."""
    from pydantic import SecretStr

    from tui.demo import elevenlabs, sinch

    return Keys(
        SecretStr(elevenlabs.GOOD_KEY),
        sinch.GOOD_KEY_ID,
        SecretStr(sinch.GOOD_KEY_SECRET),
        keys.identifiers,
    )


def _read_tether(target: Target, keys: Keys, out: ScriptOutput) -> TetherSide | ExitCode:
    """The configuration (required: it lists the numbers) and the agents (optional: only
    their names, to compare with ElevenLabs')."""
    import asyncio

    from tui.api.failures import ApiFailure
    from tui.script.exit_codes import for_failure
    from tui.script.session import load
    from tui.wiring.tether import tether_side

    loaded = load(target.settings)
    if isinstance(loaded, ApiFailure):
        return out.failed(loaded, for_failure(loaded), "Could not read the configuration:")
    agents = asyncio.run(_agent_names(target))
    if agents is None:
        out.note("notice: could not read Tether's agents: their names are not compared")
    return tether_side(
        loaded, target.settings.base_url, agent_names=agents or {}, overrides=keys.identifiers
    )


async def _agent_names(target: Target) -> dict[str, str] | None:
    from tui.api.client import VoiceConfigClient
    from tui.api.failures import ApiFailure
    from tui.api.numbers import fetch_agents

    client = VoiceConfigClient(target.settings)
    try:
        prompts = await fetch_agents(client)
    finally:
        await client.aclose()
    if isinstance(prompts, ApiFailure):
        return None
    return {prompt.id: prompt.name or "" for prompt in prompts if prompt.name}


def _only(
    wanted: Sequence[str], tether: TetherSide, out: ScriptOutput
) -> frozenset[str] | ExitCode | None:
    """``--number`` values, each exactly one of Tether's numbers (spaces and dashes in
    what was typed are ignored: ``+1 416-555-0100``)."""
    if not wanted:
        return None
    listed = {n.phone_number: n for n in tether.numbers}
    by_digits = {"".join(ch for ch in n if ch.isdigit()): n for n in listed}
    chosen: set[str] = set()
    for typed in wanted:
        exact = (
            typed if typed in listed else by_digits.get("".join(c for c in typed if c.isdigit()))
        )
        if exact is None:
            from tui.printable import printable

            return out.usage(
                f"{printable(typed)} is not one of the organization's {len(listed)} numbers."
            )
        chosen.add(exact)
    return frozenset(chosen)


def _ask(
    tether: TetherSide,
    keys: Keys,
    only: frozenset[str] | None,
    settings: CheckSettings,
    out: ScriptOutput,
) -> WiringReport:
    import asyncio
    import dataclasses

    from tui.api.wiring import WiringInputs, gather_evidence, sent_secrets
    from tui.shutdown import doing
    from tui.wiring.rules import build_report

    inputs = WiringInputs(
        tether=tether,
        elevenlabs_key=keys.elevenlabs_key,
        sinch_key_id=keys.sinch_key_id,
        sinch_key_secret=keys.sinch_key_secret,
        only=only,
    )
    ai_on = sum(
        1 for n in tether.numbers if n.ai_enabled and (only is None or n.phone_number in only)
    )
    out.progress(f"Checking the wiring of {ai_on} AI number(s) with ElevenLabs and Sinch…")
    settings = dataclasses.replace(settings, enabled=True)
    with doing("checking the wiring (read only: nothing was changed)"):
        evidence = asyncio.run(gather_evidence(inputs, settings))
    return _scrubbed(build_report(evidence, only), sent_secrets(inputs))


def _scrubbed(report: WiringReport, secrets: list[str]) -> WiringReport:
    """The report with every sent secret masked (the health view's rule, one place):
    issuers' messages are quoted, and an issuer could echo what it received."""
    from tui.wiring.board import scrubbed, scrubbed_report
    from tui.wiring.findings import WiringReport

    return WiringReport(
        tuple(scrubbed(finding, secrets) for finding in report.checks),
        tuple(scrubbed_report(number, secrets) for number in report.numbers),
    )
