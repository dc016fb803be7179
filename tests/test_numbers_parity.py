"""``numbers set`` and the app send the identical toggles, in the same order, for the same changes.

One implementation of "what is sent" (``NumbersState.toggles()``, sent by ``send_in_turn``)
serves both front ends; these tests would catch a second one creeping in. Once through
the state alone (the keys the table turns into edits, against the arguments ``set`` turns
into edits), and once end to end: the real app driven by keyboard and the real command,
each against its own fresh demo server, comparing what the servers received.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.script_support import isolate, run_cli
from tui.api.client import ConnectionSettings
from tui.api.models import VoiceAiConfig
from tui.api.number_models import Prompt
from tui.app import VoiceConfigApp
from tui.demo.accounts import DEMO_ORG_ID
from tui.demo.numbers_data import SEEDED_AGENTS
from tui.demo.numbers_steps import send_all, three_pending
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer, DemoState
from tui.numbers.agents import AgentBook
from tui.numbers.state import NumbersState
from tui.script.exit_codes import ExitCode
from tui.script.numbers_args import apply_args, parse_number_args

SUPPORT = "64f0a1b2c3d4e5f6a7b8cc02"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def loaded() -> NumbersState:
    config = VoiceAiConfig.model_validate(DemoState.seeded().public_config())
    agents = AgentBook.from_prompts(
        Prompt.model_validate(agent.as_prompt(DEMO_ORG_ID, "u")) for agent in SEEDED_AGENTS
    )
    return NumbersState.from_config(config, agents)


def bodies(state: NumbersState) -> list[dict[str, Any]]:
    return [toggle.request().wire_body() for toggle in state.toggles()]


def key(state: NumbersState, row: int) -> tuple[str, str]:
    found = state.key_at(row)
    assert found is not None
    return found


CASES = [
    pytest.param(
        lambda s: s.toggled(key(s, 0)),
        ["+14165550101=off"],
        id="off",
    ),
    pytest.param(
        lambda s: s.toggled(key(s, 3)),
        ["+14165550104=on"],
        id="on, keeping its agent",
    ),
    pytest.param(
        lambda s: s.with_agent(key(s, 1), SUPPORT),
        ["+14165550102=on:support desk"],
        id="on with an agent by name",
    ),
    pytest.param(
        lambda s: s.with_agent(key(s, 0), SUPPORT),
        [f"+14165550101=on:{SUPPORT}"],
        id="switch agent by ID",
    ),
    pytest.param(
        lambda s: s.toggled(key(s, 3)).toggled(key(s, 0)).with_agent(key(s, 2), SUPPORT),
        ["+1 416 555 0103=on:Support Desk", "+14165550104=on", "+14165550101=off"],
        id="three, given in another order",
    ),
]


@pytest.mark.parametrize(("table_edits", "args"), CASES)
def test_the_scripts_arguments_build_the_tables_toggles(table_edits: Any, args: list[str]) -> None:
    from_table = table_edits(loaded())
    from_script, _notices = apply_args(loaded(), parse_number_args(args))
    assert bodies(from_script) == bodies(from_table)


async def test_numbers_set_sends_what_the_real_app_sent(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same three changes typed into the app and given to ``numbers set``."""
    with DemoServer() as server:
        settings = ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5.0)
        async with VoiceConfigApp(settings, demo=True).run_test(size=(100, 32)) as pilot:
            await three_pending(pilot, server)
            await send_all(pilot)
        from_app = server.state.numbers.received_toggles

    def script() -> list[dict[str, Any]]:
        with DemoServer() as fresh:
            argv = [
                "numbers",
                "set",
                "+14165550104=on",
                "+14165550102=on:Sales Line",
                "+14165550101=off",
                "--yes",
                "--url",
                fresh.url,
            ]
            result = run_cli(capsys, argv)
            assert result.code == ExitCode.REFUSED  # the middle one, in both
            return fresh.state.numbers.received_toggles

    from_script = await asyncio.to_thread(script)
    assert from_script == from_app
    assert [body["phoneNumber"] for body in from_app] == [
        "+14165550101",
        "+14165550102",
        "+14165550104",
    ]
