"""Signing in: no token, a stored token gone stale, a 401 mid-session; keyring or not."""

from __future__ import annotations

from keyring.backends import fail
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from tests.key_bursts import send_burst
from tests.keyrings import MemoryKeyring
from tests.test_editor_flows import editor, posts, status_text
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.auth.token_store import SERVICE, TokenStore
from tui.demo.scenarios import REFUSED_URL, paste_into, press_and_settle, settle
from tui.demo.server import ADMIN_TOKEN, SUPERADMIN_TOKEN, DemoServer
from tui.screens.editor import EditorScreen
from tui.screens.sign_in import SignInScreen

SIZE = (100, 32)
SUPERADMIN = ("superadmin@demo.tether.test", "demo-superadmin-password")


def app_for(
    url: str, token: str = "", store: TokenStore | None = None, *, verify_first: bool = False
) -> VoiceConfigApp:
    return VoiceConfigApp(
        ConnectionSettings(url, SecretStr(token), read_timeout=2.0),
        profile="test",
        store=store,
        token_entry="test",
        verify_first=verify_first,
    )


def dialog_text(pilot: Pilot) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    return "\n".join(str(w.render()) for w in screen.query(Static)) + status_text_of(screen)


def status_text_of(screen: SignInScreen) -> str:
    return "\n".join(screen.status.outcome.lines)


async def sign_in(pilot: Pilot, email: str, password: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#signin-email", Input).value = email
    screen.query_one("#signin-password").focus()
    screen.query_one("#signin-password", Input).value = password
    await pilot.press("enter")
    await settle(pilot)


async def test_no_token_opens_sign_in_and_a_login_loads_the_config(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "No token for this instance" in dialog_text(pilot)
        await sign_in(pilot, SUPERADMIN[0], "wrong")
        assert "Wrong email or password" in status_text_of(app.screen)  # type: ignore[arg-type]
        assert app.screen.query_one("#signin-email", Input).value == SUPERADMIN[0]  # kept
        await sign_in(pilot, *SUPERADMIN)
        assert isinstance(app.screen, EditorScreen)
        assert editor(pilot).form is not None
        assert "Sam Superadmin" in app.sub_title and "SUPERADMIN" in app.sub_title
        assert "profile test" in app.sub_title


async def test_pasted_token_signs_in_and_a_non_superadmin_is_warned(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        screen.query_one("#signin-token", Input).value = "garbage-token"
        screen.query_one("#signin-token").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "Token rejected" in status_text_of(screen)
        screen.query_one("#signin-token", Input).value = f"  {ADMIN_TOKEN}\n"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert "ADMIN" in app.sub_title
        assert "saving will likely be refused" in status_text(pilot)


async def test_ctrl_l_as_a_non_superadmin_warns_about_saving(demo_server: DemoServer) -> None:
    """As at startup with such a token, not a plain "✓ Signed in" (issue 18, item 7)."""
    app = app_for(demo_server.url, SUPERADMIN_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await sign_in(pilot, "admin@demo.tether.test", "demo-admin-password")
        assert isinstance(app.screen, EditorScreen)
        text = status_text(pilot)
        assert "Signed in as" in text
        assert "saving will likely be refused" in text
        assert "✓" not in text


async def test_server_down_at_sign_in_is_explained() -> None:
    app = app_for(REFUSED_URL)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, *SUPERADMIN)
        assert "Connection refused" in status_text_of(app.screen)  # type: ignore[arg-type]


async def test_without_a_keyring_the_token_is_for_this_session_only(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url, store=TokenStore(backend=fail.Keyring()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        assert not screen.query_one("#signin-remember").display
        note = str(screen.query_one("#signin-keyring-note", Static).render())
        assert "kept for this session only" in note and "TETHER_TOKEN" in note
        await sign_in(pilot, *SUPERADMIN)
        assert isinstance(app.screen, EditorScreen)


async def test_remember_stores_the_token_but_never_the_password(demo_server: DemoServer) -> None:
    backend = MemoryKeyring()
    app = app_for(demo_server.url, store=TokenStore(backend=backend))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        remember = screen.query_one("#signin-remember", Checkbox)
        assert remember.display
        remember.focus()
        await pilot.press("space")
        assert "yes" in str(remember.label)
        await sign_in(pilot, *SUPERADMIN)
        assert isinstance(app.screen, EditorScreen)
    assert backend.entries == {(SERVICE, "test"): SUPERADMIN_TOKEN}
    assert SUPERADMIN[1] not in repr(backend.entries)


async def test_not_remembering_stores_nothing(demo_server: DemoServer) -> None:
    backend = MemoryKeyring()
    app = app_for(demo_server.url, store=TokenStore(backend=backend))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await sign_in(pilot, *SUPERADMIN)
    assert backend.entries == {}


async def test_an_expired_stored_token_leads_to_sign_in_with_the_reason(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url, token="expired-token", verify_first=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "stored in the keyring was refused" in dialog_text(pilot)
        assert not [entry for entry in demo_server.state.request_log if "voice-ai" in entry[1]]
        await sign_in(pilot, *SUPERADMIN)
        assert editor(pilot).form is not None


async def test_a_401_on_save_signs_in_again_and_retries_with_the_edits(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url, token=ADMIN_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-after-401", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert "refused the token (401)" in dialog_text(pilot)
        await sign_in(pilot, *SUPERADMIN)
        assert isinstance(app.screen, EditorScreen)
        assert "Configuration saved" in status_text(pilot)
    assert posts(demo_server) == [{"sinchEstTrunkId": "trunk-after-401"}]  # sent once, as reviewed
    assert demo_server.state.public_config()["sinchEstTrunkId"] == "trunk-after-401"


async def test_a_401_with_tether_token_set_does_not_advise_setting_it(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 8: the session started with TETHER_TOKEN (here an admin's, so the
    save gets a 401); the sign-in screen must not say "set TETHER_TOKEN before starting"
    but that it is set, wins at the next start, and needs a fresh token."""
    app = VoiceConfigApp(
        ConnectionSettings(demo_server.url, SecretStr(ADMIN_TOKEN), read_timeout=2.0),
        profile="test",
        store=TokenStore(backend=fail.Keyring()),
        token_entry="test",
        token_from_env=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-after-401", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        note = str(app.screen.query_one("#signin-keyring-note", Static).render())
        assert "started with TETHER_TOKEN" in note and "fresh token" in note
        assert "before starting" not in dialog_text(pilot)


async def test_cancelling_sign_in_after_a_401_keeps_the_edits_and_offers_ctrl_l(
    demo_server: DemoServer,
) -> None:
    app = app_for(demo_server.url, token=ADMIN_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "kept", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = editor(pilot)
        assert screen.query_one("#field-sinchEstTrunkId", Input).value == "kept"
        assert "HTTP 401" in status_text(pilot)
        assert screen.check_action("sign_in", ()) is True
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_at_80x24_a_failed_sign_in_shows_its_next_step_and_the_keys(
    demo_server: DemoServer,
) -> None:
    """With the keyring's note and a three-line error the dialog overflowed 24 rows: the
    end of "Next: …" and the keys line were cut off. A short terminal drops blank lines."""
    from tests.screen_text import screen_text

    app = app_for(demo_server.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await sign_in(pilot, SUPERADMIN[0], "wrong")
        shown = " ".join(screen_text(app).split())
        assert "Wrong email or password" in shown
        assert "paste a token." in shown  # the end of the next step
        assert "escape: cancel" in shown


async def test_ctrl_l_signs_in_again_at_any_time_by_key_and_by_palette(
    demo_server: DemoServer,
) -> None:
    """The footer offers ctrl+l only when a sign-in is the next step; the key and the
    palette's "Sign in" work always (they did nothing unless a sign-in had been declined)."""
    from tui.app import _action_for

    app = app_for(demo_server.url, token=SUPERADMIN_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        assert not screen.active_bindings["ctrl+l"].binding.show  # not in the footer
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        await press_and_settle(pilot, "escape")
        assert app.screen is screen
        shown = next(b for b in screen.BINDINGS if getattr(b, "id", "") == "editor.sign_in")
        await screen.run_action(_action_for(screen, shown))  # what the palette runs
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)


async def test_a_password_typed_in_one_burst_after_enter_lands_in_the_password_box(
    demo_server: DemoServer,
) -> None:
    """Over a slow link the email, enter and the password arrive together: not one key of
    the password may land in the Email box, which shows what it holds in clear text."""
    app = app_for(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        screen.query_one("#signin-email").focus()
        await pilot.pause()
        send_burst(pilot, *"a@b.c", "enter", *"pw")
        await pilot.pause(0.2)
        assert screen.query_one("#signin-email", Input).value == "a@b.c"
        assert screen.query_one("#signin-password", Input).value == "pw"


async def test_a_whole_sign_in_typed_in_one_burst_with_a_correction_signs_in(
    demo_server: DemoServer,
) -> None:
    """Email, enter, password with a typo put right, enter: all in one burst. The
    backspace deletes the character before it, not the one typed after it, and the
    second enter submits the password as typed, not as it was halfway through."""
    email, password = SUPERADMIN
    app = app_for(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        app.screen.query_one("#signin-email").focus()
        await pilot.pause()
        send_burst(pilot, *email, "enter", *password[:-1], "x", "backspace", password[-1])
        send_burst(pilot, "enter")
        await pilot.pause(0.2)
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert editor(pilot).form is not None
