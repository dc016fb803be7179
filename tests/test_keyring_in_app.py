"""The app with no TETHER_TOKEN: the keyring is asked after the first frame, never before.

A keyring that hangs, raises or prompts leads to the sign-in screen with the reason;
one that works gives the token, checked with verify-token before use. One test waits
out the real 3 s deadline (its length is what it checks); the others use short ones.
"""

from __future__ import annotations

import getpass
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Checkbox, Static

from tests.keyrings import MemoryKeyring, RaisingKeyring
from tests.test_editor_flows import editor, status_text
from tests.test_keyring_deadline import Prompting
from tests.test_sign_in_flows import SUPERADMIN, dialog_text, sign_in
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.auth.token_store import SERVICE, TokenStore
from tui.demo.scenarios import settle
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.demo.stalled_keyring import StalledKeyring
from tui.screens.editor import EditorScreen
from tui.screens.sign_in import SignInScreen

SIZE = (80, 24)
MARGIN = 5.0
"""Generous: the machine is shared and the tests run in parallel."""


@pytest.fixture
def stalled() -> Iterator[StalledKeyring]:
    backend = StalledKeyring()
    yield backend
    backend.release.set()


def app_with(url: str, store: TokenStore) -> VoiceConfigApp:
    """As the command line starts it when TETHER_TOKEN is unset."""
    return VoiceConfigApp(
        ConnectionSettings(url, SecretStr(""), read_timeout=5.0),
        profile="prod",
        store=store,
        token_entry="prod",
        look_in_keyring=True,
    )


async def wait_for_sign_in(pilot: Pilot, limit: float) -> float:
    started = time.monotonic()
    while not isinstance(pilot.app.screen, SignInScreen):
        assert time.monotonic() - started < limit, "no sign-in screen in time"
        await pilot.pause(0.05)
    await pilot.pause()
    return time.monotonic()


def keyring_note(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#signin-keyring-note", Static).render())


def remember_offered(pilot: Pilot) -> bool:
    return bool(pilot.app.screen.query_one("#signin-remember", Checkbox).display)


async def test_a_hanging_keyring_never_holds_the_first_frame_and_sign_in_comes_at_3_s(
    demo_server: DemoServer, stalled: StalledKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TETHER_VOICE_KEYRING_TIMEOUT", raising=False)
    store = TokenStore(backend=stalled)
    assert store.deadline == 3.0
    started = time.monotonic()
    app = app_with(demo_server.url, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first_frame = time.monotonic() - started
        # On screen while the keyring has not answered: the frame did not wait for it.
        assert isinstance(app.screen, EditorScreen)
        assert not stalled.release.is_set()
        assert "Looking for a stored token in the OS keyring (at most 3 s)" in status_text(pilot)
        assert first_frame < 3.0, f"first frame after {first_frame:.1f} s"

        sign_in_at = await wait_for_sign_in(pilot, 3.0 + MARGIN) - started
        assert 3.0 <= sign_in_at < 3.0 + MARGIN
        reason = dialog_text(pilot)
        assert (
            "No stored token could be read: the OS keyring (demo StalledKeyring) "
            "did not answer within 3 s." in reason
        )
        assert not remember_offered(pilot)
        note = keyring_note(pilot)
        assert "did not answer within 3 s" in note and "kept for this session only" in note
        assert not [r for r in demo_server.requests if "voice-ai" in r.path], "nothing loaded"

        await sign_in(pilot, *SUPERADMIN)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and editor(pilot).form is not None
    assert stalled.calls == 1, "asked once: no second wait at sign-in or save"


async def test_a_stored_token_is_found_after_the_first_frame_verified_then_used(
    demo_server: DemoServer,
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, "prod", SUPERADMIN_TOKEN)
    app = app_with(demo_server.url, TokenStore(backend=backend, deadline=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and editor(pilot).form is not None
    paths = [request.path for request in demo_server.requests]
    assert paths[:2] == ["/api/auth/verify-token", "/api/calls/voice-ai/config"]


async def test_an_expired_stored_token_still_leads_to_sign_in_with_that_reason(
    demo_server: DemoServer,
) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, "prod", "expired-token")
    app = app_with(demo_server.url, TokenStore(backend=backend, deadline=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "stored in the keyring was refused" in dialog_text(pilot)
        assert remember_offered(pilot), "this keyring works: it may remember the new token"


async def test_an_unsendable_stored_token_is_never_sent(demo_server: DemoServer) -> None:
    backend = MemoryKeyring()
    backend.set_password(SERVICE, "prod", "two words")
    app = app_with(demo_server.url, TokenStore(backend=backend, deadline=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        text = dialog_text(pilot)
        assert "stored in the keyring for 'prod' cannot be used" in text
        assert "tether-voice logout --profile 'prod'" in text
    assert not any(request.carries("two words") for request in demo_server.requests)


async def test_a_keyring_that_raises_is_named_with_its_error(demo_server: DemoServer) -> None:
    backend = RaisingKeyring()
    app = app_with(demo_server.url, TokenStore(backend=backend, deadline=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "failed (NoKeyringError)" in dialog_text(pilot)
        assert not remember_offered(pilot)
        assert "kept for this session only" in keyring_note(pilot)
    assert backend.calls == 1


async def test_a_keyring_that_prompts_never_writes_on_the_screen(
    demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompted: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="", stream=None: prompted.append(prompt))
    app = app_with(demo_server.url, TokenStore(backend=Prompting(), deadline=2.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "asks for its own password on the terminal, so it is not used" in dialog_text(pilot)
        assert not remember_offered(pilot)
        screen = app.export_screenshot()
    assert prompted == [], "the prompt never reached the terminal"
    assert "Please enter password" not in screen


async def test_quitting_while_the_keyring_hangs_does_not_wait_for_it(
    demo_server: DemoServer, stalled: StalledKeyring
) -> None:
    app = app_with(demo_server.url, TokenStore(backend=stalled, deadline=60.0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Looking for a stored token" in status_text(pilot)
        asked = time.monotonic()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert time.monotonic() - asked < MARGIN
    assert app.return_code == 0


class SlowToStore(MemoryKeyring):
    """Reads at once (nothing stored), but saving hangs: a keyring locked half-way."""

    def __init__(self) -> None:
        super().__init__()
        self.release = StalledKeyring().release

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(60)


KeyringBackend._classes.discard(SlowToStore)  # type: ignore[attr-defined]


async def test_remember_with_a_keyring_that_hangs_on_save_waits_only_the_deadline(
    demo_server: DemoServer,
) -> None:
    backend = SlowToStore()
    app = app_with(demo_server.url, TokenStore(backend=backend, deadline=0.3))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SignInScreen) and remember_offered(pilot)
            app.screen.query_one("#signin-remember", Checkbox).value = True
            started = time.monotonic()
            await sign_in(pilot, *SUPERADMIN)
            await settle(pilot)
            assert time.monotonic() - started < 0.3 + MARGIN
            assert isinstance(app.screen, EditorScreen) and editor(pilot).form is not None
            notices = [n.message for n in app._notifications]
            assert any("did not answer within 0.3 s" in n for n in notices), notices
            assert any("kept for this session only" in n for n in notices)
    finally:
        backend.release.set()


def test_a_prompting_keyring_writes_nothing_on_a_real_terminal(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """The real thing: the app in a pseudo-terminal, the backend calling getpass (which
    writes to /dev/tty, the very terminal the app draws on)."""
    from tests.processes import Terminal, clean_env

    env = clean_env(tmp_path)
    env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backends.PromptingKeyring"
    terminal = Terminal([sys.executable, "-m", "tui", "--url", demo_server.url], env)
    try:
        terminal.wait_for("asks for its own password on the terminal")
        assert "Please enter password" not in terminal.text
        assert "Remember in the OS keyring" not in terminal.text
    finally:
        terminal.close()
