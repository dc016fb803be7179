"""Plain text for scripted commands: the review, failures, and errors as JSON.

No colour and no terminal tricks, stable wording, lines of at most :data:`WIDTH`
characters, so output reads the same in a terminal, a CI log and a runbook transcript,
and a diff between two runs shows only what changed. The review's rows are the app's
(:meth:`tui.form.state.FormState.changes`): secrets only ever as the fixed-width mask.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tui.script.exit_codes import ExitCode

if TYPE_CHECKING:
    from tui.api.failures import ApiFailure
    from tui.form.state import Change

WIDTH = 100
NAME_COLUMN = 21
"""Wide enough for the longest wire name (``sinchEstTrunkDomain``) and two spaces."""


def wrap(lines: Iterable[str]) -> list[str]:
    """Each line as is when it fits in :data:`WIDTH`, else wrapped at spaces with its
    continuation indented two more than the line itself."""
    out: list[str] = []
    for line in lines:
        if len(line) <= WIDTH:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        out.extend(
            textwrap.wrap(
                line,
                WIDTH,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return out


def emit(*lines: str, err: bool = False) -> None:
    """Print ``lines`` (wrapped) to stdout, or to stderr with ``err``."""
    print("\n".join(wrap(lines)), file=sys.stderr if err else sys.stdout)


def usage_error(command: str, message: str) -> None:
    """A usage error as argparse words them: ``tether-voice CMD: error: ...``, on stderr."""
    emit(f"tether-voice {command}: error: {message}", err=True)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, ending in "…" when it was longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def review_lines(changes: Sequence[Change], target: str) -> list[str]:
    """What will be sent, one field per line (two when old → new is long): wire name,
    old value or "configured"/"not set", new value or the mask."""
    count = len(changes)
    lines = [fit(f"Will send {count} change{'s' if count != 1 else ''} to {target}:", WIDTH)]
    room = WIDTH - 2 - NAME_COLUMN
    for change in changes:
        name = f"  {change.spec.wire_name:<{NAME_COLUMN}}"
        both = f"{change.before} → {change.after}"
        if len(both) <= room:
            lines.append(name + both)
        else:
            lines.append(name + fit(change.before, room))
            lines.append(" " * len(name) + "→ " + fit(change.after, room - 2))
    return lines


def failure_lines(failure: ApiFailure, prefix: str = "") -> list[str]:
    """The app's explanation of a failure, with a script's next steps (what to run, not
    which key to press): the same lines, worded by :data:`SCRIPT_WORDING`."""
    from tui.api.failures import SCRIPT_WORDING

    lines = failure.lines(SCRIPT_WORDING)
    if prefix:
        lines[0] = f"{prefix}{lines[0]}"
    return [line.rstrip() for line in lines]


def json_error(exit_code: ExitCode, kind: str, lines: Sequence[str], **extra: Any) -> str:
    """An error as one JSON object: ``{"error": {...}}`` with the exit code, a kind, the
    same lines as the text output, and the failure's structured parts when there are."""
    error: dict[str, Any] = {"exitCode": int(exit_code), "kind": kind}
    error.update(extra)
    error["lines"] = list(lines)
    return json.dumps({"error": error}, ensure_ascii=False)


def json_failure(failure: ApiFailure, exit_code: ExitCode, lines: Sequence[str]) -> str:
    """A failed request as JSON: status, server error text, codes and details kept apart
    so a tool need not parse the lines."""
    return json_error(
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
