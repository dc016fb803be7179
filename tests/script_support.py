"""Helpers for the scripted commands' tests: run ``main([...])`` in-process, isolated."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from keyring.backends import fail

from tests.keyrings import use_keyring
from tui.cli import main
from tui.demo.server import SUPERADMIN_TOKEN
from tui.script import width


def line_width() -> int:
    """The width a command's plain text may take here, by the rule of
    :mod:`tui.script.width` restated: a test's output is captured, never a terminal, so
    ``COLUMNS`` when a test sets it (never under 40), else 80."""
    columns = os.environ.get("COLUMNS", "")
    return max(40, int(columns)) if columns.isdigit() and int(columns) > 0 else 80


REFUSED = "http://127.0.0.1:9"
"""Nothing listens on the discard port on loopback: a check sent there is refused at once."""


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No TETHER_* (nor COLUMNS) from the developer's shell, no config file, no keyring;
    a demo token.

    The credential checks' issuers point at a refused loopback port: no test ever asks
    the real ElevenLabs or Sinch, even one that forgets to point them at the stand-ins.
    """
    for name in (
        "COLUMNS",
        "TETHER_URL",
        "TETHER_TOKEN",
        "TETHER_PROFILE",
        "TETHER_VOICE_CONFIG",
        "TETHER_VOICE_MAX_ANSWER_MB",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in (
        "TETHER_VOICE_ELEVENLABS_URL",
        "TETHER_VOICE_SINCH_AUTH_URL",
        "TETHER_VOICE_SINCH_EST_URL",
        "TETHER_VOICE_SINCH_NUMBERS_URL",
    ):
        monkeypatch.setenv(name, REFUSED)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    use_keyring(monkeypatch, fail.Keyring())
    monkeypatch.setenv("TETHER_TOKEN", SUPERADMIN_TOKEN)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


class TerminalInput(io.StringIO):
    """Standard input that says it is a terminal, holding what the user will type."""

    def isatty(self) -> bool:
        return True


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err

    @property
    def said(self) -> str:
        """stderr with wrapped lines joined again, to look for a sentence."""
        return " ".join(self.err.split())


Cli = Callable[..., Result]
"""A test's ``cli(*args, stdin=...)``: one command against the demo server."""


def run_cli(
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    *,
    stdin: io.StringIO | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> Result:
    """``main(argv)`` with ``stdin`` in place; argparse's own exits count as results."""
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", stdin)
    capsys.readouterr()
    width.forget()  # each command decides its width, as a new process would
    try:
        code = main(argv)
    except SystemExit as stopped:
        code = int(stopped.code or 0)
    finally:
        width.forget()
    captured = capsys.readouterr()
    # JSON is for tools: its lines are as long as its strings; the width is for the
    # plain text (a --json command's notices on stderr keep it).
    json_out = "--json" in argv or _is_json(captured.out)
    text = captured.err if json_out else captured.out + captured.err
    limit = line_width()
    for line in text.splitlines():
        if not line.startswith('{"error"'):  # JSON errors are one line by design
            assert len(line) <= limit, f"line longer than {limit}: {line!r}"
    assert "ctrl+" not in captured.out + captured.err, "a script was told to press a key"
    return Result(int(code), captured.out, captured.err)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return bool(text.strip())
