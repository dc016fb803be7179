"""The exit status of ``show``, ``set`` and ``check``: one number per kind of outcome.

Distinct codes let a runbook react without parsing text: retry on 3, page someone on
1, fix the command on 2, treat 4 as "already done", fix the credential on 5. Documented
in the README's Scripting section; changing a value breaks the scripts that test for it.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.api.failures import ApiFailure


class ExitCode(IntEnum):
    """What a scripted command's exit status means."""

    OK = 0
    """Shown, or saved (a warning about the re-read after a save still exits 0)."""

    REFUSED = 1
    """The server answered, but not with success: a 4xx/5xx, a 200 that reports a
    failure, a redirect, or an answer that is not the contract's."""

    USAGE = 2
    """The command cannot run as given: unknown field, a secret on the command line,
    no URL or token, an unsafe URL, no terminal to confirm on. Nothing was sent."""

    NETWORK = 3
    """No answer: connection refused, DNS, TLS, proxy, dropped connection, timeout.
    After a timeout during a save, the save may or may not have been applied."""

    NOTHING_TO_CHANGE = 4
    """Nothing was sent: every value given equals the server's, or the confirmation
    was answered with no."""

    CHECK_PROBLEM = 5
    """A credential check found a definite problem (ElevenLabs or Sinch said so). ``set``
    sent nothing, unless ``--send-anyway``; ``check`` found the credential wanting."""

    NOT_ALL_CHECKED = 6
    """``check`` only: no definite problem, but not everything could be checked (no
    route, a timeout, an IP allow-list, a busy issuer, a stored secret)."""

    INTERRUPTED = 130
    """Ctrl+C (the shell's usual 128 + SIGINT; SIGTERM is 143 and SIGHUP 129, by the same
    rule, see ``tui.shutdown``). A save interrupted on its way may or may not have been
    applied: the line printed says so."""


def for_failure(failure: ApiFailure) -> ExitCode:
    """The exit status for a failed request: no answer is 3, any answer that is not
    success is 1 (the server, or something in front of it, refused or misbehaved)."""
    from tui.api.failures import FailureKind

    if failure.kind in (FailureKind.NETWORK, FailureKind.TIMEOUT):
        return ExitCode.NETWORK
    if failure.kind is FailureKind.NOT_SENT:
        return ExitCode.USAGE
    return ExitCode.REFUSED
