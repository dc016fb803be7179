"""Secrets and the token appear nowhere: not on screen, in logs, errors or review JSON.

One session types known secret values through every path — reveal/hide, review,
a successful save, each kind of failed save — and every output is searched. The
only place a secret may appear is a frame taken while the user explicitly revealed
that field, and the test checks that it does appear there, so the search is known
to work.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from textual.pilot import Pilot

from tests.screen_text import svg_text
from tui.api.client import ConnectionSettings
from tui.app import VoiceConfigApp
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.loopback import LoopbackServer
from tui.demo.scenarios import (
    TYPED_API_KEY,
    TYPED_KEY_SECRET,
    decline_sign_in,
    press_and_settle,
    settle,
    type_into,
    typed_credentials,
)
from tui.demo.server import CONFIG_PATH, SUPERADMIN_TOKEN, DemoServer
from tui.demo.stack import DemoStack
from tui.screens.editor import EditorScreen
from tui.screens.review import ReviewScreen
from tui.widgets.check_lines import CheckLines

KEY = "sk_leakcheck_4b1d9e77"
EST_SECRET = "est-leakcheck-secret-0a9f"
SECRETS = (KEY, EST_SECRET, SUPERADMIN_TOKEN)
SNAPSHOT_DIR = Path(__file__).parent / "__snapshots__"
SCREENSHOT_DIR = Path(__file__).parent.parent / "screenshots"


def occurrences(texts: list[str]) -> dict[str, int]:
    return {secret: sum(text.count(secret) for text in texts) for secret in SECRETS}


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """The debug log file (``--log-file``) written for the length of a test."""
    from tui.diagnostics import start_log, stop_log

    path = tmp_path / "debug.log"
    handler = start_log(path, "leak test")
    yield path
    stop_log(handler)


async def test_a_whole_session_leaks_no_secret(
    demo_server: DemoServer, caplog: pytest.LogCaptureFixture, debug_log: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    frames: list[str] = []
    revealed_frames: list[str] = []
    texts: list[str] = []
    settings = ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=0.5)
    app = VoiceConfigApp(settings, demo=True)

    async def frame(pilot: Pilot) -> None:
        await pilot.pause()
        svg = app.export_screenshot()
        frames.extend((svg, svg_text(svg)))

    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await frame(pilot)
        await type_into(pilot, "elevenlabsApiKey", KEY)
        await frame(pilot)
        await pilot.press("ctrl+t")
        revealed_frames.append(svg_text(app.export_screenshot()))
        await pilot.press("ctrl+t")
        await frame(pilot)
        await type_into(pilot, "sinchEstKeySecret", EST_SECRET)
        await frame(pilot)
        for fault in (
            Fault.SERVER_ERROR_STRING,
            Fault.SERVER_ERROR_STRUCTURED,
            Fault.UNAUTHORIZED,
            Fault.BAD_GATEWAY_HTML,
            Fault.DROP_CONNECTION,
            Fault.DELAY,
        ):
            demo_server.inject(fault, method="POST", delay_seconds=1.0)
            await press_and_settle(pilot, "ctrl+s")
            await frame(pilot)
            review = app.screen
            assert isinstance(review, ReviewScreen)
            texts.append(repr(review.redacted_body))
            texts.append(repr(review.changes))
            await pilot.press("enter")
            await settle(pilot)
            await frame(pilot)
            await decline_sign_in(pilot)
            editor = app.screen
            assert isinstance(editor, EditorScreen)
            texts.append(repr(editor.form))
        await press_and_settle(pilot, "ctrl+s", "enter")
        await settle(pilot)
        await frame(pilot)
        assert "Configuration saved" in frames[-1]
        await pilot.press("ctrl+q")
        await pilot.pause()

    # Positive control: the secrets really were typed and really reached the server.
    assert demo_server.state.secret("elevenlabsApiKey") == KEY
    assert demo_server.state.secret("sinchEstKeySecret") == EST_SECRET
    assert occurrences(revealed_frames)[KEY] >= 1

    logs = [record.getMessage() for record in caplog.records]
    logs += [repr(record.args) for record in caplog.records]
    assert caplog.records, "the client logs at DEBUG; the search must have something to search"
    log_file = debug_log.read_text(encoding="utf-8")
    assert "POST /api/calls/voice-ai/config -> 200" in log_file, "the file log was written"
    logs.append(log_file)
    assert occurrences(frames) == dict.fromkeys(SECRETS, 0)
    assert occurrences(logs) == dict.fromkeys(SECRETS, 0)
    assert occurrences(texts) == dict.fromkeys(SECRETS, 0)


def test_no_snapshot_or_screenshot_svg_contains_a_typed_secret() -> None:
    svgs = sorted(SNAPSHOT_DIR.rglob("*.svg"))
    assert len(svgs) >= 8, "the snapshot tests must have produced their SVGs"
    screenshots = sorted(SCREENSHOT_DIR.glob("*.svg"))
    assert len(screenshots) >= 8, "scripts/screenshots.py must have produced the README's SVGs"
    svgs += screenshots
    texts = [svg.read_text(encoding="utf-8") for svg in svgs]
    texts += [svg_text(text) for text in texts]
    typed = (TYPED_API_KEY, TYPED_KEY_SECRET, SUPERADMIN_TOKEN, sinch.GOOD_KEY_SECRET)
    demo_keys = tuple(demo.key for demo in el.DEMO_KEYS)  # the check scenarios type these
    for secret in typed + demo_keys:
        assert not any(secret in text for text in texts), secret


async def test_failures_and_requests_never_carry_the_token_or_secrets(
    demo_server: DemoServer,
) -> None:
    from tui.api.client import VoiceConfigClient
    from tui.api.models import SaveRequest

    client = VoiceConfigClient(
        ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=0.3)
    )
    texts = [repr(client.settings), str(client.settings)]
    request = SaveRequest(elevenlabsApiKey=KEY, sinchEstKeySecret=EST_SECRET)
    texts += [repr(request), str(request), str(request.model_dump())]
    for fault in Fault:
        demo_server.inject(fault, delay_seconds=0.6)
        result = await client.save(request)
        texts += [repr(result), str(result)]
    await client.aclose()
    assert occurrences(texts) == dict.fromkeys(SECRETS, 0)


# --- the credential checks: each secret only to its own issuer --------------------------


def sent_texts(server: LoopbackServer[Any]) -> list[str]:
    """Everything each request carried, Basic credentials decoded (they are base64)."""
    texts = []
    for request in server.requests:
        parts = [
            request.method,
            request.path,
            request.query,
            request.body.decode("utf-8", "replace"),
        ]
        for name, value in request.headers:
            parts.append(f"{name}: {value}")
            scheme, _, encoded = value.partition(" ")
            if name.lower() == "authorization" and scheme.lower() == "basic":
                parts.append(base64.b64decode(encoded).decode("utf-8", "replace"))
        texts.append("\n".join(parts))
    return texts


def where_each_secret_went(stack: DemoStack, secrets: dict[str, str]) -> dict[str, set[str]]:
    """secret name -> the servers whose requests carried it (Tether's split by route)."""
    found: dict[str, set[str]] = {name: set() for name in secrets}
    for server_name, server in stack.servers.items():
        for request, text in zip(server.requests, sent_texts(server), strict=True):
            where = server_name
            if server_name == "tether":
                where = f"tether {request.method} {request.path}"
            for name, value in secrets.items():
                if value in text:
                    found[name].add(where)
    return found


TETHER_POST = f"tether POST {CONFIG_PATH}"


async def test_each_secret_reaches_only_its_issuer_and_no_output(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A whole checked session: review with every check, send anyway, the webhook after.

    Each secret may appear only in requests to its own issuer and in the Tether POST;
    the Tether token never in a stand-in's requests; the Sinch secret never on the EST
    API (bearer tokens only); nothing in frames, logs or the review's objects.
    """
    caplog.set_level(logging.DEBUG)
    frames: list[str] = []
    texts: list[str] = []
    with DemoStack() as stack:
        checks = dataclasses.replace(stack.check_settings(), webhook_polls=(0.0, 0.3))
        settings = ConnectionSettings(stack.tether.url, SecretStr(SUPERADMIN_TOKEN))
        app = VoiceConfigApp(settings, demo=True, checks=checks)
        async with app.run_test(size=(100, 32)) as pilot:
            await typed_credentials(pilot, el.GOOD_KEY, trunk=sinch.MISMATCHED_TRUNK_ID)
            await press_and_settle(pilot, "ctrl+s")
            review = app.screen
            assert isinstance(review, ReviewScreen)
            lines = review.query_one(CheckLines)
            texts += [repr(lines.results), repr(review.plan), str(lines.content)]
            frames.append(svg_text(app.export_screenshot()))
            await press_and_settle(pilot, "enter")  # a problem (the domain): asked once more
            frames.append(svg_text(app.export_screenshot()))
            await press_and_settle(pilot, "y")
            frames.append(svg_text(app.export_screenshot()))
            assert "post-call webhook: attached" in frames[-1]
        secrets = {
            "elevenlabs key": el.GOOD_KEY,
            "sinch key secret": sinch.GOOD_KEY_SECRET,
            "sinch key id": sinch.GOOD_KEY_ID,
            "tether token": SUPERADMIN_TOKEN,
        }
        went = where_each_secret_went(stack, secrets)
    assert went["elevenlabs key"] == {"elevenlabs", TETHER_POST}
    assert went["sinch key secret"] == {"sinch-auth", TETHER_POST}
    assert went["sinch key id"] == {"sinch-auth", TETHER_POST}
    assert went["tether token"] == {
        f"tether {method} {path}" for method, path, _status in stack.tether.state.request_log
    }, "the token only ever went to Tether"
    est_auth = {r.header("Authorization").split(" ")[0] for r in stack.sinch_est.requests}
    assert est_auth == {"Bearer"}
    logs = [record.getMessage() for record in caplog.records]
    logs += [repr(record.args) for record in caplog.records]
    # The key ID is not masked (the review shows it, as it shows every identifier): it
    # is held only to its destinations. The secrets and the token appear nowhere.
    for name, value in secrets.items():
        if name != "sinch key id":
            for output in (frames, logs, texts):
                assert not any(value in text for text in output), name


PASSWORD = "demo-superadmin-password"
PROXY_PASSWORD = "proxy-pass-5e1b"


async def test_signing_in_and_the_keyring_leave_no_secret_in_the_debug_log(
    demo_server: DemoServer, debug_log: Path
) -> None:
    """Password sign-in, "Remember" into a keyring, the stored token read back and used."""
    from tests.keyrings import MemoryKeyring
    from tests.test_sign_in_flows import sign_in
    from tui.auth.token_store import TokenStore
    from tui.screens.sign_in import SignInScreen

    backend = MemoryKeyring()
    for run in ("sign in and remember", "start with the stored token"):
        app = VoiceConfigApp(
            ConnectionSettings(demo_server.url, SecretStr(""), read_timeout=2.0),
            store=TokenStore(backend=backend, deadline=2.0),
            token_entry="leaks",
            look_in_keyring=True,
        )
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            if run == "sign in and remember":
                assert isinstance(app.screen, SignInScreen)
                app.screen.query_one("#signin-remember").value = True  # type: ignore[attr-defined]
                await sign_in(pilot, "superadmin@demo.tether.test", PASSWORD)
            await settle(pilot)
            assert isinstance(app.screen, EditorScreen) and app.screen.form is not None
    assert backend.entries, "the token was remembered (the positive control)"
    text = debug_log.read_text(encoding="utf-8")
    assert "keyring: save for 'leaks' answered" in text
    assert "keyring: found a token for 'leaks'" in text
    assert "GET /api/auth/verify-token -> 200" in text
    for secret in (PASSWORD, SUPERADMIN_TOKEN, *backend.entries.values()):
        assert secret not in text


def test_the_debug_log_of_a_script_holds_no_secret_and_is_private(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """A real ``set`` with a secret from stdin, through a proxy with credentials."""
    log = tmp_path / "tv.log"
    (tmp_path / "none.toml").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}
    env.update(
        TETHER_TOKEN=SUPERADMIN_TOKEN,
        TETHER_VOICE_LOG=str(log),
        TETHER_VOICE_CONFIG=str(tmp_path / "none.toml"),
        HTTP_PROXY=f"http://proxy-user:{PROXY_PASSWORD}@127.0.0.1:9",
        NO_PROXY="127.0.0.1",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui",
            "--url",
            demo_server.url,
            "set",
            "elevenlabsApiKey=-",
            "--yes",
        ],
        input=KEY,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert demo_server.state.secret("elevenlabsApiKey") == KEY
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text(encoding="utf-8")
    assert "POST fields: ['elevenlabsApiKey']" in text
    assert "direct (this machine: loopback never goes through a proxy)" in text
    for secret in (KEY, SUPERADMIN_TOKEN, PROXY_PASSWORD, "proxy-user"):
        assert secret not in text
