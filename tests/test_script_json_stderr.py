"""``--json``: stdout is JSON, and stderr is empty or exactly one error object, for every
command and every way it can fail (README: "with ``--json`` nothing else is ever written
to stderr, for any command").

Each command runs in-process with its file descriptors captured (``capfd``), so a line
written by ``os.write`` (an interruption) or by a library counts too; what only a real
process shows (Python's "last resort" logger, ``Exception ignored in``, a thread's
traceback) runs in a child process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.script_support import REFUSED, Result, TerminalInput, isolate, run_cli
from tui.demo import elevenlabs
from tui.demo.faults import Fault
from tui.demo.stack import DemoStack
from tui.script.exit_codes import ExitCode
from tui.script.render import ERROR_KEYS

KINDS = {
    "http status",
    "redirect",
    "network",
    "timeout",
    "bad response",
    "usage",
    "agents",
    "check problem",
    "interrupted",
}
"""The README's kinds, and ``interrupted`` (Ctrl+C, SIGTERM, SIGHUP under ``--json``)."""

COMMANDS = {
    "show": ["show"],
    "set": ["set", "sinchEstTrunkId=trunk-9", "--yes"],
    "check": ["check", "elevenlabsApiKey=@env:EL_KEY"],
    "doctor": ["doctor"],
    "numbers": ["numbers"],
    "numbers set": ["numbers", "set", "+14165550101=off", "--yes"],
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("EL_KEY", elevenlabs.GOOD_KEY)


def json_only(result: Result) -> dict[str, Any] | None:
    """Fail unless stdout is empty or one JSON document and stderr is empty or one error
    object with every documented key; the error, if any."""
    if result.out.strip():
        json.loads(result.out)
    if result.err == "":
        return None
    assert result.err.count("\n") == 1 and result.err.endswith("\n"), result.err
    document = json.loads(result.err)
    assert list(document) == ["error"], result.err
    error = document["error"]
    assert list(error) == list(ERROR_KEYS), result.err
    assert error["kind"] in KINDS, error
    assert error["exitCode"] == result.code, error
    assert isinstance(error["details"], list)
    assert error["lines"] and all(isinstance(line, str) for line in error["lines"])
    assert error["summary"], error
    return dict(error)


def demo_faulted(monkeypatch: pytest.MonkeyPatch, fault: Fault, method: str) -> None:
    """Every ``--demo`` started from now on answers ``method`` requests with ``fault``."""
    start = DemoStack.start

    def faulted(self: DemoStack) -> DemoStack:
        started = start(self)
        started.tether.inject(fault, method=method, times=20)
        return started

    monkeypatch.setattr(DemoStack, "start", faulted)


def symlink(tmp_path: Path) -> Path:
    link = tmp_path / "debug.log"
    link.symlink_to(tmp_path / "elsewhere.log")
    return link


# --- argparse: a malformed command line -----------------------------------------------------

MALFORMED = {
    "an unknown option": lambda cmd: [*cmd, "--json", "--bogus"],
    "a bad --timeout": lambda cmd: [*cmd, "--json", "--timeout", "abc"],
    "a bad --timeout before the command": lambda cmd: ["--timeout", "abc", *cmd, "--json"],
    "a bad --max-answer-mb": lambda cmd: [*cmd, "--max-answer-mb", "0", "--json"],
    "--json before the command": lambda cmd: ["--json", *cmd],
    "an argument too many": lambda cmd: [*cmd, "--json", "--demo", "extra"],
    "an option without its value": lambda cmd: [*cmd, "--json", "--url"],
    "an abbreviated --json": lambda cmd: [*cmd, "--js", "--bogus"],
}


@pytest.mark.parametrize("mode", MALFORMED)
@pytest.mark.parametrize("command", COMMANDS)
def test_argument_errors_are_one_usage_object(
    command: str, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capfd, MALFORMED[mode](COMMANDS[command]))
    assert result.code == ExitCode.USAGE, result
    error = json_only(result)
    assert error is not None and error["kind"] == "usage", result
    assert "usage:" not in result.err
    assert result.out == ""


def test_a_usage_object_names_the_help_to_read(capfd: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capfd, ["show", "--json", "--timeout", "abc"])
    error = json_only(result)
    assert error is not None
    assert error["lines"] == ["argument --timeout: not a number of seconds: 'abc'"]
    assert error["hint"] == "see `tether-voice show --help`"
    nested = run_cli(capfd, ["numbers", "set", "--json"])
    error = json_only(nested)
    assert error is not None and error["hint"] == "see `tether-voice numbers set --help`"


def test_help_is_still_text_and_without_json_errors_are_too(
    capfd: pytest.CaptureFixture[str],
) -> None:
    helped = run_cli(capfd, ["show", "--json", "--help"])
    assert helped.code == 0 and helped.out.startswith("usage: tether-voice show")
    plain = run_cli(capfd, ["show", "--timeout", "abc"])
    assert plain.code == ExitCode.USAGE
    assert "tether-voice show: error: argument --timeout" in plain.err
    assert not plain.err.startswith("{")
    logout = run_cli(capfd, ["logout", "--json"])
    assert logout.code == ExitCode.USAGE and "unrecognized arguments: --json" in logout.err
    assert not logout.err.startswith("{"), "logout takes no --json: its errors stay text"


# --- the debug log ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_debug_log_that_cannot_be_written_is_one_usage_object(
    command: str,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    link = symlink(tmp_path)
    by_flag = run_cli(capfd, [*COMMANDS[command], "--json", "--log-file", str(link)])
    error = json_only(by_flag)
    assert error is not None and error["kind"] == "usage", by_flag
    assert "it is a symbolic link" in error["summary"]

    monkeypatch.setenv("TETHER_VOICE_LOG", str(link))
    by_env = run_cli(capfd, [*COMMANDS[command], "--json", "--demo"])
    assert by_env.code == ExitCode.USAGE
    assert json_only(by_env) is not None

    shared = tmp_path / "shared.log"
    shared.write_text("")
    shared.chmod(0o644)
    monkeypatch.setenv("TETHER_VOICE_LOG", str(shared))
    readable = run_cli(capfd, [*COMMANDS[command], "--json", "--demo"])
    error = json_only(readable)
    assert error is not None and "chmod 600" in error["summary"]


# --- the commands' own failures ---------------------------------------------------------------


@pytest.fixture(params=["unreachable", "no token", "no URL", "an unsafe URL", "a broken config"])
def failing(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[list[str]]:
    """Connection options for a way of not reaching Tether."""
    if request.param == "unreachable":
        yield ["--url", REFUSED, "--timeout", "5"]
    elif request.param == "no token":
        monkeypatch.delenv("TETHER_TOKEN")
        yield ["--url", REFUSED]
    elif request.param == "no URL":
        yield []
    elif request.param == "an unsafe URL":
        yield ["--url", "http://tether.example.com"]
    else:
        config = tmp_path / "config.toml"
        config.write_text("[profiles.prod\n")
        monkeypatch.setenv("TETHER_VOICE_CONFIG", str(config))
        yield ["--profile", "prod"]


@pytest.mark.parametrize("command", COMMANDS)
def test_failing_to_reach_tether_is_at_most_one_object(
    command: str, failing: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capfd, [*COMMANDS[command], "--json", *failing])
    json_only(result)
    assert result.code != ExitCode.OK, result


@pytest.mark.parametrize(
    ("fault", "method"),
    [(None, None), (Fault.FORBIDDEN, "POST"), (Fault.UNAVAILABLE_HTML, "GET")],
    ids=["as is", "refusing writes", "failing reads"],
)
@pytest.mark.parametrize("command", COMMANDS)
def test_the_demo_writes_nothing_on_stderr(
    command: str,
    fault: Fault | None,
    method: str | None,
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No "DEMO server at …" line (nor the issuer URLs it ignores) before the JSON."""
    if fault is not None:
        demo_faulted(monkeypatch, fault, str(method))
    result = run_cli(capfd, [*COMMANDS[command], "--json", "--demo"])
    json_only(result)
    assert "DEMO server" not in result.err
    if result.out.strip() and command in ("set", "check", "doctor"):
        notices = json.loads(result.out).get("notices", [])
        assert any(line.startswith("DEMO server at http://127.0.0.1:") for line in notices)


def test_a_refused_toggle_under_the_demo_is_in_the_object_not_on_stderr(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_faulted(monkeypatch, Fault.FORBIDDEN, "POST")
    result = run_cli(capfd, [*COMMANDS["numbers set"], "--json", "--demo"])
    assert result.code == ExitCode.REFUSED
    assert json_only(result) is None
    assert json.loads(result.out)["toggles"][0]["outcome"] == "refused"
    refused = run_cli(capfd, ["numbers", "set", "+19999999999=on", "--json", "--demo", "--yes"])
    error = json_only(refused)
    assert error is not None and error["kind"] == "usage"


@pytest.mark.parametrize("command", ["set", "numbers set"])
def test_json_on_a_terminal_does_not_ask(
    command: str, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question would go to stderr: with --json, --yes (or --dry-run) is needed."""
    argv = [word for word in COMMANDS[command] if word != "--yes"]
    result = run_cli(
        capfd,
        [*argv, "--json", "--demo"],
        stdin=TerminalInput("y\n"),
        monkeypatch=monkeypatch,
    )
    error = json_only(result)
    assert error is not None and error["kind"] == "usage", result
    assert "--yes" in error["summary"] and "Nothing was sent" in error["summary"]
    assert "[y/N]" not in result.err


# --- --demo and the issuer URLs given ----------------------------------------------------------


def test_the_demo_says_which_given_issuer_urls_it_ignores(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TETHER_VOICE_SINCH_AUTH_URL")
    monkeypatch.setenv("TETHER_VOICE_SINCH_EST_URL", "")  # empty: not given
    argv = ["check", "elevenlabsApiKey=@env:EL_KEY", "--demo"]
    result = run_cli(capfd, [*argv, "--elevenlabs-url", "https://no-such-host.invalid"])
    assert result.code == ExitCode.OK, result.err
    ignored = "notice: --demo uses its own stand-ins on loopback; {} is ignored"
    said = result.said
    for name in (
        "--elevenlabs-url",
        "TETHER_VOICE_ELEVENLABS_URL",
        "TETHER_VOICE_SINCH_NUMBERS_URL",
    ):
        assert ignored.format(name) in said
    for name in ("TETHER_VOICE_SINCH_AUTH_URL", "TETHER_VOICE_SINCH_EST_URL"):
        assert name not in said

    quiet = run_cli(
        capfd,
        [*argv, "--elevenlabs-url", "https://no-such-host.invalid", "--json"],
    )
    assert quiet.code == ExitCode.OK and quiet.err == ""
    assert ignored.format("--elevenlabs-url") in json.loads(quiet.out)["notices"]


def test_commands_that_ask_no_issuer_do_not_mention_their_urls(
    capfd: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capfd, ["show", "--demo"])
    assert "DEMO server" in result.err and "is ignored" not in result.err
    unchecked = run_cli(capfd, ["set", "sinchEstTrunkId=trunk-9", "--yes", "--demo", "--no-check"])
    assert unchecked.code == ExitCode.OK and "is ignored" not in unchecked.err


# --- an interruption ------------------------------------------------------------------------


def test_an_interruption_is_one_object_too(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.script.session as session

    async def interrupted(settings: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(session, "_load", interrupted)
    result = run_cli(capfd, ["show", "--json", "--demo"])
    assert result.code == 130
    error = json_only(result)
    assert error is not None and error["kind"] == "interrupted"
    assert error["summary"].startswith(
        "tether-voice: interrupted (Ctrl+C) while loading the configuration from http://"
    )
    from tui.cli import main

    assert main(["show", "--demo"]) == 130  # not run_cli: this line is not wrapped
    assert "tether-voice: interrupted (Ctrl+C) while loading" in capfd.readouterr().err


STARTING = """
import os, signal, sys, time
import tui.cli

def interrupted():  # Ctrl+C before tui.shutdown is in charge
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)

tui.cli.main = interrupted
sys.argv = ["tether-voice", *sys.argv[1:]]
from tui.command import main
main()
"""


@pytest.mark.parametrize("json_output", [True, False])
def test_an_interruption_while_starting_is_one_object_too(json_output: bool) -> None:
    argv = ["doctor", "--json"] if json_output else ["doctor"]
    done = subprocess.run(
        [sys.executable, "-c", STARTING, *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == -signal.SIGINT, done.stderr
    line = "tether-voice: interrupted (Ctrl+C) while starting."
    if not json_output:
        assert done.stderr == f"\n{line}\n"
        return
    error = json_only(Result(130, done.stdout, done.stderr))
    assert error is not None
    assert (error["kind"], error["lines"]) == ("interrupted", [line])


# --- what Python and the libraries write themselves (a real process) ---------------------------

NOISY = """
import logging, sys, threading, warnings
import tui.script.session as session

real = session.load

def noisy(settings):
    warnings.warn("a library's warning", UserWarning)
    logging.getLogger("keyring.backend").error("Error initializing plugin")
    class Loud:
        def __del__(self):
            raise ValueError("ignored in __del__")
    Loud()
    thread = threading.Thread(target=lambda: 1 / 0)
    thread.start()
    thread.join()
    return real(settings)

session.load = noisy
sys.argv = ["tether-voice", *sys.argv[1:]]
from tui.command import main
main()
"""


def run_noisy(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TETHER_", "PYTHON_KEYRING")) and key != "COLUMNS"
    }
    env.update(
        TETHER_TOKEN="a-token-for-a-refused-port",
        XDG_CONFIG_HOME=str(tmp_path / "xdg"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return subprocess.run(
        [sys.executable, "-c", NOISY, "show", "--url", REFUSED, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_warnings_loggers_and_threads_stay_off_stderr_with_json(tmp_path: Path) -> None:
    plain = run_noisy(tmp_path)
    assert plain.returncode == ExitCode.NETWORK, plain.stderr
    for said in ("a library's warning", "Error initializing plugin", "ZeroDivisionError"):
        assert said in plain.stderr, "the test's noise must be noise without --json"
    assert "Exception ignored" in plain.stderr

    quiet = run_noisy(tmp_path, "--json")
    assert quiet.returncode == ExitCode.NETWORK, quiet.stderr
    error = json_only(Result(quiet.returncode, quiet.stdout, quiet.stderr))
    assert error is not None and error["kind"] == "network", quiet.stderr
