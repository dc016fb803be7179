"""Every state a user can see, pinned as an SVG snapshot at a fixed terminal size.

The states come from ``tui.demo.scenarios`` — the same ones ``scripts/screenshots.py``
renders for the README. Update with ``uv run pytest --snapshot-update`` and look at
the report before committing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tui.demo.scenarios import SCENARIOS, Scenario
from tui.demo.stack import DemoStack


@pytest.fixture
def seen_stack() -> Iterator[DemoStack]:
    """The stack as a user of ``--demo`` meets it (the seeded organization's post-call
    webhook already attached), which the README's screenshots show too."""
    with DemoStack(webhook_attached=True) as stack:
        yield stack


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_screen_state(
    scenario: Scenario, seen_stack: DemoStack, snap_compare, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # restored after; make_app may set it
    server = seen_stack.tether
    app = scenario.make_app(server, seen_stack.check_settings())
    assert snap_compare(app, terminal_size=scenario.size, run_before=scenario.run_before(server))
