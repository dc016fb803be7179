"""Render the README's screenshots from the same scenarios the snapshot tests pin.

    uv run python scripts/screenshots.py            # writes screenshots/*.svg

Each scenario runs the real app against a fresh in-process demo server, exactly as
``tests/test_snapshots.py`` does, so a picture here is never hand-made or stale
relative to the tests.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tui.demo.scenarios import SCENARIOS, Scenario
from tui.demo.stack import DemoStack

OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def render(scenario: Scenario) -> str:
    with DemoStack(webhook_attached=True) as stack:  # as --demo serves it
        server = stack.tether
        app = scenario.make_app(server, stack.check_settings())
        async with app.run_test(size=scenario.size) as pilot:
            await scenario.steps(pilot, server)
            await pilot.pause()
            return app.export_screenshot(title=f"tether-voice — {scenario.title}")


async def main() -> int:
    OUT.mkdir(exist_ok=True)
    for scenario in SCENARIOS:
        path = OUT / f"{scenario.name}.svg"
        path.write_text(await render(scenario), encoding="utf-8")
        print(f"wrote {path.relative_to(OUT.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
