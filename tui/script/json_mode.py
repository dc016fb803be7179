"""What ``--json`` means for the whole process, not only for a command's own output.

The README promises that with ``--json`` stdout is JSON and stderr carries at most one
JSON error object, "for any command". A command's own words go through
:class:`~tui.script.output.ScriptOutput`; this module covers what writes to stderr
around it:

- **before the arguments are parsed**: argparse's errors and an interruption while
  starting. :func:`json_command` reads ``argv`` itself, before argparse does, so that
  even a malformed command line (``show --json --timeout abc``) gets the error object;
- **Python and the libraries**: a warning (``warnings.warn``), a record of a logger
  without handlers (Python's "last resort" prints WARNING and above to stderr: keyring's
  plugin loader logs a traceback, asyncio an un-retrieved task exception), an exception
  Python cannot raise (``Exception ignored in: ...``) and an exception ending a thread.
  :func:`keep_stderr_for_json` drops the warnings and other libraries' records (the
  debug log holds only the ``tui`` loggers, by design: ``tui.diagnostics``) and notes
  the two exceptions in the debug log, if any, by class name only, as the log's rule
  is (never an exception's message, which may quote what it was given).

Only the standard library, and ``logging`` only once asked for: every start reads
:func:`json_command` (the app's and ``--help`` included), and ``tui.command`` may
import this while the process is still starting.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import threading

JSON_COMMANDS = frozenset({"show", "set", "check", "doctor", "numbers"})
"""The commands that take ``--json`` (``numbers set`` through ``numbers``)."""


def json_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` asks JSON of, or None: ``--json`` (or an abbreviation argparse
    would accept, ``--js``) anywhere before ``--``, and a command that takes it.

    Anywhere, not only after the command: ``tether-voice --json show`` is an error, and
    whoever typed it reads JSON. A command word given as an option's value
    (``--profile show``) counts too; its only effect is the shape of an error.
    """
    words = list(argv)
    if "--" in words:
        words = words[: words.index("--")]
    if not any(_is_json_flag(word) for word in words):
        return None
    return next((word for word in words if word in JSON_COMMANDS), None)


def _is_json_flag(word: str) -> bool:
    name = word.split("=", 1)[0]
    return len(name) >= 3 and "--json".startswith(name)


def keep_stderr_for_json() -> Callable[[], None]:
    """Route Python's and the libraries' own stderr writers away from stderr (see the
    module docstring); returns what puts them back (``tui.shutdown`` runs it at the end,
    so an in-process caller, a test, gets its process back as it was)."""
    import logging
    import threading
    import warnings

    root = logging.getLogger()
    quiet = logging.NullHandler()  # a handler on the root: the "last resort" is never used
    root.addHandler(quiet)
    shown = warnings.showwarning
    logging.captureWarnings(True)  # warnings become records of "py.warnings": dropped
    unraisable, thread_hook = sys.unraisablehook, threading.excepthook
    sys.unraisablehook = _unraisable
    threading.excepthook = _thread_failed

    def restore() -> None:
        root.removeHandler(quiet)
        if warnings.showwarning is not shown:  # not if they were captured already
            logging.captureWarnings(False)
        sys.unraisablehook = unraisable
        threading.excepthook = thread_hook

    return restore


def _unraisable(unraisable: Any) -> None:
    """``Exception ignored in: ...``: the debug log gets the two class names."""
    _log().debug(
        "exception ignored: %s in %s",
        type(unraisable.exc_value).__name__,
        type(unraisable.object).__name__,
    )


def _thread_failed(args: threading.ExceptHookArgs) -> None:
    """An exception that ended a thread: the debug log gets the thread and the class."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    _log().debug("exception in thread %s: %s", name, args.exc_type.__name__)


def _log() -> Any:
    import logging

    return logging.getLogger(__name__)
