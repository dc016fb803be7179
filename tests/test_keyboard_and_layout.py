"""SSH first: everything reachable by keyboard, and the form fits 80x24."""

from __future__ import annotations

import asyncio

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.key_bursts import send_burst
from tests.screen_text import screen_text
from tests.test_editor_flows import editor, make_app, status_text
from tui.demo.faults import Fault
from tui.demo.scenarios import paste_into, press_and_settle, settle
from tui.demo.server import DemoServer
from tui.screens.editor import EditorScreen
from tui.screens.help import HelpScreen
from tui.screens.phone_numbers import PhoneNumbersScreen
from tui.screens.sign_in import SignInScreen
from tui.widgets.phone_numbers import PhoneNumbersTable


def fully_visible(screen: EditorScreen, selector: str) -> bool:
    """The widget's whole region lies on the screen (nothing scrolled or cut off)."""
    region = screen.query_one(selector).region
    return bool(region.height) and screen.region.contains_region(region)


@pytest.mark.parametrize("fault", [None, Fault.SERVER_ERROR_STRUCTURED])
async def test_every_field_counter_and_status_fit_80x24(
    demo_server: DemoServer, fault: Fault | None
) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form_top = editor(pilot).query_one("#form").region.y
        if fault:
            demo_server.inject(fault, method="POST")
            await press_and_settle(pilot, "ctrl+s")
            screen = editor(pilot)
            screen.query_one("#field-sinchEstTrunkId").focus()
            await pilot.press("x")
            await press_and_settle(pilot, "ctrl+s")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert "ELEVENLABS_UNREACHABLE" in status_text(pilot)
        screen = editor(pilot)
        for row in screen.query(".field-row"):
            assert fully_visible(screen, f"#{row.id}"), row.id
        assert fully_visible(screen, "#change-counter")
        assert fully_visible(screen, "#status")
        shown = " ".join(screen_text(pilot.app).split())
        for line in screen.status.outcome.lines:  # every line of the outcome is on screen
            assert " ".join(line.split()) in shown, line
        # Issue 18, item 19: the summary's last row ("Other fields") gave way to a long
        # failure, and the form moved up a row under the user's eyes.
        assert "Other fields (read-only): elevenlabsWebhookConfigured=true" in shown
        assert screen.query_one("#form").region.y == form_top


async def test_f1_and_question_mark_open_the_help(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, EditorScreen)
        editor(pilot).query_one("#field-generateToolSecret").focus()  # not a text field
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)


async def test_help_lists_every_shown_binding(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = {binding.action for _, bindings in help_screen.sections for binding in bindings}
        assert {"review", "reload", "toggle_reveal", "phone_numbers", "help", "quit"} <= listed
        assert {"confirm", "back"} <= listed
        assert {"act('toggle')", "act('agent')", "act('review')", "clear_filter"} <= listed


async def test_phone_numbers_table_lists_every_number(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, PhoneNumbersScreen)
        table = screen.query_one(PhoneNumbersTable)
        assert table.rows == list(range(12))
        shown = screen_text(pilot.app)
        for line in (
            "+14165550101  on   Sales Line",
            "+14165550102  off  —",
            "+14165550104  off  After Hours",
        ):
            assert line in shown
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, EditorScreen)


async def test_wide_terminal_shows_the_numbers_beside_the_form(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        assert screen.has_class("-wide")
        assert screen.query_one("#numbers-panel").display
        table = screen.query_one("#numbers-panel PhoneNumbersTable", PhoneNumbersTable)
        assert table.rows == list(range(12))
    async with make_app(demo_server).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert not editor(pilot).query_one("#numbers-panel").display


async def test_command_palette_offers_every_editor_action(demo_server: DemoServer) -> None:
    async with make_app(demo_server).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app = pilot.app
        editor(pilot).query_one("#field-elevenlabsApiKey").focus()  # Reveal: on a secret
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Save", "Reload", "Reveal", "Numbers", "Help"} <= titles
        assert "Quit the application" in titles or "Quit" in " ".join(titles)
        assert any("theme" in title.lower() for title in titles)
        save = next(c for c in app.get_system_commands(app.screen) if c.title == "Save")
        await save.callback()
        await settle(pilot)
        assert "Nothing to save" in status_text(pilot)


async def test_keys_typed_in_one_burst_after_tab_land_in_the_next_field(
    demo_server: DemoServer,
) -> None:
    """Over a slow link, tab and the next keys arrive together; none may hit the old field."""
    async with make_app(demo_server).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        screen.query_one("#field-elevenlabsApiKey").focus()
        await pilot.pause()
        for burst in ["a tab space", "tab x y tab z"]:
            send_burst(pilot, *burst.split())
            await pilot.pause(0.2)
        assert screen.query_one("#field-elevenlabsApiKey").value == "a"
        assert screen.query_one("#field-generateToolSecret").value is True
        assert screen.query_one("#field-sinchEstKeyId").value == "xy"
        assert screen.query_one("#field-sinchEstKeySecret").value == "z"


@pytest.mark.parametrize(
    ("burst", "expected"),
    [
        ("ctrl+a ctrl+k t r u n k", "trunk"),  # clear the field, type a new value
        ("x y backspace z", "trunk-demo-001xz"),
        ("x y left z", "trunk-demo-001xzy"),
        ("ctrl+u n e w", "new"),
        ("home ctrl+d ctrl+d ctrl+d ctrl+d ctrl+d ctrl+d T", "Tdemo-001"),
    ],
)
async def test_editing_keys_in_one_burst_apply_in_the_order_typed(
    demo_server: DemoServer, burst: str, expected: str
) -> None:
    """Editing keys are bindings, which Textual ran only after their key had bubbled up to
    the app, so a character typed after them in the same burst was applied first."""
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        field = screen.query_one("#field-sinchEstTrunkId")
        field.focus()
        await pilot.pause()
        send_burst(pilot, *burst.split())
        await pilot.pause(0.2)
        assert field.value == expected
        assert screen.form is not None
        assert screen.form.plain_value("sinchEstTrunkId") == expected


@pytest.mark.parametrize("key", ["backspace", "ctrl+u", "ctrl+k", "delete"])
async def test_a_key_the_list_ignores_is_not_applied_to_the_field_a_tab_then_reaches(
    demo_server: DemoServer, key: str
) -> None:
    """The provider list ignores backspace; with shift+tab right behind it, Textual looked
    for its binding only once focus was on the trunk domain (selected by the tab)."""
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        screen.query_one("#field-aiVoiceProvider").focus()
        await pilot.pause()
        send_burst(pilot, key, "shift+tab")
        await pilot.pause(0.3)
        domain = screen.query_one("#field-sinchEstTrunkDomain", Input)
        assert pilot.app.focused is domain
        assert domain.value == "demo-org.elastic-sip.sinch.com"
        assert screen.form is not None and screen.form.change_count == 0


async def test_a_screen_key_followed_by_tab_still_acts(demo_server: DemoServer) -> None:
    """ctrl+s then tab in one burst: the review opens (the screen's key is resolved on
    the chain it was sent through, which the screen is part of)."""
    from tui.screens.review import ReviewScreen

    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-t", replace=True)
        editor(pilot).query_one("#field-aiVoiceProvider").focus()
        await pilot.pause()
        send_burst(pilot, "ctrl+s", "tab")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewScreen)


@pytest.mark.parametrize(
    ("opener", "closer"),
    [("ctrl+s", "escape"), ("f1", "escape"), ("ctrl+r", "n"), ("sign-in", "escape")],
    ids=["review", "help", "reload question", "sign-in"],
)
async def test_keys_typed_right_after_closing_a_screen_reach_the_field(
    demo_server: DemoServer, opener: str, closer: str
) -> None:
    """The key that closes a screen acts as it arrives, and focus is back in the field at
    once: the keys after it in the same burst were dropped by a screen on its way out,
    or by an editor whose focus was still to be restored."""
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkId", "trunk-b", replace=True)
        if opener == "sign-in":  # ctrl+l is offered when a sign-in is the next step
            editor(pilot).action_sign_in()
            await settle(pilot)
        else:
            await press_and_settle(pilot, opener)
        assert not isinstance(pilot.app.screen, EditorScreen)
        send_burst(pilot, closer, "x", "y")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditorScreen)
        assert editor(pilot).query_one("#field-sinchEstTrunkId", Input).value == "trunk-bxy"


@pytest.mark.parametrize("size", [(80, 24), (140, 40), (160, 48)])
async def test_a_project_id_is_never_cut_off_in_the_form(
    demo_server: DemoServer, size: tuple[int, int]
) -> None:
    """A UUID cut mid-value reads as another ID, with nothing to say it was cut: the
    form keeps room for one also with the numbers beside it (from 140 columns)."""
    async with make_app(demo_server).run_test(size=size) as pilot:
        await settle(pilot)
        field = editor(pilot).query_one("#field-sinchEstProjectId", Input)
        assert len(field.value) == 36
        assert field.content_region.width > 36  # the value and the cursor after it


async def test_an_idle_screen_does_not_change(demo_server: DemoServer) -> None:
    """A steady cursor: nothing redraws while the user reads (no idle bytes over SSH)."""
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor(pilot).query_one("#field-sinchEstTrunkId").focus()
        await pilot.pause()
        before = pilot.app.export_screenshot()
        await asyncio.sleep(1.2)  # more than two blink intervals of Textual's Input
        await pilot.pause()
        assert pilot.app.export_screenshot() == before
        editor(pilot).action_sign_in()  # the sign-in screen's inputs too
        await pilot.pause()
        assert isinstance(pilot.app.screen, SignInScreen)
        inputs = list(pilot.app.screen.query(Input)) + list(editor(pilot).query(Input))
        assert len(inputs) == 3 + 6
        assert not [each for each in inputs if each.cursor_blink]


async def test_no_provider_stored_reads_none_not_clears_it() -> None:
    """ "none (clears it)" only where a provider is stored: otherwise nothing is cleared."""
    from tests.screen_text import screen_text
    from tui.demo.server import DemoState

    with DemoServer(state=DemoState.empty()) as server:
        async with make_app(server).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = screen_text(pilot.app)
            assert "AI voice provider" in shown
            assert "none" in shown
            assert "none (clears it)" not in shown


async def test_help_at_80x24_scrolls_to_its_last_line(demo_server: DemoServer) -> None:
    """Issue 18, item 13: the help's body was taller than its dialog at 80x24, so its
    last lines (the numbers' keys, the palette) and its keys line were off the screen."""
    from textual.containers import VerticalScroll

    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "f1")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        dialog = help_screen.query_one("#help-dialog")
        assert dialog.region.bottom <= 24
        body = help_screen.query_one("#help-body", VerticalScroll)
        body.focus()
        await press_and_settle(pilot, "end")
        assert body.max_scroll_y > 0 and body.scroll_y == body.max_scroll_y
        assert "this help, like f1" in screen_text(pilot.app)
        assert "escape: close" in screen_text(pilot.app)


@pytest.mark.parametrize("width", [80, 100, 160])
async def test_the_header_keeps_the_role_and_the_host_whole(
    demo_server: DemoServer, width: int
) -> None:
    """Issue 18, item 14: at 80 columns the role was cut ("SUPERA…") and a longer host
    would have pushed it out; the app's name, the profile's label and the org go first."""
    from pydantic import SecretStr

    from tui.api.client import ConnectionSettings
    from tui.app import VoiceConfigApp
    from tui.demo.server import SUPERADMIN_TOKEN

    app = VoiceConfigApp(
        ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=2.0),
        profile="production-eu-west",
    )
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        header = str(app.format_title(app.title, app.sub_title))  # what the header draws
        assert len(header) <= width - 16
        host = demo_server.url.split("://", 1)[1]
        assert "SUPERADMIN" in header and host in header, header
        assert "production-eu-west" in header
        if width >= 160:
            assert "Sam Superadmin" in header and "org " in header


async def test_the_palette_offers_our_commands_found_by_what_they_do(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 27: Textual's own "Quit the application as soon as possible",
    "Keys", "Maximize" and "Screenshot" are not offered; "review" finds Save."""
    from tui.palette import ActionsProvider

    async with make_app(demo_server).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app = pilot.app
        commands = list(app.get_system_commands(app.screen))
        helps = " ".join(c.help for c in commands)
        titles = {c.title for c in commands}
        assert "as soon as possible" not in helps
        assert not titles & {"Keys", "Maximize", "Minimize", "Screenshot"}
        assert {"Theme", "Quit", "Save"} <= titles
        provider = ActionsProvider(app.screen)
        found = [hit async for hit in provider.search("review")]
        assert found and str(found[0].text) == "Save"


async def test_the_focused_row_is_marked_without_colour(demo_server: DemoServer) -> None:
    """Issue 18, item 15: with NO_COLOR, focus on the provider list and the tool-secret
    switch was one grey step of background. The focused row's label is underlined."""
    from tui.widgets.field_row import FieldRow

    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(3):
            rows = list(editor(pilot).query(FieldRow))
            focused = [row for row in rows if row.has_class("-focused")]
            assert len(focused) == 1
            assert focused[0] is editor(pilot).focused.parent
            label = focused[0].query_one(".field-label")
            assert label.styles.text_style.underline
            others = [r.query_one(".field-label") for r in rows if r is not focused[0]]
            assert not any(other.styles.text_style.underline for other in others)
            await press_and_settle(pilot, "tab")


async def test_every_hint_and_warning_is_whole_beside_the_counter_at_80(
    demo_server: DemoServer,
) -> None:
    """Issue 18, item 19: the focused field's hint under the form was cut with "…" at 80
    columns ("the server makes a fresh 32-byte secret on sa…"). Every hint, and each
    warning alone, is read whole beside a counter of two-digit changes."""
    from textual.widgets import Static

    from tui.form.fields import FIELDS
    from tui.form.warnings import value_warnings

    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = editor(pilot)
        line = screen.query_one("#field-help", Static)
        counter = screen.query_one("#change-counter", Static)
        counter.update("● 99 unsaved · ctrl+s")  # the widest count a form can have
        room = line.content_region.width
        for spec in FIELDS:
            screen.query_one(f"#field-{spec.wire_name}").focus()
            await pilot.pause()
            assert spec.hint, f"{spec.label} has no hint"  # the trunk ID had none
            assert str(line.render()) == spec.hint
            assert len(spec.hint) <= room, spec.hint
        assert len("● 99 unsaved · ctrl+s") <= counter.content_region.width
        warned = {
            warning
            for spec in FIELDS
            for value in (" x ", "x" * 5000, "é", "not-a-uuid", "bad host", "\x1b" * 3)
            for warning in value_warnings(spec, value)
        }
        assert len(warned) >= 6  # every kind of warning, from these values
        for warning in warned:
            assert len(f"⚠ {warning}") <= room, warning


LONG_DOMAIN = "sip-trunk-for-a-long-organisation-name.region-eu.pstn.sinch.com"


def input_line(pilot: Pilot, selector: str) -> str:
    """What the input draws on its one row, as text (less the spare cell after it)."""
    field = editor(pilot).query_one(selector, Input)
    return field.render_line(0).text.rstrip()


async def test_a_value_longer_than_its_box_shows_where_it_is_cut(demo_server: DemoServer) -> None:
    """Issue 18, item 20: at 80x24 a trunk domain longer than its box was cut inside it
    with no sign, and read as a whole (wrong) host name. "…" marks the side that runs on,
    never over the cursor; a value that fits has no mark."""
    async with make_app(demo_server).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "…" not in input_line(pilot, "#field-sinchEstTrunkDomain")  # it fits
        field = editor(pilot).query_one("#field-sinchEstTrunkDomain", Input)
        field.focus()
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *LONG_DOMAIN)
        await settle(pilot)
        assert field.value == LONG_DOMAIN
        drawn = input_line(pilot, "#field-sinchEstTrunkDomain")
        assert field.content_region.width < len(LONG_DOMAIN)
        assert drawn.startswith("…") and drawn.rstrip().endswith("sinch.com")  # cursor at end
        await pilot.press("home")
        await pilot.pause()
        drawn = input_line(pilot, "#field-sinchEstTrunkDomain")
        assert drawn.startswith("sip-trunk") and drawn.endswith("…")
        editor(pilot).query_one("#field-sinchEstTrunkId").focus()  # away: the sign stays
        await pilot.pause()
        assert input_line(pilot, "#field-sinchEstTrunkDomain").endswith("…")
        assert field.value == LONG_DOMAIN  # drawn only: the value is whole


async def test_under_24_rows_the_status_keeps_what_happened_and_what_next(
    demo_server: DemoServer,
) -> None:
    """At 60x20 the summary gives way to its first row, and the status fits its text in
    the rows left: the next step was below the screen, the status sized for 8 rows."""
    async with make_app(demo_server).run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        demo_server.inject(Fault.SERVER_ERROR_STRUCTURED, method="POST")
        screen = editor(pilot)
        screen.query_one("#field-sinchEstTrunkId").focus()
        await pilot.press("x")
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await settle(pilot)
        assert fully_visible(screen, "#status")
        shown = " ".join(screen_text(pilot.app).split())
        assert "✗ Save failed: HTTP 500 Internal Server Error" in shown
        assert "Next: A server error; it is safe to retry (ctrl+s). Your edits are kept." in shown
        for row in screen.query(".field-row"):
            assert fully_visible(screen, f"#{row.id}"), row.id


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 48)])
async def test_every_value_in_the_review_is_whole_on_one_line(
    demo_server: DemoServer, size: tuple[int, int]
) -> None:
    """Issue 18, item 2: at 120x40 the review's table folded a domain mid-word
    ("demo-org.elastic-sip.sinch.co" / "m"). Where a value would not fit its cell, the
    review lays out a block per field instead; short values keep the table."""
    domain = "a-very-long-domain-name-for-wrapping-tests.pstn.sinch.com"
    async with make_app(demo_server).run_test(size=size) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkDomain", domain, replace=True)
        await press_and_settle(pilot, "ctrl+s")
        lines = screen_text(pilot.app).splitlines()
        assert any(f'"{domain}"' in line for line in lines), "\n".join(lines)
        assert any('"demo-org.elastic-sip.sinch.com"' in line for line in lines)
        await press_and_settle(pilot, "escape")
        await press_and_settle(pilot, "ctrl+o")  # the domain back as loaded
        await paste_into(pilot, "sinchEstTrunkId", "trunk-7", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        table = "Now on server" in screen_text(pilot.app)
        assert table == (size[0] >= 110)  # short values: the table where it fits


async def test_the_palette_offers_what_the_footer_offers_before_the_first_load() -> None:
    """Found after issue 18, item 9: with nothing loaded the footer offered only reload,
    sign in, help and quit, but the palette still listed Save, Numbers, Health and
    Reveal, which did nothing and said nothing. And "keys" found no Help."""
    from pydantic import SecretStr

    from tui.api.client import ConnectionSettings
    from tui.app import VoiceConfigApp
    from tui.demo.scenarios import REFUSED_URL
    from tui.palette import ActionsProvider

    settings = ConnectionSettings(REFUSED_URL, SecretStr("not-a-real-token"))
    async with VoiceConfigApp(settings).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app = pilot.app
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert not titles & {"Save", "Numbers", "Health", "Reveal"}
        assert {"Reload", "Help", "Quit"} <= titles
        found = [hit async for hit in ActionsProvider(app.screen).search("keys")]
        assert found and str(found[0].text) == "Help"
