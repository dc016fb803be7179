"""The health view at work, as key presses: the steps of its scenarios (snapshots and the
README's screenshots).

Run against the demo stack with the good demo keys (ElevenLabs' ``GOOD_KEY``, Sinch's
``GOOD_KEY_ID`` / ``GOOD_KEY_SECRET``), so every planted problem of the seeded numbers
shows (:mod:`tui.demo.wiring_world`).
"""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from tui.demo.server import DemoServer


async def _settle(pilot: Pilot) -> None:
    from tui.demo.scenarios import settle

    await settle(pilot)


async def _paste(pilot: Pilot, wire_name: str, text: str) -> None:
    field = pilot.app.screen.query_one(f"#health-{wire_name}")
    field.focus()
    await pilot.pause()
    field.post_message(events.Paste(text))
    await pilot.pause()


async def key_prompt(pilot: Pilot, server: DemoServer) -> None:
    """The ElevenLabs key typed in the form (not saved) is offered; the Sinch pair is not
    at hand yet: its ID typed, its secret being typed."""
    from tui.demo import elevenlabs, sinch
    from tui.demo.scenarios import paste_into

    await _settle(pilot)
    await paste_into(pilot, "elevenlabsApiKey", elevenlabs.GOOD_KEY)
    await pilot.press("ctrl+g")
    await _settle(pilot)
    await _paste(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
    await _paste(pilot, "sinchEstKeySecret", sinch.GOOD_KEY_SECRET[:7])


async def checked(pilot: Pilot, server: DemoServer) -> None:
    """Every key given, enter, every answer in."""
    from tui.demo import elevenlabs, sinch
    from tui.demo.scenarios import until
    from tui.screens.editor import EditorScreen

    await _settle(pilot)
    await pilot.press("ctrl+g")
    await _settle(pilot)
    await _paste(pilot, "elevenlabsApiKey", elevenlabs.GOOD_KEY)
    await _paste(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
    await _paste(pilot, "sinchEstKeySecret", sinch.GOOD_KEY_SECRET)
    editor = next(s for s in pilot.app.screen_stack if isinstance(s, EditorScreen))
    health = editor.health_desk()
    await pilot.press("enter")
    await until(pilot, lambda: health.board.runs > 0 and not health.board.running, 30)
    await _settle(pilot)


async def checked_numbers(pilot: Pilot, server: DemoServer) -> None:
    """After the check: the numbers part of the view (page down to it)."""
    await checked(pilot, server)
    from tui.screens.health import HealthScreen

    screen = pilot.app.screen
    assert isinstance(screen, HealthScreen)
    heading = screen.query_one("#health-numbers-heading")
    screen.query_one("#health-results").scroll_to_widget(heading, animate=False, top=True)
    await _settle(pilot)


async def numbers_with_health(pilot: Pilot, server: DemoServer) -> None:
    """After the check, ctrl+n: the numbers table's health column, the cursor on a number
    with a problem (+14165550105) and its findings under the table."""
    from tui.demo.scenarios import drawn_still

    await checked(pilot, server)
    await pilot.press("ctrl+n")
    await _settle(pilot)
    for _ in range(4):
        await pilot.press("down")
    await drawn_still(pilot)
