"""``NUMBER=on[:AGENT]`` and ``NUMBER=off``: what ``numbers set`` was asked, and its parser.

Parsing needs no server and is done before connecting, so a malformed argument costs no
request; matching numbers and agents needs the loaded list and goes through the same
:class:`~tui.numbers.state.NumbersState` edits as the app's table (``with_setting``), so a
script and the app build the very same toggles.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tui.numbers.agents import AgentProblem
from tui.numbers.state import NeedsAgent, NumberKey, NumbersState, Setting
from tui.printable import printable

_PUNCTUATION = re.compile(r"[\s().\-]")


class NumberArgError(ValueError):
    """An argument that cannot be used (exit 2, nothing sent); the message says why."""


class AgentLookupError(NumberArgError):
    """An agent name that could not be looked up because the agent list could not be read."""


@dataclass(frozen=True)
class NumberArg:
    """One ``NUMBER=on[:AGENT]`` or ``NUMBER=off`` as typed."""

    text: str
    number: str
    enabled: bool
    agent: str | None = None


def parse_number_args(items: Sequence[str]) -> list[NumberArg]:
    """Check the shape of every argument; the same number twice is refused.

    Raises:
        NumberArgError: naming the argument and what is wrong with it.
    """
    parsed: list[NumberArg] = []
    seen: dict[str, str] = {}
    for item in items:
        number, sep, value = item.partition("=")
        number = number.strip()
        if not sep or not number:
            raise NumberArgError(
                f"{printable(item)!r}: expected NUMBER=on:AGENT, NUMBER=on or NUMBER=off"
            )
        state, _, agent = value.partition(":")
        state = state.strip().lower()
        if state not in ("on", "off"):
            raise NumberArgError(f"{printable(item)!r}: the value must be on, on:AGENT or off")
        if state == "off" and agent.strip():
            raise NumberArgError(f"{printable(item)!r}: an agent only goes with on (on:AGENT)")
        if state == "on" and ":" in value and not agent.strip():
            raise NumberArgError(f"{printable(item)!r}: no agent after 'on:'")
        folded = _digits(number) or number
        if folded in seen:
            raise NumberArgError(
                f"{printable(number)} is given twice ({printable(seen[folded])!r} and "
                f"{printable(item)!r})"
            )
        seen[folded] = item
        parsed.append(NumberArg(item, number, state == "on", agent.strip() or None))
    return parsed


def _digits(text: str) -> str:
    bare = _PUNCTUATION.sub("", text).removeprefix("+")
    return bare if bare.isdigit() else ""


def find_number(state: NumbersState, typed: str) -> NumberKey:
    """The organization's number that ``typed`` names: exactly as listed, else the same
    digits (``+1 416 555 0101`` finds ``+14165550101``). The toggle then sends the
    number exactly as the server listed it.

    A toggle names a user and a number, and nothing in the contract stops a number from
    being listed under two users; ``USER/NUMBER`` (the user ID as ``numbers`` lists it)
    picks one of them. A slash is in no phone number, and in no ID Tether issues.

    Raises:
        NumberArgError: not one of the organization's numbers, or listed for several users
            and no user given.
    """
    user, slash, number = typed.rpartition("/")
    user = user.strip()
    number = number.strip() if slash else typed
    keys = [key for key in map(state.key_at, range(len(state))) if key is not None]
    if slash:
        keys = [key for key in keys if key[0] == user]
    exact = [key for key in keys if key[1] == number]
    if not exact and _digits(number):
        exact = [key for key in keys if _digits(key[1]) == _digits(number)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        users = ", ".join(key[0] for key in exact)
        raise NumberArgError(
            f"{printable(number)} is listed for {len(exact)} users ({users}); say which: "
            f"{exact[0][0]}/{printable(number)}=…"
        )
    if slash:
        raise NumberArgError(
            f"{printable(typed)}: no number {printable(number)} is listed for user "
            f"{printable(user)} (see tether-voice numbers)"
        )
    raise NumberArgError(
        f"{printable(typed)} is not one of the organization's phone numbers "
        "(see tether-voice numbers)"
    )


def apply_args(state: NumbersState, args: Sequence[NumberArg]) -> tuple[NumbersState, list[str]]:
    """The loaded numbers with every argument applied, as the table would, and notices for
    numbers already set as asked (those are not sent) and for an agent's name shared with
    hidden agents (the visible one is taken; the notice says how to take another).

    Raises:
        NumberArgError: a number that is not the organization's (or is named twice), an
            unknown or ambiguous agent, or on without an agent for a number that has none.
    """
    notices: list[str] = []
    given: dict[NumberKey, str] = {}
    for arg in args:
        key = find_number(state, arg.number)
        if key in given:  # the same listing named two ways (+1 416…, USER/+1416…)
            raise NumberArgError(
                f"{key[1]} is given twice ({printable(given[key])!r} and {printable(arg.text)!r})"
            )
        given[key] = arg.text
        agent_id = None
        if arg.agent is not None:
            try:
                picked = state.agents.pick(arg.agent)
            except AgentProblem as problem:
                error = AgentLookupError if state.agents.problem else NumberArgError
                raise error(f"{printable(arg.text)!r}: {problem}") from None
            agent_id = picked.agent.id
            if picked.notice:
                notices.append(f"{printable(arg.text)!r}: {picked.notice}")
        try:
            state = state.with_setting(key, Setting(arg.enabled, agent_id))
        except NeedsAgent:
            raise NumberArgError(
                f"{printable(arg.text)!r}: {key[1]} has no agent to keep: say which, "
                f"{key[1]}=on:AGENT"
            ) from None
        if key not in state.pending:
            now = state.current(key).describe(state.agents)
            notices.append(f"unchanged, not sent: {key[1]} (already {now})")
    return state, notices


SET_EPILOG = """\
NUMBER is as `tether-voice numbers` lists it, or the same digits (+1 416 555 0101);
USER/NUMBER names one user's listing of a number that is listed for several users.
AGENT is an agent's name (case does not matter), its name as `numbers` lists it
('Reception (hidden)') or its ID; on without an agent keeps the number's current agent.
A name shared by one visible agent and hidden copies picks the visible one (a notice
says so). An unknown or ambiguous agent, or a number that is not the organization's,
is a usage error: nothing is sent, and the error says what to give instead.

Toggles are sent one by one, in the order the server lists the numbers; each touches
ElevenLabs and Sinch on the server. A refusal of one does not stop the others; no answer,
401, 403, 429 or a gateway error stops the rest (they are reported as not sent)."""


def add_numbers_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    seconds: Callable[[str], float],
) -> None:
    """Add ``numbers`` and ``numbers set`` to the command line's subparsers."""
    from tui.script.commands import EXIT_CODES, _connection_options
    from tui.script.help_format import ScriptHelpFormatter

    codes = (
        EXIT_CODES.replace("shown, or saved", "shown, or every toggle applied")
        .replace("1    the server refused or", "1    the server refused a toggle, or")
        .replace(
            " (a timed-out save may have been applied)",
            "; a toggle sent without an answer (a gateway's 502/503/504 too) that the "
            "re-read does not show applied (a line says: not applied, or unknown), or "
            "toggles not sent after a stop",
        )
    )
    listing = sub.add_parser(
        "numbers",
        help="list the phone numbers (AI on/off, agent names); `numbers set` switches AI",
        description="List the organization's phone numbers: AI on or off and the agent,\n"
        "by name where the agent list can be read, then the agents to choose from.",
        epilog=codes,
        formatter_class=ScriptHelpFormatter,
    )
    listing.add_argument(
        "--json", action="store_true", help="print a stable JSON object (documented in the README)"
    )
    _connection_options(listing, seconds)
    actions = listing.add_subparsers(dest="numbers_command", metavar="COMMAND")
    change = actions.add_parser(
        "set",
        help="switch AI on or off for numbers: review, confirm, send one by one",
        description="Switch AI on (with an agent) or off for the named numbers, after a review\n"
        "and a confirmation, as the app does. Numbers already set as asked are not sent.",
        epilog=f"{SET_EPILOG}\n\n{codes}",
        formatter_class=ScriptHelpFormatter,
    )
    change.add_argument(
        "assignments",
        nargs="+",
        metavar="NUMBER=on[:AGENT]|off",
        help="e.g. +14165550101=on:'Sales Line' +14165550102=off",
    )
    change.add_argument(
        "--dry-run", action="store_true", help="print the review and the bodies; send nothing"
    )
    change.add_argument(
        "--yes", "-y", action="store_true", help="send without asking (needed without a terminal)"
    )
    change.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON object on stdout (no review; needs --yes or --dry-run)",
    )
    _connection_options(change, seconds)
