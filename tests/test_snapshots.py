"""Every state a user can see, pinned as an SVG snapshot at a fixed terminal size.

The states come from ``tui.demo.scenarios`` — the same ones ``scripts/screenshots.py``
renders for the README. Update with ``uv run pytest --snapshot-update`` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from tui.demo.scenarios import SCENARIOS, Scenario
from tui.demo.server import DemoServer

SIZE = (100, 32)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_screen_state(scenario: Scenario, demo_server: DemoServer, snap_compare) -> None:
    app = scenario.make_app(demo_server)
    assert snap_compare(app, terminal_size=SIZE, run_before=scenario.run_before(demo_server))
