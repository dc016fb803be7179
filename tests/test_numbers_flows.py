"""The numbers' flows, by keyboard, against the demo server over real HTTP.

On with an agent, off, switching agents, the filter, three numbers with the middle one
refused, a 401 midway, and the rules around them: agents load when the numbers are first
shown, the form and the numbers are separate saves, quitting with either pending asks.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import Input

from tests.key_bursts import send_burst
from tests.screen_text import screen_text
from tests.test_editor_flows import editor, make_app, posts, status_text
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.demo.faults import Fault
from tui.demo.loopback import JsonHandler
from tui.demo.numbers_routes import PROMPTS_PATH, TOGGLE_PATH
from tui.demo.numbers_steps import choose_agent, press, three_pending
from tui.demo.scenarios import paste_into, settle
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.numbers.state import Setting, Verdict
from tui.screens.agent_picker import AgentPickerScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.editor import EditorScreen
from tui.screens.numbers_desk import NumbersDesk
from tui.screens.numbers_review import NumbersReviewScreen
from tui.screens.phone_numbers import PhoneNumbersScreen
from tui.screens.review import ReviewScreen
from tui.screens.sign_in import SignInScreen
from tui.widgets.numbers_panel import NumbersPanel

SIZE = (100, 32)
SALES, SUPPORT, RECEPTION, AFTER, BILLING = (f"64f0a1b2c3d4e5f6a7b8cc0{n}" for n in range(1, 6))
USER = {n: f"64f0a1b2c3d4e5f6a7b8c9d{n}" for n in range(1, 5)}


def desk(pilot: Pilot) -> NumbersDesk:
    numbers = editor(pilot).numbers_desk()
    assert numbers is not None
    return numbers


def toggles(server: DemoServer) -> list[dict[str, Any]]:
    return server.state.numbers.received_toggles


def listed(server: DemoServer) -> dict[str, tuple[bool, str | None]]:
    numbers = server.state.public_config()["phoneNumbers"]
    return {n["phoneNumber"]: (n["aiEnabled"], n["aiAgentId"]) for n in numbers}


def panel(pilot: Pilot) -> NumbersPanel:
    return pilot.app.screen.query_one(NumbersPanel)


def panel_text(pilot: Pilot) -> str:
    return "\n".join(str(w.render()) for w in panel(pilot).query("Static"))


async def send_reviewed(pilot: Pilot) -> NumbersReviewScreen:
    """ctrl+s (re-check, review), enter (send one by one, re-read): the results screen."""
    await press(pilot, "ctrl+s")
    review = pilot.app.screen
    assert isinstance(review, NumbersReviewScreen)
    assert review.stage == "review"
    await press(pilot, "enter")
    assert review.stage == "done"
    return review


async def test_agents_are_read_when_the_numbers_are_first_shown(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not [r for r in demo_server.requests if r.path == PROMPTS_PATH]
        await press(pilot, "ctrl+n")
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert len([r for r in demo_server.requests if r.path == PROMPTS_PATH]) == 1
        assert "Sales Line" in panel_text(pilot)  # the row under the cursor, by name
        await press(pilot, "escape", "ctrl+n")
        assert len([r for r in demo_server.requests if r.path == PROMPTS_PATH]) == 1


async def test_on_with_an_agent_chosen_by_name(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "down", "down")  # +14165550104, off
        await choose_agent(pilot, "support")
        assert "● off → on, agent Support Desk" in panel_text(pilot)
        assert desk(pilot).state.pending[(USER[4], "+14165550104")] == Setting(True, SUPPORT)
        assert toggles(demo_server) == []  # nothing sent before the review
        review = await send_reviewed(pilot)
        assert toggles(demo_server) == [
            {
                "userId": USER[4],
                "phoneNumber": "+14165550104",
                "aiEnabled": True,
                "aiAgentId": SUPPORT,
            }
        ]
        outcome = desk(pilot).state.outcomes[(USER[4], "+14165550104")]
        assert (outcome.verdict, outcome.confirmed) == (Verdict.APPLIED, True)
        assert "Done: 1 applied (1 confirmed)." in review.desk.batch_note
        await press(pilot, "enter")
        assert desk(pilot).pending_count == 0
        assert listed(demo_server)["+14165550104"] == (True, SUPPORT)


async def test_space_with_no_agent_to_keep_opens_the_list(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "space")  # +14165550102: off, no agent
        assert isinstance(pilot.app.screen, AgentPickerScreen)
        await press(pilot, "escape")
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert desk(pilot).pending_count == 0


async def test_off_then_switch_agent(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "space")  # +14165550101 off
        await send_reviewed(pilot)
        await press(pilot, "enter")
        assert toggles(demo_server)[-1] == {
            "userId": USER[1],
            "phoneNumber": "+14165550101",
            "aiEnabled": False,
        }
        await press(pilot, "space")  # on again: keeps its agent
        await choose_agent(pilot, "support")  # then switch it
        await send_reviewed(pilot)
        assert toggles(demo_server)[-1]["aiAgentId"] == SUPPORT
        assert listed(demo_server)["+14165550101"] == (True, SUPPORT)


async def test_switching_the_agent_of_a_number_that_is_on(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n")
        await choose_agent(pilot, SUPPORT[-6:])  # narrowed by part of the ID
        (toggle,) = desk(pilot).state.toggles()
        assert toggle.change(desk(pilot).state.agents) == "agent Sales Line → Support Desk"
        await send_reviewed(pilot)
        assert toggles(demo_server) == [
            {
                "userId": USER[1],
                "phoneNumber": "+14165550101",
                "aiEnabled": True,
                "aiAgentId": SUPPORT,
            }
        ]


async def test_the_filter_narrows_and_the_keys_act_on_the_row_shown(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n")
        table = panel(pilot).table
        await pilot.press(*"after")
        await settle(pilot)
        assert table.rows == [3, 6]  # +14165550104 and +14165550107: After Hours
        assert "Filter: after" in panel_text(pilot)
        await press(pilot, "space")  # +14165550104 on, keeping After Hours
        assert list(desk(pilot).state.pending) == [(USER[4], "+14165550104")]
        await press(pilot, "backspace", "backspace", "backspace", "backspace", "backspace")
        assert table.rows == list(range(12))
        await pilot.press(*"off")
        await settle(pilot)
        assert table.rows == [1, 3]  # "off" as on the server, not the pending change
        await pilot.press(*",pending")
        await settle(pilot)
        assert table.rows == [3]
        await press(pilot, "escape")  # clears the filter, keeps the screen
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert table.rows == list(range(12))
        await press(pilot, "escape")  # now closes; the toggle stays pending
        assert isinstance(pilot.app.screen, EditorScreen)
        assert desk(pilot).pending_count == 1
        assert "1 number toggle pending, not sent" in status_text(pilot)


async def test_three_numbers_the_middle_one_refused(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        review = await send_reviewed(pilot)
        assert [t["phoneNumber"] for t in toggles(demo_server)] == [
            "+14165550101",
            "+14165550102",
            "+14165550104",
        ]
        state = desk(pilot).state
        verdicts = [state.outcomes[t.key].verdict for t in review.toggles]
        assert verdicts == [Verdict.APPLIED, Verdict.REFUSED, Verdict.APPLIED]
        assert review.desk.batch_note == "Done: 2 applied (2 confirmed), 1 refused."
        shown = screen_text(pilot.app)
        assert shown.count("✓ applied, confirmed") == 2
        assert "✗ NUMBER_NOT_ON_TRUNK: this number" in shown  # folds at 100 columns
        await press(pilot, "enter")
        assert list(state.pending) == [(USER[2], "+14165550102")]  # stays for a retry
        assert "● 1 pending" in panel_text(pilot)
        assert "Numbers — 2 applied (2 confirmed), 1 refused." in status_text(pilot)
        # The retry sends the same body again, and only it.
        await press(pilot, "ctrl+s", "enter")
        assert toggles(demo_server)[-1] == toggles(demo_server)[1]
        assert len(toggles(demo_server)) == 4


async def test_a_call_in_flight_is_explained_and_a_retry_goes_through(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "down", "space")  # +14165550103 off
        await send_reviewed(pilot)
        assert desk(pilot).batch_note == "Done: 1 refused."
        outcome = desk(pilot).state.outcomes[(USER[3], "+14165550103")]
        assert outcome.failure is not None and outcome.failure.code == "OUTBOUND_IN_FLIGHT"
        await press(pilot, "enter")
        assert "OUTBOUND_IN_FLIGHT: a call is in progress: try again when it ends" in (
            " ".join(panel_text(pilot).split())
        )
        await send_reviewed(pilot)
        assert listed(demo_server)["+14165550103"][0] is False


async def test_a_401_midway_signs_in_and_sends_the_rest(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        demo_server.inject(Fault.DELAY, method="POST", delay_seconds=0)  # the first passes
        demo_server.inject(Fault.UNAUTHORIZED, method="POST")
        await press(pilot, "ctrl+s", "enter")
        sign_in = pilot.app.screen
        assert isinstance(sign_in, SignInScreen)
        assert "partway through the numbers" in sign_in.reason
        assert len(toggles(demo_server)) == 1  # the 401 came before the route
        sign_in.query_one("#signin-token", Input).value = SUPERADMIN_TOKEN
        sign_in.query_one("#signin-token").focus()
        await press(pilot, "enter")
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        assert review.stage == "done"
        assert [t["phoneNumber"] for t in toggles(demo_server)] == [
            "+14165550101",
            "+14165550102",
            "+14165550104",
        ]
        assert review.desk.batch_note == "Done: 2 applied (2 confirmed), 1 refused."


async def test_a_401_midway_declined_leaves_the_rest_pending(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        demo_server.inject(Fault.UNAUTHORIZED, method="POST")
        await press(pilot, "ctrl+s", "enter")
        assert isinstance(pilot.app.screen, SignInScreen)
        await press(pilot, "escape")
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        assert review.stage == "done"
        assert "3 toggles left to send after you sign in" in review.desk.batch_note
        await press(pilot, "enter")
        assert desk(pilot).pending_count == 3
        assert toggles(demo_server) == []


async def test_escape_in_the_review_sends_nothing(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        await press(pilot, "ctrl+s", "escape")
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert desk(pilot).pending_count == 3
        assert toggles(demo_server) == []
        assert "Review closed: nothing was sent" in panel_text(pilot)


async def test_the_review_shows_what_changed_on_the_server_meanwhile(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        # A colleague turns +14165550104 on with Support Desk: it stays pending (After Hours).
        demo_server.state.edit_phone_numbers(
            lambda rows: rows[3].update(aiEnabled=True, aiAgentId=SUPPORT)
        )
        await press(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        assert [toggle.phone_number for toggle, _now in review.changed] == ["+14165550104"]
        last = review.toggles[-1]
        assert (last.before, last.after) == (Setting(True, SUPPORT), Setting(True, AFTER))
        assert last.request().wire_body()["aiAgentId"] == AFTER


async def test_the_form_and_the_numbers_are_separate_saves(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-9", replace=True)
        await press(pilot, "ctrl+n", "space")  # focus moves to the numbers beside the form
        assert desk(pilot).pending_count == 1
        await press(pilot, "ctrl+s")  # from the numbers: their review only
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        await press(pilot, "escape", "ctrl+n")  # back to the form
        await press(pilot, "ctrl+s")
        form_review = pilot.app.screen
        assert isinstance(form_review, ReviewScreen)
        assert [change.spec.wire_name for change in form_review.changes] == ["sinchEstTrunkId"]
        await press(pilot, "enter")
        assert posts(demo_server) == [{"sinchEstTrunkId": "trunk-9"}]
        assert toggles(demo_server) == []  # the form's save sent no toggle
        assert desk(pilot).pending_count == 1  # and the re-read kept it pending


async def test_nothing_to_save_in_the_form_points_at_the_pending_numbers(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "space", "escape", "ctrl+s")
        text = status_text(pilot)
        assert "Nothing to save: no field was changed" in text
        assert "1 number toggle pending: it is sent from the numbers (ctrl+n)" in text


async def test_quitting_with_pending_toggles_asks_first(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "space", "escape")
        await press(pilot, "ctrl+q")
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == "Quit and discard 1 pending number toggle?"
        await press(pilot, "n")
        await paste_into(pilot, "sinchEstTrunkId", "trunk-9", replace=True)
        await press(pilot, "ctrl+q")
        assert pilot.app.screen.question == (  # type: ignore[attr-defined]
            "Quit and discard 1 unsaved change and 1 pending number toggle?"
        )


async def test_quitting_while_toggles_are_sent_asks_first(demo_server: DemoServer) -> None:
    async with make_app(demo_server, read_timeout=5.0).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        demo_server.inject(Fault.DELAY, method="POST", delay_seconds=1.0)
        await press(pilot, "ctrl+s")
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert desk(pilot).sending
        assert editor(pilot).quit_question() == desk(pilot).sending_question()
        await settle(pilot)


async def test_without_the_agent_list_ids_are_shown_and_an_id_can_be_pasted(
    demo_server: DemoServer,
) -> None:
    def not_found(request: JsonHandler, _body: bytes) -> None:
        request.send_json(404, {"success": False, "error": "Not found"})

    demo_server.routes.exact[PROMPTS_PATH] = {"GET": not_found}
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n")
        assert "Agent names unavailable (HTTP 404 Not Found)" in panel_text(pilot)
        assert SALES in panel_text(pilot)
        await press(pilot, "down", "down", "down", "enter")
        picker = pilot.app.screen
        assert isinstance(picker, AgentPickerScreen)
        assert "could not be read" in str(picker.query_one("#agent-problem").render())
        box = picker.query_one("#agent-filter", Input)
        box.value = "Sales Line"
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, AgentPickerScreen)  # a name cannot be looked up
        assert "give the agent's ID instead" in str(picker.query_one("#agent-problem").render())
        box.value = SUPPORT
        await press(pilot, "enter")
        assert desk(pilot).state.pending[(USER[4], "+14165550104")] == Setting(True, SUPPORT)


async def test_a_wide_terminal_works_beside_the_form(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(160, 48)) as pilot:
        await three_pending(pilot, demo_server)
        assert isinstance(pilot.app.screen, EditorScreen)
        await send_reviewed(pilot)
        await press(pilot, "enter")
        assert isinstance(pilot.app.screen, EditorScreen)
        assert len(toggles(demo_server)) == 3
        assert desk(pilot).pending_count == 1
        assert "Numbers — 2 applied (2 confirmed), 1 refused." in status_text(pilot)
        assert screen_text(pilot.app).count("✓ applied, confirmed") == 2  # in the table


async def test_the_summary_shows_the_numbers_as_re_read(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "Phone numbers: 12 (10 AI on, 2 of" in " ".join(screen_text(pilot.app).split())
        await press(pilot, "ctrl+n", "space")
        await send_reviewed(pilot)
        await press(pilot, "enter")
        assert "Phone numbers: 12 (9 AI on, 3 of" in " ".join(screen_text(pilot.app).split())


async def test_sending_is_one_request_at_a_time(demo_server: DemoServer) -> None:
    """Toggles go out one by one: each starts only after the previous one answered."""
    settings = ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5)
    async with VoiceConfigApp(settings, demo=True).run_test(size=SIZE) as pilot:
        await three_pending(pilot, demo_server)
        await send_reviewed(pilot)
    toggle_requests = [r for r in demo_server.requests if r.path == TOGGLE_PATH]
    assert len(toggle_requests) == 3
    # The server records a request when it has answered it; the app sent the next after.
    log = [entry for entry in demo_server.state.request_log if entry[1] == TOGGLE_PATH]
    assert [status for _method, _path, status in log] == [200, 400, 200]


async def test_the_palette_offers_the_numbers_keys_by_name(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n")
        app = pilot.app
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"AI on/off", "Agent", "Undo", "Send numbers", "Numbers"} <= set(commands)
        await commands["AI on/off"].callback()
        await settle(pilot)
        assert desk(pilot).pending_count == 1


async def test_a_name_typed_and_enter_in_one_burst_pick_that_agent(
    demo_server: DemoServer,
) -> None:
    """Over a slow link "support⏎" arrives at once: enter (a priority key, run as it
    arrives) must pick from the list the typed name narrows, not the one shown before."""
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "down", "down", "enter")  # +14165550104, off
        assert isinstance(pilot.app.screen, AgentPickerScreen)
        send_burst(pilot, *"support", "enter", "enter")  # a second enter: one pick only
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert desk(pilot).state.pending[(USER[4], "+14165550104")] == Setting(True, SUPPORT)


async def test_escape_then_enter_in_one_burst_leaves_the_numbers_review_unsent(
    demo_server: DemoServer,
) -> None:
    """As for the form: a cancel typed just before a (priority) enter must win."""
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "space", "ctrl+s")  # +14165550101 off, reviewed
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        send_burst(pilot, "escape", "enter")
        await pilot.pause(0.3)
        await settle(pilot)
        assert not isinstance(pilot.app.screen, NumbersReviewScreen)
        assert toggles(demo_server) == []
        assert desk(pilot).pending_count == 1


async def test_keys_typed_right_after_escaping_the_agent_list_filter_the_numbers(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "enter")
        assert isinstance(pilot.app.screen, AgentPickerScreen)
        send_burst(pilot, "escape", *"0104")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        assert panel(pilot).query_text == "0104"
        assert desk(pilot).pending_count == 0


async def test_ctrl_n_twice_beside_the_form_comes_back_to_the_field_left(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        field = editor(pilot).query_one("#field-sinchEstTrunkDomain", Input)
        field.focus()
        await press(pilot, "ctrl+n")
        assert pilot.app.focused is not field  # on the numbers
        await press(pilot, "ctrl+n", "end", "x")
        assert pilot.app.focused is field
        assert field.value == "demo-org.elastic-sip.sinch.comx"


async def test_dropping_the_refused_toggle_clears_the_still_pending_line(
    demo_server: DemoServer,
) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "space")  # +14165550102: the agent list
        await pilot.press(*"sales")
        await press(pilot, "enter")
        await send_reviewed(pilot)  # refused: not on the trunk
        await press(pilot, "enter")  # the results closed
        assert "1 toggle still pending" in status_text(pilot)
        await press(pilot, "delete", "escape")  # dropped, the numbers closed
        assert desk(pilot).pending_count == 0
        assert "still pending" not in status_text(pilot)
        assert "No number toggle is pending now." in status_text(pilot)


async def test_a_burst_of_filter_backspaces_keeps_the_cursor_row_in_view() -> None:
    """One number shown, then four backspaces in one read: 4,988 rows. The cursor stays
    on the number, and the table scrolls to it (it stayed at the top, the row hidden)."""
    from tui.demo.server import DemoState
    from tui.widgets.phone_numbers import PhoneNumbersTable

    with DemoServer(state=DemoState.with_numbers(5000)) as server:
        async with make_app(server).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+n", *"4375551234")
            table = pilot.app.screen.query_one(PhoneNumbersTable)
            assert len(table.rows) == 1
            send_burst(pilot, "backspace", "backspace", "backspace", "backspace")
            await pilot.pause(0.3)
            await settle(pilot)
            assert len(table.rows) == 4988  # 5,000 less the 12 seeded numbers
            assert table.current_row is not None
            assert table._state is not None
            assert table._state.numbers[table.current_row].phone_number == "+14375551234"
            top = round(table.scroll_offset.y)
            assert top <= table.cursor < top + table.scrollable_content_region.height - 1


async def test_results_open_at_their_first_row_in_one_dialog_at_80x24(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 17: after reading the review down to its bodies, the results
    opened scrolled there (the refused row above, off the screen), in a frame drawn
    inside the numbers' frame. Now the review covers the numbers' dialog exactly, and
    from the send on its body is the outcomes' table, read from the top."""
    from textual.containers import VerticalScroll

    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await three_pending(pilot, demo_server)
        await press(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        numbers = next(s for s in pilot.app.screen_stack if isinstance(s, PhoneNumbersScreen))
        assert (
            review.query_one("#numbers-review-dialog").region
            == numbers.query_one("#numbers-dialog").region
        )
        body = review.query_one("#numbers-review-body", VerticalScroll)
        await press(pilot, "end")
        assert body.max_scroll_y > 0 and body.scroll_y == body.max_scroll_y  # at the bodies
        await press(pilot, "enter")
        await settle(pilot)
        assert review.stage == "done"
        assert body.scroll_y == 0
        assert not [widget for widget in review.query(".review-only") if widget.display]
        shown = screen_text(pilot.app)
        assert "NUMBER_NOT_ON_TRUNK" in shown  # the refused row, in view
        assert "Request bodies" not in shown
        await press(pilot, "enter")  # closed: the numbers' own line says how it went,
        # whole, before the filter's hint ("…, 1 refused" was cut off at 80 columns)
        assert "Done: 2 applied (2 confirmed), 1 refused." in screen_text(pilot.app)


async def test_the_review_warns_of_an_agent_refused_as_not_synced(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 12: the send to "Billing (draft)" gets AGENT_NOT_SYNCED. Tether
    has no field that says so beforehand; once it has said it, the review, and the
    agent list, repeat it before the same agent is sent again."""
    async with make_app(demo_server).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+n", "down", "down", "down")
        await choose_agent(pilot, "billing")
        await press(pilot, "ctrl+s")
        review = pilot.app.screen
        assert isinstance(review, NumbersReviewScreen)
        assert "refused earlier" not in screen_text(pilot.app)  # nothing known yet
        await press(pilot, "enter")
        await settle(pilot)
        assert "AGENT_NOT_SYNCED" in screen_text(pilot.app)
        assert "refused earlier" not in screen_text(pilot.app)  # it is this refusal
        await press(pilot, "enter")  # close the results: the toggle stays pending
        assert desk(pilot).state.pending_count == 1
        await press(pilot, "ctrl+s")
        assert isinstance(pilot.app.screen, NumbersReviewScreen)
        shown = " ".join(screen_text(pilot.app).split())
        assert "⚠ 1 toggle links Billing (draft), refused earlier this session" in shown
        assert "⚠ refused earlier: not synced" in shown
        await press(pilot, "escape")
        await press(pilot, "enter")  # the agent list, on the same row
        assert isinstance(pilot.app.screen, AgentPickerScreen)
        assert "Billing (draft)  ⚠ refused earlier: not synced" in screen_text(pilot.app)
