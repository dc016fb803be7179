"""The keyring wrapper: works with a real backend, degrades quietly without one."""

from __future__ import annotations

import logging
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail, null
from keyring.errors import KeyringLocked
from pydantic import SecretStr

from tests.keyrings import MemoryKeyring, RaisingKeyring, use_keyring
from tui.auth.token_source import pick_token
from tui.auth.token_store import SERVICE, TokenStore

TOKEN = "eyJ-test-token-7c1f9a2e-never-in-logs"


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def assert_token_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert TOKEN not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)


def test_a_working_keyring_keeps_one_token_per_profile(caplog: pytest.LogCaptureFixture) -> None:
    backend = MemoryKeyring()
    store = TokenStore(backend=backend)
    assert store.available()
    assert store.save("prod", SecretStr(TOKEN))
    assert store.save("staging", SecretStr("other-token"))
    assert backend.entries == {(SERVICE, "prod"): TOKEN, (SERVICE, "staging"): "other-token"}
    loaded = store.load("prod")
    assert isinstance(loaded, SecretStr)
    assert loaded.get_secret_value() == TOKEN
    assert store.load("nowhere") is None
    assert store.delete("prod")
    assert store.load("prod") is None
    assert not store.delete("prod"), "nothing left to delete"
    assert store.available(), "a missing entry does not make the keyring unavailable"
    assert_token_not_logged(caplog)


def test_the_service_name_is_tether_voice() -> None:
    assert SERVICE == "tether-voice"
    assert TokenStore().service == "tether-voice"


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_keyring_is_unavailable_and_never_raises(
    backend: object, caplog: pytest.LogCaptureFixture
) -> None:
    store = TokenStore(backend=backend)  # type: ignore[arg-type]
    assert not store.available()
    assert store.backend_name() is None
    assert store.load("prod") is None
    assert not store.save("prod", SecretStr(TOKEN))
    assert not store.delete("prod")
    assert_token_not_logged(caplog)


@pytest.mark.parametrize("error", [keyring.errors.NoKeyringError, KeyringLocked, OSError])
def test_a_backend_that_raises_is_contained_and_then_unavailable(
    error: type[Exception], caplog: pytest.LogCaptureFixture
) -> None:
    backend = RaisingKeyring(error)
    store = TokenStore(backend=backend)
    assert store.available(), "cheap: no call is made to find out"
    assert not store.save("prod", SecretStr(TOKEN))
    assert not store.available(), "a failed call marks the keyring unusable for the session"
    assert store.load("prod") is None
    assert not store.delete("prod")
    assert backend.calls == 1, "no further calls to a keyring that failed"
    assert_token_not_logged(caplog)  # the backend's message quoted the token


def test_the_default_backend_is_asked_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[bool] = []

    def get_keyring() -> fail.Keyring:
        asked.append(True)
        return fail.Keyring()

    monkeypatch.setattr(keyring, "get_keyring", get_keyring)
    store = TokenStore()
    assert asked == [], "constructing the store costs nothing"
    assert not store.available()
    assert store.load("prod") is None
    assert asked == [True], "asked once, then remembered"


def test_a_broken_keyring_configuration_is_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    def get_keyring() -> None:
        raise RuntimeError("bad keyringrc.cfg")

    monkeypatch.setattr(keyring, "get_keyring", get_keyring)
    store = TokenStore()
    assert not store.available()
    assert not store.save("prod", SecretStr(TOKEN))


def test_this_host_has_no_keyring_and_that_is_fine() -> None:
    """On the development machine keyring finds no backend; the store just says so."""
    store = TokenStore()
    if store.available():
        pytest.skip(f"this host has a keyring ({store.backend_name()})")
    assert store.load("prod") is None
    assert not store.save("prod", SecretStr(TOKEN))


def test_keyring_is_not_imported_until_used() -> None:
    """The CLI, settings and startup modules load without paying for keyring (~155 ms)."""
    code = (
        "import sys, tui.cli, tui.startup, tui.settings, tui.auth.token_store, "
        "tui.auth.token_source; print('keyring' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- which token to start with ------------------------------------------------------


def test_the_environment_wins_and_the_keyring_is_not_asked() -> None:
    backend = RaisingKeyring()
    store = TokenStore(backend=backend)
    token, source = pick_token({"TETHER_TOKEN": TOKEN}, store, "prod")
    assert source == "env"
    assert token is not None and token.get_secret_value() == TOKEN
    assert backend.calls == 0


def test_the_keyring_is_next() -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, "prod", TOKEN)
    store = TokenStore(backend=backend)
    token, source = pick_token({"TETHER_TOKEN": "  "}, store, "prod")
    assert source == "keyring"
    assert token is not None and token.get_secret_value() == TOKEN
    assert pick_token({}, store, "staging") == (None, None)


@pytest.mark.parametrize("backend", [fail.Keyring(), RaisingKeyring()], ids=["fail", "raising"])
def test_no_keyring_and_no_env_means_sign_in(backend: object) -> None:
    store = TokenStore(backend=backend)  # type: ignore[arg-type]
    assert pick_token({}, store, "prod") == (None, None)


def test_use_keyring_helper_installs_the_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = use_keyring(monkeypatch, MemoryKeyring())
    store = TokenStore()
    assert store.save("prod", SecretStr(TOKEN))
    assert backend.get_password(SERVICE, "prod") == TOKEN
