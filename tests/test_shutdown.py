"""tui.shutdown on its own: the line, the status, the cleanups, the last resorts.

``tests/test_signals.py`` sends real signals to real commands; these pin the rules
any future command gets by going through ``main``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tui import shutdown
from tui.shutdown import Terminated, add_cleanup, doing

LIMIT = 15.0


def test_ctrl_c_anywhere_in_a_command_is_one_line_and_130(
    capfd: pytest.CaptureFixture[str],
) -> None:
    cleaned: list[str] = []

    def body() -> int:
        add_cleanup(lambda: cleaned.append("first"))
        add_cleanup(lambda: cleaned.append("second"))
        with doing("saving to X: its outcome is unknown"), doing("reading"):
            pass
        with doing("saving to X: its outcome is unknown"):
            raise KeyboardInterrupt

    before = signal.getsignal(signal.SIGTERM)
    assert shutdown.run(body, prog="tv") == 130
    assert capfd.readouterr().err.strip() == (
        "tv: interrupted (Ctrl+C) while saving to X: its outcome is unknown."
    )
    assert cleaned == ["second", "first"], "newest first, like a with-stack"
    assert signal.getsignal(signal.SIGTERM) is before, "handlers put back"
    assert shutdown.last_signal() == signal.SIGINT


@pytest.mark.parametrize(
    ("signum", "cause"), [(15, "stopped by SIGTERM"), (1, "stopped by SIGHUP")]
)
def test_sigterm_and_sighup_are_128_plus_n(
    signum: int, cause: str, capfd: pytest.CaptureFixture[str]
) -> None:
    def body() -> int:
        raise Terminated(signum)

    assert shutdown.run(body, prog="tv") == 128 + signum
    assert capfd.readouterr().err.startswith(f"tv: {cause}")


def test_a_command_that_ends_normally_is_untouched(capfd: pytest.CaptureFixture[str]) -> None:
    assert shutdown.run(lambda: 4, prog="tv") == 4
    assert capfd.readouterr().err == ""
    assert shutdown.last_signal() is None


def test_other_errors_are_not_hidden() -> None:
    def body() -> int:
        raise ValueError("a real bug")

    with pytest.raises(ValueError, match="a real bug"):
        shutdown.run(body, prog="tv")


def test_outside_a_run_cleanups_and_activities_cost_nothing() -> None:
    remove = add_cleanup(lambda: None)
    remove()
    with doing("something"):
        assert shutdown.current_activity() == "something"
    assert shutdown.current_activity() is None


def run_python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_an_app_that_does_not_exit_after_a_signal_is_ended_anyway() -> None:
    code = """
import asyncio, os, signal
from tui import shutdown
shutdown.APP_EXIT_GRACE = 0.2

async def stuck():
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.sleep(30)  # asked to exit, it never does

def body():
    with shutdown.app_running(lambda: None, lambda: "running a stuck app"):
        asyncio.run(stuck())
    return 0

shutdown.run(body, prog="tv")
"""
    started = time.monotonic()
    process = run_python(code)
    _out, err = process.communicate(timeout=LIMIT)
    assert time.monotonic() - started < LIMIT / 2
    assert process.returncode == 143
    assert err == "tv: stopped by SIGTERM while running a stuck app.\n"


def test_a_second_signal_during_a_slow_cleanup_ends_at_once() -> None:
    code = """
import os, signal, time
from tui import shutdown

def body():
    shutdown.add_cleanup(lambda: time.sleep(30))  # a cleanup that hangs
    with shutdown.doing("working"):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(30)
    return 0

shutdown.run(body, prog="tv")
"""
    process = run_python(code)
    assert process.stderr is not None
    assert process.stderr.readline() == "tv: interrupted (Ctrl+C) while working.\n"
    time.sleep(0.2)  # in the hanging cleanup by now
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=LIMIT)
    assert time.monotonic() - sent < LIMIT / 2
    assert process.returncode == 130
    assert err == "", "the line was said once"


def test_the_signal_handler_imports_nothing() -> None:
    """It may interrupt an import half-way (the start is mostly imports): importing asyncio
    from the handler then met half-initialised modules and printed a traceback (seen once
    in a few dozen SIGTERMs 0.15 s into ``tether-voice --demo``)."""
    code = (
        "import sys, types\n"
        "from tui import shutdown\n"
        "assert 'asyncio' not in sys.modules\n"
        "assert shutdown._running_loop() is None\n"
        "assert 'asyncio' not in sys.modules, 'the handler imported asyncio'\n"
        "sys.modules['asyncio'] = types.ModuleType('asyncio')  # half-initialised\n"
        "assert shutdown._running_loop() is None\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
