"""The credential checks through the app, against the demo stack over real HTTP.

Each verdict as the review shows it, the second confirmation, the trunk-domain fix,
the webhook after the save, and checks that never finish holding nothing.
"""

from __future__ import annotations

import dataclasses
import io
import threading
from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.screen_text import screen_text
from tests.test_editor_flows import SIZE, counter_text, editor, status_text
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.checks.settings import CheckSettings
from tui.checks.verdict import CheckId, Verdict
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.scenarios import paste_into, press_and_settle, settle, typed_credentials, until
from tui.demo.server import SUPERADMIN_TOKEN
from tui.demo.stack import WEBHOOK_URL, DemoStack
from tui.screens.confirm import ConfirmScreen
from tui.screens.review import ReviewScreen
from tui.widgets.check_lines import CheckLines

QUICK_POLLS = (0.0, 0.3)


@pytest.fixture
def stack() -> Iterator[DemoStack]:
    with DemoStack() as started:
        yield started


def make_app(stack: DemoStack, **changes: object) -> VoiceConfigApp:
    changes.setdefault("webhook_polls", QUICK_POLLS)
    checks = dataclasses.replace(stack.check_settings(), **changes)  # type: ignore[arg-type]
    settings = ConnectionSettings(stack.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5)
    return VoiceConfigApp(settings, demo=True, checks=checks)


def lines(pilot: Pilot) -> CheckLines:
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen), type(screen).__name__
    return screen.query_one(CheckLines)


def verdicts(pilot: Pilot) -> dict[CheckId, tuple[Verdict, str]]:
    return {check: (r.verdict, r.reason) for check, r in lines(pilot).results.items()}


def squash(text: str) -> str:
    return "".join(text.split())


def shows(pilot: Pilot, text: str) -> bool:
    """Whether the review's check lines show ``text``, wrapped or not, as drawn at the
    widget's width (spacing ignored)."""
    widget = lines(pilot)
    console = Console(width=widget.size.width, record=True, color_system=None, file=io.StringIO())
    console.print(widget.content)
    return squash(text) in squash(console.export_text())


def keys_line(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#review-keys", Static).content)


def posts(stack: DemoStack) -> list[dict[str, object]]:
    return stack.tether.state.received_posts


OK, PROBLEM, NOT_CHECKED = Verdict.OK, Verdict.PROBLEM, Verdict.NOT_CHECKED


ELEVENLABS_LINES = [
    (el.GOOD_KEY, "✓ ElevenLabs API key — ok: ElevenLabs accepts this key"),
    (el.UNKNOWN_KEY, "✗ ElevenLabs API key — problem: ElevenLabs does not know this key"),
    (el.NO_CONVAI_READ_KEY, "✗ ElevenLabs API key — problem: the key lacks convai_read"),
    (el.NO_CONVAI_WRITE_KEY, "✗ ElevenLabs agents: write — problem: the key lacks convai_write"),
    (el.NO_WEBHOOKS_WRITE_KEY, "✗ ElevenLabs webhooks: write — problem: the key lacks webhooks"),
    (el.EU_KEY, "? ElevenLabs API key — not checked: this looks like an EU data-residency key"),
    (el.KEY_ID, "✗ ElevenLabs API key — problem: this is the key's ID, not the key"),
    (el.QUOTA_KEY, "✗ ElevenLabs API key — problem: the ElevenLabs account's quota is used up"),
    (el.UNUSUAL_ACTIVITY_KEY, "✗ ElevenLabs API key — problem: ElevenLabs has stopped"),
    (el.IP_ALLOWLISTED_KEY, "? ElevenLabs API key — not checked: this key only accepts requests"),
    (el.BUSY_KEY, "? ElevenLabs API key — not checked: ElevenLabs is busy (system_busy)"),
]


async def test_each_elevenlabs_verdict_in_the_review(stack: DemoStack) -> None:
    """One session, every demo key in turn: type it, review, read the line, go back."""
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, line in ELEVENLABS_LINES:
            await paste_into(pilot, "elevenlabsApiKey", key, replace=True)
            await press_and_settle(pilot, "ctrl+s")
            assert len(lines(pilot).results) == 3, key
            assert shows(pilot, line), key
            assert key not in screen_text(pilot.app)
            await press_and_settle(pilot, "escape")
    assert posts(stack) == []


SINCH_LINES = [
    (sinch.GOOD_KEY_ID, sinch.GOOD_KEY_SECRET, sinch.MATCHING_TRUNK_ID, "✓ Sinch EST trunk — ok"),
    (
        sinch.GOOD_KEY_ID,
        "wrong",
        sinch.MATCHING_TRUNK_ID,
        "✗ Sinch EST key — problem: Sinch refused",
    ),
    (
        sinch.GOOD_KEY_ID,
        sinch.GOOD_KEY_SECRET,
        sinch.MISMATCHED_TRUNK_ID,
        f'✗ Sinch EST trunk — problem: trunk "{sinch.MISMATCHED_TRUNK_ID}" has the domain '
        f'"{sinch.MISMATCHED_TRUNK_DOMAIN}"',
    ),
    (sinch.GOOD_KEY_ID, sinch.GOOD_KEY_SECRET, "trunk-x", 'problem: trunk "trunk-x" was not found'),
    (
        sinch.OTHER_KEY_ID,
        sinch.OTHER_KEY_SECRET,
        sinch.MATCHING_TRUNK_ID,
        "✗ Sinch EST trunk — problem: this key may not read project",
    ),
]


async def test_each_sinch_verdict_in_the_review(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key_id, secret, trunk, line in SINCH_LINES:
            await paste_into(pilot, "sinchEstKeyId", key_id, replace=True)
            await paste_into(pilot, "sinchEstKeySecret", secret, replace=True)
            await paste_into(pilot, "sinchEstTrunkId", trunk, replace=True)
            await press_and_settle(pilot, "ctrl+s")
            assert set(lines(pilot).results) == {CheckId.SINCH_KEY, CheckId.SINCH_TRUNK}
            assert shows(pilot, line), line
            assert secret not in screen_text(pilot.app)
            await press_and_settle(pilot, "escape")


async def test_a_definite_problem_asks_once_more_and_enter_means_no(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.UNKNOWN_KEY)
        await press_and_settle(pilot, "ctrl+s")
        assert keys_line(pilot) == "✗ 1 problem: enter asks first   escape: back, nothing is lost"
        await pilot.press("enter")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question == "ElevenLabs does not know this key. Send anyway?"
        await pilot.press("enter")  # the default: no
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewScreen), "back in the review, nothing sent"
        assert posts(stack) == []
        await pilot.press("enter", "n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReviewScreen)
        await pilot.press("enter", "y")
        await settle(pilot)
        assert posts(stack) == [{"elevenlabsApiKey": el.UNKNOWN_KEY}]
        assert "Configuration saved" in status_text(pilot)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sinchEstKeyId", "demo-est-key-id-5b2e "),  # alone: no check runs for it
        ("sinchEstProjectId", " 3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91"),
        ("sinchEstTrunkDomain", "demo-org.elastic-sip.sinch.com\t"),
    ],
)
async def test_spaces_at_a_values_ends_ask_once_more_with_or_without_a_check(
    stack: DemoStack, field: str, value: str
) -> None:
    """Issue 18, item 4: a value the app itself says is sent as typed with spaces at an
    end went out on one enter, unless a check happened to fail on it (a Sinch key ID
    typed alone is not checked). Now the review asks first, as for a ✗."""
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, field, value, replace=True)
        await press_and_settle(pilot, "ctrl+s")
        assert keys_line(pilot).startswith("✗ ") and "enter asks first" in keys_line(pilot)
        await pilot.press("enter")
        await pilot.pause()
        question = pilot.app.screen
        assert isinstance(question, ConfirmScreen)
        assert "whitespace" in question.question or "control characters" in question.question
        await pilot.press("enter")  # the default: no
        await settle(pilot)
        assert posts(stack) == []
        await pilot.press("enter", "y")
        await settle(pilot)
        assert posts(stack) == [{field: value}]  # sent as typed, once asked


async def test_not_checked_never_asks(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.IP_ALLOWLISTED_KEY)
        await press_and_settle(pilot, "ctrl+s", "enter")
        assert posts(stack) == [{"elevenlabsApiKey": el.IP_ALLOWLISTED_KEY}]


async def test_enter_sends_at_once_while_checks_are_still_running() -> None:
    # Tether's own webhook setup with the slow key runs after the save has answered.
    with DemoStack(webhook_delay=0.1) as stack:
        await sending_during_checks(stack)


async def sending_during_checks(stack: DemoStack) -> None:
    async with make_app(stack, deadline=60.0).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.SLOW_KEY)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.pause()
        assert shows(pilot, "ElevenLabs API key — checking…")
        await pilot.press("enter")
        await until(pilot, lambda: "Not shown by the re-read" in status_text(pilot))
        assert posts(stack) == [{"elevenlabsApiKey": el.SLOW_KEY}]
        # The review's checks were cancelled with it: nothing is left running there.
        assert not [w for w in pilot.app.workers if w.group == "checks" and w.is_running]


async def test_checks_that_never_finish_do_not_hold_the_quit(stack: DemoStack) -> None:
    app = make_app(stack, deadline=60.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.SLOW_KEY)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # unsaved changes: asked as always
        await pilot.press("y")
        await pilot.pause()
        assert not app.is_running
    assert posts(stack) == []


async def test_escape_cancels_the_checks_and_keeps_the_edits(stack: DemoStack) -> None:
    stack.elevenlabs.inject(Fault.DELAY, delay_seconds=30)
    async with make_app(stack, deadline=60.0).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("escape")
        await settle(pilot)  # would wait 30 s if the check were still running
        assert "1 unsaved" in counter_text(pilot)


async def test_the_trunks_domain_goes_into_the_form_and_is_reviewed(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await typed_credentials(pilot, el.GOOD_KEY, trunk=sinch.MISMATCHED_TRUNK_ID)
        await press_and_settle(pilot, "ctrl+s")
        assert verdicts(pilot)[CheckId.SINCH_TRUNK] == (PROBLEM, "domain_mismatch")
        await press_and_settle(pilot, "f")
        # The review is open again, the domain now an edit like any other, and it checks out.
        assert verdicts(pilot)[CheckId.SINCH_TRUNK] == (OK, "ok")
        review = pilot.app.screen
        assert isinstance(review, ReviewScreen)
        changed = {change.spec.wire_name: change.after for change in review.changes}
        assert changed["sinchEstTrunkDomain"] == f'"{sinch.MISMATCHED_TRUNK_DOMAIN}"'
        await press_and_settle(pilot, "enter")
        (post,) = posts(stack)
        assert post["sinchEstTrunkDomain"] == sinch.MISMATCHED_TRUNK_DOMAIN


async def test_the_fix_key_does_nothing_without_a_mismatch(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await typed_credentials(pilot, el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s", "f")
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert "trunk's domain" not in keys_line(pilot)
        value = editor(pilot).query_one("#field-sinchEstTrunkDomain", Input).value
        assert value == "demo-org.elastic-sip.sinch.com"


async def test_stored_secrets_are_not_checked_and_say_so(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "sinchEstTrunkDomain", "x.pstn.sinch.com", replace=True)
        await press_and_settle(pilot, "ctrl+s")
        assert verdicts(pilot) == {CheckId.SINCH_TRUNK: (NOT_CHECKED, "stored_secret")}
        assert shows(pilot, "the stored key ID and secret are never returned by Tether")
    assert stack.sinch_auth.requests == []


async def test_with_checks_off_nothing_is_asked_and_the_review_says_so(stack: DemoStack) -> None:
    async with make_app(stack, enabled=False).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.UNKNOWN_KEY)
        await press_and_settle(pilot, "ctrl+s")
        assert shows(pilot, "Credential checks are off (--no-check): nothing was asked.")
        await press_and_settle(pilot, "enter")  # no problem known, so no question
        assert "ElevenLabs post-call webhook" not in status_text(pilot)
    assert [r.path for r in stack.elevenlabs.requests if r.path.startswith("/v1/convai/a")] == []
    assert stack.elevenlabs.requests[-1].method == "PATCH" or stack.webhook_log, (
        "only the demo Tether's own webhook setup reached ElevenLabs"
    )


# --- after the save -------------------------------------------------------------------------


async def test_after_a_save_the_webhook_is_attached(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s", "enter")
        status = status_text(pilot)
        assert status.startswith("✓ Saved — server said: Configuration saved")
        assert f"✓ ElevenLabs post-call webhook: attached, delivering to {WEBHOOK_URL}" in status


async def test_without_webhooks_write_the_status_says_not_attached(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.NO_WEBHOOKS_WRITE_KEY)
        await press_and_settle(pilot, "ctrl+s", "enter", "y")
        status = " ".join(status_text(pilot).split())
        assert status.startswith("! Saved — server said: Configuration saved")
        assert "✗ ElevenLabs post-call webhook: not attached — Tether logs why" in status
    assert "webhooks_write" in stack.webhook_log[-1]


def hold_webhook_setup(stack: DemoStack) -> threading.Event:
    """Make the demo Tether set up the webhook only once the returned event is set."""
    gate = threading.Event()
    set_up = stack.tether.state.webhook_setup
    assert set_up is not None

    def later(key: str) -> None:
        threading.Thread(target=lambda: gate.wait(10) and set_up(key), daemon=True).start()

    stack.tether.state.webhook_setup = later
    return gate


SLOW_POLLS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)


async def test_the_webhook_is_looked_at_again_until_tether_has_set_it_up(
    stack: DemoStack,
) -> None:
    gate = hold_webhook_setup(stack)
    async with make_app(stack, webhook_polls=SLOW_POLLS).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await until(pilot, lambda: "post-call webhook: checking…" in status_text(pilot))
        assert "elevenlabsWebhookConfigured=false" in " ".join(screen_text(pilot.app).split())
        gate.set()
        await settle(pilot)
        assert "✓ ElevenLabs post-call webhook: attached" in status_text(pilot)
        # The summary says so too: it was read again once the webhook was attached.
        assert "elevenlabsWebhookConfigured=true" in " ".join(screen_text(pilot.app).split())
    looks = [r for r in stack.elevenlabs.requests if r.method == "GET" and "settings" in r.path]
    assert len(looks) >= 2


async def test_no_webhook_check_without_a_key_typed_now(stack: DemoStack) -> None:
    async with make_app(stack).run_test(size=SIZE) as pilot:
        await typed_credentials(pilot, el.GOOD_KEY)
        await paste_into(pilot, "elevenlabsApiKey", "", replace=True)
        await press_and_settle(pilot, "ctrl+s", "enter")
        assert "Configuration saved" in status_text(pilot)
        assert "post-call webhook" not in status_text(pilot)
    assert not [r for r in stack.elevenlabs.requests if r.path == "/v1/convai/settings"]


async def test_a_verdict_after_the_status_moved_on_is_a_notification(
    stack: DemoStack,
) -> None:
    gate = hold_webhook_setup(stack)
    app = make_app(stack, webhook_polls=SLOW_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s")
        await pilot.press("enter")
        await until(pilot, lambda: "checking…" in status_text(pilot))
        await pilot.press("ctrl+s")  # nothing to save: the panel says so
        await pilot.pause()
        assert status_text(pilot).startswith("• Nothing to save")
        gate.set()
        await settle(pilot)
        assert status_text(pilot).startswith("• Nothing to save"), "not overwritten"
        notes = [n.message for n in app._notifications]
        assert any("✓ ElevenLabs post-call webhook: attached" in n for n in notes)


def test_the_app_never_checks_unless_told_to() -> None:
    settings = ConnectionSettings("http://127.0.0.1:9", SecretStr("x"))
    assert VoiceConfigApp(settings).checks == CheckSettings(enabled=False)
