"""``set`` and the app send the identical body for the same edits.

One implementation of "what is sent" (``FormState`` + ``build_save_request``) serves
both front ends; these tests would catch a second one creeping in. The app side is
built the way its editor does it (``with_value`` with the values its widgets hold: the
provider select says "" for none, the switch True), and once more by driving the real
app with the keyboard; the script side is what the demo server received from ``set``.
"""

from __future__ import annotations

import asyncio
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.script_support import isolate, run_cli
from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.models import VoiceAiConfig
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer
from tui.form.body import build_save_request
from tui.form.state import FieldValue, FormState
from tui.script.exit_codes import ExitCode

SECRET = "sk_parity_key_0123456789"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def app_body(server: DemoServer, widget_values: dict[str, FieldValue]) -> list[tuple[str, Any]]:
    """The body the app's editor would send after these widget edits (order kept)."""

    async def load() -> VoiceAiConfig:
        client = VoiceConfigClient(ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN)))
        try:
            loaded = await client.load()
        finally:
            await client.aclose()
        assert isinstance(loaded, VoiceAiConfig)
        return loaded

    form = FormState.from_loaded(asyncio.run(load()))
    for wire_name, value in widget_values.items():
        form = form.with_value(wire_name, value)
    return list(build_save_request(form).wire_body().items())


def script_body(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str = "",
) -> list[tuple[str, Any]]:
    """The body the demo server received from ``set ARGS --yes`` (order kept)."""
    with DemoServer() as server:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        result = run_cli(capsys, ["set", "--url", server.url, *args, "--yes"])
        assert result.code == ExitCode.OK, result.err
        (received,) = server.state.received_posts
    return list(received.items())


CASES = [
    pytest.param(
        {"elevenlabsApiKey": SECRET},
        ["elevenlabsApiKey=-"],
        id="key rotation",
    ),
    pytest.param(
        {"aiVoiceProvider": "", "generateToolSecret": True},
        ["--clear-provider", "--generate-tool-secret"],
        id="provider none and a new tool secret",
    ),
    pytest.param(
        {
            "sinchEstKeyId": "est-id-9",
            "sinchEstKeySecret": SECRET,
            "sinchEstProjectId": "0b7e1a52-3c1d-4f0e-9a55-6f1c2d3e4b5a",
            "sinchEstTrunkId": "trunk-demo-001",  # unchanged: neither sends it
            "sinchEstTrunkDomain": " spaced.pstn.sinch.com",
        },
        [
            "sinch-est-key-id=est-id-9",
            "sinchEstKeySecret=-",
            "sinchEstProjectId=0b7e1a52-3c1d-4f0e-9a55-6f1c2d3e4b5a",
            "sinchEstTrunkId=trunk-demo-001",
            "sinchEstTrunkDomain= spaced.pstn.sinch.com",
        ],
        id="every Sinch field",
    ),
    pytest.param(
        {"sinchEstTrunkId": "", "aiVoiceProvider": "elevenlabs"},
        ["sinchEstTrunkId=", "aiVoiceProvider=elevenlabs"],
        id="an emptied identifier, an unchanged provider",
    ),
]


@pytest.mark.parametrize(("widget_values", "args"), CASES)
def test_set_sends_what_the_app_would_send(
    widget_values: dict[str, FieldValue],
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with DemoServer() as server:
        expected = app_body(server, widget_values)
    assert script_body(capsys, monkeypatch, args, stdin=SECRET + "\n") == expected


async def test_set_sends_what_the_real_app_sent(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same edits typed into the app (pilot) and given to ``set``: one body."""
    from tui.app import VoiceConfigApp
    from tui.demo.scenarios import paste_into, press_and_settle, settle

    with DemoServer() as server:
        settings = ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5.0)
        async with VoiceConfigApp(settings, demo=True).run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await paste_into(pilot, "elevenlabsApiKey", SECRET)
            await paste_into(pilot, "sinchEstTrunkDomain", "new.pstn.sinch.com", replace=True)
            await paste_into(pilot, "sinchEstTrunkId", "trunk-demo-001", replace=True)
            await press_and_settle(pilot, "ctrl+s")
            await pilot.press("enter")
            await settle(pilot)
        (from_app,) = server.state.received_posts

    args = ["elevenlabsApiKey=-", "sinchEstTrunkDomain=new.pstn.sinch.com"]
    from_script = await asyncio.to_thread(
        script_body, capsys, monkeypatch, [*args, "sinchEstTrunkId=trunk-demo-001"], SECRET
    )
    assert from_script == list(from_app.items())
    assert dict(from_script) == {
        "elevenlabsApiKey": SECRET,
        "sinchEstTrunkDomain": "new.pstn.sinch.com",
    }
