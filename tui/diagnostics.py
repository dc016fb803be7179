"""What a bug report needs: the versions (``--version``) and a debug log on request.

The log (``--log-file PATH`` or ``TETHER_VOICE_LOG``) is for "why was it slow / why did
it fail" on a host you cannot watch: each request's method, path, status and time; the
TLS trust and proxy chosen for each client; the keyring backend and how long each
keyring call took; the signal that ended a run. What it never holds, by construction:

- **no secret, token, password or body.** Only the ``tui`` loggers are written, and
  they log fixed paths, status codes, field *names*, class names of exceptions (never
  their messages, which may quote what they were given) and proxy URLs without their
  credentials. httpx and httpcore loggers are not attached: their trace lines include
  response headers (a ``Set-Cookie`` is a secret too). The leak tests read this file.
- **not readable by others.** The file is created with mode 0600 by ``os.open`` itself,
  never created wider and narrowed afterwards; an existing file that others can read
  is refused (chmod it, or remove it) rather than appended to. Symbolic links are not
  followed, so a link planted in a shared directory cannot redirect the log.
- **not on the screen.** A file only: a log line on stderr would land in the Textual
  screen.
- **one record, one line, no control character.** A logged value may come from a
  server (a role, a status line) or the configuration (a URL, a keyring entry): a newline
  in it would forge a line that looks like ours, an ESC would act when the file is
  ``cat``-ed. :class:`EscapingFormatter` writes every record through
  :func:`~tui.printable.printable`, traceback included (its line breaks as ``\\n``).

This module is imported only when a log or ``--version`` is asked for.
"""

from __future__ import annotations

import errno
import logging
import os
import platform
import stat
from importlib import metadata
from pathlib import Path
from typing import TextIO

from tui.printable import printable

LOG_ENV = "TETHER_VOICE_LOG"

LOGGER = "tui"
"""The package's loggers: every ``logging.getLogger(__name__)`` under ``tui``."""

_FORMAT = "%(asctime)s.%(msecs)03d %(levelname)s %(name)s [%(threadName)s] %(message)s"


class EscapingFormatter(logging.Formatter):
    """The usual formatter, whose whole output is then escaped onto one line.

    The whole record rather than the message alone: an exception's text and a stack
    are appended after line breaks, and they quote what they were given as freely.
    Our own parts (time, level, logger name) hold nothing to escape.
    """

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


class LogFileError(Exception):
    """The log file cannot be opened safely; the message says why and what to do."""


def versions() -> dict[str, str]:
    """tether-voice and the libraries whose behaviour matters most, from their metadata."""
    found: dict[str, str] = {}
    for name in ("tether-voice", "textual", "httpx", "pydantic", "keyring"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def version_text() -> str:
    """What ``--version`` prints."""
    found = versions()
    return (
        f"tether-voice {found.pop('tether-voice')}\n"
        f"Textual {found['textual']}, httpx {found['httpx']}, pydantic {found['pydantic']}, "
        f"keyring {found['keyring']}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()}) "
        f"on {platform.system()} {platform.machine()}"
    )


def start_log(path: Path, command: str) -> logging.Handler:
    """Send the ``tui`` loggers' DEBUG records to ``path`` (appended); returns the handler.

    Raises:
        LogFileError: the file cannot be created or opened, or others can read it.
    """
    stream = _open_private(path.expanduser())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(EscapingFormatter(_FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    found = versions()
    logger.debug(
        "start: %s %s, Textual %s, httpx %s, pydantic %s, keyring %s, Python %s; pid %d; "
        "command %s",
        "tether-voice",
        found["tether-voice"],
        found["textual"],
        found["httpx"],
        found["pydantic"],
        found["keyring"],
        platform.python_version(),
        os.getpid(),
        command,
    )
    return handler


def stop_log(handler: logging.Handler) -> None:
    """Detach and close the handler (the command is over; tests start several)."""
    logging.getLogger(LOGGER).removeHandler(handler)
    handler.close()


def _open_private(path: Path) -> TextIO:
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            reason = "it is a symbolic link"
        raise LogFileError(f"cannot write the debug log to {path}: {reason}.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LogFileError(f"cannot write the debug log to {path}: not a regular file.")
        if info.st_mode & 0o077:
            raise LogFileError(
                f"the debug log {path} can be read by other users "
                f"(mode {stat.S_IMODE(info.st_mode):o}): run chmod 600 on it, or remove it."
            )
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise LogFileError(f"the debug log {path} belongs to another user: remove it.")
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "a", encoding="utf-8", buffering=1)
