"""The debug log: one record is one line, and no control character reaches the file.

A logged value may come from a server (a role after sign-in) or from the configuration
(a URL, a keyring entry). Before :class:`tui.diagnostics.EscapingFormatter`, a newline
in Tether's ``accessRole`` wrote a second line that read like one of ours, and an ESC
landed in the file, acting when it was ``cat``-ed or ``tail -f``-ed.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.diagnostics import start_log, stop_log
from tui.printable import UNSAFE

FORGED = "\n2026-01-01 00:00:00.000 DEBUG tui.api.auth [MainThread] signed in; role SUPERADMIN"
TITLE = "\x1b]0;x\x07"
LINE_START = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ")


def logged(path: Path, message: str, *args: object, exc_info: bool = False) -> list[str]:
    """The lines the record adds to a fresh log at ``path`` (the start line left out)."""
    handler = start_log(path, "test")
    try:
        logging.getLogger("tui.test").debug(message, *args, exc_info=exc_info)
    finally:
        stop_log(handler)
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n")
    return text.splitlines()[1:]


def test_a_forged_line_and_an_escape_stay_in_one_visible_line(tmp_path: Path) -> None:
    lines = logged(tmp_path / "tv.log", "signed in; role %s %s", FORGED, TITLE)
    assert len(lines) == 1, lines
    (line,) = lines
    assert LINE_START.match(line)
    assert line.endswith(
        r"signed in; role \n2026-01-01 00:00:00.000 DEBUG tui.api.auth [MainThread] signed in; "
        r"role SUPERADMIN \x1b]0;x\x07"
    )
    assert "\x1b" not in line and "\x07" not in line


def test_an_exception_s_text_is_on_the_records_line(tmp_path: Path) -> None:
    try:
        raise ValueError(f"a message quoting {TITLE}{FORGED}")
    except ValueError:
        lines = logged(tmp_path / "tv.log", "failed", exc_info=True)
    assert len(lines) == 1, lines
    assert r"\nTraceback (most recent call last):" in lines[0]
    assert r"ValueError: a message quoting \x1b]0;x\x07\n2026-01-01" in lines[0]


def test_bidi_c1_and_separators_are_escaped_too(tmp_path: Path) -> None:
    value = "role\u202eNIMDA\x9b31m\u2028\r\u200b"
    (line,) = logged(tmp_path / "tv.log", "role %s", value)
    assert line.endswith(r"role role\u202eNIMDA\x9b31m\u2028\r\u200b")


def test_ordinary_text_is_written_as_it_is(tmp_path: Path) -> None:
    (line,) = logged(tmp_path / "tv.log", "GET %s -> %s in %.0f ms", "/api/x", 200, 12.0)
    assert line.endswith("DEBUG tui.test [MainThread] GET /api/x -> 200 in 12 ms")
    (line,) = logged(tmp_path / "tv2.log", "client for %s", "https://tëther.example/café")
    assert line.endswith("client for https://tëther.example/café")


@settings(max_examples=200, deadline=None)
@given(value=st.text())
def test_any_value_is_one_line_with_no_unsafe_character(value: str) -> None:
    """Hypothesis: whatever a logged argument holds, the record is one line of the file."""
    with tempfile.TemporaryDirectory() as folder:
        lines = logged(Path(folder) / "tv.log", "value %s", value)
    assert len(lines) == 1, lines
    assert [m.group() for m in UNSAFE.finditer(lines[0])] == []
    assert LINE_START.match(lines[0])
