"""Ctrl+C, SIGTERM and SIGHUP sent to real processes of every command, at the moments
that matter: one line saying what was interrupted, never a traceback, ended by the
signal (the shell shows 128 + N), and no process left behind.

Each test waits for a moment it can observe (a keyring call under way, a request held
by the demo server, a line on the screen) before it sends the signal; the only bounds
on time are generous upper ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import LIMIT, ROOT, Terminal, clean_env, tether_voice, wait_until
from tui.demo.faults import Fault
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer

HANGING = "tests.keyring_backends.HangingKeyring"
SIGNALS = {"SIGINT": 130, "SIGTERM": 143, "SIGHUP": 129}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path)


def assert_group_gone(pid: int) -> None:
    """The child led its own process group: nothing of it may be left."""
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


def assert_clean_end(code: int | None, err: str, signame: str) -> None:
    assert "Traceback" not in err, err
    assert code == -getattr(signal, signame), f"exit {code}: {err}"


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    """Every process a test starts is ended and reaped, whatever the test did."""
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(LIMIT)


def spawn(
    started: list[subprocess.Popen[str]], argv: list[str], env: dict[str, str]
) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started.append(process)
    return process


def marker(tmp_path: Path, env: dict[str, str]) -> Path:
    """A file the hanging test keyring creates when a call starts: the wait is under way."""
    path = tmp_path / "keyring-called"
    env["TETHER_TEST_KEYRING_MARK"] = str(path)
    return path


# --- scripts and a keyring that does not answer -------------------------------------------


@pytest.mark.parametrize("command", [["show"], ["set", "sinchEstTrunkId=t-1", "--yes"]])
def test_scripts_give_up_on_the_keyring_at_the_deadline_and_send_nothing(
    command: list[str], env: dict[str, str], demo_server: DemoServer
) -> None:
    env.update(PYTHON_KEYRING_BACKEND=HANGING, TETHER_VOICE_KEYRING_TIMEOUT="0.5")
    started = time.monotonic()
    result = subprocess.run(
        tether_voice("--url", demo_server.url, *command),
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert time.monotonic() - started < 0.5 + LIMIT / 2
    assert result.returncode == 2
    name = command[0]
    assert " ".join(result.stderr.split()) == (  # one line, wrapped at 80 (a pipe)
        f"tether-voice {name}: error: the OS keyring did not answer within 0.5 s; "
        "set TETHER_TOKEN to skip it."
    )
    assert result.stdout == ""
    assert demo_server.requests == [], "no request without a token"


def test_show_waits_the_default_3_s_for_the_keyring(
    env: dict[str, str], demo_server: DemoServer
) -> None:
    env.update(PYTHON_KEYRING_BACKEND=HANGING)
    started = time.monotonic()
    result = subprocess.run(
        tether_voice("--url", demo_server.url, "show"),
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    took = time.monotonic() - started
    assert 3.0 <= took < 3.0 + LIMIT / 2
    assert result.returncode == 2
    said = " ".join(result.stderr.split())  # wrapped at 80 (a pipe)
    assert "did not answer within 3 s; set TETHER_TOKEN to skip it." in said


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("tests.keyring_backends.HangingDiscoveryKeyring", "did not answer within 0.5 s"),
        ("tests.keyring_backends.LockedKeyring", "failed (KeyringLocked)"),
        ("tests.keyring_backends.PromptingKeyring", "asks for its own password"),
    ],
    ids=["discovery-hangs", "raises", "prompts"],
)
def test_logout_says_why_nothing_was_removed(backend: str, words: str, env: dict[str, str]) -> None:
    env.update(PYTHON_KEYRING_BACKEND=backend, TETHER_VOICE_KEYRING_TIMEOUT="0.5")
    result = subprocess.run(
        tether_voice("logout", "--profile", "prod"),
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "nothing was removed for 'prod'" in result.stderr
    assert "Please enter password" not in result.stdout + result.stderr
    assert "collection locked" not in result.stderr, "the backend's own words may quote secrets"


def test_show_settings_reports_a_keyring_that_does_not_answer(env: dict[str, str]) -> None:
    env.update(PYTHON_KEYRING_BACKEND=HANGING, TETHER_VOICE_KEYRING_TIMEOUT="0.5")
    result = subprocess.run(
        tether_voice("--url", "https://tether.example.com", "--show-settings"),
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  token +unknown$", result.stdout, re.M)
    assert "did not answer within 0.5 s" in result.stdout
    assert re.search(
        r"^  keyring_timeout +0\.5 s  \(TETHER_VOICE_KEYRING_TIMEOUT\)$", result.stdout, re.M
    )


# --- signals to the scripts ---------------------------------------------------------------


@pytest.mark.parametrize("signame", list(SIGNALS))
def test_a_signal_during_the_keyring_wait(
    signame: str,
    env: dict[str, str],
    tmp_path: Path,
    started: list[subprocess.Popen[str]],
) -> None:
    called = marker(tmp_path, env)
    env.update(PYTHON_KEYRING_BACKEND=HANGING, TETHER_VOICE_KEYRING_TIMEOUT="60")
    process = spawn(started, tether_voice("--url", "http://127.0.0.1:9", "show"), env)
    wait_until(called.exists, "the keyring call")
    sent = time.monotonic()
    process.send_signal(getattr(signal, signame))
    _out, err = process.communicate(timeout=LIMIT)
    assert time.monotonic() - sent < LIMIT / 2, "the 60 s wait was cut short"
    assert_clean_end(process.returncode, err, signame)
    assert err.strip().endswith(
        "while waiting for the OS keyring to return the stored token (nothing was changed)."
    )
    assert len(err.strip().splitlines()) == 1
    assert_group_gone(process.pid)


def test_ctrl_c_during_a_load(
    env: dict[str, str], demo_server: DemoServer, started: list[subprocess.Popen[str]]
) -> None:
    demo_server.inject(Fault.DELAY, delay_seconds=60)
    env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
    process = spawn(started, tether_voice("--url", demo_server.url, "show"), env)
    wait_until(lambda: not demo_server.pending_faults(), "the GET held by the server")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=LIMIT)
    assert_clean_end(process.returncode, err, "SIGINT")
    assert err.strip() == (
        f"tether-voice: interrupted (Ctrl+C) while loading the configuration from "
        f"{demo_server.url} (nothing was changed)."
    )
    assert out == ""
    assert_group_gone(process.pid)


def test_a_reader_that_stops_early_ends_a_listing_quietly(
    env: dict[str, str], started: list[subprocess.Popen[str]]
) -> None:
    """``numbers | head -1``: the reader going away is how a pipeline says "enough".
    The command ends as by SIGPIPE (the shell shows 141), with nothing on stderr; it
    printed Python's BrokenPipeError traceback and exited 1."""
    from tui.demo.server import DemoState

    with DemoServer(state=DemoState.with_numbers(3000)) as server:
        env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
        process = spawn(started, tether_voice("--url", server.url, "numbers"), env)
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()  # more than a pipe holds is on its way
        process.stdout.close()
        err = process.stderr.read()
        process.wait(LIMIT)
    assert err == ""
    assert process.returncode == -signal.SIGPIPE
    assert_group_gone(process.pid)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_signal_during_a_save_says_its_outcome_is_unknown(
    signame: str,
    env: dict[str, str],
    demo_server: DemoServer,
    started: list[subprocess.Popen[str]],
) -> None:
    demo_server.inject(Fault.DELAY, method="POST", delay_seconds=60)
    env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
    argv = tether_voice("--url", demo_server.url, "set", "sinchEstTrunkId=trunk-sig", "--yes")
    process = spawn(started, argv, env)
    wait_until(lambda: not demo_server.pending_faults(), "the POST held by the server")
    process.send_signal(getattr(signal, signame))
    out, err = process.communicate(timeout=LIMIT)
    assert_clean_end(process.returncode, err, signame)
    assert err.strip().splitlines()[-1] == (
        f"tether-voice: {'stopped by SIGTERM' if signame == 'SIGTERM' else 'interrupted (Ctrl+C)'}"
        f" while saving to {demo_server.url}: its outcome is unknown — check with "
        "`tether-voice show`."
    )
    assert "Will send 1 change" in out
    assert_group_gone(process.pid)


@pytest.mark.parametrize("signame", list(SIGNALS))
def test_the_demo_server_stops_on_any_signal(
    signame: str, env: dict[str, str], started: list[subprocess.Popen[str]]
) -> None:
    process = spawn(started, tether_voice("demo-server", "--port", "0"), env)
    assert process.stdout is not None
    banner = ""
    while "Ctrl+C to stop." not in banner:
        line = process.stdout.readline()
        assert line, banner
        banner += line
    process.send_signal(getattr(signal, signame))
    _out, err = process.communicate(timeout=LIMIT)
    assert_clean_end(process.returncode, err, signame)
    assert err.strip().endswith("while running the demo servers (they have stopped).")
    assert_group_gone(process.pid)


@pytest.mark.parametrize("signame", list(SIGNALS))
def test_the_shell_sees_128_plus_the_signal_number(
    signame: str, env: dict[str, str], tmp_path: Path
) -> None:
    """Ended by the signal itself, so a shell reports 128 + N (and a loop would stop).

    ``set -m`` (bash: dash cannot without a terminal): without job control a shell
    starts background commands with SIGINT ignored, and tether-voice (as Python) leaves
    an ignored SIGINT ignored.
    """
    out, pid_file = tmp_path / "out", tmp_path / "pid"
    script = (
        "set -m\n"
        f'"$@" > {out} 2>&1 & child=$!; echo $child > {pid_file}\n'
        f'while ! grep -q "Ctrl+C to stop" {out} 2>/dev/null; do sleep 0.05; done\n'
        f"kill -{signame.removeprefix('SIG')} $child; wait $child; echo status=$?\n"
    )
    try:
        result = subprocess.run(
            ["bash", "-c", script, "bash", *tether_voice("demo-server", "--port", "0")],
            env=env,
            capture_output=True,
            text=True,
            timeout=LIMIT * 2,
        )
    finally:
        if pid_file.exists():  # whatever happened, the demo server does not outlive the test
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert result.stdout.strip() == f"status={SIGNALS[signame]}"
    assert "Traceback" not in out.read_text()


# --- the app in a terminal ------------------------------------------------------------------


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()


def assert_terminal_restored(terminal: Terminal) -> None:
    """The app left the alternate screen after it last entered it."""
    raw = bytes(terminal.raw)
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h") >= 0


@pytest.mark.parametrize("signame", list(SIGNALS))
def test_a_signal_to_the_running_demo_app(
    signame: str, env: dict[str, str], terminals: list[Terminal]
) -> None:
    """The app closes, the terminal is restored and the in-process demo server stops."""
    terminal = Terminal(tether_voice("--demo"), env)
    terminals.append(terminal)
    terminal.wait_for("Loaded the configuration")
    terminal.proc.send_signal(getattr(signal, signame))
    assert terminal.finish() == -getattr(signal, signame), terminal.text[-300:]
    assert "Traceback" not in terminal.text
    assert terminal.text.strip().endswith("while running the app.")
    assert_terminal_restored(terminal)
    assert_group_gone(terminal.proc.pid)


@pytest.mark.parametrize("signame", list(SIGNALS))
def test_a_signal_to_the_app_while_it_waits_for_the_keyring(
    signame: str, env: dict[str, str], demo_server: DemoServer, terminals: list[Terminal]
) -> None:
    env.update(PYTHON_KEYRING_BACKEND=HANGING, TETHER_VOICE_KEYRING_TIMEOUT="60")
    terminal = Terminal(tether_voice("--url", demo_server.url), env)
    terminals.append(terminal)
    terminal.wait_for("Looking for a stored token in the OS keyring (at most 60 s)")
    terminal.proc.send_signal(getattr(signal, signame))
    code = terminal.finish()
    assert code == -getattr(signal, signame), terminal.text[-300:]
    assert "Traceback" not in terminal.text
    assert terminal.text.strip().endswith(
        f"tether-voice: {'interrupted (Ctrl+C)' if signame == 'SIGINT' else 'stopped by ' + signame}"
        f"{' (the terminal was closed)' if signame == 'SIGHUP' else ''} while running the app."
    )
    assert_terminal_restored(terminal)
    assert_group_gone(terminal.proc.pid)


def test_a_lost_terminal_ends_the_app(
    env: dict[str, str], demo_server: DemoServer, terminals: list[Terminal]
) -> None:
    env.update(PYTHON_KEYRING_BACKEND=HANGING, TETHER_VOICE_KEYRING_TIMEOUT="60")
    terminal = Terminal(tether_voice("--url", demo_server.url), env)
    terminals.append(terminal)
    terminal.wait_for("Looking for a stored token")
    closed = time.monotonic()
    terminal.hang_up()
    # Either Textual closed by itself (ended by the signal), or its shutdown blocked
    # writing to the dead terminal and the watchdog ended the process a second later.
    assert terminal.proc.wait(timeout=LIMIT) in (-signal.SIGHUP, 128 + signal.SIGHUP)
    assert time.monotonic() - closed < 1.0 + LIMIT / 3
    assert_group_gone(terminal.proc.pid)


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_a_signal_while_the_app_starts(
    signame: str, env: dict[str, str], demo_server: DemoServer, terminals: list[Terminal]
) -> None:
    """Whenever it lands (imports, settings, the first frame): no traceback, no leftover.

    Sent as soon as the process exists: before the command's handlers are in place the
    interpreter's default for the signal ends it silently, which is clean too.
    """
    env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
    terminal = Terminal(tether_voice("--demo"), env)
    terminals.append(terminal)
    time.sleep(0.15)  # somewhere in the start; where exactly does not matter
    terminal.proc.send_signal(getattr(signal, signame))
    code = terminal.finish()
    assert code == -getattr(signal, signame), terminal.text[-300:]
    assert "Traceback" not in terminal.text
    if "\x1b[?1049h" in terminal.raw.decode("utf-8", "replace"):
        assert_terminal_restored(terminal)
    assert_group_gone(terminal.proc.pid)


def test_sigterm_during_a_save_in_the_app_says_its_outcome_is_unknown(
    env: dict[str, str], demo_server: DemoServer, terminals: list[Terminal]
) -> None:
    demo_server.inject(Fault.DELAY, method="POST", delay_seconds=60)
    env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
    terminal = Terminal(tether_voice("--url", demo_server.url), env, size=(100, 32))
    terminals.append(terminal)
    terminal.wait_for("Loaded the configuration")
    os.write(terminal.master or -1, b"\tsk_signal_test_key")  # tab to the API key, type
    time.sleep(0.3)
    os.write(terminal.master or -1, b"\x13")  # ctrl+s: the review
    terminal.wait_for("enter: send")
    os.write(terminal.master or -1, b"\r")
    wait_until(lambda: not demo_server.pending_faults(), "the POST held by the server")
    terminal.proc.send_signal(signal.SIGTERM)
    assert terminal.finish() == -signal.SIGTERM
    assert "Traceback" not in terminal.text
    assert terminal.text.strip().endswith(
        f"tether-voice: stopped by SIGTERM while saving to {demo_server.url}: its outcome is "
        "unknown — check with `tether-voice show`."
    )
    assert_terminal_restored(terminal)


def test_ctrl_c_typed_at_the_confirmation_sends_nothing(
    env: dict[str, str], demo_server: DemoServer, terminals: list[Terminal]
) -> None:
    """The real key: the terminal turns ^C into SIGINT for the foreground process."""
    env["TETHER_TOKEN"] = SUPERADMIN_TOKEN
    argv = tether_voice("--url", demo_server.url, "set", "sinchEstTrunkId=trunk-never")
    terminal = Terminal(argv, env)
    terminals.append(terminal)
    terminal.wait_for("[y/N]")
    os.write(terminal.master or -1, b"\x03")
    assert terminal.finish() == -signal.SIGINT
    assert "Traceback" not in terminal.text
    assert terminal.text.strip().endswith(
        "tether-voice: interrupted (Ctrl+C) while waiting for the confirmation (nothing was sent)."
    )
    assert demo_server.state.received_posts == []
