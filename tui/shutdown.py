"""How the process ends: Ctrl+C, SIGTERM or SIGHUP at any moment, and every other way out.

Every command goes through :func:`run` (``tui.cli.main`` calls it), so a command added
later gets all of this without doing anything:

- **Never a traceback.** SIGINT raises ``KeyboardInterrupt`` (as Python's own handler
  does) and SIGTERM/SIGHUP raise :class:`Terminated`, in the main thread; both are
  ``BaseException``, so no ``except Exception`` swallows them, and :func:`run` catches
  them once, at the top.
- **One line saying what was interrupted.** Code doing something worth naming wraps it
  in :func:`doing` ("saving to X: its outcome is unknown — check with ``show``"); the
  line names the innermost activity at the moment the signal arrived.
- **The exit status is 128 + the signal's number** (130 Ctrl+C, 143 SIGTERM, 129 SIGHUP),
  which is what a shell reports for a process killed by that signal; the console
  command (``tui.command``) then ends the process by the signal itself.
- **Cleanup on every way out**: :func:`add_cleanup` registers what must be stopped (the
  in-process demo server, a background thread, a connection pool), run newest first.
- **A second signal ends the process at once** (the line, then ``os._exit``): a cleanup
  that hangs never makes Ctrl+C useless.
- **A running Textual app is asked to exit** rather than interrupted (:func:`app_running`):
  an exception raised inside its event loop would leave the terminal in raw mode on the
  alternate screen. ctrl+c typed *into* the app is a key, not a signal (the terminal is
  in raw mode), and keeps Textual's meaning; this handles ``kill``, a closed terminal
  window and a lost SSH connection (SIGHUP). If the app has not gone within
  :data:`APP_EXIT_GRACE` seconds (:data:`HANGUP_EXIT_GRACE` after SIGHUP), the terminal
  is restored by hand and the process ends there (``os._exit(128 + N)``).

Only the standard library is imported: this runs before anything else is loaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import NoReturn

HANDLED = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""SIGHUP does not exist on Windows."""

APP_EXIT_GRACE = 3.0
"""Seconds a running app gets to close after a signal before the process is ended anyway
(it takes ~0.2 s when all is well)."""

HANGUP_EXIT_GRACE = 1.0
"""The same after SIGHUP, usually a terminal that is gone: nothing to restore, and
Textual's shutdown can block for good writing to it (its writer thread's queue)."""

_TERMINAL_RESET = (
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reporting off
    "\x1b[?2004l\x1b[?7h\x1b[?2048l\x1b[?1004l"  # bracketed paste off, wrap on, no reports
    "\x1b[<u\x1b[?1049l\x1b[?25h"  # kitty keyboard off, main screen, cursor shown
)
"""What Textual's driver writes when it stops, for when it could not."""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived; raised in the main thread like ``KeyboardInterrupt``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def describe_signal(signum: int) -> str:
    """How the line names the cause: the user's words for SIGINT, the signal's name else."""
    if signum == signal.SIGINT:
        return "interrupted (Ctrl+C)"
    if signum == getattr(signal, "SIGHUP", None):
        return "stopped by SIGHUP (the terminal was closed)"
    return f"stopped by {signal.Signals(signum).name}"


# --- what is going on: one stack for the process ----------------------------------------

_activities: list[str] = []


@contextlib.contextmanager
def doing(activity: str) -> Iterator[None]:
    """Name what the code inside is doing, for the line printed if a signal cuts it short.

    Phrase it to follow "interrupted while", and say what the user should know, e.g.
    ``"saving to https://x: its outcome is unknown — check with `tether-voice show`"``.

    Escaped here, once, not when the line is written: an activity names a URL or a
    keyring entry from the configuration, and the line may be written inside a signal
    handler, where nothing should be imported or built that need not be. (Imported
    only for an activity that needs it: ``printable`` loads ``json``, ~2 ms at start.)
    """
    if not activity.isprintable():
        from tui.printable import printable

        activity = printable(activity)
    _activities.append(activity)
    try:
        yield
    except (KeyboardInterrupt, Terminated):
        # Raised by code rather than by a signal handler (which notes the activity
        # itself): note the innermost activity on the way out.
        current = _run
        if current is not None and current.activity is None:
            current.activity = activity
        raise
    finally:
        # Not pop(): a signal may have cut the matching append short.
        with contextlib.suppress(ValueError):
            _activities.remove(activity)


def current_activity() -> str | None:
    return _activities[-1] if _activities else None


# --- one run of a command ----------------------------------------------------------------


@dataclass
class _App:
    request_exit: Callable[[], object]
    describe: Callable[[], str]
    terminal: list[object] | None
    """The terminal's attributes before the app started, to restore by hand if need be."""


@dataclass
class _Run:
    prog: str
    signum: int | None = None
    activity: str | None = None
    cleanups: list[Callable[[], object]] = field(default_factory=list)
    app: _App | None = None
    watchdog: threading.Timer | None = None
    line_written: bool = False
    line_format: Callable[[str, int], str] | None = None
    """How the line is written when not as plain text (``--json``: an error object)."""


_run: _Run | None = None


def add_cleanup(callback: Callable[[], object]) -> Callable[[], None]:
    """Run ``callback`` when the command ends, however it ends; returns its remover.

    Outside :func:`run` (a test calling a command's code directly) nothing is registered
    and the caller stays responsible, as it would be without this module.
    """
    current = _run
    if current is None:
        return lambda: None
    current.cleanups.append(callback)

    def remove() -> None:
        with contextlib.suppress(ValueError):
            current.cleanups.remove(callback)

    return remove


def format_line(formatter: Callable[[str, int], str]) -> None:
    """For the rest of this run, write the line as ``formatter(line, exit status)``
    returns it: with ``--json``, stderr carries nothing but one JSON error object. It may
    run inside a signal handler: it must only build a string (no import, no I/O).
    Outside :func:`run`, nothing is changed."""
    current = _run
    if current is not None:
        current.line_format = formatter


def run(body: Callable[[], int], *, prog: str) -> int:
    """Run one command with the signal handling above; returns its exit status.

    Handlers are installed only in the main thread (Python allows no other) and the
    previous ones are put back afterwards, so calling this in-process (tests) is safe.
    """
    global _run, _last_signal
    _last_signal = None
    outer = _run
    this = _Run(prog)
    _run = this
    previous = _install() if threading.current_thread() is threading.main_thread() else {}
    try:
        with doing("starting"):
            code = body()
        if this.signum is not None:  # an app that was asked to exit, and did
            return _interrupted(this)
        return code
    except KeyboardInterrupt:
        _record(this, signal.SIGINT)
        return _interrupted(this)
    except Terminated as stop:
        _record(this, stop.signum)
        return _interrupted(this)
    except BaseException:
        if this.signum is None:
            raise
        # The signal's exception, turned into another on its way up: an extension
        # module interrupted during its import raises its own (pydantic-core: a pyo3
        # PanicException). The signal is still what ended the run.
        return _interrupted(this)
    finally:
        _run_cleanups(this)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _run = outer


def last_signal() -> int | None:
    """The signal that ended the last :func:`run`, if one did (see ``tui.command``)."""
    return _last_signal


_last_signal: int | None = None


@contextlib.contextmanager
def app_running(request_exit: Callable[[], object], describe: Callable[[], str]) -> Iterator[None]:
    """While a Textual app runs: a signal asks it to exit instead of raising.

    ``request_exit`` is called on the app's event loop (``App.exit``); ``describe``
    says what the app was doing, for the line ("a save in flight: its outcome is
    unknown…"). Before the app's loop runs, a signal raises as anywhere else.
    """
    current = _run
    if current is None:
        yield
        return
    current.app = _App(request_exit, describe, _terminal_attributes())
    try:
        yield
    finally:
        current.app = None
        if current.watchdog is not None:  # the app did exit in time
            current.watchdog.cancel()
            current.watchdog = None


# --- the handler -------------------------------------------------------------------------


def _install() -> dict[int, object]:
    previous: dict[int, object] = {}
    for signum in HANDLED:
        handler = signal.getsignal(signum)
        if handler == signal.SIG_IGN:
            # Started with it ignored (nohup; a background job of a script): as Python
            # itself does for SIGINT, keep it that way.
            continue
        previous[signum] = handler
        signal.signal(signum, _on_signal)
    return previous


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    current = _run
    if current is None:  # pragma: no cover -- handlers live only as long as a run
        raise KeyboardInterrupt if signum == signal.SIGINT else Terminated(signum)
    if current.signum is not None:
        if signum == current.signum == getattr(signal, "SIGHUP", None):
            # A closed terminal sends SIGHUP to the session's leader and again to its
            # foreground group, often the same process: one event, not an insistence.
            return
        # A second signal: the first one's cleanup (or the app's exit) is taking too long.
        _end_now(current, signum)
    app = current.app
    loop = _running_loop()
    if app is not None and loop is not None:
        current.signum = signum
        current.activity = _describe_app(app)
        loop.call_soon_threadsafe(app.request_exit)
        grace = HANGUP_EXIT_GRACE if signum == getattr(signal, "SIGHUP", None) else APP_EXIT_GRACE
        current.watchdog = threading.Timer(grace, _app_did_not_exit, (current, signum))
        current.watchdog.daemon = True
        current.watchdog.start()
        return
    current.signum = signum
    current.activity = current_activity()
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _record(current: _Run, signum: int) -> None:
    """A KeyboardInterrupt can also come from elsewhere (a test, Python's own handler)."""
    if current.signum is None:
        current.signum = signum
    if current.activity is None:
        current.activity = current_activity()


def _describe_app(app: _App) -> str:
    try:
        return app.describe()
    except Exception:
        return "the app"


def _running_loop() -> object | None:
    """The running event loop, if any, without importing anything.

    This runs inside the signal handler, which may have interrupted an import half-way
    (the start is mostly imports): importing there would meet half-initialised modules
    and end in a traceback. No asyncio loaded, or not yet whole, means no loop runs.
    """
    asyncio = sys.modules.get("asyncio")
    get_running_loop = getattr(asyncio, "get_running_loop", None)
    if get_running_loop is None:
        return None
    try:
        return get_running_loop()
    except RuntimeError:
        return None


def _line(current: _Run, signum: int) -> str:
    activity = current.activity or "starting"
    return f"{current.prog}: {describe_signal(signum)} while {activity}."


def _interrupted(current: _Run) -> int:
    global _last_signal
    signum = current.signum
    assert signum is not None
    _last_signal = signum
    _write_line(current, signum)
    _log_signal(current, signum)
    return 128 + signum


def _write_line(current: _Run, signum: int) -> None:
    if current.line_written:
        return
    current.line_written = True
    # After ^C the terminal's cursor sits behind the echoed "^C": start a fresh line.
    lead = "\n" if signum == signal.SIGINT and _isatty(2) else ""
    line = _line(current, signum)
    if current.line_format is not None:
        with contextlib.suppress(Exception):  # the plain line rather than none
            line = current.line_format(line, 128 + signum)
    text = f"{lead}{line}\n"
    with contextlib.suppress(OSError):
        # os.write, not print: this may run inside a signal handler, where the
        # interrupted code may be half-way through a print to the same stream.
        os.write(2, text.encode("utf-8", errors="replace"))


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _log_signal(current: _Run, signum: int) -> None:
    import logging

    logging.getLogger(__name__).debug(
        "%s received while %s", signal.Signals(signum).name, current.activity or "starting"
    )


def _run_cleanups(current: _Run) -> None:
    while current.cleanups:
        callback = current.cleanups.pop()
        with contextlib.suppress(Exception):
            callback()


def _app_did_not_exit(current: _Run, signum: int) -> None:
    """The watchdog: the app was asked to exit APP_EXIT_GRACE seconds ago and has not."""
    _end_now(current, signum)


def _end_now(current: _Run, signum: int) -> NoReturn:
    """No more waiting: put the terminal back if an app had it, say why, and go."""
    app = current.app
    if app is not None and app.terminal is not None:
        _restore_terminal(app.terminal)
    if current.signum is None:
        current.signum = signum
        current.activity = current_activity()
    _write_line(current, current.signum)
    os._exit(128 + current.signum)


def _terminal_attributes() -> list[object] | None:
    try:
        import termios

        return termios.tcgetattr(sys.stdin.fileno())
    except Exception:  # not a terminal, no termios (Windows), stdin closed
        return None


def _restore_terminal(attributes: list[object]) -> None:
    with contextlib.suppress(Exception):
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, attributes)
    with contextlib.suppress(OSError):
        os.write(1, _TERMINAL_RESET.encode())
