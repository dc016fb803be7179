"""``--version`` and the debug log: what a bug report needs, and nothing a leak needs.

The leak harness (``test_secret_leaks.py``) searches the log of whole sessions for every
secret; these tests pin the file's safety and what each line says.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui.api.transport import describe_proxy
from tui.cli import main
from tui.diagnostics import LogFileError, start_log, stop_log, version_text


def test_version_names_the_app_textual_httpx_and_python(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    first, libraries, python = out.splitlines()
    assert first.startswith("tether-voice 0.")
    assert libraries.startswith("Textual 8.") and "httpx 0." in libraries
    assert python.startswith(f"Python {sys.version_info.major}.{sys.version_info.minor}.")
    assert out.strip() == version_text()


def test_no_log_and_no_version_cost_nothing_at_startup() -> None:
    """Neither the log module nor the package metadata is loaded unless asked for."""
    code = (
        "import sys; from tui.cli import _parser; _parser().parse_args(['--url', 'x']); "
        "print([m for m in ('tui.diagnostics', 'importlib.metadata') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_new_log_file_is_created_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "tv.log"
    old_umask = os.umask(0)  # even with a umask that would let everyone read it
    try:
        handler = start_log(path, "test")
    finally:
        os.umask(old_umask)
    try:
        logging.getLogger("tui.test").debug("a line with %s", "an argument")
    finally:
        stop_log(handler)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    assert "start: tether-voice" in lines[0] and "command test" in lines[0]
    assert lines[1].endswith("DEBUG tui.test [MainThread] a line with an argument")


def test_an_existing_private_log_is_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "tv.log"
    for run in ("first", "second"):
        stop_log(start_log(path, run))
    assert [line.split("command ")[-1] for line in path.read_text().splitlines()] == [
        "first",
        "second",
    ]


def test_a_log_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tv.log"
    path.write_text("")
    path.chmod(0o644)
    with pytest.raises(LogFileError, match=r"can be read by other users \(mode 644\)"):
        start_log(path, "test")
    assert path.read_text() == "", "nothing was written"


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("")
    target.chmod(0o600)
    link = tmp_path / "tv.log"
    link.symlink_to(target)
    # Not the OS's "Too many levels of symbolic links" (issue 18, item 25).
    with pytest.raises(LogFileError, match=r"tv.log: it is a symbolic link\.$"):
        start_log(link, "test")


def test_the_log_file_is_accepted_after_the_command_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the other connection options are: ``show --log-file X`` (issue 18, item 25)."""
    path = tmp_path / "tv.log"
    assert main(["show", "--demo", "--log-file", str(path)]) == 0
    assert "command show" in path.read_text()
    assert "unrecognized arguments" not in capsys.readouterr().err


def test_version_help_names_every_library_it_prints(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "Textual, httpx, pydantic, keyring and Python" in help_text


def test_a_bad_demo_fault_is_one_line_without_the_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for spec, words in (
        ("bogus", "unknown fault kind in 'bogus'; known kinds: 401"),
        ("nope:401", "unknown server 'nope'"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(["demo-server", "--fault", spec])
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert words in err and "usage:" not in err and len(err.splitlines()) == 1


def test_a_log_that_cannot_be_written_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-dir" / "tv.log"
    with pytest.raises(SystemExit) as stopped:
        main(["--log-file", str(missing), "--url", "https://t.example.com", "--show-settings"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"cannot write the debug log to {missing}: No such file or directory" in err


def test_the_environment_asks_for_the_log_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tv.log"
    monkeypatch.setenv("TETHER_VOICE_LOG", str(path))
    monkeypatch.setenv("TETHER_VOICE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("")
    monkeypatch.setenv("TETHER_TOKEN", "diagnostics-token-77")
    assert main(["--url", "https://t.example.com", "--show-settings"]) == 0
    text = path.read_text()
    assert "command app" in text and "diagnostics-token-77" not in text
    assert not logging.getLogger("tui").handlers, "the handler went with the command"


@pytest.mark.parametrize(
    ("env", "url", "said"),
    [
        ({}, "https://t.example.com", "direct (no proxy in the environment)"),
        (
            {"HTTPS_PROXY": "http://user:s3cret@proxy.corp:3128"},
            "https://t.example.com",
            "through the proxy http://proxy.corp:3128 (its credentials not shown)",
        ),
        (
            {"https_proxy": "proxy.corp:8080", "NO_PROXY": ".example.com"},
            "https://t.example.com",
            "direct (NO_PROXY covers t.example.com)",
        ),
        (
            {"ALL_PROXY": "socks5://p:1080"},
            "http://t.example.com",
            "through the proxy socks5://p:1080",
        ),
    ],
)
def test_the_proxy_choice_is_logged_without_credentials(
    env: dict[str, str], url: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert describe_proxy(url) == said
