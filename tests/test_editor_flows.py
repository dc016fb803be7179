"""The editor's flows, driven with the keyboard against the demo server over real HTTP."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, Switch

from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.demo.faults import Fault
from tui.demo.scenarios import (
    REFUSED_URL,
    decline_sign_in,
    paste_into,
    press_and_settle,
    settle,
    type_into,
)
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.screens.confirm import ConfirmScreen
from tui.screens.editor import EditorScreen
from tui.screens.review import ReviewScreen
from tui.widgets.field_row import FieldRow

SIZE = (100, 32)


def make_app(server: DemoServer, read_timeout: float = 5.0) -> VoiceConfigApp:
    settings = ConnectionSettings(
        server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=read_timeout
    )
    return VoiceConfigApp(settings, demo=True)


def editor(pilot: Pilot) -> EditorScreen:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, EditorScreen))
    return screen


def widget_values(pilot: Pilot) -> dict[str, object]:
    """What the user sees in every field right now (plain values, as typed)."""
    values: dict[str, object] = {}
    for widget in editor(pilot).query("#form Input, #form Select, #form Switch"):
        assert isinstance(widget, Input | Select | Switch)
        values[str(widget.id)] = widget.value
    return values


def form_is_locked(pilot: Pilot) -> bool:
    """No field can take focus: hidden before the first load, disabled while saving."""
    screen = editor(pilot)
    chain = set(screen.focus_chain)
    return not any(row.editor in chain for row in screen.query(FieldRow))


def status_text(pilot: Pilot) -> str:
    return str(editor(pilot).query_one("#status", Static).render())


def counter_text(pilot: Pilot) -> str:
    return str(editor(pilot).query_one("#change-counter", Static).render())


def posts(server: DemoServer) -> list[dict[str, object]]:
    return server.state.received_posts


async def make_edits(pilot: Pilot) -> None:
    await paste_into(pilot, "elevenlabsApiKey", "sk_flow_key_1")
    await paste_into(pilot, "sinchEstTrunkDomain", "new.pstn.sinch.com", replace=True)


EXPECTED_BODY = {"elevenlabsApiKey": "sk_flow_key_1", "sinchEstTrunkDomain": "new.pstn.sinch.com"}


async def test_loads_then_focuses_the_first_field(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "field-aiVoiceProvider"
        values = widget_values(pilot)
        assert values["field-sinchEstTrunkDomain"] == "demo-org.elastic-sip.sinch.com"
        assert values["field-elevenlabsApiKey"] == ""
        key = editor(pilot).query_one("#field-elevenlabsApiKey", Input)
        assert key.password is True
        assert key.placeholder == "configured — type to replace"
        assert "No unsaved changes" in counter_text(pilot)


async def test_tab_order_follows_the_field_table(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = [pilot.app.focused.id if pilot.app.focused else None]
        for _ in range(7):
            await pilot.press("tab")
            seen.append(pilot.app.focused.id if pilot.app.focused else None)
        assert seen == [
            "field-aiVoiceProvider",
            "field-elevenlabsApiKey",
            "field-generateToolSecret",
            "field-sinchEstKeyId",
            "field-sinchEstKeySecret",
            "field-sinchEstProjectId",
            "field-sinchEstTrunkId",
            "field-sinchEstTrunkDomain",
        ]


async def test_edit_review_confirm_sends_only_the_changed_fields(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        assert "● 2 unsaved" in counter_text(pilot)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert posts(demo_server) == []  # reviewing sends nothing
        await pilot.press("enter")
        await settle(pilot)
        assert posts(demo_server) == [EXPECTED_BODY]
        assert demo_server.state.secret("elevenlabsApiKey") == "sk_flow_key_1"
        assert "Configuration saved" in status_text(pilot)
        assert "No unsaved changes" in counter_text(pilot)
        values = widget_values(pilot)
        assert values["field-elevenlabsApiKey"] == ""  # secret inputs are cleared
        assert values["field-sinchEstTrunkDomain"] == "new.pstn.sinch.com"  # re-read from server


async def test_escape_in_review_sends_nothing_and_keeps_every_edit(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        before = widget_values(pilot)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditorScreen)
        assert posts(demo_server) == []
        assert widget_values(pilot) == before
        assert "nothing was sent" in status_text(pilot)


async def test_typing_after_the_review_adds_to_the_field_rather_than_replacing_it(
    demo_server: DemoServer,
) -> None:
    """Focus given back after a dialog (or after the form was locked) selects nothing: the
    next key must not replace what was typed. Tab into a field still selects its text."""
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstTrunkId", "trunk-9", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        await press_and_settle(pilot, "escape")
        await pilot.press("x")
        await settle(pilot)
        assert widget_values(pilot)["field-sinchEstTrunkId"] == "trunk-9x"
        await pilot.press("tab", "shift+tab", "y")  # the user's own move: type to replace
        await settle(pilot)
        assert widget_values(pilot)["field-sinchEstTrunkId"] == "y"


async def test_save_with_nothing_changed_says_so_and_sends_nothing(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, EditorScreen)
        assert "Nothing to save" in status_text(pilot)
        assert not [entry for entry in demo_server.state.request_log if entry[0] == "POST"]


async def test_switching_provider_to_none_sends_null(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "up", "enter")  # open the select, pick "none"
        await pilot.pause()
        assert "● 1 unsaved" in counter_text(pilot)
        await press_and_settle(pilot, "ctrl+s", "enter")
        await settle(pilot)
        assert posts(demo_server) == [{"aiVoiceProvider": None}]
        assert demo_server.state.public_config()["aiVoiceProvider"] is None


async def test_tool_secret_switch_asks_the_server_for_a_new_secret(
    demo_server: DemoServer,
) -> None:
    old = demo_server.state.secret("elevenlabsToolSecret")
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor(pilot).query_one("#field-generateToolSecret").focus()
        await pilot.press("space")
        await pilot.pause()
        assert "● ON" in str(
            editor(pilot).query_one("#row-generateToolSecret .field-marker", Static).render()
        )
        await press_and_settle(pilot, "ctrl+s", "enter")
        await settle(pilot)
        assert posts(demo_server) == [{"generateToolSecret": True}]
        assert widget_values(pilot)["field-generateToolSecret"] is False  # switch reset
    new = demo_server.state.secret("elevenlabsToolSecret")
    assert new != old and len(new) == 64


async def test_reveal_shows_the_focused_secret_and_hides_it_when_focus_leaves(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstKeySecret", "abc")
        field = editor(pilot).query_one("#field-sinchEstKeySecret", Input)
        assert field.password is True
        await pilot.press("ctrl+t")
        assert field.password is False
        await pilot.press("ctrl+t")
        assert field.password is True
        await pilot.press("ctrl+t", "tab")
        assert field.password is True
        assert field.value == "abc"


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.UNAUTHORIZED, "HTTP 401"),
        (Fault.SERVER_ERROR_STRING, "Internal server error"),
        (Fault.SERVER_ERROR_STRUCTURED, "ELEVENLABS_UNREACHABLE"),
        (Fault.BAD_GATEWAY_HTML, "HTTP 502"),
        (Fault.MALFORMED_JSON, "not understood"),
        (Fault.DROP_CONNECTION, "dropped before the answer"),
        (Fault.DELAY, "No answer"),
    ],
)
async def test_a_failed_save_keeps_every_edit_and_a_retry_sends_the_same_body(
    demo_server: DemoServer, fault: Fault, expected: str
) -> None:
    async with make_app(demo_server, read_timeout=0.5).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        before = widget_values(pilot)
        demo_server.inject(fault, method="POST", delay_seconds=1.5)
        await press_and_settle(pilot, "ctrl+s", "enter")
        await settle(pilot)
        await decline_sign_in(pilot)  # a 401 offers to sign in again first
        assert expected in status_text(pilot)
        assert "Save failed" in status_text(pilot)
        assert widget_values(pilot) == before
        assert "● 2 unsaved" in counter_text(pilot)
        # The fault has cleared: the same keys save the same body.
        await press_and_settle(pilot, "ctrl+s", "enter")
        await settle(pilot)
        assert "Configuration saved" in status_text(pilot)
    bodies = posts(demo_server)
    assert bodies[-1] == EXPECTED_BODY
    assert all(body == EXPECTED_BODY for body in bodies)


async def test_repeated_save_keys_send_exactly_one_post(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        # Long enough that the keys are all in while the POST waits, however busy the
        # machine (0.5 s was not, with the suite running beside other work).
        demo_server.inject(Fault.DELAY, method="POST", delay_seconds=2.0)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter", "enter", "ctrl+s", "enter", "ctrl+s")
        assert editor(pilot).busy == "saving"
        assert form_is_locked(pilot)
        await settle(pilot)  # waits for the save (and its re-read) to finish
    assert posts(demo_server) == [EXPECTED_BODY]


async def test_reload_with_unsaved_changes_asks_first(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        before = widget_values(pilot)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert widget_values(pilot) == before
        demo_server.state.mutate(sinchEstTrunkId="changed-elsewhere")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        values = widget_values(pilot)
        assert values["field-elevenlabsApiKey"] == ""
        assert values["field-sinchEstTrunkId"] == "changed-elsewhere"
        assert "No unsaved changes" in counter_text(pilot)


async def test_failed_reload_keeps_the_edits(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        before = widget_values(pilot)
        demo_server.inject(Fault.SERVER_ERROR_STRING, method="GET")
        await pilot.press("ctrl+r", "y")
        await settle(pilot)
        assert "Reload failed (form unchanged)" in status_text(pilot)
        assert "Your edits are kept." in status_text(pilot)
        assert widget_values(pilot) == before


async def test_a_failed_first_load_promises_no_edits(demo_server: DemoServer) -> None:
    """Nothing loaded, nothing typed: "Your edits are kept" would be an empty promise."""
    demo_server.inject(Fault.SERVER_ERROR_STRING, method="GET")
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = status_text(pilot)
        assert "Load failed: HTTP 500" in text
        assert "retry (ctrl+r)" in text
        assert "edits" not in text


async def test_quit_with_unsaved_changes_asks_and_no_keeps_editing(
    demo_server: DemoServer,
) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await make_edits(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        assert app.is_running
        await pilot.press("ctrl+q", "y")
        await pilot.pause()
        assert not app.is_running


async def test_quit_without_changes_does_not_ask(demo_server: DemoServer) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running


async def test_refused_connection_at_start_is_explained_and_retry_works() -> None:
    settings = ConnectionSettings(REFUSED_URL, SecretStr("token"))
    async with VoiceConfigApp(settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = status_text(pilot)
        assert "Load failed" in text
        assert "Connection refused" in text
        assert "ctrl+r" in text
        assert form_is_locked(pilot)  # nothing loaded, nothing to edit
        await pilot.press("tab", "enter", "down", "x")  # keys reach no hidden field
        assert pilot.app.focused is None
        assert isinstance(pilot.app.screen, EditorScreen)
        assert str(editor(pilot).query_one("#field-help", Static).render()) == ""


async def test_a_provider_the_app_does_not_know_is_offered_and_kept(
    demo_server: DemoServer,
) -> None:
    demo_server.state.mutate(aiVoiceProvider="acme-voice")
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        select = editor(pilot).query_one("#field-aiVoiceProvider", Select)
        assert select.value == "acme-voice"
        assert "No unsaved changes" in counter_text(pilot)


async def test_before_a_load_the_footer_offers_only_what_can_be_done(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 9: a failed first load offered Save, Reveal and Numbers; a slow one
    said "Loading…" with no time and no way out."""
    from tui.demo.scenarios import until

    demo_server.inject(Fault.DELAY, method="GET", delay_seconds=2.5)
    async with make_app(demo_server, read_timeout=10.0).run_test(size=SIZE) as pilot:
        screen = editor(pilot)
        await until(pilot, lambda: " s" in status_text(pilot) and "ctrl+r" in status_text(pilot))
        assert "Loading the configuration" in status_text(pilot)
        for action in ("review", "toggle_reveal", "phone_numbers", "health"):
            assert screen.check_action(action, ()) is False, action
        assert screen.check_action("reload", ()) is True
        await settle(pilot)
        await until(pilot, lambda: screen.form is not None)
        assert screen.check_action("review", ()) is True
        assert screen.check_action("phone_numbers", ()) is True


async def test_ctrl_o_puts_one_field_back_and_keeps_the_others(demo_server: DemoServer) -> None:
    """Issue 18, item 16: "?" typed into a field whose text tab had selected replaced
    the trunk ID, and only ctrl+r (every edit) could undo it."""
    from tui.demo.scenarios import paste_into, type_into

    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstProjectId", "keep-this-edit", replace=True)
        await type_into(pilot, "sinchEstTrunkId", "?", replace=True)
        screen = editor(pilot)
        assert screen.form is not None and screen.form.change_count == 2
        assert screen.check_action("undo_field", ()) is True
        app = pilot.app
        assert "Undo" in {c.title for c in app.get_system_commands(app.screen)}
        await press_and_settle(pilot, "ctrl+o")
        assert widget_values(pilot)["field-sinchEstTrunkId"] == "trunk-demo-001"
        assert widget_values(pilot)["field-sinchEstProjectId"] == "keep-this-edit"
        assert screen.form.change_count == 1
        assert "back to its value as loaded" in status_text(pilot)
        assert screen.check_action("undo_field", ()) is False  # nothing left to undo here
        assert "Undo" not in {c.title for c in app.get_system_commands(app.screen)}
