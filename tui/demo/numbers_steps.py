"""The phone numbers at work, as key presses: the steps of the numbers' scenarios and tests.

The same keys on every terminal size: ctrl+n opens the numbers' screen on a small
terminal and moves focus to the panel beside the form on a wide one. The seeded demo
gives the three numbers their outcomes: +14165550101 off (applied), +14165550102 on
with Sales Line (refused: not on the trunk), +14165550104 on with its agent (applied).
"""

from __future__ import annotations

from textual.pilot import Pilot

from tui.demo.server import DemoServer


async def _settle(pilot: Pilot) -> None:
    from tui.demo.scenarios import settle

    await settle(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    """Each key, then whatever it started (a request, a screen) finishes."""
    for key in keys:
        await pilot.press(key)
        await _settle(pilot)


async def choose_agent(pilot: Pilot, typed: str) -> None:
    """enter on the row: the agent list; type to narrow it; enter picks."""
    await press(pilot, "enter")
    await pilot.press(*typed)
    await press(pilot, "enter")


async def three_pending(pilot: Pilot, server: DemoServer) -> None:
    """101 off, 102 on with Sales Line, 104 on (keeps After Hours); cursor on 104."""
    await _settle(pilot)
    await press(pilot, "ctrl+n", "space", "down")
    await choose_agent(pilot, "sales")
    await press(pilot, "down", "down", "space")


async def agent_list(pilot: Pilot, server: DemoServer) -> None:
    await _settle(pilot)
    await press(pilot, "ctrl+n", "down", "enter")


async def numbers_review(pilot: Pilot, server: DemoServer) -> None:
    await three_pending(pilot, server)
    await press(pilot, "ctrl+s")


async def numbers_results(pilot: Pilot, server: DemoServer) -> None:
    """Sent one by one: the middle one is refused (NUMBER_NOT_ON_TRUNK), the others confirmed."""
    from tui.demo.scenarios import drawn_still

    await numbers_review(pilot, server)
    await press(pilot, "enter")
    await drawn_still(pilot)  # the outcomes reach the screens under the results too


async def numbers_after(pilot: Pilot, server: DemoServer) -> None:
    """The results closed: the table shows each outcome; the refused toggle is still pending."""
    await numbers_results(pilot, server)
    await press(pilot, "enter")


async def send_all(pilot: Pilot) -> None:
    """ctrl+s, enter (send one by one), enter (close the results)."""
    await press(pilot, "ctrl+s", "enter", "enter")
