"""The scripted commands' line width: the reader's terminal, else 80; nothing ever cut.

Issue 18, item 24: lines ran to 100 characters and an 80-column terminal broke them a
second time. The width is now decided (:mod:`tui.script.width`), and what used to be cut
with "…" to fit (a header's URL, the review's old and new values) is shown whole.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.script_support import isolate, run_cli
from tui.api.models import VoiceAiConfig
from tui.demo.server import DemoServer
from tui.form.state import FormState
from tui.script import width
from tui.script.exit_codes import ExitCode
from tui.script.layout import hanging, labelled, pieces, table
from tui.script.render import emit, review_lines
from tui.script.show import as_text
from tui.script.width import DEFAULT_WIDTH, MIN_WIDTH, decide, line_width

LONG_URL = "https://tether-voice-config.internal.example.com/tenants/acme-corporation/api"
"""Longer than what is left of a line after "Voice AI configuration at ", shorter than 80."""

HUGE_URL = "https://" + "very-long-host-name." * 5 + "example.com/" + "p" * 40
"""Longer than a whole line even at 100 columns: it must be broken, never cut."""

LONG_DOMAIN = "a-very-long-trunk-domain-for-this-organization.elastic-sip.sinch.example.com"


def _no_terminal() -> io.StringIO:
    return io.StringIO()


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, with a descriptor to measure."""

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return 99


def _sized(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    def get_terminal_size(fd: int) -> os.terminal_size:
        assert fd == 99, "the stream written to is the one measured"
        return os.terminal_size((columns, 24))

    monkeypatch.setattr(os, "get_terminal_size", get_terminal_size)


# --- the decision ---------------------------------------------------------------------------


@pytest.mark.parametrize(("columns", "expected"), [("120", 120), ("80", 80), ("60", 60)])
def test_columns_is_an_explicit_choice(columns: str, expected: int) -> None:
    assert decide(_no_terminal(), {"COLUMNS": columns}) == expected


def test_columns_wins_over_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    _sized(monkeypatch, 200)
    assert decide(_Terminal(), {"COLUMNS": "90"}) == 90


@pytest.mark.parametrize("columns", ["", "abc", "0", "-5", "80.5", "99999999"])
def test_a_columns_that_is_no_width_is_ignored(columns: str) -> None:
    assert decide(_no_terminal(), {"COLUMNS": columns}) == DEFAULT_WIDTH


def test_never_narrower_than_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    assert decide(_no_terminal(), {"COLUMNS": "12"}) == MIN_WIDTH == 40
    _sized(monkeypatch, 20)
    assert decide(_Terminal(), {}) == MIN_WIDTH


@pytest.mark.parametrize("columns", [60, 132])
def test_a_terminals_width_when_written_to_one(
    monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    _sized(monkeypatch, columns)
    assert decide(_Terminal(), {}) == columns


def test_80_when_piped_or_unsized(monkeypatch: pytest.MonkeyPatch) -> None:
    assert decide(_no_terminal(), {}) == 80
    assert decide(None, {}) == 80  # no console at all
    _sized(monkeypatch, 0)  # a pty nobody sized
    assert decide(_Terminal(), {}) == 80


def test_a_real_pseudo_terminal_is_measured() -> None:
    leader, follower = pty.openpty()
    try:
        _set_size(follower, 57)
        with open(follower, "w", closefd=False) as stream:
            assert decide(stream, {}) == 57
    finally:
        os.close(leader)
        os.close(follower)


def test_stdout_and_stderr_are_measured_each_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    _sized(monkeypatch, 64)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(sys, "stdout", _Terminal())
    monkeypatch.setattr(sys, "stderr", _no_terminal())
    width.forget()
    try:
        assert (line_width(), line_width(err=True)) == (64, 80)
    finally:
        width.forget()


def test_decided_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal resized halfway through a command does not change its width."""
    monkeypatch.setenv("COLUMNS", "70")
    width.forget()
    try:
        assert line_width() == 70
        monkeypatch.setenv("COLUMNS", "50")
        assert line_width() == 70
    finally:
        width.forget()


# --- a command in a terminal, and piped -------------------------------------------------------


def _set_size(fd: int, columns: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))


def _in_a_terminal(argv: list[str], columns: int, tmp_path: Path) -> tuple[list[str], list[str]]:
    """``tether-voice ARGV`` with stdout on a pseudo-terminal ``columns`` wide and stderr
    on a pipe: (stdout lines, stderr lines)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER") and k != "COLUMNS"}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "xdg")
    leader, follower = pty.openpty()
    _set_size(follower, columns)
    with subprocess.Popen(
        [sys.executable, "-m", "tui", *argv],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
    ) as child:
        os.close(follower)
        out = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready, "the command wrote nothing for a minute"
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        os.close(leader)
        err = child.stderr.read() if child.stderr else b""
        assert child.wait(60) == 0, err
    return out.decode().splitlines(), err.decode().splitlines()


@pytest.mark.skipif(not os.path.exists("/dev/ptmx"), reason="needs pseudo-terminals")
def test_show_in_a_60_column_terminal_fits_it_and_stderr_keeps_80(tmp_path: Path) -> None:
    out, err = _in_a_terminal(["show", "--demo"], 60, tmp_path)
    assert max(map(len, out)) <= 60
    # The table (71 wide) moves its last column under each row: nothing cut.
    assert "  NUMBER        AI   AGENT" in out
    assert "      user 64f0a1b2c3d4e5f6a7b8c9d1" in out
    # stderr is a pipe: 80 ("DEMO server at …" is 82 long).
    assert err[0].startswith("DEMO server at http://127.0.0.1:") and 60 < len(err[0]) <= 80


def test_piped_lines_are_80_wide(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Without a terminal or COLUMNS (a pipe, CI): 80, which run_cli checks on every line;
    doctor's summary (89 characters) wraps, under its text."""
    isolate(monkeypatch, tmp_path)
    result = run_cli(capsys, ["doctor", "--demo"])
    assert result.code == ExitCode.CHECK_PROBLEM, result.err
    summary = result.out.split("\n\n")[-1].splitlines()
    assert summary == [
        "some calls will fail: 10 problem(s) (6 number(s) affected), 5 warning(s), 3",
        "  unknown, 53 ok",
    ]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


@pytest.mark.parametrize("columns", ["40", "60", "120"])
def test_columns_sets_the_width_of_every_command(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    columns: str,
) -> None:
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("COLUMNS", columns)
    for argv in (["show", "--demo"], ["numbers", "--demo"], ["doctor", "--demo"]):
        result = run_cli(capsys, argv)  # which checks every line against COLUMNS
        assert result.code in (ExitCode.OK, ExitCode.CHECK_PROBLEM), result.err
    helped = run_cli(capsys, ["numbers", "set", "--help"])
    assert "1 the server refused a toggle, or misbehaved" in " ".join(helped.out.split())


def test_json_is_never_wrapped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("COLUMNS", "40")
    result = run_cli(capsys, ["numbers", "--demo", "--json"])
    assert any(len(line) > 40 for line in result.out.splitlines())
    assert '"agentName": "Support Desk"' in result.out


# --- nothing cut ----------------------------------------------------------------------------


def _change(before: str, after: str) -> Any:
    loaded = VoiceAiConfig.model_validate({"sinchEstTrunkDomain": before})
    form = FormState.from_loaded(loaded).with_value("sinchEstTrunkDomain", after)
    return form.changes(whole=True)


def _under(lines: list[str], start: int) -> str:
    """The value written from ``lines[start]`` on, its pieces joined again."""
    first = lines[start].lstrip().removeprefix("→ ")
    rest = []
    for line in lines[start + 1 :]:
        if line.lstrip().startswith("→") or _indent(line) < _indent(lines[start]):
            break
        rest.append(line.lstrip())
    return first + "".join(rest)


@pytest.mark.parametrize("columns", [80, 40])
def test_a_long_value_in_the_review_is_shown_whole(columns: int) -> None:
    lines = review_lines(_change("demo-org.elastic-sip.sinch.com", LONG_DOMAIN), LONG_URL, columns)
    assert all(len(line) <= columns for line in lines)
    assert "…" not in "".join(lines)
    name = lines.index("  sinchEstTrunkDomain")
    header = "".join("".join(lines[:name]).split())  # every character, spaces aside
    assert header == f"Willsend1changeto{LONG_URL}:"
    assert _under(lines, name + 1) == '"demo-org.elastic-sip.sinch.com"'
    after = next(i for i, line in enumerate(lines) if line.startswith("    → "))
    assert _under(lines, after) == f'"{LONG_DOMAIN}"'


def test_the_review_at_80_columns_reads_as_before_when_it_fits() -> None:
    short = review_lines(_change("trunk.example.com", "new.example.com"), "https://t", 80)
    assert short == [
        "Will send 1 change to https://t:",
        '  sinchEstTrunkDomain  "trunk.example.com" → "new.example.com"',
    ]
    two = review_lines(_change("a" * 40, "b" * 40), "https://t", 80)
    assert two[1:] == [f'  sinchEstTrunkDomain  "{"a" * 40}"', f'{" " * 23}→ "{"b" * 40}"']


def test_a_value_longer_than_a_line_is_broken_not_cut() -> None:
    """Not shortened to "… (150 characters)" as in the app's review, whose value has one
    line: every character, in pieces of a line."""
    value = "x" * 150
    lines = review_lines(_change("old", value), "https://t", 80)
    assert lines[1:3] == ["  sinchEstTrunkDomain", '    "old"']
    assert lines[3] == '    → "' + "x" * 73
    assert lines[4] == "      " + "x" * 74
    assert lines[5] == "      " + "x" * 3 + '"'
    assert _under(lines, 3) == f'"{value}"'


@pytest.mark.parametrize("columns", [80, 40])
def test_show_gives_a_long_url_and_a_long_value_whole(columns: int) -> None:
    config = VoiceAiConfig.model_validate(
        {"sinchEstTrunkDomain": LONG_DOMAIN, "sinchEstTrunkId": "trunk-1"}
    )
    lines = as_text(config, HUGE_URL, columns)
    assert all(len(line) <= columns for line in lines)
    assert "…" not in "".join(lines)
    header = "".join(
        line.strip() for line in lines[: lines.index("  AI voice provider       none")]
    )
    assert header.replace("Voice AI configuration at ", "") == HUGE_URL
    domain = lines.index("  Sinch EST trunk domain")
    assert _under(lines, domain + 1) == LONG_DOMAIN
    assert "  Sinch EST trunk ID      trunk-1" in lines


def test_emit_wraps_a_hostile_string_at_the_width_escaped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = "Saved — server said: A\x1b]52;c;Y3VybCB4fHNo\x07B \u202eevil\u202c " + "z" * 90
    monkeypatch.setenv("COLUMNS", "40")
    width.forget()
    try:
        emit(hostile)
    finally:
        width.forget()
    out = capsys.readouterr().out
    assert all(len(line) <= 40 for line in out.splitlines())
    assert "\x1b" not in out and "\u202e" not in out
    joined = "".join(line.strip() for line in out.splitlines())
    assert r"A\x1b]52;c;Y3VybCB4fHNo\x07B" in joined and r"\u202eevil\u202c" in joined
    assert joined.endswith("z" * 90)


# --- the layout pieces ---------------------------------------------------------------------


def test_pieces_keep_every_character() -> None:
    assert pieces("abcdefg", 3) == ["abc", "def", "g"]
    assert pieces("", 3) == [""]
    assert "".join(pieces("a  b  c", 2)) == "a  b  c"


def test_labelled_puts_a_long_value_under_its_label() -> None:
    assert labelled("  Trunk  ", "short", 40) == ["  Trunk  short"]
    assert labelled("  Trunk  ", "v" * 40, 40) == ["  Trunk", "    " + "v" * 36, "    vvvv"]


def test_a_table_too_wide_moves_its_last_columns_under_each_row() -> None:
    rows = [("NUMBER", "AI", "USER"), ("+1555", "on", "u" * 30)]
    assert table(rows, 80) == ["  NUMBER  AI  USER", "  +1555   on  " + "u" * 30]
    assert table(rows, 40) == ["  NUMBER  AI", "  +1555   on", "      user " + "u" * 30]


def test_a_continuation_hangs_under_the_text_column_unless_a_word_would_not_fit() -> None:
    line = "  ✓ Sinch key     ok: " + "word " * 20
    wrapped = hanging(line.rstrip(), 60)
    assert all(continued.startswith(" " * 18 + "word") for continued in wrapped[1:])
    url = "https://your-instance.example.com/api/webhook/elevenlabs"  # 56 > 80 - 26
    assert hanging(f"  ✓ Post-call webhook     ok: attached, delivering to {url}", 80) == [
        "  ✓ Post-call webhook     ok: attached, delivering to",
        f"    {url}",
    ]


def test_a_demo_server_long_domain_survives_a_set_review(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """End to end at 40 columns: ``set --dry-run`` shows the new domain whole."""
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("COLUMNS", "40")
    with DemoServer() as server:
        result = run_cli(
            capsys,
            ["set", "--url", server.url, "--dry-run", f"sinchEstTrunkDomain={LONG_DOMAIN}"],
        )
    assert result.code == ExitCode.OK, result.err
    lines = result.out.splitlines()
    after = next(i for i, line in enumerate(lines) if line.startswith("    → "))
    assert _under(lines, after) == f'"{LONG_DOMAIN}"'


# --- wide characters: the width is counted in columns --------------------------------------

WIDE_TEXT = st.text(
    alphabet=st.sampled_from(list("ab ✓→日本語エージェント名😀é")), min_size=0, max_size=300
)


@given(WIDE_TEXT, st.integers(min_value=40, max_value=132))
def test_a_line_with_wide_characters_wraps_within_the_width_in_columns(
    text: str, width: int
) -> None:
    """A server's message in Japanese or with emoji takes two columns a character:
    counted by characters, such a line ran to twice the width."""
    from tui.script.layout import cells, hanging

    line = "  ✓ Agent name        ok: " + text
    wrapped = hanging(line, width)
    assert all(cells(piece) <= width for piece in wrapped), wrapped
    assert "".join("".join(wrapped).split()) == "".join(line.split())  # nothing lost


@given(WIDE_TEXT, st.integers(min_value=2, max_value=80))
def test_a_value_with_wide_characters_breaks_into_whole_pieces(text: str, width: int) -> None:
    from tui.script.layout import cells, pieces

    parts = pieces(text, width)
    assert "".join(parts) == text
    assert all(cells(part) <= width for part in parts)


def test_a_table_with_wide_names_stays_aligned_in_columns() -> None:
    from tui.script.layout import cells, table

    rows = [("Name", "ID", "Note"), ("日本語", "a1", "x"), ("Sales", "a2", "y")]
    lines = table(rows, 80)
    starts = [
        cells(line[: line.index(id_)]) for line, id_ in zip(lines, ["ID", "a1", "a2"], strict=True)
    ]
    assert len(set(starts)) == 1, lines
