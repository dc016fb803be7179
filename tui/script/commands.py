"""The ``show``, ``set`` and ``check`` subcommands: their arguments, and the dispatch.

``tui/cli.py`` calls :func:`add_commands` while building its parser and :func:`run`
for these commands. Only the standard library is imported at module level, because
the parser is built for every invocation, ``--help`` and the app's start included.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.settings import Flags

EXIT_CODES = """\
exit codes:
  0    shown, or saved (a warning about the re-read still exits 0)
  1    the server refused or misbehaved (4xx/5xx, a 200 that is not success, a redirect)
  2    usage error: bad arguments, a secret on the command line, no URL or token
  3    network or TLS error, or a timeout (a timed-out save may have been applied)
  4    nothing to change (or the confirmation was answered no): nothing was sent
  5    a credential check found a definite problem: set sent nothing (unless --send-anyway)
  5    doctor: a definite problem in the wiring (some calls will fail)
  6    check and doctor: no definite problem, but not everything could be checked
  130  interrupted (Ctrl+C); 143 SIGTERM, 129 SIGHUP: 128 + the signal's number"""


def _connection_options(parser: argparse.ArgumentParser, seconds: Callable[[str], float]) -> None:
    """The app's connection options, accepted after the command too.

    ``SUPPRESS``: an option not given after the command must not hide the same option
    given before it (``tether-voice --url X show``), as for ``logout``.
    """
    group = parser.add_argument_group("connection (as for the app; also before the command)")
    keep = argparse.SUPPRESS
    group.add_argument("--url", default=keep, help="base URL of the Tether API (env: TETHER_URL)")
    group.add_argument(
        "--profile",
        metavar="NAME",
        default=keep,
        help="a config-file profile (env: TETHER_PROFILE)",
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=keep,
        help="run against the bundled demo server, started for this command only",
    )
    group.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        default=keep,
        help="time a whole request may take, the whole answer read",
    )
    group.add_argument(
        "--connect-timeout", type=seconds, metavar="SECONDS", default=keep, help="connect timeout"
    )
    from tui.cli import megabytes  # loaded already: it builds this parser

    group.add_argument(
        "--max-answer-mb",
        type=megabytes,
        metavar="MB",
        default=keep,
        help="largest answer accepted (env: TETHER_VOICE_MAX_ANSWER_MB)",
    )
    group.add_argument(
        "--ca-bundle", type=Path, metavar="PATH", default=keep, help="PEM file of a private CA"
    )
    group.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=keep,
        help="allow http:// to another host (the token crosses the network unencrypted)",
    )
    group.add_argument(
        "--log-file",
        type=Path,
        metavar="PATH",
        default=keep,
        help="append a debug log to PATH (env: TETHER_VOICE_LOG)",
    )


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], seconds: Callable[[str], float]
) -> None:
    """Add ``show``, ``set`` and ``check`` to the command line's subparsers."""
    from tui.script.check_options import add_check_options
    from tui.script.fields_arg import field_help
    from tui.script.help_format import ScriptHelpFormatter

    show = sub.add_parser(
        "show",
        help="print the current configuration (secrets only as configured / not set)",
        description="Print the Voice AI configuration as the server returns it.\n"
        "Secret values are never returned: they show as configured, not set or unknown.",
        epilog=EXIT_CODES,
        formatter_class=ScriptHelpFormatter,
    )
    show.add_argument(
        "--json",
        action="store_true",
        help="print a stable JSON object (documented in the README); errors as JSON on stderr",
    )
    _connection_options(show, seconds)

    change = sub.add_parser(
        "set",
        help="change fields without the screen: review, confirm, send only what changed",
        description="Send only the named fields that differ from the server's values, after a\n"
        "review (old -> new, secrets masked) and a confirmation, as the app does.\n\n"
        "Secret values are never taken from the command line (shell history, ps):\n"
        "  FIELD=-          read the value from standard input (one trailing newline removed)\n"
        "  FIELD=@env:NAME  read it from the environment variable NAME",
        epilog=f"fields (wire name, or the alias beside it):\n{field_help()}\n\n{EXIT_CODES}",
        formatter_class=ScriptHelpFormatter,
    )
    change.add_argument(
        "assignments",
        nargs="*",
        metavar="FIELD=VALUE",
        help="a field and its new value; VALUE may be - (standard input) or @env:NAME",
    )
    change.add_argument(
        "--generate-tool-secret",
        action="store_true",
        help="ask the server to generate a fresh ElevenLabs tool secret",
    )
    change.add_argument(
        "--clear-provider", action="store_true", help="set the AI voice provider to none (null)"
    )
    change.add_argument(
        "--dry-run", action="store_true", help="print the review and the masked body; send nothing"
    )
    change.add_argument(
        "--yes", "-y", action="store_true", help="send without asking (needed without a terminal)"
    )
    change.add_argument(
        "--send-anyway",
        action="store_true",
        help="send even when a credential check found a definite problem (exit 5 otherwise)",
    )
    change.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object (review, checks, outcome); errors as JSON on stderr; "
        "asks nothing: --yes (or --dry-run) is needed on a terminal too",
    )
    _connection_options(change, seconds)
    add_check_options(change, after_command=True)

    check = sub.add_parser(
        "check",
        help="check credentials with ElevenLabs and Sinch; nothing is sent to Tether",
        description="Ask ElevenLabs and Sinch, from this machine, whether the credentials\n"
        "given would work, without saving anything: for checking a key before a rotation.\n"
        "Values are given as for set (FIELD=- or FIELD=@env:NAME; secrets never inline).\n"
        "Tether is read only for Sinch identifiers not given (project, trunk, domain).",
        epilog=EXIT_CODES,
        formatter_class=ScriptHelpFormatter,
    )
    check.add_argument(
        "assignments",
        nargs="*",
        metavar="FIELD=VALUE",
        help="elevenlabsApiKey, sinchEstKeyId, sinchEstKeySecret, sinchEstProjectId, "
        "sinchEstTrunkId or sinchEstTrunkDomain, as for set",
    )
    check.add_argument(
        "--json", action="store_true", help="print one JSON object; errors as JSON on stderr"
    )
    _connection_options(check, seconds)
    add_check_options(check, after_command=True, switch=False)

    doctor = sub.add_parser(
        "doctor",
        help="will the AI calls work? every hop of every number, read only",
        description="Read the whole Voice AI wiring, per number, across Tether, Sinch (EST\n"
        "and the Numbers API) and ElevenLabs, and say what is broken and where to fix it.\n"
        "Nothing is written anywhere. Keys are given as for check (FIELD=- or\n"
        "FIELD=@env:NAME; secrets never inline); the trunk identifiers come from Tether\n"
        "unless given. Without a key, that issuer's lines are unknown.",
        epilog=EXIT_CODES,
        formatter_class=ScriptHelpFormatter,
    )
    doctor.add_argument(
        "assignments",
        nargs="*",
        metavar="FIELD=VALUE",
        help="elevenlabsApiKey, sinchEstKeyId, sinchEstKeySecret (and optionally "
        "sinchEstProjectId, sinchEstTrunkId, sinchEstTrunkDomain), as for check",
    )
    doctor.add_argument(
        "--number",
        dest="numbers",
        action="append",
        default=[],
        metavar="E164",
        help="check only this number (repeatable); the organization's lines are kept",
    )
    doctor.add_argument(
        "--all",
        dest="show_all",
        action="store_true",
        help="list healthy numbers and ok lines too, and every item of a list",
    )
    doctor.add_argument(
        "--json", action="store_true", help="print one JSON object; errors as JSON on stderr"
    )
    _connection_options(doctor, seconds)
    add_check_options(doctor, after_command=True, switch=False)

    from tui.script.numbers_args import add_numbers_command

    add_numbers_command(sub, seconds)


ASKS_ISSUERS = frozenset({"set", "check", "doctor"})
"""The commands that ask ElevenLabs and Sinch: ``--demo`` replaces the issuer URLs given."""


def run(args: argparse.Namespace, flags: Flags) -> int:
    """Run ``show``, ``set``, ``check`` or ``numbers``; returns the exit code (see :class:`ExitCode`)."""
    from tui.script.session import Note, Target, demo_notices, open_target
    from tui.settings import given_issuer_urls

    json_output = bool(getattr(args, "json", False))
    asks_issuers = args.command in ASKS_ISSUERS and flags.check_credentials is not False

    def connect(note: Note | None = None) -> Target:
        target = open_target(
            flags, demo=bool(args.demo), read_timeout=args.timeout, environ=os.environ
        )
        if target.demo is not None:
            from tui.script.render import emit

            ignored = given_issuer_urls(flags, os.environ) if asks_issuers else []
            lines = demo_notices(target, ignored)
            if note is not None:
                note(*lines)
            elif not json_output:  # --json: stderr is for one error object only
                emit(*lines, err=True)
        return target

    # Ctrl+C and other signals are handled for every command in tui.shutdown (through
    # main): the line printed names what was cut short (a save: its outcome is unknown).
    if args.command == "numbers":
        from tui.script.numbers import run_numbers

        if json_output and _would_ask(args):
            from tui.script.output import ScriptOutput
            from tui.script.set import JSON_CANNOT_ASK

            return ScriptOutput("numbers set", json_output=True).usage(
                f"{JSON_CANNOT_ASK} the confirmation. Check what would be sent with "
                "--dry-run, then pass --yes to send without asking. Nothing was sent."
            )
        return run_numbers(args, connect)
    if args.command == "show":
        from tui.script.show import run_show

        return run_show(connect, json_output=args.json)
    if args.command == "doctor":
        from tui.script.doctor import DoctorOptions, run_doctor

        return run_doctor(
            DoctorOptions(
                assignments=args.assignments,
                numbers=args.numbers,
                show_all=args.show_all,
                json_output=args.json,
                environ=os.environ,
            ),
            connect,
        )
    if args.command == "check":
        from tui.script.check import CheckOptions, run_check

        check = CheckOptions(
            assignments=args.assignments,
            json_output=args.json,
            demo=bool(args.demo),
            environ=os.environ,
        )
        return run_check(check, flags, connect)
    from tui.script.set import SetOptions, run_set

    options = SetOptions(
        assignments=args.assignments,
        generate_tool_secret=args.generate_tool_secret,
        clear_provider=args.clear_provider,
        dry_run=args.dry_run,
        yes=args.yes,
        send_anyway=args.send_anyway,
        json_output=args.json,
        environ=os.environ,
    )
    return run_set(options, connect)


def _would_ask(args: argparse.Namespace) -> bool:
    """``numbers set`` would ask on the terminal (stderr), which ``--json`` cannot have:
    refused here, before anything is read (``set`` refuses it itself)."""
    if getattr(args, "numbers_command", None) != "set" or args.yes or args.dry_run:
        return False
    return sys.stdin is not None and sys.stdin.isatty()
