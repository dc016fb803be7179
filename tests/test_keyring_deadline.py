"""A keyring that hangs, raises or prompts: every call ends by the deadline, once.

Short deadlines here (the length itself is under test once, in
``test_keyring_in_app.py``); bounds on time are generous upper bounds only.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from pydantic import SecretStr

from tests.keyrings import MemoryKeyring, RaisingKeyring
from tui.auth import keyring_calls
from tui.auth.keyring_calls import KeyringTimeout, WouldPrompt, call, call_async
from tui.auth.token_store import TokenStore
from tui.demo.stalled_keyring import StalledKeyring

TOKEN = "kr-deadline-token-3f9a1c"
SHORT = 0.2
MARGIN = 5.0
"""Generous: the machine is shared and the tests run in parallel."""


@pytest.fixture
def stalled() -> Iterator[StalledKeyring]:
    backend = StalledKeyring()
    yield backend
    backend.release.set()  # let the abandoned threads end with the test


class Prompting(KeyringBackend):
    """Asks for its password with getpass, as keyrings.alt's EncryptedKeyring does."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return getpass.getpass("Please enter password for encrypted keyring: ")

    def set_password(self, service: str, username: str, password: str) -> None:
        getpass.getpass("Please set a password for your new keyring: ")

    def delete_password(self, service: str, username: str) -> None:
        getpass.getpass("Please enter password for encrypted keyring: ")


KeyringBackend._classes.discard(Prompting)  # type: ignore[attr-defined]


# --- one call --------------------------------------------------------------------------


def test_a_call_that_answers_returns_its_value_and_its_errors() -> None:
    assert call(lambda: 42, deadline=SHORT, name="t", activity="testing") == 42
    with pytest.raises(ZeroDivisionError):
        call(lambda: 1 / 0, deadline=SHORT, name="t", activity="testing")


def test_a_call_that_hangs_is_abandoned_at_the_deadline_on_a_daemon_thread() -> None:
    release = threading.Event()
    threads: list[threading.Thread] = []

    def hang() -> None:
        threads.append(threading.current_thread())
        release.wait(60)

    started = time.monotonic()
    with pytest.raises(KeyringTimeout) as timeout:
        call(hang, deadline=SHORT, name="t", activity="testing")
    assert time.monotonic() - started < SHORT + MARGIN
    assert timeout.value.seconds == SHORT
    (thread,) = threads
    assert thread.daemon, "a stuck call must never keep the process alive"
    assert thread.is_alive()
    release.set()
    thread.join(MARGIN)


async def test_the_awaited_form_does_not_block_the_loop(stalled: StalledKeyring) -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    with pytest.raises(KeyringTimeout):
        await call_async(lambda: stalled.get_password("s", "u"), deadline=SHORT, name="t")
    ticker.cancel()
    assert ticks >= 3, "the event loop kept running while the keyring hung"
    assert await call_async(lambda: "ok", deadline=SHORT, name="t") == "ok"


def test_the_deadline_comes_from_the_environment_if_it_is_a_positive_number() -> None:
    assert keyring_calls.deadline_from({}) == keyring_calls.DEFAULT_DEADLINE == 3.0
    assert keyring_calls.deadline_from({"TETHER_VOICE_KEYRING_TIMEOUT": "0.5"}) == 0.5
    for bad in ("", "soon", "0", "-2"):
        assert keyring_calls.deadline_from({"TETHER_VOICE_KEYRING_TIMEOUT": bad}) == 3.0


# --- the store ---------------------------------------------------------------------------


def test_a_keyring_that_hangs_costs_one_deadline_per_session(
    stalled: StalledKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = TokenStore(backend=stalled, deadline=SHORT)
    assert store.available(), "a given backend is not asked anything to find out"
    started = time.monotonic()
    assert store.load("prod") is None
    assert time.monotonic() - started < SHORT + MARGIN
    assert store.problem is not None and store.problem.kind == "timed out"
    assert store.problem.cause == "the OS keyring (demo StalledKeyring) did not answer within 0.2 s"
    # From now on nothing waits: no second call, no "Remember".
    started = time.monotonic()
    assert not store.save("prod", SecretStr(TOKEN))
    assert store.load("prod") is None
    assert not store.delete("prod")
    assert not store.available()
    assert time.monotonic() - started < 0.1 + MARGIN / 10
    assert stalled.calls == 1
    assert "no answer within 0.2 s" in caplog.text
    assert TOKEN not in caplog.text


def test_an_answer_after_the_deadline_is_not_used(stalled: StalledKeyring) -> None:
    memory = MemoryKeyring()
    memory.set_password("tether-voice", "prod", TOKEN)

    class LateKeyring(StalledKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            self._stall()
            return memory.get_password(service, username)

    KeyringBackend._classes.discard(LateKeyring)  # type: ignore[attr-defined]
    late = LateKeyring()
    store = TokenStore(backend=late, deadline=SHORT)
    assert store.load("prod") is None
    late.release.set()  # the keyring answers, too late
    time.sleep(0.05)
    assert store.load("prod") is None
    assert not store.available()


def test_finding_the_backend_is_under_the_deadline_too(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def get_keyring() -> KeyringBackend:
        release.wait(60)  # D-Bus probing a Secret Service that never answers
        return MemoryKeyring()

    monkeypatch.setattr(keyring, "get_keyring", get_keyring)
    store = TokenStore(deadline=SHORT)
    started = time.monotonic()
    assert not store.available()
    assert time.monotonic() - started < SHORT + MARGIN
    assert store.problem is not None and store.problem.cause == (
        "the OS keyring did not answer within 0.2 s"
    )
    assert store.backend_name() is None
    release.set()


async def test_the_awaited_forms_share_the_store_s_memory(stalled: StalledKeyring) -> None:
    store = TokenStore(backend=stalled, deadline=SHORT)
    assert await store.load_async("prod") is None
    assert not await store.available_async()
    assert not await store.save_async("prod", SecretStr(TOKEN))
    assert stalled.calls == 1


async def test_a_working_keyring_through_the_awaited_forms() -> None:
    backend = MemoryKeyring()
    store = TokenStore(backend=backend, deadline=SHORT)
    assert await store.available_async()
    assert await store.save_async("prod", SecretStr(TOKEN))
    loaded = await store.load_async("prod")
    assert loaded is not None and loaded.get_secret_value() == TOKEN
    assert store.problem is None


def test_a_backend_that_raises_names_its_error_but_never_its_message() -> None:
    store = TokenStore(backend=RaisingKeyring(), deadline=SHORT)
    assert not store.save("prod", SecretStr(TOKEN))
    assert store.problem is not None
    assert store.problem.cause == "the OS keyring (keyrings RaisingKeyring) failed (NoKeyringError)"
    assert TOKEN not in store.problem.advice


# --- prompts ------------------------------------------------------------------------------


def test_a_backend_that_prompts_is_refused_before_anything_reaches_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prompted: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="", stream=None: prompted.append(prompt))
    store = TokenStore(backend=Prompting(), deadline=SHORT)
    assert store.load("prod") is None
    assert prompted == [], "the real getpass was never reached"
    assert store.problem is not None and store.problem.kind == "prompts"
    assert "asks for its own password on the terminal" in store.problem.advice
    # Outside keyring threads getpass is left alone.
    getpass.getpass("Elsewhere: ")
    assert prompted == ["Elsewhere: "]


def test_the_guard_raises_only_in_keyring_threads() -> None:
    keyring_calls.guard_getpass()
    with pytest.raises(WouldPrompt):
        call(lambda: getpass.getpass("x"), deadline=SHORT, name="t", activity="testing")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("keyrings.alt.file", "EncryptedKeyring"),
        ("keyrings.cryptfile.cryptfile", "CryptFileKeyring"),
    ],
)
def test_known_prompting_backends_are_not_even_asked(module: str, name: str) -> None:
    """keyrings.alt and keyrings.cryptfile are not installed here: a look-alike class."""
    asked: list[bool] = []
    look_alike = type(
        name,
        (MemoryKeyring,),
        {"__module__": module, "get_password": lambda *_: asked.append(True)},
    )
    KeyringBackend._classes.discard(look_alike)  # type: ignore[attr-defined]
    store = TokenStore(backend=look_alike(), deadline=SHORT)
    assert not store.available()
    assert store.load("prod") is None
    assert asked == []
    assert store.problem is not None and store.problem.kind == "prompts"


# --- the abandoned thread at exit ------------------------------------------------------------


@pytest.mark.parametrize("late", ["hangs", "raises late"])
def test_an_abandoned_call_neither_keeps_the_process_alive_nor_prints(late: str) -> None:
    code = f"""
import sys, time
from keyring.backend import KeyringBackend
from tui.auth.token_store import TokenStore

class Late(KeyringBackend):
    priority = 1
    def get_password(self, service, username):
        time.sleep(0.4)
        if {late!r} == "raises late":
            raise RuntimeError("late failure quoting {TOKEN}")
        time.sleep(3600)
    def set_password(self, *a): pass
    def delete_password(self, *a): pass

store = TokenStore(backend=Late(), deadline=0.1)
assert store.load("prod") is None
time.sleep(0.6 if {late!r} == "raises late" else 0)
print("done", flush=True)
"""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30
    )
    assert time.monotonic() - started < 10
    assert result.returncode == 0, result.stderr
    assert result.stdout == "done\n"
    assert result.stderr == "", "nothing printed by the abandoned thread"
