"""The ``tether-voice`` command (and ``python -m tui``): signal handlers before anything else.

Loading ``tui.cli`` and what it needs (argparse alone is ~11 ms) takes ~30 ms before
``tui.shutdown`` can take charge; a Ctrl+C in that time would print a traceback. So the
command's first act is a minimal handler (this module imports only ``os`` and
``signal``), and a signal caught that early ends the run like any other: one line,
then the process ends by that signal. Only the interpreter's own start, before this
module runs (~15 ms on the development machine), is left to Python.

After a signal the process ends *by* the signal, once the cleanup and the line are
done: the shell reports 128 + N (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP), as for a
program that did not catch it, and a shell loop or ``make`` running tether-voice stops
too. (bash carries on after a child that merely *exits* 130: it takes that as "the
child dealt with Ctrl+C itself". Python does the same for an uncaught Ctrl+C.)
In-process callers of ``tui.cli.main`` get the number instead.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False  # not typing's: importing typing here would cost ~5 ms
if TYPE_CHECKING:
    from types import FrameType
    from typing import NoReturn

PROG = "tether-voice"

_received: list[int] = []


def main() -> NoReturn:
    """Run the command line; never returns."""
    _install_early_handlers()
    try:
        from tui import shutdown
        from tui.cli import main as run_command

        code = run_command()
    except BrokenPipeError:
        _reader_gone()
    except BaseException:
        if not _received:
            raise  # SystemExit from argparse, or a real bug: Python's own handling
        _die_by(_received[0], announce=True)
    signum = shutdown.last_signal()
    if signum is not None and code == 128 + signum:
        _die_by(signum, announce=False)  # tui.shutdown has said what was interrupted
    sys.exit(code)


def _reader_gone() -> NoReturn:
    """Whoever read stdout has stopped (``show | head -1``): in a pipeline that is how a
    reader says "enough", not an error. End as a program that left SIGPIPE alone would
    (the shell shows 141), without Python's traceback, and with stdout pointed at
    /dev/null first, so the interpreter's own flush at exit cannot fail a second time."""
    try:  # noqa: SIM105 -- not contextlib: this module imports only os, signal, sys
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError:
        pass
    _die_by(getattr(signal, "SIGPIPE", signal.SIGTERM), announce=False)


def _install_early_handlers() -> None:
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, _early)


def _early(signum: int, _frame: FrameType | None) -> None:
    """Before ``tui.shutdown`` is in charge (and again after it hands back)."""
    _received.append(signum)
    raise KeyboardInterrupt


def _as_json(line: str, code: int) -> str:
    """The line, or with ``--json`` the one JSON error object stderr may carry (README):
    imported only now, once the signal's exception has unwound, never inside a handler."""
    try:
        from tui.script.json_mode import json_command

        if json_command(sys.argv[1:]) is None:
            return line
        from tui.script.render import error_text

        return error_text(code, "interrupted", [line])
    except BaseException:  # half-imported, or a second signal: the plain line
        return line


def _die_by(signum: int, *, announce: bool) -> NoReturn:
    if announce:
        cause = (
            "interrupted (Ctrl+C)"
            if signum == signal.SIGINT
            else f"stopped by {signal.Signals(signum).name}"
        )
        line = _as_json(f"{PROG}: {cause} while starting.", 128 + signum)
        try:  # not contextlib: not loaded yet, and this runs first
            # A fresh line after the echoed "^C"; a tool reading JSON gets the object alone.
            lead = "" if line.startswith("{") and not os.isatty(2) else "\n"
            os.write(2, f"{lead}{line}\n".encode())
        except OSError:
            pass
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    if hasattr(signal, "SIGKILL"):  # POSIX: end by the signal itself
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(128 + signum)
