"""Every state a user can see, pinned as an SVG snapshot at a fixed terminal size.

The states come from ``tui.demo.scenarios`` — the same ones ``scripts/screenshots.py``
renders for the README. Update with ``uv run pytest --snapshot-update`` and look at
the report before committing.
"""

from __future__ import annotations

import pytest

from tui.demo.scenarios import SCENARIOS, Scenario
from tui.demo.stack import DemoStack


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_screen_state(
    scenario: Scenario, demo_stack: DemoStack, snap_compare, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # restored after; make_app may set it
    server = demo_stack.tether
    app = scenario.make_app(server, demo_stack.check_settings())
    assert snap_compare(app, terminal_size=scenario.size, run_before=scenario.run_before(server))
