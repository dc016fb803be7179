"""Plain text for scripted commands: the review, failures, and errors as JSON.

No colour and no terminal tricks, stable wording, lines no longer than the reader's
width (:func:`tui.script.width.line_width`: the terminal's, else 80), so output reads the
same in a terminal, a CI log and a runbook transcript, and a diff between two runs shows
only what changed. Nothing is cut: prose wraps, a value too long for its column goes
under its name (:mod:`tui.script.layout`). The review's rows are the app's
(:meth:`tui.form.state.FormState.changes`): secrets only ever as the fixed-width mask.

Every word a scripted command writes leaves through :func:`emit` (text) or
:func:`emit_json` (``--json``): the lines hold a server's error message, an issuer's
reason, an agent's name, a URL from the configuration, and any of them may carry an
escape sequence (OSC 52 fills the clipboard), a one-byte CSI (U+009B) or a bidi
override. ``emit`` writes each line through :func:`~tui.printable.printable`, so only
our own line breaks break lines; ``emit_json`` writes :func:`~tui.printable.safe_json`.
A command never calls ``print`` itself: one sink, so none is forgotten.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tui.printable import printable, safe_json
from tui.script.exit_codes import ExitCode
from tui.script.layout import VALUE_INDENT, hanging, pieces
from tui.script.width import line_width

if TYPE_CHECKING:
    from tui.api.failures import ApiFailure
    from tui.form.state import Change

NAME_COLUMN = 21
"""Wide enough for the longest wire name (``sinchEstTrunkDomain``) and two spaces."""


def wrap(lines: Iterable[str], width: int | None = None) -> list[str]:
    """Each line as is when it fits in ``width`` (stdout's :func:`line_width` unless
    given), else wrapped at spaces (:func:`~tui.script.layout.hanging`): its continuation
    under the row's text column, or indented two more than the line itself."""
    width = width or line_width()
    return [piece for line in lines for piece in hanging(line, width)]


def _write(text: str, err: bool, end: str = "\n") -> None:
    """``text`` and a newline to stdout (or stderr), flushed: a line reported as it
    happens (a toggle's answer) must not wait in a buffer while the next is sent.

    One line per ``write``: a single write larger than the stream's buffer, cut short by
    a reader that closed the pipe (``numbers | head -1``), loses the rest without an
    error in Python 3.11; the next line's write raises ``BrokenPipeError``, which
    ``tui.command`` turns into the quiet end a pipeline expects.
    """
    stream = sys.stderr if err else sys.stdout
    *whole, last = (text + end).split("\n")
    for line in whole:
        stream.write(line + "\n")
    if last:
        stream.write(last)
    stream.flush()


def emit(*lines: str, err: bool = False) -> None:
    """Print ``lines`` to stdout, or to stderr with ``err``: each escaped with
    :func:`~tui.printable.printable` (a CR, LF or ESC inside one shows as ``\\r``,
    ``\\n``, ``\\x1b``), then wrapped at that stream's width, so the width counts what
    is shown.

    One argument is one line: a caller with text of several lines splits it first.
    Escaping again what a caller escaped changes nothing (a backslash is left alone).
    """
    _write("\n".join(wrap((printable(line) for line in lines), line_width(err))), err)


def emit_question(question: str) -> None:
    """A question on stderr, escaped, the cursor left after it for the answer."""
    _write(printable(question), err=True, end="")


def emit_json(value: Any, *, err: bool = False, indent: int | None = 2) -> None:
    """One JSON document, for tools: :func:`~tui.printable.safe_json` (a control or
    format character as a ``\\uXXXX`` escape, parsed back to the same value), never
    wrapped."""
    _write(safe_json(value, indent=indent), err)


def usage_error(command: str, message: str) -> None:
    """A usage error as argparse words them: ``tether-voice CMD: error: ...``, on stderr."""
    emit(f"tether-voice {command}: error: {message}", err=True)


def review_lines(changes: Sequence[Change], target: str, width: int | None = None) -> list[str]:
    """What will be sent, one field per line: wire name, old value or "configured"/"not
    set", new value or the mask; none ever cut, for a review is read for its values.

    Old → new beside the name when both fit; else old beside it and → new under it;
    else the name alone and each value on lines of its own under it, broken only where a
    value is longer than a whole line (``width``: stdout's unless given)."""
    width = width or line_width()
    count = len(changes)
    head = f"Will send {count} change{'s' if count != 1 else ''} to {printable(target)}:"
    lines = wrap([head], width)
    for change in changes:
        name = f"  {change.spec.wire_name:<{NAME_COLUMN}}"
        before, after = printable(change.before), printable(change.after)
        room = width - len(name)
        if len(before) + 3 + len(after) <= room:
            lines.append(f"{name}{before} → {after}")
        elif len(before) <= room and 2 + len(after) <= room:
            lines.append(name + before)
            lines.append(" " * len(name) + "→ " + after)
        else:
            lines.append(name.rstrip())
            room = width - len(VALUE_INDENT)
            lines.extend(VALUE_INDENT + piece for piece in pieces(before, room))
            first, *rest = pieces(after, room - 2)
            lines.append(f"{VALUE_INDENT}→ {first}")
            lines.extend(f"{VALUE_INDENT}  {piece}" for piece in rest)
    return lines


def failure_lines(failure: ApiFailure, prefix: str = "") -> list[str]:
    """The app's explanation of a failure, with a script's next steps (what to run, not
    which key to press): the same lines, worded by :data:`SCRIPT_WORDING`."""
    from tui.api.failures import SCRIPT_WORDING

    lines = failure.lines(SCRIPT_WORDING)
    if prefix:
        lines[0] = f"{prefix}{lines[0]}"
    return [line.rstrip() for line in lines]


ERROR_KEYS = (
    "exitCode",
    "kind",
    "operation",
    "status",
    "serverError",
    "errorCode",
    "code",
    "details",
    "summary",
    "hint",
    "lines",
)
"""The documented error object's keys: every error carries all of them (null where they
do not apply), so a tool reads one shape whatever went wrong."""


def error_text(exit_code: int, kind: str, lines: Sequence[str], **extra: Any) -> str:
    """The error object as one line of JSON: ``{"error": {...}}`` with every key of
    :data:`ERROR_KEYS`: the exit code, a kind, the same lines as the text output, and the
    failure's structured parts when there are (null otherwise).

    Also what ``tui.shutdown`` writes for an interruption under ``--json``: a pure
    function of its arguments, so it can run while a signal ends the command."""
    error: dict[str, Any] = dict.fromkeys(ERROR_KEYS)
    error.update(extra, exitCode=int(exit_code), kind=kind, lines=list(lines))
    if error["details"] is None:
        error["details"] = []
    if error["summary"] is None and lines:
        error["summary"] = lines[0]
    return safe_json({"error": error}, indent=None)


def json_error(exit_code: ExitCode, kind: str, lines: Sequence[str], **extra: Any) -> None:
    """An error as one JSON object on stderr, on one line (:func:`error_text`)."""
    _write(error_text(exit_code, kind, lines, **extra), err=True)


def json_failure(failure: ApiFailure, exit_code: ExitCode, lines: Sequence[str]) -> None:
    """A failed request as JSON on stderr: status, server error text, codes and details
    kept apart so a tool need not parse the lines."""
    json_error(
        exit_code,
        failure.kind.value,
        lines,
        operation=failure.operation.value,
        status=failure.status,
        serverError=failure.error,
        errorCode=failure.error_code,
        code=failure.code,
        details=list(failure.details),
        summary=failure.summary,
        hint=lines[-1].removeprefix("Next: ") if lines else "",
    )
