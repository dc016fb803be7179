"""Command line entry point: parse arguments, then start the app or the demo server.

Heavy imports (Textual, httpx, pydantic) happen inside the branch that needs them,
so ``--help`` and ``demo-server`` start without paying for the UI.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from tui.settings import Flags


def _seconds(text: str) -> float:
    """A positive number of seconds (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds: {text!r}")
    return value


def megabytes(text: str) -> int:
    """A whole number of MB in range (argparse type of --max-answer-mb)."""
    from tui.settings import megabytes_problem

    problem = megabytes_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(f"{problem}: {text!r}")
    return int(text.strip())


class _Parser(argparse.ArgumentParser):
    """argparse, whose messages quote what was typed (``invalid choice: '…'``) and
    whose errors here quote config values and entries: written escaped, so an argument
    or a value holding an escape sequence is shown, not obeyed (subparsers inherit it)."""

    def _print_message(self, message: str, file: Any = None) -> None:
        from tui.printable import printable_lines

        super()._print_message(printable_lines(message) if message else message, file)


class _JsonErrors(_Parser):
    """argparse for a command asked for ``--json``: an error in the arguments is the
    usage-kind error object on stderr (exit 2), the one thing stderr may carry then, in
    place of the usage text (issue: ``show --json --timeout abc`` printed argparse's).
    ``--help`` is still text: it was asked for. Subparsers are of this class too."""

    command = ""
    """The command the arguments name (``show``), for the hint of the top parser's errors."""

    def error(self, message: str) -> NoReturn:
        self.fail(message, hint=f"see `{self._help_command()} --help`")

    def fail(self, message: str, *, hint: str | None = None) -> NoReturn:
        from tui.script.exit_codes import ExitCode
        from tui.script.render import json_error

        json_error(ExitCode.USAGE, "usage", [message], hint=hint)
        self.exit(2)

    def _help_command(self) -> str:
        top = self.prog == "tether-voice"
        return f"tether-voice {self.command}" if top and self.command else self.prog


def _parser(json_errors_for: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; ``json_errors_for``: the command whose ``--json`` was
    asked for (:func:`~tui.script.json_mode.json_command`), whose errors are JSON then."""
    kind: type[_Parser] = _Parser
    if json_errors_for:

        class ForCommand(_JsonErrors):
            command = json_errors_for

        kind = ForCommand
    parser = kind(
        prog="tether-voice",
        description="View and edit a Tether organization's Voice AI configuration.",
        epilog=(
            "Settings: flags > environment (TETHER_URL, TETHER_PROFILE) > the profile in the "
            "config file (TETHER_VOICE_CONFIG, or config.toml in your config directory) > "
            "defaults. The bearer token comes from TETHER_TOKEN, else the OS keyring "
            "(never from the command line, where it would land in shell history). "
            "Newly typed credentials are checked with ElevenLabs and Sinch from this "
            "machine before a save; --no-check turns that off."
        ),
    )
    parser.add_argument(
        "--url",
        help="base URL of the Tether API, e.g. https://tether.example.com (env: TETHER_URL)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="a [profiles.NAME] table of the config file (env: TETHER_PROFILE)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the bundled demo server in-process and connect to it as its superadmin",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="time a whole request may take: connecting, sending and reading the whole "
        "answer (default: the profile's, else 15)",
    )
    parser.add_argument(
        "--connect-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="time allowed to connect, within --timeout (default: the profile's, else 5)",
    )
    parser.add_argument(
        "--max-answer-mb",
        type=megabytes,
        metavar="MB",
        help="largest answer accepted from the Tether API, decompressed (default: "
        "TETHER_VOICE_MAX_ANSWER_MB, else the profile's max_answer_mb, else 32)",
    )
    parser.add_argument(
        "--ca-bundle",
        type=Path,
        metavar="PATH",
        help="PEM file of a private CA to trust (default: the profile's ca_bundle, "
        "else SSL_CERT_FILE / SSL_CERT_DIR, else the built-in roots)",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow http:// to a host other than this machine (the token would cross the "
        "network unencrypted)",
    )
    parser.add_argument(
        "--show-settings",
        action="store_true",
        help="print the settings in force and where each came from, then exit",
    )
    from tui.script.check_options import add_check_options

    add_check_options(parser, after_command=False)
    parser.add_argument(
        "--log-file",
        type=Path,
        metavar="PATH",
        help="append a debug log to PATH, created readable by you only; never holds a "
        "secret, token or body (env: TETHER_VOICE_LOG)",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="print the versions of tether-voice, Textual, httpx, pydantic, keyring and "
        "Python, then exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo-server",
        help="run the demo API server in the foreground (for trying the app or scripts)",
        description="A local HTTP server that honours the Voice AI config contract.",
    )
    demo.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    demo.add_argument("--port", type=int, default=2212, help="port (default: %(default)s)")
    demo.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="[SERVER:]KIND",
        help="inject a fault into the next request to SERVER (tether, elevenlabs, sinch-auth, "
        "sinch-est, sinch-numbers; default tether); repeatable; see the README for kinds",
    )
    demo.add_argument(
        "--delay", type=float, default=3.0, help="seconds for the 'delay' fault (default: 3)"
    )
    demo.add_argument(
        "--empty", action="store_true", help="start with nothing configured instead of demo data"
    )
    demo.add_argument(
        "--numbers",
        type=int,
        default=0,
        metavar="N",
        help="seed N phone numbers in all, to try the numbers table at scale",
    )
    demo.add_argument(
        "--hostile",
        action="store_true",
        help="every string the servers answer carries markup, terminal escapes and format "
        "fields, to test a client (use a terminal you can close)",
    )
    demo.add_argument(
        "--tether-only",
        action="store_true",
        help="run the Tether demo server alone, without the ElevenLabs and Sinch stand-ins",
    )
    logout = sub.add_parser(
        "logout",
        help="remove the token stored in the OS keyring for a profile or instance",
        description="Remove the stored token. TETHER_TOKEN, if set, is not touched.",
    )
    # SUPPRESS: not given here must not hide the same option given before "logout".
    logout.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS)
    logout.add_argument("--url", default=argparse.SUPPRESS)
    from tui.script.commands import add_commands

    add_commands(sub, _seconds)
    return parser


class _VersionAction(argparse.Action):
    """``--version``, with the versions looked up only when asked (not on every start)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.update(nargs=0, default=argparse.SUPPRESS)
        super().__init__(option_strings, argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from tui.diagnostics import version_text

        print(version_text())  # stdout, as argparse's own "version" action does
        parser.exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Ctrl+C, SIGTERM and SIGHUP end any of them cleanly, at any
    moment, with one line and exit status 128 + the signal's number (``tui.shutdown``)."""
    from tui import shutdown

    return shutdown.run(lambda: _main(argv), prog="tether-voice")


def _main(argv: Sequence[str] | None) -> int:
    from tui.script.json_mode import json_command

    json_for = json_command(sys.argv[1:] if argv is None else argv)
    if json_for:
        _keep_stderr_for_json(in_process=argv is not None)
    parser = _parser(json_for)
    args = parser.parse_args(argv)
    _start_log(parser, args)
    if args.command == "demo-server":
        return _run_demo_server(parser, args)
    if args.command == "logout":
        return _run_logout(parser, args)
    if args.command in ("show", "set", "check", "doctor", "numbers"):
        from tui.script.commands import run

        return run(args, _flags(args))
    if args.show_settings:
        return _show_settings(parser, args)
    return _run_app(parser, args)


def _keep_stderr_for_json(*, in_process: bool) -> None:
    """With ``--json``, from the first moment: an interruption is the error object, and
    Python's and the libraries' own writers stay off stderr (``tui.script.json_mode``).

    The command keeps it so to the end, the interpreter's own shutdown included (an
    object collected then can still print "Exception ignored"); an in-process caller
    (``main(argv)``: the tests) gets its hooks back when the command ends."""
    from tui import shutdown
    from tui.script.json_mode import keep_stderr_for_json
    from tui.script.render import error_text

    restore = keep_stderr_for_json()
    if in_process:
        shutdown.add_cleanup(restore)
    shutdown.format_line(lambda line, code: error_text(code, "interrupted", [line]))


def _start_log(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The debug log, if asked for; imported only then, so a normal start pays nothing."""
    path = args.log_file or os.environ.get("TETHER_VOICE_LOG", "").strip()
    if not path:
        return
    from tui import shutdown
    from tui.diagnostics import LogFileError, start_log, stop_log

    try:
        handler = start_log(Path(path), args.command or "app")
    except LogFileError as exc:
        _fail(parser, str(exc))
    shutdown.add_cleanup(lambda: stop_log(handler))


def _flags(args: argparse.Namespace) -> Flags:
    from tui.script.check_options import check_flags
    from tui.settings import Flags

    return Flags(
        url=args.url,
        profile=args.profile,
        timeout=args.timeout,
        connect_timeout=args.connect_timeout,
        max_answer_mb=args.max_answer_mb,
        ca_bundle=args.ca_bundle,
        allow_insecure_http=args.allow_insecure_http,
        **check_flags(args),
    )


def _fail(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    """Exit 2 with one paragraph on stderr: no usage dump, no traceback; with ``--json``
    the usage-kind error object (a debug log that cannot be written, for one)."""
    if isinstance(parser, _JsonErrors):
        parser.fail(message)
    parser.exit(2, f"{parser.prog}: error: {message}\n")


def _run_demo_server(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from tui.demo.faults import Fault
    from tui.demo.stack import parse_fault_spec, serve_stack_cli

    faults = []
    for spec in args.fault:
        try:
            faults.append(parse_fault_spec(spec))
        except ValueError as exc:  # one paragraph, as for other bad values: no usage dump
            kinds = ", ".join(fault.value for fault in Fault)
            unknown = "unknown server" in str(exc)
            said = str(exc) if unknown else f"unknown fault kind in {spec!r}; known kinds: {kinds}"
            _fail(parser, f"demo-server --fault: {said}")
    from tui.shutdown import doing

    if args.tether_only:
        from tui.demo.server import serve_forever_cli

        if any(server != "tether" for server, _fault in faults):
            parser.error("--tether-only runs no stand-in to inject a fault into")
        with doing("running the demo server (it has stopped)"):
            serve_forever_cli(
                args.host,
                args.port,
                [f for _s, f in faults],
                args.delay,
                args.empty,
                args.numbers,
                args.hostile,
            )
        return 0
    with doing("running the demo servers (they have stopped)"):
        serve_stack_cli(
            args.host, args.port, args.fault, args.delay, args.empty, args.numbers, args.hostile
        )
    return 0


def _run_logout(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Delete the stored token and say exactly what happened (nothing stored is fine)."""
    from tui.auth.token_store import TokenStore
    from tui.script.render import emit
    from tui.settings import ConfigError, load_settings, normalized_url

    if args.profile:
        # Straight to the entry, without the config file: this must work after the
        # profile was removed from the file, or while the file is broken.
        entry = args.profile
    elif args.url:
        entry = normalized_url(args.url)
    else:
        try:
            settings = load_settings(_flags(args), os.environ)
        except ConfigError as exc:
            _fail(parser, str(exc))
        if not settings.url:
            _fail(
                parser,
                "Name what to sign out of: logout --profile NAME, or --url URL "
                "(or set TETHER_PROFILE or TETHER_URL).",
            )
        entry = settings.token_entry
    store = TokenStore()
    env_note = (
        ["TETHER_TOKEN is still set in this shell: unset it to stop using that token."]
        if os.environ.get("TETHER_TOKEN", "").strip()
        else []
    )
    if not store.available():
        problem = store.problem
        if problem is not None and problem.kind != "none":  # timed out, failed, prompts
            _fail(parser, f"{problem.cause}: nothing was removed for '{entry}'.")
        emit(f"No keyring backend here: nothing was stored for '{entry}'.", *env_note)
        return 0
    backend = store.backend_name()
    if store.load(entry) is None:
        if store.problem is not None:  # the keyring failed or hung while looking
            _fail(parser, f"{store.problem.cause}: nothing was removed for '{entry}'.")
        emit(f"No token is stored for '{entry}' in the keyring ({backend}).", *env_note)
        return 0
    if not store.delete(entry):
        problem = store.problem
        if problem is not None and problem.kind == "timed out":
            _fail(
                parser,
                f"{problem.cause}: whether the token for '{entry}' was removed is unknown; "
                "run logout again to check.",
            )
        emit(f"Could not remove the token for '{entry}' from the keyring ({backend}).", err=True)
        return 1
    emit(f"Removed the token stored for '{entry}' from the keyring ({backend}).", *env_note)
    return 0


def _show_settings(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Print each setting, its value and its source; the token only as where it is."""
    from tui.api.transport import describe_proxy, insecure_url_reason
    from tui.auth.keyring_calls import DEADLINE_ENV
    from tui.auth.token_source import pick_token
    from tui.auth.token_store import TokenStore
    from tui.script.render import emit
    from tui.settings import ConfigError, load_settings

    try:
        settings = load_settings(_flags(args), os.environ)
    except ConfigError as exc:
        _fail(parser, str(exc))
    lines = [f"config file: {settings.config_path}"]
    rows = [*settings.rows()]
    if settings.url:  # beside the URL: how a request to it would leave this machine
        after_url = [name for name, _value, _source in rows].index("url") + 1
        rows.insert(after_url, ("proxy", describe_proxy(settings.url), ""))
    store = TokenStore()
    entry = settings.token_entry
    _token, source = pick_token(os.environ, store, entry)
    where = {"env": "TETHER_TOKEN", "keyring": f"keyring entry '{entry}'"}
    problem = store.problem
    unknown = problem is not None and problem.kind != "none"
    found = "found" if source else "unknown" if unknown else "(none: sign in)"
    rows.append(("token", found, where.get(source or "", "")))
    keyring = store.backend_name() or (problem.cause if unknown else "(none on this host)")
    rows.append(("keyring", keyring, ""))
    deadline_from = DEADLINE_ENV if os.environ.get(DEADLINE_ENV, "").strip() else "built-in default"
    rows.append(("keyring_timeout", f"{store.deadline:g} s", deadline_from))
    if args.demo:
        rows = _demo_rows(rows)
        lines.append("with --demo: the demo's own servers on loopback replace these:")
    width = max(len(name) for name, _value, _source in rows)
    for name, value, origin in rows:
        lines.append(f"  {name:<{width}}  {value}" + (f"  ({origin})" if origin else ""))
    reason = (
        insecure_url_reason(settings.url, settings.allow_insecure_http)
        if settings.url and not args.demo
        else None
    )
    for problem in (reason, settings.issuer_url_problem()):
        if problem:
            lines.append(f"warning: {problem}")
    emit(*lines)
    return 0


DEMO_ROWS = {
    "url": "a free loopback port, chosen at start",
    "proxy": "direct (this machine: loopback never goes through a proxy)",
    "probe_write_permissions": "yes",
    "elevenlabs_url": "the ElevenLabs stand-in on loopback",
    "sinch_auth_url": "the Sinch auth stand-in on loopback",
    "sinch_est_url": "the Sinch EST stand-in on loopback",
    "sinch_numbers_url": "the Sinch Numbers stand-in on loopback",
    "token": "the demo superadmin's (published)",
}
"""What ``--demo`` puts in place of the resolved settings (issue 18, item 26: ``--demo
--show-settings`` showed no URL and probing off, as if ``--demo`` were not there)."""


def _demo_rows(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    shown = [
        (name, DEMO_ROWS[name], "--demo") if name in DEMO_ROWS else (name, value, origin)
        for name, value, origin in rows
    ]
    if "proxy" not in [name for name, _value, _origin in shown]:
        at = [name for name, _value, _origin in shown].index("url") + 1
        shown.insert(at, ("proxy", DEMO_ROWS["proxy"], "--demo"))
    return shown


def _run_app(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from pydantic import SecretStr

    from tui.api.client import ConnectionSettings

    server = None
    app_options: dict[str, object] = {}
    if args.demo:
        # The demo ignores profiles and tokens: it is its own instance with a known token,
        # and its own ElevenLabs and Sinch stand-ins for the credential checks.
        from tui.demo.server import SUPERADMIN_TOKEN
        from tui.demo.stack import DemoStack

        server = DemoStack(webhook_delay=1.5, webhook_attached=True).start()
        settings = ConnectionSettings(
            server.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=args.timeout or 15.0
        )
        if args.max_answer_mb:
            settings = dataclasses.replace(settings, max_answer_mb=args.max_answer_mb)
        app_options["checks"] = server.check_settings(
            enabled=args.check_credentials is not False,
            probe_writes=args.probe_write_permissions is not False,
        )
    else:
        from tui.auth.token_store import TokenStore
        from tui.startup import StartupError, startup_plan

        try:
            # No store: the keyring is not read before the first frame (it may hang).
            plan = startup_plan(_flags(args), environ=os.environ)
        except StartupError as exc:
            _fail(parser, str(exc))
        # No token yet: the app looks in the keyring, then opens its sign-in screen.
        settings = plan.settings.connection(plan.token or SecretStr(""))
        app_options = {
            "profile": plan.settings.profile,
            "store": TokenStore(),
            "token_entry": plan.token_entry,
            "verify_first": plan.verify_first,
            "checks": plan.settings.checks(),
            "look_in_keyring": plan.token is None,
            "token_from_env": plan.token_source == "env",
        }

    # A token at hand (--demo, TETHER_TOKEN): the first requests leave now, while the UI
    # imports and builds; a stored token is checked first, so nothing is sent early then
    # (nor without a token: the app looks in the keyring, or asks to sign in).
    from tui import shutdown
    from tui.api.prefetch import prefetching_client

    client = prefetching_client(settings, prefetch=not app_options.get("verify_first"))
    try:
        from tui.app import VoiceConfigApp

        app = VoiceConfigApp(settings, demo=server is not None, client=client, **app_options)  # type: ignore[arg-type]
        with shutdown.app_running(app.exit_when_drawn, app.activity):
            app.run()
    finally:
        client.close()
        if server is not None:
            server.stop()
    # Textual reports a failure to start (a stylesheet it cannot read, a terminal it
    # cannot drive) or a crash by printing it and returning, not by raising: its return
    # code (1 then) is how a shell, a script or a smoke test learns of it.
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
