"""Named app states, driven against the demo server: one source for tests and screenshots.

The snapshot tests and ``scripts/screenshots.py`` both walk these scenarios, so the
pictures in the README are exactly the states the tests pin down.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import SecretStr
from textual import events
from textual.pilot import Pilot

from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.demo import health_steps, numbers_steps
from tui.demo.faults import Fault
from tui.demo.server import ADMIN_TOKEN, SUPERADMIN_TOKEN, DemoServer

if TYPE_CHECKING:
    from tui.checks.settings import CheckSettings

REFUSED_URL = "http://127.0.0.1:9"
"""Nothing listens on the discard port on loopback: refused at once, same URL every run."""

TYPED_API_KEY = "sk_scenario_typed_key_8f3a91"
TYPED_KEY_SECRET = "scenario-est-secret-77c2"
"""Known secret values the scenarios type, so leak tests can search every output for them."""

Steps = Callable[[Pilot, DemoServer], Awaitable[None]]
"""Keys a user presses; the server is there for what happens elsewhere meanwhile."""


async def settle(pilot: Pilot) -> None:
    """Wait until every request in flight has answered and the screen has redrawn."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press_and_settle(pilot: Pilot, *keys: str) -> None:
    """Press keys one at a time, letting any request each one starts answer first.

    ``ctrl+s`` re-reads the server before the review appears: an ``enter`` pressed
    before it answers would go to the (locked) form, not to the review.
    """
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def decline_sign_in(pilot: Pilot) -> None:
    """After a 401 the app offers to sign in again; answer "not now" (escape)."""
    from tui.screens.sign_in import SignInScreen

    if isinstance(pilot.app.screen, SignInScreen):
        await pilot.press("escape")
        await settle(pilot)


async def type_into(pilot: Pilot, wire_name: str, text: str, *, replace: bool = False) -> None:
    """Focus a field and type, key by key, as a person would."""
    pilot.app.screen.query_one(f"#field-{wire_name}").focus()
    await pilot.pause()
    if replace:
        await pilot.press("ctrl+a", "ctrl+k")
    await pilot.press(*text)


async def paste_into(pilot: Pilot, wire_name: str, text: str, *, replace: bool = False) -> None:
    """Focus a field and paste (how keys usually arrive); much faster than typing in tests."""
    field = pilot.app.screen.query_one(f"#field-{wire_name}")
    field.focus()
    await pilot.pause()
    if replace:
        await pilot.press("ctrl+a", "ctrl+k")
    field.post_message(events.Paste(text))
    await pilot.pause()


async def loaded(pilot: Pilot, server: DemoServer) -> None:
    await settle(pilot)


async def edited(pilot: Pilot, server: DemoServer) -> None:
    await settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", TYPED_API_KEY)
    await paste_into(pilot, "sinchEstKeySecret", TYPED_KEY_SECRET)
    await type_into(pilot, "sinchEstTrunkId", "trunk-7", replace=True)
    await pilot.pause()


async def review(pilot: Pilot, server: DemoServer) -> None:
    await edited(pilot, server)
    await press_and_settle(pilot, "ctrl+s")


async def saved(pilot: Pilot, server: DemoServer) -> None:
    await review(pilot, server)
    await pilot.press("enter")
    await settle(pilot)


async def refused_then_cancelled(pilot: Pilot, server: DemoServer) -> None:
    """The save answers 401; the app offers to sign in again; the user declines for now."""
    await saved(pilot, server)
    await decline_sign_in(pilot)


async def review_stale(pilot: Pilot, server: DemoServer) -> None:
    """A colleague saves between load and review; the user typed a doubtful domain."""
    await settle(pilot)
    await paste_into(pilot, "sinchEstTrunkDomain", "new-trunk.sinch.com ", replace=True)
    server.state.mutate(sinchEstTrunkId="trunk-from-colleague")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def sign_in_error(pilot: Pilot, server: DemoServer) -> None:
    await settle(pilot)
    pilot.app.screen.query_one("#signin-email").focus()
    await pilot.press(*"superadmin@demo.tether.test", "enter", *"not-the-password", "enter")
    await settle(pilot)


async def first_frame(pilot: Pilot, server: DemoServer) -> None:
    """What is on screen before anything has answered (the keyring, the server)."""
    await pilot.pause()


async def keyring_timed_out(pilot: Pilot, server: DemoServer) -> None:
    """The keyring never answers: the sign-in screen once its deadline has passed."""
    from tui.screens.sign_in import SignInScreen

    while not isinstance(pilot.app.screen, SignInScreen):
        await pilot.pause(0.1)
    await settle(pilot)


async def help_screen(pilot: Pilot, server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await pilot.pause()


async def numbers_screen(pilot: Pilot, server: DemoServer) -> None:
    await settle(pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()


@dataclass(frozen=True)
class Scenario:
    """A state a user can see: how to reach it, and against which server."""

    name: str
    title: str
    steps: Steps
    token: str = SUPERADMIN_TOKEN
    url: str | None = None
    """None: the demo server's URL."""
    fault: Fault | None = None
    fault_method: str | None = "POST"
    size: tuple[int, int] = (100, 32)
    keyring: bool | None = None
    """True: a working (in-memory) keyring; False: none, as on a bastion; None: not asked."""
    no_color: bool = False
    """Run as if ``NO_COLOR`` were set: state must still read without colour."""
    checks: bool = False
    """Check credentials against the demo stack's stand-ins (and the webhook after a save)."""
    stalled_keyring: bool = False
    """No token given, and a keyring that never answers (the 3 s deadline applies)."""

    def run_before(self, server: DemoServer) -> Callable[[Pilot], Awaitable[None]]:
        """The steps in the shape ``snap_compare(run_before=...)`` expects."""

        async def run(pilot: Pilot) -> None:
            await self.steps(pilot, server)

        return run

    def make_app(self, server: DemoServer, checks: CheckSettings | None = None) -> VoiceConfigApp:
        """``checks``: the demo stack's check settings; used when the scenario checks."""
        if self.fault is not None:
            server.inject(self.fault, method=self.fault_method)
        url = self.url or server.url
        settings = ConnectionSettings(url, SecretStr(self.token), read_timeout=5.0)
        if self.no_color:
            os.environ["NO_COLOR"] = "1"  # Textual reads (and removes) it when the app is made
        store = None
        if self.keyring is not None:
            from keyring.backends import fail

            from tui.auth.token_store import TokenStore
            from tui.demo.memory_keyring import MemoryKeyring

            store = TokenStore(backend=MemoryKeyring() if self.keyring else fail.Keyring())
        options = {}
        if self.checks:
            assert checks is not None, "this scenario needs the demo stack's stand-ins"
            options["checks"] = replace(checks, webhook_polls=SCENARIO_POLLS)
        if self.stalled_keyring:
            from tui.auth.token_store import TokenStore
            from tui.demo.stalled_keyring import StalledKeyring

            store = TokenStore(backend=StalledKeyring(), deadline=3.0)
        return VoiceConfigApp(
            settings,
            demo=self.url is None,
            store=store,
            token_entry="demo",
            look_in_keyring=self.stalled_keyring,
            **options,
        )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("loaded", "The configuration as loaded", loaded),
    Scenario("edited", "Edited: two secrets pasted (masked), a trunk ID typed", edited),
    Scenario("review", "Review: exactly what will be sent", review),
    Scenario(
        "review_stale", "Review: changed on the server meanwhile, a value to check", review_stale
    ),
    Scenario("saved", "Saved and re-read", saved),
    Scenario(
        "error_string",
        "Save refused: 500 with a string error",
        saved,
        fault=Fault.SERVER_ERROR_STRING,
    ),
    Scenario(
        "error_structured",
        "Save refused: 500 with a structured error",
        saved,
        fault=Fault.SERVER_ERROR_STRUCTURED,
    ),
    Scenario(
        "unauthorized",
        "Save refused: 401, sign-in declined",
        refused_then_cancelled,
        token=ADMIN_TOKEN,
    ),
    Scenario("unauthorized_sign_in", "Save refused: 401, sign in again", saved, token=ADMIN_TOKEN),
    Scenario(
        "refused", "Connection refused at start", loaded, url=REFUSED_URL, token="not-a-real-token"
    ),
)

SMALL = (80, 24)
LARGE = (160, 48)


def _variant(name: str, suffix: str, **changes: object) -> Scenario:
    base = next(scenario for scenario in SCENARIOS if scenario.name == name)
    return replace(base, name=f"{name}_{suffix}", **changes)  # type: ignore[arg-type]


SCENARIOS += (
    _variant("loaded", "80x24", size=SMALL),
    _variant("edited", "80x24", size=SMALL),
    _variant("review", "80x24", size=SMALL),
    _variant("error_structured", "80x24", size=SMALL),
    _variant("refused", "80x24", size=SMALL),
    _variant("loaded", "no_color", size=SMALL, no_color=True),
    _variant("edited", "no_color", size=SMALL, no_color=True),
    _variant("error_structured", "no_color", size=SMALL, no_color=True),
    _variant("loaded", "160x48", size=LARGE),
    _variant("review_stale", "160x48", size=LARGE),
    Scenario("help", "Help: every key", help_screen, size=SMALL),
    Scenario("sign_in", "Sign in, on a host with no keyring", loaded, token="", keyring=False),
    Scenario(
        "sign_in_keyring", "Sign in, where a keyring can remember", loaded, token="", keyring=True
    ),
    Scenario("sign_in_error", "Sign in: wrong password", sign_in_error, token="", keyring=False),
    Scenario("sign_in_80x24", "Sign in at 80x24", loaded, token="", keyring=False, size=SMALL),
    Scenario(
        "keyring_wait",
        "Looking for a stored token (the keyring has not answered yet)",
        first_frame,
        token="",
        stalled_keyring=True,
        size=SMALL,
    ),
    Scenario(
        "sign_in_keyring_timeout",
        "Sign in: the OS keyring did not answer within 3 s",
        keyring_timed_out,
        token="",
        stalled_keyring=True,
        size=SMALL,
    ),
    Scenario("numbers", "Phone numbers", numbers_screen, size=SMALL),
)

NUMBERS_SCENARIOS = (
    ("numbers_pending", "Phone numbers: three toggles pending", numbers_steps.three_pending),
    ("numbers_agents", "Phone numbers: choosing an agent by name", numbers_steps.agent_list),
    ("numbers_review", "Phone numbers: the review, sent one by one", numbers_steps.numbers_review),
    ("numbers_results", "Phone numbers: each outcome as it arrived", numbers_steps.numbers_results),
)
"""The numbers at work, each at 100x32, 80x24 and 160x48 (beside the form)."""

SCENARIOS += tuple(
    Scenario(f"{name}{suffix}", title, steps, size=size)
    for name, title, steps in NUMBERS_SCENARIOS
    for suffix, size in (("", (100, 32)), ("_80x24", SMALL), ("_160x48", LARGE))
)
SCENARIOS += (
    Scenario(
        "numbers_after_no_color",
        "Phone numbers after sending, without colour",
        numbers_steps.numbers_after,
        size=SMALL,
        no_color=True,
    ),
)


# --- credential checks (against the demo stack's ElevenLabs and Sinch stand-ins) ---------

SCENARIO_POLLS = (0.0, 0.5)
"""The after-save webhook check looks twice, half a second apart: quick and repeatable."""


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (for states that settle() would pass by)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await pilot.pause(0.02)


async def drawn_still(pilot: Pilot, timeout: float = 5.0) -> None:
    """Let every visible screen catch up, then run until two frames in a row are the same.

    A screen under a modal (the editor beside the numbers at 160x48) lays out on its
    own idle; when its widgets change while nothing else wakes it, that layout can wait
    until the modal closes (Textual 8), and whether it already ran depends on what ran
    before. A nudge to each screen under the top one makes the snapshot the same every
    time: the state the user sees once the screen is current again.
    """
    for screen in pilot.app.screen_stack[:-1]:
        screen.check_idle()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    before = pilot.app.export_screenshot()
    while loop.time() < deadline:
        await pilot.pause(0.05)
        now = pilot.app.export_screenshot()
        if now == before:
            return
        before = now
    raise TimeoutError("the screen did not stop changing")


async def typed_credentials(pilot: Pilot, key: str, *, trunk: str | None = None) -> None:
    """An ElevenLabs key and the good Sinch pair typed; ``trunk`` replaces the trunk ID."""
    from tui.demo import sinch

    await settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", key)
    await paste_into(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
    await paste_into(pilot, "sinchEstKeySecret", sinch.GOOD_KEY_SECRET)
    if trunk is not None:
        await paste_into(pilot, "sinchEstTrunkId", trunk, replace=True)


async def review_checks(pilot: Pilot, server: DemoServer) -> None:
    """Every check answered: a key without webhooks_write, a trunk with another domain."""
    from tui.demo import elevenlabs, sinch

    await typed_credentials(
        pilot, elevenlabs.NO_WEBHOOKS_WRITE_KEY, trunk=sinch.MISMATCHED_TRUNK_ID
    )
    await press_and_settle(pilot, "ctrl+s")


async def review_checks_pending(pilot: Pilot, server: DemoServer) -> None:
    """ElevenLabs still answering (the slow demo key); Sinch not checkable (stored pair)."""
    from tui.demo import elevenlabs
    from tui.screens.review import ReviewScreen
    from tui.widgets.check_lines import CheckLines

    await settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", elevenlabs.SLOW_KEY)
    await paste_into(pilot, "sinchEstTrunkDomain", "demo-org.pstn.sinch.com", replace=True)
    await pilot.press("ctrl+s")

    def drawn() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, ReviewScreen) and bool(screen.query_one(CheckLines).results)

    await until(pilot, drawn)
    await pilot.pause()


async def send_anyway(pilot: Pilot, server: DemoServer) -> None:
    """Enter on a review with a definite problem: asked once more, defaulting to no."""
    await review_checks(pilot, server)
    await pilot.press("enter")
    await pilot.pause()


async def saved_with_webhook(pilot: Pilot, server: DemoServer) -> None:
    from tui.demo import elevenlabs

    await settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", elevenlabs.GOOD_KEY)
    await press_and_settle(pilot, "ctrl+s", "enter")


async def saved_without_webhook(pilot: Pilot, server: DemoServer) -> None:
    """A key lacking webhooks_write: the review asks once more (y), then the webhook ✗."""
    from tui.demo import elevenlabs

    await settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", elevenlabs.NO_WEBHOOKS_WRITE_KEY)
    await press_and_settle(pilot, "ctrl+s", "enter", "y")


SCENARIOS += (
    Scenario("review_checks", "Review: will it work?", review_checks, checks=True),
    Scenario(
        "review_checks_80x24",
        "Review at 80x24: will it work?",
        review_checks,
        checks=True,
        size=SMALL,
    ),
    Scenario(
        "review_checks_no_color",
        "Review without colour: will it work?",
        review_checks,
        checks=True,
        size=SMALL,
        no_color=True,
    ),
    Scenario(
        "review_checks_pending",
        "Review: checking, and what cannot be checked",
        review_checks_pending,
        checks=True,
    ),
    Scenario(
        "review_checks_pending_80x24",
        "Review at 80x24: checking, and what cannot be checked",
        review_checks_pending,
        checks=True,
        size=SMALL,
    ),
    Scenario("send_anyway", "A definite problem: send anyway?", send_anyway, checks=True),
    Scenario(
        "saved_webhook", "Saved: the post-call webhook attached", saved_with_webhook, checks=True
    ),
    Scenario(
        "saved_no_webhook",
        "Saved: the post-call webhook not attached",
        saved_without_webhook,
        checks=True,
        size=SMALL,
    ),
)

# --- the health view (against the demo stack, with the good demo keys) --------------------

SCENARIOS += (
    Scenario(
        "health_keys_80x24",
        "Health: the keys it asks for (one offered from the form)",
        health_steps.key_prompt,
        checks=True,
        size=SMALL,
    ),
    Scenario(
        "health_80x24",
        "Health: will the calls work?",
        health_steps.checked,
        checks=True,
        size=SMALL,
    ),
    Scenario(
        "health_numbers_80x24",
        "Health: the numbers, problems first",
        health_steps.checked_numbers,
        checks=True,
        size=SMALL,
    ),
    Scenario(
        "health_no_color",
        "Health without colour",
        health_steps.checked_numbers,
        checks=True,
        size=SMALL,
        no_color=True,
    ),
    Scenario(
        "health_160x48",
        "Health: will the calls work?",
        health_steps.checked,
        checks=True,
        size=LARGE,
    ),
    Scenario(
        "numbers_health_80x24",
        "Phone numbers with their health",
        health_steps.numbers_with_health,
        checks=True,
        size=SMALL,
    ),
    Scenario(
        "numbers_health_160x48",
        "Phone numbers with their health, beside the form",
        health_steps.numbers_with_health,
        checks=True,
        size=LARGE,
    ),
)

SCENARIOS_BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
