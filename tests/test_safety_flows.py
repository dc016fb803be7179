"""Stale data, bad input, quitting mid-flight: the app keeps the user's trust."""

from __future__ import annotations

import json

import httpx
from textual.widgets import Input, Static

from tests.key_bursts import send_burst
from tests.screen_text import screen_text
from tests.test_editor_flows import SIZE, counter_text, editor, make_app, posts, status_text
from tui.demo.faults import Fault
from tui.demo.scenarios import paste_into, press_and_settle, settle, type_into
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.screens.confirm import ConfirmScreen
from tui.screens.review import ReviewScreen
from tui.widgets.field_input import PASTE_LIMIT
from tui.widgets.status_panel import Outcome, Tone


def other_admin_saves(server: DemoServer, body: dict[str, object]) -> None:
    """A second client (another superadmin) changes the server over HTTP."""
    response = httpx.post(
        f"{server.url}/api/calls/voice-ai/config",
        json=body,
        headers={"Authorization": f"Bearer {SUPERADMIN_TOKEN}"},
    )
    assert response.status_code == 200


def review_text(review: ReviewScreen) -> str:
    return screen_text(review.app)


async def test_changes_made_elsewhere_show_in_review_and_only_my_edits_are_sent(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkDomain", "mine.pstn.sinch.com", replace=True)
        other_admin_saves(
            demo_server,
            {"sinchEstTrunkId": "trunk-from-colleague", "sinchEstTrunkDomain": "theirs.sinch.com"},
        )
        await press_and_settle(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        text = review_text(review)
        assert "Changed on the server since you loaded the form" in text
        assert "trunk-demo-001" in text and "theirs.sinch.com" in text
        assert "yours overwrites" in text and "not sent" in text
        # One current value everywhere (issue 18, item 1): the changes table's "Now on
        # server" is the re-read's domain too, not the value as loaded.
        (change,) = review.changes
        assert change.before == '"theirs.sinch.com"', change.before
        await pilot.press("enter")
        await settle(pilot)
        assert posts(demo_server)[-1] == {"sinchEstTrunkDomain": "mine.pstn.sinch.com"}
        # The colleague's untouched change survives, and the form now shows it.
        assert demo_server.state.public_config()["sinchEstTrunkId"] == "trunk-from-colleague"
        trunk = editor(pilot).query_one("#field-sinchEstTrunkId", Input)
        assert trunk.value == "trunk-from-colleague"


async def test_going_back_after_drift_refreshes_untouched_fields_and_keeps_edits(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", "sk_mine")
        demo_server.state.mutate(sinchEstProjectId="00000000-0000-0000-0000-000000000000")
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("escape")
        await settle(pilot)
        screen = editor(pilot)
        assert screen.query_one("#field-elevenlabsApiKey", Input).value == "sk_mine"
        assert (
            screen.query_one("#field-sinchEstProjectId", Input).value
            == "00000000-0000-0000-0000-000000000000"
        )
        assert "newer values" in status_text(pilot)
        assert "● 1 unsaved" in counter_text(pilot)
        assert posts(demo_server) == []


async def test_review_opens_with_a_warning_when_the_recheck_fails(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", "sk_mine")
        demo_server.inject(Fault.SERVER_ERROR_STRING, method="GET")
        await press_and_settle(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        assert "Could not re-check the server" in review_text(review)
        await pilot.press("enter")
        await settle(pilot)
        assert posts(demo_server) == [{"elevenlabsApiKey": "sk_mine"}]


async def test_whitespace_is_warned_in_form_and_review_and_sent_as_typed(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstKeySecret", " secret-with-space ")
        screen = editor(pilot)
        marker = screen.query_one("#row-sinchEstKeySecret .field-marker", Static)
        assert "⚠" in str(marker.render())
        assert "whitespace" in str(screen.query_one("#field-help", Static).render())
        await press_and_settle(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        assert "Sinch EST key secret: leading or trailing whitespace" in review_text(review)
        await pilot.press("enter", "y")  # it asks once more first (issue 18, item 4)
        await settle(pilot)
    assert demo_server.state.secret("sinchEstKeySecret") == " secret-with-space "


async def test_typed_control_and_non_ascii_characters_arrive_byte_for_byte(
    demo_server: DemoServer,
) -> None:
    value = "clé-日本-ß"
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstKeyId", value)
        await paste_into(pilot, "sinchEstKeySecret", "tab\there")
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter", "y")  # a control character: asked once more first
        await settle(pilot)
    assert demo_server.state.secret("sinchEstKeyId") == value
    assert demo_server.state.secret("sinchEstKeySecret") == "tab\there"
    assert json.dumps(posts(demo_server)[-1])  # the body was valid JSON


async def test_a_paste_just_under_the_limit_is_sent_exactly(demo_server: DemoServer) -> None:
    value = "k" * (PASTE_LIMIT - 1)
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstKeySecret", value)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await settle(pilot)
        assert "Configuration saved" in status_text(pilot)
    assert demo_server.state.secret("sinchEstKeySecret") == value


async def test_a_one_megabyte_paste_is_refused_with_the_reason(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstKeySecret", "x" * 1_000_000)
        field = editor(pilot).query_one("#field-sinchEstKeySecret", Input)
        assert field.value == ""
        assert "Paste refused: 1,000,000 characters" in status_text(pilot)
        await pilot.press("a")  # still responsive
        assert field.value == "a"


async def test_a_multi_line_paste_is_refused_and_a_trailing_newline_is_reported(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", "sk_line1\nsk_line2")
        field = editor(pilot).query_one("#field-elevenlabsApiKey", Input)
        assert field.value == ""
        assert "it has 2 lines" in status_text(pilot)
        for ending in ("\n", "\r\n", "\r"):  # a terminal may send the copied newline as CR
            await paste_into(pilot, "elevenlabsApiKey", f"sk_copied{ending}", replace=True)
            assert field.value == "sk_copied"
            assert "line break; it was left out" in status_text(pilot)
            editor(pilot).status.outcome = Outcome.of(Tone.INFO, "(cleared)")


async def test_quitting_during_a_save_warns_that_the_outcome_is_unknown(
    demo_server: DemoServer,
) -> None:
    app = make_app(demo_server)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", "sk_mine")
        await press_and_settle(pilot, "ctrl+s")
        demo_server.inject(Fault.DELAY, method="POST", delay_seconds=1.0)
        await pilot.press("enter")
        await pilot.pause()
        assert editor(pilot).busy == "saving"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "A save is in flight" in str(app.screen.query_one("#confirm-question").render())
        assert "unknown" in str(app.screen.query_one("#confirm-detail").render())
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        assert "Configuration saved" in status_text(pilot)
    assert len(posts(demo_server)) == 1


async def test_escape_then_enter_in_one_burst_leaves_the_review_and_sends_nothing(
    demo_server: DemoServer,
) -> None:
    """enter confirms as it arrives (a priority key); escape typed just before it must
    still win: over a slow link both come in one burst, and a cancelled save must not go."""
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-burst", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, ReviewScreen)
        send_burst(pilot, "escape", "enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ReviewScreen)
        assert posts(demo_server) == []
        assert editor(pilot).query_one("#field-sinchEstTrunkId", Input).value == "trunk-burst"
