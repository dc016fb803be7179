"""``tether-voice numbers [--json]`` and ``numbers set NUMBER=on:AGENT NUMBER=off ...``.

The app's numbers table without the screen, through the same code: the configuration
and the agents are loaded, each argument is applied to a
:class:`~tui.numbers.state.NumbersState` as the table applies a key (``with_setting``),
the toggles come from its ``toggles()`` (the one place they are built), they are sent
one by one by :func:`~tui.numbers.batch.send_in_turn` (the app's loop), and the
configuration is read again to confirm each. So ``numbers set`` and the app send
byte-identical bodies, in the same order, for the same changes.

Exit codes as ``set``: 0 every toggle applied (or listed), 1 the server refused at least
one (whatever happened to the others), 2 usage, 3 some not sent, or sent without an answer
and not shown applied by the re-read (a line per such toggle says: not applied, or still
unknown when the re-read failed), 4 nothing to change or the confirmation answered no,
130 interrupted.
The text and JSON are :mod:`tui.script.numbers_render`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.printable import safe_json
from tui.script.exit_codes import ExitCode, for_failure
from tui.script.numbers_render import (
    list_json,
    list_lines,
    outcome_json,
    result_line,
    review_lines,
    settled_line,
)
from tui.script.render import (
    emit,
    emit_json,
    failure_lines,
    json_error,
    json_failure,
    usage_error,
)

if TYPE_CHECKING:
    from tui.api.client import ConnectionSettings
    from tui.api.failures import ApiFailure
    from tui.api.models import VoiceAiConfig
    from tui.numbers.agents import AgentBook
    from tui.numbers.batch import BatchEnd
    from tui.numbers.state import NumberKey, NumbersState, RowOutcome, Toggle
    from tui.script.session import Target


# --- the requests (each command one event loop, one client) ---------------------------------


async def _load_both(
    settings: ConnectionSettings,
) -> tuple[VoiceAiConfig | ApiFailure, AgentBook]:
    """The configuration and the agents, side by side on one connection pool."""
    from tui.api.client import VoiceConfigClient
    from tui.api.failures import ApiFailure
    from tui.numbers.agents import AgentBook

    client = VoiceConfigClient(settings)
    try:
        config, prompts = await asyncio.gather(client.load(), client.load_agents())
    finally:
        await client.aclose()
    if isinstance(prompts, ApiFailure):
        return config, AgentBook.unreadable(prompts.summary)
    return config, AgentBook.from_prompts(prompts)


def load_numbers(settings: ConnectionSettings) -> tuple[VoiceAiConfig | ApiFailure, AgentBook]:
    from tui.shutdown import doing

    with doing(f"loading the numbers from {settings.base_url} (nothing was changed)"):
        return asyncio.run(_load_both(settings))


async def _send_and_reread(
    settings: ConnectionSettings,
    state: NumbersState,
    report: Callable[[NumbersState, RowOutcome], None],
) -> tuple[BatchEnd, VoiceAiConfig | ApiFailure | None]:
    from tui.api.client import VoiceConfigClient
    from tui.numbers.batch import send_in_turn

    client = VoiceConfigClient(settings)
    try:
        end = await send_in_turn(state, state.toggles(), client.toggle, report)
        reread = await client.load() if end.sent else None
    finally:
        await client.aclose()
    return end, reread


# --- numbers ------------------------------------------------------------------------------


def run_numbers(args: argparse.Namespace, connect: Callable[[], Target]) -> ExitCode:
    """``numbers`` or ``numbers set``, by the parsed arguments."""
    json_output = bool(getattr(args, "json", False))
    if args.numbers_command == "set":
        return run_numbers_set(
            args.assignments,
            connect,
            dry_run=args.dry_run,
            yes=args.yes,
            json_output=json_output,
        )
    return run_numbers_list(connect, json_output=json_output)


def _usage(message: str, command: str, json_output: bool) -> ExitCode:
    if json_output:
        json_error(ExitCode.USAGE, "usage", [message])
    else:
        usage_error(command, message)
    return ExitCode.USAGE


def _load_failed(failure: ApiFailure, json_output: bool, *extra: str) -> ExitCode:
    code = for_failure(failure)
    lines = failure_lines(failure, "Load failed: ")
    if json_output:
        json_failure(failure, code, [*lines, *extra])
    else:
        emit(*lines, *extra, err=True)
    return code


def run_numbers_list(connect: Callable[[], Target], *, json_output: bool) -> ExitCode:
    from tui.api.failures import ApiFailure
    from tui.numbers.state import NumbersState
    from tui.script.session import UsageError

    try:
        target = connect()
    except UsageError as exc:
        return _usage(str(exc), "numbers", json_output)
    try:
        config, agents = load_numbers(target.settings)
    finally:
        target.close()
    if isinstance(config, ApiFailure):
        return _load_failed(config, json_output)
    state = NumbersState.from_config(config, agents)
    if json_output:
        emit_json(list_json(state, target.label))
    else:
        emit(*list_lines(state, config, target.label))
    if agents.problem and not json_output:  # --json has it as "agentsError"
        emit(
            f"warning: agent names unavailable (the agent list could not be read: "
            f"{agents.problem}); agents are shown by ID.",
            err=True,
        )
    return ExitCode.OK


# --- numbers set --------------------------------------------------------------------------


def _ask(question: str) -> bool:
    from tui.script.set import _ask as ask

    return ask(question)


def run_numbers_set(
    assignments: list[str],
    connect: Callable[[], Target],
    *,
    dry_run: bool = False,
    yes: bool = False,
    json_output: bool = False,
    confirm: Callable[[str], bool] = _ask,
) -> ExitCode:
    """Check the arguments, then connect, load, apply, review, confirm, send, re-read."""
    from tui.script.numbers_args import NumberArgError, parse_number_args
    from tui.script.session import UsageError

    try:
        args = parse_number_args(assignments)
    except NumberArgError as exc:
        return _usage(str(exc), "numbers set", json_output)
    can_ask = sys.stdin is not None and sys.stdin.isatty()
    if not (dry_run or yes or can_ask):
        return _usage(
            "standard input is not a terminal, so nobody can answer the confirmation. Check "
            "what would be sent with --dry-run, then pass --yes to send without asking. "
            "Nothing was sent.",
            "numbers set",
            json_output,
        )
    try:
        target = connect()
    except UsageError as exc:
        return _usage(str(exc), "numbers set", json_output)
    try:
        return _plan_and_send(target, args, dry_run, yes, json_output, confirm)
    finally:
        target.close()


class _Words:
    """Where ``numbers set``'s words go: plain lines (results on stdout, warnings on
    stderr), or, with ``--json``, nothing but JSON: warnings become the object's
    ``notices`` and progress is not printed (stderr carries only an error object)."""

    def __init__(self, json_output: bool) -> None:
        self.json_output = json_output
        self.notices: list[str] = []

    def out(self, *lines: str) -> None:
        """Results and progress (the review, one line per answer): text mode only."""
        if not self.json_output:
            emit(*lines)

    def warn(self, *lines: str) -> None:
        if self.json_output:
            self.notices.extend(lines)
        elif lines:
            emit(*lines, err=True)

    def report(self, url: str, toggles: list[Any], code: ExitCode) -> None:
        if self.json_output:
            emit_json(
                {"url": url, "toggles": toggles, "exitCode": int(code), "notices": self.notices}
            )


def _plan_and_send(
    target: Target,
    args: list[Any],
    dry_run: bool,
    yes: bool,
    json_output: bool,
    confirm: Callable[[str], bool],
) -> ExitCode:
    from tui.api.failures import ApiFailure
    from tui.numbers.state import NumbersState
    from tui.script.numbers_args import AgentLookupError, NumberArgError, apply_args

    config, agents = load_numbers(target.settings)
    if isinstance(config, ApiFailure):
        return _load_failed(config, json_output, "Nothing was sent.")
    loaded = NumbersState.from_config(config, agents)
    try:
        state, notices = apply_args(loaded, args)
    except AgentLookupError as exc:
        message = f"{exc}. Nothing was sent."
        if json_output:
            json_error(ExitCode.REFUSED, "agents", [message])
        else:
            emit(f"tether-voice numbers set: error: {message}", err=True)
        return ExitCode.REFUSED
    except NumberArgError as exc:
        return _usage(f"{exc}. Nothing was sent.", "numbers set", json_output)
    # With --json, stdout is the JSON object alone and stderr only an error object.
    words = _Words(json_output)
    words.warn(*notices)
    toggles = state.toggles()
    if not toggles:
        words.warn("Nothing to change: every number is already set as asked. Nothing was sent.")
        words.report(target.label, [], ExitCode.NOTHING_TO_CHANGE)
        return ExitCode.NOTHING_TO_CHANGE
    words.out(*review_lines(toggles, state, target.label))
    planned = [outcome_json(None, toggle, state) for toggle in toggles]
    if dry_run:
        bodies = [toggle.request().wire_body() for toggle in toggles]
        words.out(
            "Bodies, in the order they would be sent:",
            *safe_json(bodies, indent=2).splitlines(),
            "Dry run: nothing was sent.",
        )
        words.report(target.label, planned, ExitCode.OK)
        return ExitCode.OK
    count = len(toggles)
    plural = "s" if count != 1 else ""
    from tui.shutdown import doing

    with doing("waiting for the confirmation (nothing was sent)"):
        asked = yes or confirm(f"Send {count} toggle{plural} to {target.label}? [y/N] ")
    if not asked:
        words.warn("Not sent.")
        words.report(target.label, planned, ExitCode.NOTHING_TO_CHANGE)
        return ExitCode.NOTHING_TO_CHANGE
    return _send(target, state, toggles, words)


def _send(target: Target, state: NumbersState, toggles: list[Toggle], words: _Words) -> ExitCode:
    from tui.api.failures import ApiFailure
    from tui.numbers.state import Verdict

    def report(now: NumbersState, outcome: RowOutcome) -> None:
        line = result_line(outcome, now)
        if line is not None:
            words.out(line)

    from tui.shutdown import doing

    # Ctrl+C, SIGTERM, SIGHUP: tui.shutdown prints this one line and exits 128 + N.
    with doing(
        f"sending toggles to {target.label}: the one on its way may or may not have been "
        "applied, the rest were not sent — check with `tether-voice numbers`"
    ):
        end, reread = asyncio.run(_send_and_reread(target.settings, state, report))
    final = end.state
    if end.stopped_by is not None:
        rest = len([t for t in end.unsent if end.state.outcomes[t.key].verdict is Verdict.NOT_SENT])
        untried = (
            [f"{rest} toggle{'s' if rest != 1 else ''} not sent; nothing after the stop was tried."]
            if rest
            else []
        )
        words.warn(*failure_lines(end.stopped_by, "Stopped: "), *untried)
    outcomes = dict(end.state.outcomes)
    if isinstance(reread, ApiFailure):
        lines = failure_lines(reread, "")
        words.warn(
            "warning: re-reading the configuration to confirm the toggles failed:",
            *lines[:-1],
            "Next: check with `tether-voice numbers` before changing anything else.",
        )
    elif reread is not None:
        final = end.state.rebased(reread).state
        # A number the re-read no longer lists keeps its outcome from the batch (rebased
        # drops it): still sent, and "not sent" would be untrue.
        outcomes.update(final.outcomes)
    if reread is not None:
        failed = isinstance(reread, ApiFailure)
        sent = [outcomes[t.key] for t in toggles if t.key in outcomes]
        # The "?" lines said "the re-read will tell": each gets its answer, then the tally.
        settled = [settled_line(outcome, final, failed) for outcome in sent]
        if any(settled):
            words.out(*filter(None, settled))
        _confirm_lines(final, sent, words, failed)
    code = _exit_code(outcomes, toggles)
    words.report(target.label, [outcome_json(outcomes.get(t.key), t, final) for t in toggles], code)
    return code


def _confirm_lines(
    state: NumbersState, outcomes: list[RowOutcome], words: _Words, reread_failed: bool
) -> None:
    """How the re-read bears on the applied toggles: a warning for each it shows otherwise
    or no longer lists, and how many it confirms. Toggles sent without an answer get their
    own lines (:func:`~tui.script.numbers_render.settled_line`)."""
    from tui.numbers.state import Verdict

    if reread_failed:
        return  # the warning about the re-read says it all
    applied = [o for o in outcomes if o.verdict is Verdict.APPLIED]
    confirmed = [o for o in applied if o.confirmed]
    for outcome in applied:
        if outcome.confirmed is None:
            words.warn(
                f"warning: {outcome.toggle.phone_number} was applied, but the re-read no "
                "longer lists it."
            )
        elif outcome.confirmed is False and outcome.reread is not None:
            now = outcome.reread.describe(state.agents)
            words.warn(
                f"warning: {outcome.toggle.phone_number} was applied, but the re-read shows "
                f"{now}: someone may have changed it since."
            )
    if applied:
        words.out(
            f"Re-read from the server: {len(confirmed)} of {len(applied)} applied "
            f"toggle{'s' if len(applied) != 1 else ''} confirmed."
        )


def _exit_code(outcomes: dict[NumberKey, RowOutcome], toggles: list[Toggle]) -> ExitCode:
    """1 if any was refused; else 3 if any was not sent, or was sent without an answer and
    the re-read does not show it applied (not applied: send it again; or still unknown);
    else 0. A toggle with no answer that the re-read shows applied counts as applied."""
    from tui.numbers.state import Verdict

    verdicts = [outcomes[t.key].verdict for t in toggles if t.key in outcomes]
    if Verdict.REFUSED in verdicts:
        return ExitCode.REFUSED
    if Verdict.UNANSWERED in verdicts or Verdict.NOT_SENT in verdicts:
        return ExitCode.NETWORK
    return ExitCode.OK
