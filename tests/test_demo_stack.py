"""The demo stack: Tether plus the ElevenLabs and Sinch stand-ins, and their wiring."""

from __future__ import annotations

import base64
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.server import CONFIG_PATH, SUPERADMIN_TOKEN, DemoServer
from tui.demo.stack import DemoStack, parse_fault_spec

DEMO = Path(__file__).parents[1] / "tui" / "demo"


def call(
    url: str, method: str = "GET", headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def save(stack: DemoStack, **fields: str) -> None:
    headers = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}", "Content-Type": "application/json"}
    assert call(stack.tether.url + CONFIG_PATH, "POST", headers, fields)[0] == 200


def test_every_behaviour_says_what_it_rests_on() -> None:
    for source in ("elevenlabs.py", "sinch.py", "sinch_numbers.py", "convai_world.py"):
        text = (DEMO / source).read_text()
        labels = re.findall(r"\[(DOC|SEEN|INFERRED|NOT FOUND)\b", text)
        assert len(labels) >= 10, source


def test_after_a_save_tether_attaches_the_webhook_on_the_stand_in(demo_stack: DemoStack) -> None:
    save(demo_stack, elevenlabsApiKey=el.GOOD_KEY)
    key = {"xi-api-key": el.GOOD_KEY}
    status, settings = call(demo_stack.elevenlabs.url + "/v1/convai/settings", headers=key)
    webhook_id = settings["webhooks"]["post_call_webhook_id"]
    assert status == 200 and webhook_id
    _status, listed = call(demo_stack.elevenlabs.url + "/v1/workspace/webhooks", headers=key)
    assert [w["webhook_id"] for w in listed["webhooks"]] == [webhook_id]
    assert (demo_stack.tether.state.secret("webhookSecret") or "").startswith("wsec_")
    assert demo_stack.webhook_log == [f"ElevenLabs post-call webhook {webhook_id} attached"]


def test_without_webhooks_write_the_save_succeeds_and_only_the_log_says_why(
    demo_stack: DemoStack,
) -> None:
    before = demo_stack.tether.state.secret("webhookSecret")
    save(demo_stack, elevenlabsApiKey=el.NO_WEBHOOKS_WRITE_KEY)
    assert demo_stack.tether.state.secret("webhookSecret") == before, "the old one stays"
    (line,) = demo_stack.webhook_log
    assert "setup failed (the save succeeded)" in line
    assert "missing the permission webhooks_write" in line


def test_the_tether_demo_alone_still_counts_a_saved_key_as_a_webhook() -> None:
    with DemoServer() as server:
        server.state.mutate(elevenlabsApiKey="sk_alone")
        assert server.state.public_config()["elevenlabsWebhookConfigured"] is True
        assert server.state.webhook_setup is None


def test_each_key_has_its_own_workspace(demo_stack: DemoStack) -> None:
    save(demo_stack, elevenlabsApiKey=el.GOOD_KEY)
    other = {"xi-api-key": el.NO_CONVAI_WRITE_KEY}
    _status, settings = call(demo_stack.elevenlabs.url + "/v1/convai/settings", headers=other)
    assert settings["webhooks"]["post_call_webhook_id"] is None


def test_v1_user_needs_user_read_which_no_demo_key_has(demo_stack: DemoStack) -> None:
    status, body = call(demo_stack.elevenlabs.url + "/v1/user", headers={"xi-api-key": el.GOOD_KEY})
    assert status == 401
    assert body["detail"]["status"] == "missing_permissions"
    assert "user_read" in body["detail"]["message"]


def test_the_est_api_accepts_basic_auth_which_the_client_never_uses(
    demo_stack: DemoStack,
) -> None:
    pair = base64.b64encode(f"{sinch.GOOD_KEY_ID}:{sinch.GOOD_KEY_SECRET}".encode()).decode()
    url = f"{demo_stack.sinch_est.url}/v1/projects/{sinch.DEMO_PROJECT_ID}/trunks/trunk-demo-001"
    status, trunk = call(url, headers={"Authorization": f"Basic {pair}"})
    assert (status, trunk["domain"]) == (200, "demo-org.elastic-sip.sinch.com")


def test_a_token_from_the_auth_stand_in_opens_the_est_stand_in(demo_stack: DemoStack) -> None:
    pair = base64.b64encode(f"{sinch.GOOD_KEY_ID}:{sinch.GOOD_KEY_SECRET}".encode()).decode()
    headers = {
        "Authorization": f"Basic {pair}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    status, token = call(
        demo_stack.sinch_auth.url + "/oauth2/token",
        "POST",
        headers,
        b"grant_type=client_credentials",
    )
    assert status == 200 and token["token_type"] == "bearer"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{demo_stack.sinch_est.url}/v1/projects/{sinch.OTHER_PROJECT_ID}/trunks/trunk-other-001"
    assert call(url, headers=bearer)[0] == 403, "another project's trunk"
    bad_grant = call(demo_stack.sinch_auth.url + "/oauth2/token", "POST", headers, b"grant_type=x")
    assert bad_grant == (400, {"error": "unsupported_grant_type"})


def test_faults_are_injected_per_server(demo_stack: DemoStack) -> None:
    control = demo_stack.elevenlabs.url + "/__demo__/faults"
    assert call(control, "POST", body={"fault": "503-html"})[0] == 200
    request = urllib.request.Request(
        demo_stack.elevenlabs.url + "/v1/convai/agents", headers={"xi-api-key": el.GOOD_KEY}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5)
    assert refused.value.code == 503
    assert demo_stack.tether.pending_faults() == []


def test_fault_specs() -> None:
    assert parse_fault_spec("503-html") == ("tether", Fault.UNAVAILABLE_HTML)
    assert parse_fault_spec("sinch-est:drop") == ("sinch-est", Fault.DROP_CONNECTION)
    with pytest.raises(ValueError, match="unknown server 'twilio'"):
        parse_fault_spec("twilio:drop")
    with pytest.raises(ValueError):
        parse_fault_spec("elevenlabs:nope")


def test_demo_server_runs_the_whole_stack_until_interrupted() -> None:
    code = (
        "from tui.cli import main\n"
        "main(['demo-server', '--port', '0', '--fault', 'elevenlabs:503-html'])\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        banner = ""
        while "Ctrl+C to stop." not in banner:
            line = process.stdout.readline()
            assert line, banner
            banner += line
        urls = dict(re.findall(r"export (TETHER_VOICE_\w+_URL)=(\S+)", banner))
        assert set(urls) == {
            "TETHER_VOICE_ELEVENLABS_URL",
            "TETHER_VOICE_SINCH_AUTH_URL",
            "TETHER_VOICE_SINCH_EST_URL",
            "TETHER_VOICE_SINCH_NUMBERS_URL",
        }
        for demo in el.DEMO_KEYS:
            assert demo.key in banner
        assert sinch.GOOD_KEY_SECRET in banner and sinch.MISMATCHED_TRUNK_ID in banner
        assert "  elevenlabs  503-html  next /v1/ request: 503" in banner
        agents = urllib.request.Request(
            urls["TETHER_VOICE_ELEVENLABS_URL"] + "/v1/convai/agents",
            headers={"xi-api-key": el.GOOD_KEY},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with pytest.raises(urllib.error.HTTPError) as first:
            opener.open(agents, timeout=5)
        assert first.value.code == 503, "the fault was injected into the ElevenLabs stand-in"
        with opener.open(agents, timeout=5) as second:
            assert second.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "GET /v1/convai/agents 503" in out and "GET /v1/convai/agents 200" in out


def test_tether_only_runs_no_stand_in_to_spoil(capsys: pytest.CaptureFixture[str]) -> None:
    from tui.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["demo-server", "--tether-only", "--fault", "elevenlabs:drop"])
    assert stopped.value.code == 2
    assert "--tether-only runs no stand-in" in capsys.readouterr().err


def test_tether_says_configured_before_elevenlabs_shows_the_webhook_attached(
    demo_stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found after issue 18, item 19: the app's summary still read
    ``elevenlabsWebhookConfigured=false`` under a status saying the webhook was
    attached. Tether stored it after the PATCH that attaches it, so a client that saw
    the PATCH land on ElevenLabs and read Tether at once found it not configured."""
    seen: list[object] = []
    real = demo_stack._elevenlabs_call

    def spying(method: str, path: str, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method == "PATCH":
            seen.append(demo_stack.tether.state.public_config()["elevenlabsWebhookConfigured"])
        return real(method, path, key, payload)

    monkeypatch.setattr(demo_stack, "_elevenlabs_call", spying)
    save(demo_stack, elevenlabsApiKey=el.GOOD_KEY)
    assert seen == [True]
    assert demo_stack.tether.state.public_config()["elevenlabsWebhookConfigured"] is True


def test_a_patch_that_fails_takes_the_webhook_back(
    demo_stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.demo.stack import _SetupFailed

    before = demo_stack.tether.state.secret("webhookSecret")
    real = demo_stack._elevenlabs_call

    def failing(method: str, path: str, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        if method == "PATCH":
            raise _SetupFailed("PATCH /v1/convai/settings: HTTP 500")
        return real(method, path, key, payload)

    monkeypatch.setattr(demo_stack, "_elevenlabs_call", failing)
    save(demo_stack, elevenlabsApiKey=el.GOOD_KEY)
    assert demo_stack.tether.state.public_config()["elevenlabsWebhookConfigured"] is False
    assert demo_stack.tether.state.secret("webhookSecret") == before
    assert "setup failed (the save succeeded)" in demo_stack.webhook_log[-1]
