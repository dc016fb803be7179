"""The health view through the app, against the demo stack over real HTTP: ctrl+g and the
palette, the keys it asks for (and offers), rows filling in, escape stopping a run, one
issuer's key alone, the numbers table's column, the re-check after a toggle, and where
each key went."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.screen_text import screen_text
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.checks.settings import OFF
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.routing import RecordedRequest
from tui.demo.scenarios import paste_into, press_and_settle, settle, until
from tui.demo.server import SUPERADMIN_TOKEN
from tui.demo.stack import DemoStack
from tui.screens.editor import EditorScreen
from tui.screens.health import HealthScreen
from tui.screens.health_desk import HealthDesk
from tui.screens.help import HelpScreen
from tui.screens.phone_numbers import PhoneNumbersScreen
from tui.widgets.phone_numbers import PhoneNumbersTable
from tui.wiring.board import CHECKING
from tui.wiring.findings import CheckId, Verdict

SMALL = (80, 24)

EXPECTED = {
    "+14165550101": Verdict.OK,
    "+14165550102": Verdict.OK,
    "+14165550103": Verdict.OK,
    "+14165550104": Verdict.WARNING,
    "+14165550105": Verdict.PROBLEM,
    "+14165550106": Verdict.PROBLEM,
    "+14165550107": Verdict.PROBLEM,
    "+14165550108": Verdict.PROBLEM,
    "+14165550109": Verdict.PROBLEM,
    "+14165550110": Verdict.PROBLEM,
    "+14165550111": Verdict.WARNING,
    "+14165550112": Verdict.WARNING,
}
"""The demo's planted problems (``tui.demo.wiring_world.PLANTED``), as the view must show them."""


@pytest.fixture
def stack() -> Iterator[DemoStack]:
    with DemoStack() as started:
        yield started


def make_app(stack: DemoStack, **changes: object) -> VoiceConfigApp:
    checks = dataclasses.replace(stack.check_settings(), **changes)  # type: ignore[arg-type]
    settings = ConnectionSettings(stack.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5)
    return VoiceConfigApp(settings, demo=True, checks=checks)


def editor(pilot: Pilot) -> EditorScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, EditorScreen))


def desk(pilot: Pilot) -> HealthDesk:
    return editor(pilot).health_desk()


async def open_health(pilot: Pilot) -> HealthScreen:
    await settle(pilot)
    await pilot.press("ctrl+g")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HealthScreen), type(screen).__name__
    return screen


async def give(pilot: Pilot, wire_name: str, text: str) -> None:
    """Paste into one of the view's key inputs (replacing what it held)."""
    field = pilot.app.screen.query_one(f"#health-{wire_name}", Input)
    field.focus()
    field.value = ""
    await pilot.pause()
    field.post_message(events.Paste(text))
    await pilot.pause()


async def give_keys(
    pilot: Pilot,
    key: str | None = el.GOOD_KEY,
    key_id: str | None = sinch.GOOD_KEY_ID,
    secret: str | None = sinch.GOOD_KEY_SECRET,
) -> None:
    for name, value in (
        ("elevenlabsApiKey", key),
        ("sinchEstKeyId", key_id),
        ("sinchEstKeySecret", secret),
    ):
        if value is not None:
            await give(pilot, name, value)


async def run_to_end(pilot: Pilot) -> None:
    """enter, then every answer in."""
    health = desk(pilot)
    runs = health.board.runs
    await pilot.press("enter")
    await until(pilot, lambda: health.board.runs > runs and not health.board.running, 30)
    await settle(pilot)


def verdicts(pilot: Pilot) -> dict[str, Verdict]:
    return {n: r.verdict for n, r in desk(pilot).board.reports.items()}


def org(pilot: Pilot) -> dict[CheckId, Verdict]:
    return {f.check: f.verdict for f in desk(pilot).board.org}


def summary(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#health-summary", Static).content)


# --- opening it -----------------------------------------------------------------------------


async def test_ctrl_g_opens_the_health_view_and_escape_goes_back(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        screen = await open_health(pilot)
        assert screen.focused is screen.query_one("#health-elevenlabsApiKey")
        assert "Give the keys you have" in summary(pilot)
        shown = screen_text(pilot.app)
        for label in ("ElevenLabs API key", "Sinch key ID", "Sinch key secret", "⏎ Check"):
            assert label in shown
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, EditorScreen)
    assert stack.elevenlabs.requests == [] and stack.sinch_auth.requests == []


async def test_the_palette_and_the_help_offer_it(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app = pilot.app
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Health")
        assert "ctrl+g" in command.help
        await command.callback()
        await pilot.pause()
        assert isinstance(app.screen, HealthScreen)
        await pilot.press("escape", "f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        sections = dict(help_screen.sections)
        assert {b.action for b in sections["Health (ctrl+g)"]} == {"check", "back", "numbers"}
        assert "health" in {b.action for b in sections["Editor"]}


async def test_the_numbers_screen_opens_it_too(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        assert isinstance(pilot.app.screen, PhoneNumbersScreen)
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HealthScreen)
        assert len(pilot.app.screen_stack) == 2  # over the editor, not over the numbers


# --- the keys ---------------------------------------------------------------------------------


async def test_keys_typed_in_the_form_are_offered_and_kept_after_a_save(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        screen = await open_health(pilot)
        field = screen.query_one("#health-elevenlabsApiKey", Input)
        assert field.value == el.GOOD_KEY and field.password
        assert "in the form, not saved" in screen_text(pilot.app)
        assert el.GOOD_KEY not in screen_text(pilot.app)
        await pilot.press("escape")
        await press_and_settle(pilot, "ctrl+s", "enter")  # saved: the form forgets the key
        assert not editor(pilot).form.is_changed("elevenlabsApiKey")
        screen = await open_health(pilot)
        assert screen.query_one("#health-elevenlabsApiKey", Input).value == el.GOOD_KEY
        assert "saved this session" in screen_text(pilot.app)
        assert screen.query_one("#health-sinchEstKeySecret", Input).value == ""


async def test_half_a_sinch_pair_is_asked_for_not_sent(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        screen = await open_health(pilot)
        await give(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
        await pilot.press("enter")
        await settle(pilot)
        assert "Give both the Sinch key ID and its secret" in summary(pilot)
        assert screen.focused is screen.query_one("#health-sinchEstKeySecret")
        assert desk(pilot).board.runs == 0
        await give(pilot, "sinchEstKeySecret", "x")
        assert "Give both" not in summary(pilot)  # typing clears the warning
    assert stack.sinch_auth.requests == []


async def test_no_key_at_all_is_asked_for(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await open_health(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "Give at least one key" in summary(pilot)
        assert desk(pilot).board.runs == 0


async def test_with_the_checks_off_nothing_is_asked(stack: DemoStack) -> None:
    settings = ConnectionSettings(stack.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5)
    async with VoiceConfigApp(settings, demo=True, checks=OFF).run_test(size=SMALL) as pilot:
        screen = await open_health(pilot)
        assert not screen.query(Input)
        await pilot.press("enter")
        await settle(pilot)
        assert "Checks are off" in summary(pilot)
        assert desk(pilot).board.runs == 0
    assert stack.elevenlabs.requests == [] and stack.sinch_auth.requests == []


# --- a run ----------------------------------------------------------------------------------


async def test_a_full_run_names_every_planted_problem(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=(160, 48)) as pilot:
        await open_health(pilot)
        await give_keys(pilot)
        await run_to_end(pilot)
        assert verdicts(pilot) == EXPECTED
        assert set(org(pilot)) >= {CheckId.ELEVENLABS_KEY, CheckId.SINCH_TOKEN, CheckId.DRIFT}
        assert org(pilot)[CheckId.SINCH_TOKEN] is Verdict.OK
        assert org(pilot)[CheckId.ELEVENLABS_KEY] is Verdict.OK
        shown = screen_text(pilot.app)
        assert "Done" in shown
        # Problems first, each with its findings (the view is taller than its lines here).
        assert "+14165550105 · AI on · agent Support Desk · problem" in shown
        # The keys are held for the next run and for re-checks, and shown masked only.
        assert desk(pilot).keys is not None
        for secret in (el.GOOD_KEY, sinch.GOOD_KEY_SECRET):
            assert secret not in shown


async def test_the_numbers_table_shows_the_column_and_the_rows_findings(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        assert "Health" not in screen_text(pilot.app).split("Number", 1)[1][:40]  # not yet
        await pilot.press("escape")
        await open_health(pilot)
        await give_keys(pilot)
        await run_to_end(pilot)
        await pilot.press("ctrl+n")  # from the view to the table
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PhoneNumbersScreen)
        table = screen.query_one(PhoneNumbersTable)
        assert table.health_shown
        shown = screen_text(pilot.app)
        assert "Number        Health  AI" in shown
        assert "+14165550101  ✓       on" in shown
        assert "+14165550105  ✗       on" in shown
        for _ in range(4):
            await pilot.press("down")
        await pilot.pause()
        detail = str(screen.query_one("#numbers-health", Static).content)
        assert detail.startswith("✗ Imported — problem:")


async def test_rows_fill_in_the_app_stays_responsive_and_escape_stops(stack: DemoStack) -> None:
    """One Numbers API answer held back: every other row fills in meanwhile, typing
    works, and escape stops the run with that row left blank."""
    stack.sinch_numbers.inject(Fault.DELAY, method="GET", delay_seconds=60)
    async with make_app(stack, deadline=120.0).run_test(size=SMALL) as pilot:
        screen = await open_health(pilot)
        await give_keys(pilot)
        health = desk(pilot)
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                bool(health.board.org)
                and len(health.board.checking) == 1
                and len(health.board.reports) == len(EXPECTED) - 1
            ),
            30,
        )
        await settle_quickly(pilot)
        (held,) = health.board.checking
        assert health.board.cell(held) == CHECKING
        assert "… Checking" in summary(pilot) and "1 number left" in summary(pilot)
        # Responsive: typing reaches an input while the run waits.
        field = screen.query_one("#health-sinchEstKeyId", Input)
        field.focus()
        await pilot.press("end", "x")
        assert field.value.endswith("x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, EditorScreen)
        await until(pilot, lambda: not health.board.running, 10)
        assert held in health.board.stopped and health.board.cell(held) == ""
        assert len(health.board.reports) == len(EXPECTED) - 1  # what came stays


async def settle_quickly(pilot: Pilot) -> None:
    """Let the screen catch up without waiting for the worker that is held back."""
    await pilot.pause()
    await pilot.pause()


async def test_only_the_elevenlabs_key(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await open_health(pilot)
        await give_keys(pilot, key_id=None, secret=None)
        await run_to_end(pilot)
        sinch_lines = [f for f in desk(pilot).board.org if f.check.value.startswith("sinch.")]
        assert sinch_lines and all(f.verdict is Verdict.UNKNOWN for f in sinch_lines)
        assert all("no Sinch key ID and secret given" in f.found for f in sinch_lines)
        assert verdicts(pilot)["+14165550105"] is Verdict.PROBLEM  # not imported: ElevenLabs says
    assert stack.sinch_auth.requests == []
    assert stack.sinch_est.requests == [] and stack.sinch_numbers.requests == []


async def test_only_the_sinch_pair(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await open_health(pilot)
        await give_keys(pilot, key=None)
        await run_to_end(pilot)
        lines = [f for f in desk(pilot).board.org if f.check.value.startswith("elevenlabs.")]
        assert lines and all(f.verdict is Verdict.UNKNOWN for f in lines)
        assert verdicts(pilot)["+14165550109"] is Verdict.PROBLEM  # another trunk: Sinch says
        assert "? could not tell" in screen_text(pilot.app)
    assert stack.elevenlabs.requests == []


async def test_each_key_goes_only_to_its_issuer_and_never_on_screen(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SMALL) as pilot:
        await open_health(pilot)
        await give_keys(pilot)
        await run_to_end(pilot)
        screens = [pilot.app.export_screenshot()]
        await pilot.press("ctrl+n")
        await settle(pilot)
        screens.append(pilot.app.export_screenshot())
    key, secret = el.GOOD_KEY, sinch.GOOD_KEY_SECRET
    for svg in screens:
        assert key not in svg and secret not in svg
    assert stack.elevenlabs.requests and all(r.carries(key) for r in stack.elevenlabs.requests)
    assert stack.sinch_auth.requests and all(
        carries_secret(r, secret) for r in stack.sinch_auth.requests
    )
    for name, server in stack.servers.items():
        if name != "elevenlabs":
            assert not [r for r in server.requests if r.carries(key)], name
        if name != "sinch-auth":
            assert not [r for r in server.requests if carries_secret(r, secret)], name


def carries_secret(request: RecordedRequest, secret: str) -> bool:
    """The Sinch secret as sent: in clear anywhere, or inside a Basic header."""
    if request.carries(secret):
        return True
    scheme, _, value = (request.header("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    return secret in base64.b64decode(value).decode("utf-8", "replace")


# --- after a toggle -------------------------------------------------------------------------


async def test_a_toggle_applied_is_checked_again(stack: DemoStack) -> None:
    """+14165550104 is AI off but still imported (⚠ leftover); switched on, the demo
    imports it and puts it on the trunk, and the re-check says ✓."""
    async with make_app(stack).run_test(size=(100, 32)) as pilot:
        await open_health(pilot)
        await give_keys(pilot)
        await run_to_end(pilot)
        assert verdicts(pilot)["+14165550104"] is Verdict.WARNING
        runs = desk(pilot).board.runs
        before = len(stack.sinch_numbers.requests)
        await pilot.press("ctrl+n")
        await settle(pilot)
        for _ in range(3):
            await pilot.press("down")
        await press_and_settle(pilot, "space", "ctrl+s", "enter")
        health = desk(pilot)
        await until(pilot, lambda: health.board.runs == runs + 1 and not health.board.running, 30)
        await settle(pilot)
        assert verdicts(pilot)["+14165550104"] is Verdict.OK
        asked = [r.path for r in stack.sinch_numbers.requests[before:]]
        assert asked and all(
            path.endswith("+14165550104") or "14165550104" in path for path in asked
        )
        await pilot.press("escape")
        await settle(pilot)
        status = str(editor(pilot).status.outcome.lines)
        assert "✓ +14165550104: wired, every check ok." in status


async def test_without_keys_at_hand_a_toggle_is_not_checked(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        for _ in range(3):
            await pilot.press("down")
        await press_and_settle(pilot, "space", "ctrl+s", "enter")
        assert desk(pilot).board.runs == 0
    assert stack.sinch_numbers.requests == [] and stack.elevenlabs.requests == []


# --- hostile answers ------------------------------------------------------------------------


async def test_hostile_answers_are_shown_as_text_never_acted_on() -> None:
    """Every string ElevenLabs, Sinch and Tether answer is an attack (markup, escape
    sequences, bidi controls): the view and the table show them escaped."""
    from tests.test_untrusted_screens import assert_clean
    from tui.demo.hostile import Hostility

    with DemoStack(hostile=Hostility()) as stack:
        async with make_app(stack).run_test(size=(160, 48)) as pilot:
            await open_health(pilot)
            await give_keys(pilot)
            await run_to_end(pilot)
            assert desk(pilot).board.reports  # something came back to show
            assert "[@click=app.quit]q[/]" in screen_text(pilot.app)  # literally
            assert_clean(pilot.app)
            scroller = pilot.app.screen.query_one("#health-results")
            scroller.scroll_end(animate=False)
            await settle(pilot)
            assert_clean(pilot.app)
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert_clean(pilot.app)
