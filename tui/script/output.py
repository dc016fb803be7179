"""Where a scripted command's words go: plain lines as it works, or one JSON object.

Text mode prints as the command goes (the review before the question, as a person
needs it); ``--json`` keeps stdout for one object printed at the end, turns notices and
warnings into a list in it, and writes an error as one JSON object on stderr. One
command flow serves both: it calls these methods and never prints by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.script.exit_codes import ExitCode
from tui.script.render import (
    emit,
    emit_json,
    failure_lines,
    json_error,
    json_failure,
    usage_error,
)

if TYPE_CHECKING:
    from tui.api.failures import ApiFailure


@dataclass
class ScriptOutput:
    """One command's output, in text or JSON."""

    command: str
    json_output: bool = False
    report: dict[str, Any] = field(default_factory=dict)

    def out(self, *lines: str) -> None:
        """Results, for stdout (text mode only: JSON carries them in ``report``)."""
        if not self.json_output and lines:
            emit(*lines)

    def note(self, *lines: str) -> None:
        """Notices and warnings: stderr, or the report's ``notices``."""
        if not lines:
            return
        if self.json_output:
            self.report.setdefault("notices", []).extend(lines)
        else:
            emit(*lines, err=True)

    def progress(self, line: str) -> None:
        """What the command is doing while a person waits: stderr in text mode; nothing
        with ``--json``, whose stderr carries only the one JSON error object, if any."""
        if not self.json_output:
            emit(line, err=True)

    def usage(self, message: str) -> ExitCode:
        if self.json_output:
            json_error(ExitCode.USAGE, "usage", [message])
        else:
            usage_error(self.command, message)
        return ExitCode.USAGE

    def failed(self, failure: ApiFailure, code: ExitCode, prefix: str, *more: str) -> ExitCode:
        lines = failure_lines(failure, prefix)
        if self.json_output:
            json_failure(failure, code, lines)
        else:
            emit(*lines, *more, err=True)
        return code

    def refused(self, code: ExitCode, kind: str, *lines: str) -> ExitCode:
        """Stopped on purpose (a check found a problem): the lines on stderr, as an error
        object with ``--json``; the report, as far as it got, still goes to stdout."""
        if self.json_output:
            json_error(code, kind, list(lines))
        else:
            emit(*lines, err=True)
        return code

    def finish(self, code: ExitCode) -> ExitCode:
        """Print the report (``--json``) and return ``code``."""
        if self.json_output and self.report:
            emit_json(self.report)
        return code
