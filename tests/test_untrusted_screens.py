"""Every screen against servers whose every string is an attack: shown as text, never acted on.

Driven with the keyboard against the demo stack in its hostile mode (``tui.demo.hostile``:
markup such as ``[@click=app.quit]q[/]`` and ``[/x]``, ``[object Object]``, ESC CSI and
OSC sequences, the one-byte CSI U+009B, bidi and zero-width characters, format fields,
in every string Tether, ElevenLabs and Sinch answer). After each step:

- the app is still running (invalid markup raised ``MarkupError`` and ended the app);
- the hostile text is on screen, literally, escaped (``\\x1b[2J``, ``\\u202e``);
- :func:`assert_clean`: no character :data:`tui.printable.UNSAFE` matches is in any
  segment the screens render (what is written to the terminal), and no segment carries
  a click action (``[@click=…]`` parsed as markup becomes one);
- what the user typed is still in the form.

Then the widgets alone, with any text (hypothesis): the status panel shows exactly
``printable_lines``, the summary exactly ``printable``, an input draws one safe cell per
character. And ctrl+r during "Loading…" cancels the request in flight and loads again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input
from textual.widgets._toast import Toast

from tests.screen_text import screen_text
from tests.test_editor_flows import counter_text, editor, status_text, widget_values
from tui.api.client import ConnectionSettings
from tui.api.models import VoiceAiConfig
from tui.app import VoiceConfigApp
from tui.checks.verdict import Basis, CheckId, problem
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.hostile import Hostility
from tui.demo.scenarios import paste_into, press_and_settle, settle, type_into, until
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.demo.stack import DemoStack
from tui.printable import UNSAFE, printable
from tui.screens.agent_picker import AgentPickerScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.numbers_review import NumbersReviewScreen
from tui.screens.review import ReviewScreen
from tui.screens.sign_in import SignInScreen
from tui.widgets.config_summary import ConfigSummary
from tui.widgets.phone_numbers import PhoneNumbersTable
from tui.widgets.status_panel import Outcome, StatusPanel, Tone
from tui.widgets.steady_input import SteadyInput

WIDE = (160, 48)
"""The numbers beside the form, and room for the long hostile strings."""

HOSTILITY = Hostility()


def hostile(where: str) -> str:
    """The string the hostile servers put at ``where``."""
    return HOSTILITY.text(where)


def escaped(where: str, length: int = 24) -> str:
    """How the start of that string reads on screen: literal markup, escapes visible."""
    return printable(hostile(where))[:length]


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def stack() -> Iterator[DemoStack]:
    with DemoStack(hostile=HOSTILITY) as started:
        yield started


def app_for(stack: DemoStack, *, token: str = SUPERADMIN_TOKEN, checks: bool = False) -> App:
    options = {}
    if checks:
        options["checks"] = dataclasses.replace(stack.check_settings(), webhook_polls=(0.0,))
    settings = ConnectionSettings(stack.tether.url, SecretStr(token), read_timeout=5)
    return VoiceConfigApp(settings, demo=True, **options)  # type: ignore[arg-type]


def rendered(app: App[object]) -> Iterator[Segment]:
    """Every segment the app's screens render: what goes to the terminal."""
    for screen in app.screen_stack:
        update = screen._compositor.render_update(full=True)
        for line in getattr(update, "strips", ()):
            for strip in line:
                yield from strip


def assert_clean(app: App[object]) -> None:
    """The app runs, writes no unsafe character and offers no click action from a string."""
    assert app.is_running, "the app ended"
    segments = list(rendered(app))
    assert segments, "nothing rendered: the check would pass for the wrong reason"
    unsafe = [segment.text for segment in segments if UNSAFE.search(segment.text)]
    assert unsafe == []
    clicks = [
        segment.text
        for segment in segments
        if segment.style is not None and "@click" in (segment.style.meta or {})
    ]
    assert clicks == []


def on_screen(pilot: Pilot) -> str:
    return screen_text(pilot.app)


def reads(pilot: Pilot, *snippets: str) -> bool:
    """Whether the screen shows each snippet (wrapped or not: spacing is ignored)."""
    text = squashed(on_screen(pilot))
    return all(squashed(snippet) in text for snippet in snippets)


# --- the editor ---------------------------------------------------------------------------


async def test_the_hostile_organization_loads_and_reads_literally(stack: DemoStack) -> None:
    """Summary, header, unknown fields, the provider list, the inputs, the numbers."""
    app = app_for(stack)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        assert_clean(app)
        assert "Loaded the configuration" in status_text(pilot)
        assert reads(pilot, escaped("provider", 17), escaped("trunkId"), escaped("projectId"))
        assert reads(pilot, escaped("extra-name", 50))  # a field this client does not know
        assert reads(pilot, escaped("agent-1-name", 16), escaped("phone-3", 14))  # the numbers
        # The header (its app name may give way to the role and host since issue 18).
        header = next(line for line in on_screen(pilot).splitlines() if "PWN-profile-" in line)
        assert escaped("profile-accessRole", 82) in header  # up to \x1b[2J, as it fits
        assert printable(hostile("profile-accessRole")) in str(
            app.format_title(app.title, app.sub_title)
        )
        # The role again in the status panel's "not a superadmin" warning, in full.
        assert "\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07" in status_text(pilot)
        values = widget_values(pilot)
        assert values["field-sinchEstTrunkId"] == hostile("trunkId")  # kept as it is
        assert values["field-aiVoiceProvider"] == hostile("provider")
        # An input scrolled to its escapes draws each unsafe character as one picture.
        field = editor(pilot).query_one("#field-sinchEstTrunkDomain", Input)
        field.focus()
        field.cursor_position = field.value.index("\nnl") + 20
        await pilot.pause()
        assert reads(pilot, "cr␍PWN-trunkDomain␊nl PWN-trunk")
        assert_clean(app)
        # The provider's list, open, shows the server's provider as text too.
        editor(pilot).query_one("#field-aiVoiceProvider").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert reads(pilot, escaped("provider", 40))
        assert_clean(app)
        await pilot.press("escape")
        await pilot.pause()
        assert counter_text(pilot) == "No unsaved changes"


async def test_typed_markup_is_reviewed_literally_and_a_hostile_refusal_keeps_it(
    stack: DemoStack,
) -> None:
    """``X[/x]`` typed into the trunk ID crashed ctrl+s; the hostile Tether refuses a
    trunk change with a hostile code, message and details."""
    app = app_for(stack)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstTrunkId", "X[/x]", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        # A block per field: the server's hostile value is too long for a table cell.
        assert reads(pilot, 'after save "X[/x]"', '"sinchEstTrunkId": "X[/x]"')
        assert reads(pilot, escaped("trunkId", 20))  # now on the server, beside it
        assert_clean(app)
        await press_and_settle(pilot, "enter")
        status = status_text(pilot)
        assert status.startswith("✗ Save failed")
        assert status.splitlines()[-1].startswith("Next: ")  # in view, however long the rest
        said = "\n".join(printable(line) for line in app.screen.query_one(StatusPanel).outcome.lines)
        for where in ("save-error-message", "save-error-code", "save-error-detail-field"):
            assert escaped(where, 40) in said, where
        assert printable(hostile("save-error-message")) in said
        assert reads(pilot, escaped("save-error-message", 40))
        assert_clean(app)
        assert widget_values(pilot)["field-sinchEstTrunkId"] == "X[/x]"
        assert "● 1 unsaved" in counter_text(pilot)


async def test_a_hostile_success_message_reads_literally(stack: DemoStack) -> None:
    app = app_for(stack)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstProjectId", "p[b]1[/b]", replace=True)
        await press_and_settle(pilot, "ctrl+s", "enter")
        assert "Saved — server said: " + printable(hostile("save-message")) in status_text(pilot)
        assert hostile("save-message").count("\n") == 1 and status_text(pilot).count("\n") == 1
        assert reads(pilot, "Saved — server said: " + escaped("save-message", 40))
        assert_clean(app)
        assert widget_values(pilot)["field-sinchEstProjectId"] == "p[b]1[/b]"


async def test_the_webhook_toast_reads_literally(
    stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ElevenLabs' words in the toast shown when the status panel has moved on."""
    app = app_for(stack, checks=True)

    async def verdict(key: SecretStr, checks: object) -> object:
        editor(pilot).status.outcome = Outcome.of(Tone.INFO, "Something else since.")
        return problem(
            CheckId.ELEVENLABS_WEBHOOK,
            hostile("webhook-summary"),
            "disabled",
            hostile("webhook-next"),
            Basis.OBSERVED,
        )

    monkeypatch.setattr("tui.api.checks.check_webhook", verdict)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s", "enter")
        await until(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        assert all(not note.markup for note in app._notifications)
        toasts = "".join(str(toast.render()) for toast in app.screen.query(Toast))
        assert printable(hostile("webhook-summary")) in toasts
        assert reads(pilot, "✗ ElevenLabs post-call webhook: " + escaped("webhook-summary", 19))
        assert reads(pilot, "[b]x[/b] [@click=app.quit]q[/] [/x] [object Object]")
        assert_clean(app)


async def test_a_hostile_sign_in_refusal_reads_literally(stack: DemoStack) -> None:
    app = app_for(stack, token="")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        screen.query_one("#signin-email", Input).value = "someone@example.com"
        screen.query_one("#signin-password").focus()
        screen.query_one("#signin-password", Input).value = "wrong"
        await press_and_settle(pilot, "enter")
        assert reads(pilot, escaped("login-error"))
        assert_clean(app)


# --- the credential checks ----------------------------------------------------------------


async def test_issuers_words_read_literally_in_the_review_and_send_anyway(
    stack: DemoStack,
) -> None:
    """Sinch's hostile refusal quoted in a check line; then a trunk whose domain is
    hostile: the check line, the fix line, "Send anyway?", the domain put into the form."""
    app = app_for(stack, checks=True)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
        await paste_into(pilot, "sinchEstKeySecret", sinch.GOOD_KEY_SECRET)
        await type_into(pilot, "sinchEstTrunkId", sinch.MISMATCHED_TRUNK_ID, replace=True)
        await press_and_settle(pilot, "ctrl+s")  # the hostile project ID: Sinch refuses
        assert isinstance(app.screen, ReviewScreen)
        assert reads(pilot, "(Sinch:", escaped("sinch-message", 40))
        assert_clean(app)
        await press_and_settle(pilot, "escape")
        await type_into(pilot, "sinchEstProjectId", sinch.DEMO_PROJECT_ID, replace=True)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert reads(pilot, "has the domain", escaped("sinch-domain"), 'f: put "')
        assert_clean(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert reads(pilot, "Send anyway?", escaped("sinch-domain"))
        assert_clean(app)
        await press_and_settle(pilot, "n", "f")  # no; then the trunk's own domain
        assert isinstance(app.screen, ReviewScreen)
        assert reads(pilot, 'after save "' + escaped("sinch-domain"))
        assert_clean(app)
        await press_and_settle(pilot, "escape")
        assert widget_values(pilot)["field-sinchEstTrunkDomain"] == hostile("sinch-domain")
        assert widget_values(pilot)["field-sinchEstTrunkId"] == sinch.MISMATCHED_TRUNK_ID
        assert_clean(app)


# --- the numbers --------------------------------------------------------------------------


async def test_agents_numbers_and_a_hostile_refusal_read_literally(stack: DemoStack) -> None:
    app = app_for(stack)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await press_and_settle(pilot, "ctrl+n")  # into the numbers beside the form
        await press_and_settle(pilot, "enter")  # the first number's agent
        assert isinstance(app.screen, AgentPickerScreen)
        assert reads(pilot, "Agent for +14165550101 (now: " + escaped("agent-1-name"))
        assert reads(pilot, "▸ " + escaped("agent-1-name"), escaped("agent-1-about"))
        assert_clean(app)
        await press_and_settle(pilot, "escape")
        table = editor(pilot).query_one(PhoneNumbersTable)
        numbers = [n.phone_number for n in editor(pilot).numbers_desk().state.numbers]  # type: ignore[union-attr]
        down = table.rows.index(numbers.index(hostile("phone-3")))
        await press_and_settle(pilot, *["down"] * down, "space")  # phone-3: on → off
        assert reads(pilot, escaped("phone-3", 14))
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, NumbersReviewScreen)
        assert reads(pilot, escaped("phone-3", 20), escaped("user-3", 20))
        assert_clean(app)
        await press_and_settle(pilot, "enter")  # sent: a call in flight, a hostile code
        assert reads(pilot, escaped("toggle-code"))
        assert_clean(app)
        await press_and_settle(pilot, "enter")  # close the results
        assert reads(pilot, escaped("toggle-code", 12))  # the row's outcome, the detail
        assert_clean(app)


# --- ctrl+r during "Loading…" -------------------------------------------------------------


SLOW = 14.0
"""The slow load's delay: a load that was waited for, not cancelled, takes this long; one
that was cancelled answers at once, within ``SLOW - 2`` even on a loaded CI machine (at 6 s
with 5 s to spare, one CI-like run missed it)."""


def plain_app(server: DemoServer) -> VoiceConfigApp:
    settings = ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=SLOW + 5)
    return VoiceConfigApp(settings, demo=True)


async def the_slow_get_is_in(pilot: Pilot, server: DemoServer) -> None:
    """"Loading…" is shown and the slow GET has reached the server: cancelled before
    that, the delay would fall on the next GET instead (as a loaded machine once showed)."""
    await until(pilot, lambda: "Loading" in status_text(pilot))
    await until(pilot, lambda: not server.faults.snapshot())


async def test_ctrl_r_during_a_slow_first_load_cancels_it_and_loads_again(
    demo_server: DemoServer,
) -> None:
    demo_server.inject(Fault.DELAY, method="GET", delay_seconds=SLOW)
    app = plain_app(demo_server)
    async with app.run_test(size=(100, 32)) as pilot:
        await the_slow_get_is_in(pilot, demo_server)
        started = time.monotonic()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "Loaded the configuration" in status_text(pilot), SLOW - 2)
        assert time.monotonic() - started < SLOW - 2, "the slow request was waited for"
        assert editor(pilot).busy == ""
        await asyncio.sleep(0.3)
        await pilot.pause()
        assert "Loaded the configuration" in status_text(pilot), "no stale Loading… after"
        assert editor(pilot).busy == ""


async def test_quitting_during_a_slow_load_ends_cleanly(demo_server: DemoServer) -> None:
    """The cancelled load unlocks the form as it ends, after the form is gone: no
    ``NoMatches`` traceback (a CI run showed one when a test ended mid-load)."""
    demo_server.inject(Fault.DELAY, method="GET", delay_seconds=SLOW)
    app = plain_app(demo_server)
    async with app.run_test(size=(100, 32)) as pilot:
        await the_slow_get_is_in(pilot, demo_server)
        started = time.monotonic()
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, SLOW - 2)
    assert time.monotonic() - started < SLOW - 2
    assert app.return_code in (0, None)


async def test_an_app_taken_down_mid_load_ends_without_a_worker_error(
    demo_server: DemoServer,
) -> None:
    """Taken down another way (an exception, as a failing test does), the screen's
    widgets go before the load worker's cleanup runs: it must find no form and leave
    quietly, not raise ``NoMatches`` (seen in a CI run)."""
    demo_server.inject(Fault.DELAY, method="GET", delay_seconds=SLOW)
    app = plain_app(demo_server)
    with pytest.raises(RuntimeError, match="mid-load"):
        async with app.run_test(size=(100, 32)) as pilot:
            await until(pilot, lambda: "Loading" in status_text(pilot))
            await until(pilot, lambda: not demo_server.faults.snapshot())
            raise RuntimeError("taken down mid-load")


async def test_ctrl_r_during_a_reload_that_then_fails_keeps_the_edits(
    demo_server: DemoServer,
) -> None:
    app = plain_app(demo_server)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sinchEstTrunkId", "-edited")
        before = widget_values(pilot)
        demo_server.inject(Fault.DELAY, method="GET", delay_seconds=SLOW)
        demo_server.inject(Fault.SERVER_ERROR_STRING, method="GET")
        await pilot.press("ctrl+r", "y")
        await until(pilot, lambda: "Loading" in status_text(pilot))
        await until(pilot, lambda: len(demo_server.faults.snapshot()) == 1)  # the slow GET is in
        await pilot.press("ctrl+r")  # asks nothing more: the reload was agreed already
        await until(
            pilot, lambda: "Reload failed (form unchanged)" in status_text(pilot), SLOW - 2
        )
        assert widget_values(pilot) == before
        assert editor(pilot).busy == ""
        assert not editor(pilot).query_one("#form").disabled, "the form is unlocked again"


# --- the widgets alone, with any text -----------------------------------------------------

ANY_TEXT = st.text(
    st.characters(codec=None, categories=None, exclude_categories=()),
    max_size=60,
) | st.text(alphabet="[]/@=bx {}()\x1b\x07\x9b\u202e\u2028\n\r\t", max_size=40)
"""Any character (controls, format, surrogates included), and text made mostly of markup."""


class Widgets(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusPanel(id="status")
        yield ConfigSummary("Not loaded yet.", id="summary")
        yield SteadyInput(id="input")


def widget_chars(widget: StatusPanel | ConfigSummary | SteadyInput) -> str:
    region = widget.region
    return "".join(
        segment.text for strip in widget.render_lines(region.reset_offset) for segment in strip
    )


async def test_any_text_is_shown_exactly_escaped_by_the_status_panel_summary_and_input() -> None:
    app = Widgets()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        panel = app.query_one(StatusPanel)
        summary = app.query_one(ConfigSummary)
        field = app.query_one(SteadyInput)

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(ANY_TEXT, ANY_TEXT)
        def check(first: str, second: str) -> None:
            panel.outcome = Outcome.of(Tone.ERROR, first, second)
            content = panel.content
            assert str(content) == f"✗ {printable(first)}\n{printable(second)}"
            assert not UNSAFE.search(widget_chars(panel).replace("\n", ""))
            # A lone surrogate never gets past the models (pydantic refuses the answer).
            first, second = (t.encode("utf-8", "replace").decode() for t in (first, second))
            config = VoiceAiConfig.model_validate(
                {"aiVoiceProvider": first, "sinchEstTrunkId": second, f"x{first}": second}
            )
            summary.show_config(config)
            table = summary.content
            cells = [str(cell) for column in table.renderables[0].columns for cell in column._cells]
            assert printable(first or "none") in cells
            assert printable(second or "not set") in cells
            assert not UNSAFE.search(widget_chars(summary))
            field.value = first + second
            drawn = field._value.plain
            assert len(drawn) == len(first + second)  # one cell per character, in order
            assert not UNSAFE.search(drawn)

        check()
