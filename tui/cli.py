"""Command line entry point: parse arguments, then start the app or the demo server.

Heavy imports (Textual, httpx, pydantic) happen inside the branch that needs them,
so ``--help`` and ``demo-server`` start without paying for the UI.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tether-voice",
        description="View and edit a Tether organization's Voice AI configuration.",
        epilog=(
            "The bearer token is read from the TETHER_TOKEN environment variable "
            "(never from the command line, where it would land in shell history)."
        ),
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("TETHER_URL"),
        help="base URL of the Tether API, e.g. https://tether.example.com (env: TETHER_URL)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the bundled demo server in-process and connect to it as its superadmin",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="read timeout for each request (default: %(default)s)",
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
        metavar="KIND",
        help="inject a fault into the next API request (repeatable; see the README for kinds)",
    )
    demo.add_argument(
        "--delay", type=float, default=3.0, help="seconds for the 'delay' fault (default: 3)"
    )
    demo.add_argument(
        "--empty", action="store_true", help="start with nothing configured instead of demo data"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo-server":
        return _run_demo_server(parser, args)
    return _run_app(parser, args)


def _run_demo_server(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from tui.demo.faults import Fault
    from tui.demo.server import serve_forever_cli

    try:
        faults = [Fault(kind) for kind in args.fault]
    except ValueError as exc:
        kinds = ", ".join(fault.value for fault in Fault)
        parser.error(f"{exc}; known kinds: {kinds}")
    serve_forever_cli(args.host, args.port, faults, args.delay, args.empty)
    return 0


def _run_app(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from pydantic import SecretStr

    from tui.api.client import ConnectionSettings

    server = None
    if args.demo:
        from tui.demo.server import SUPERADMIN_TOKEN, DemoServer

        server = DemoServer().start()
        settings = ConnectionSettings(
            server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=args.timeout
        )
    else:
        if not args.url:
            parser.error("give --url URL (or set TETHER_URL), or --demo to try the demo server")
        token = os.environ.get("TETHER_TOKEN", "")
        if not token:
            parser.error("set TETHER_TOKEN to a bearer token for that instance")
        settings = ConnectionSettings(
            args.url.rstrip("/"), SecretStr(token), read_timeout=args.timeout
        )

    from tui.app import VoiceConfigApp

    try:
        VoiceConfigApp(settings, demo=server is not None).run()
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
