"""``tether-voice show``: the configuration as text or JSON, and every way it can fail."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.keyrings import MemoryKeyring, use_keyring
from tests.script_support import Result, isolate, run_cli
from tests.tls_server import https_server
from tui.demo.faults import Fault
from tui.demo.server import ADMIN_TOKEN, DemoServer, DemoState
from tui.script.exit_codes import ExitCode

SEEDED_SECRETS = ("sk_demo_seeded_key_0000", "est-key-secret-demo-seeded-0000", "5eed" * 16)

JSON_KEYS = [
    "url",
    "aiVoiceProvider",
    "elevenlabsApiKey",
    "elevenlabsToolSecret",
    "sinchEst",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
    "phoneNumbers",
    "unknownFields",
]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


def show(capsys: pytest.CaptureFixture[str], server: DemoServer, *extra: str) -> Result:
    return run_cli(capsys, ["show", "--url", server.url, "--timeout", "5", *extra])


def test_text_lists_every_field_secrets_as_configured_and_numbers_as_a_table(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    result = show(capsys, demo_server)
    assert result.code == ExitCode.OK
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0] == f"Voice AI configuration at {demo_server.url}"
    assert "  AI voice provider       elevenlabs" in lines
    assert "  ElevenLabs API key      configured" in lines
    assert "  Sinch EST credentials   configured" in lines
    assert "  Sinch EST trunk domain  demo-org.elastic-sip.sinch.com" in lines
    assert "Phone numbers: 12 (10 AI on, 2 off)" in lines
    assert "  NUMBER        AI   AGENT                     USER" in lines
    assert "  +14165550102  off  -                         64f0a1b2c3d4e5f6a7b8c9d2" in lines
    assert "  elevenlabsWebhookConfigured=true" in lines
    assert not any(secret in result.both for secret in SEEDED_SECRETS)
    assert result.out.isascii() or "…" in result.out, "plain text: no symbols, no colour"


def test_json_has_the_documented_shape(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    result = show(capsys, demo_server, "--json")
    assert result.code == ExitCode.OK
    shown = json.loads(result.out)
    assert list(shown) == JSON_KEYS
    assert shown["url"] == demo_server.url
    assert shown["aiVoiceProvider"] == "elevenlabs"
    assert shown["elevenlabsApiKey"] == shown["elevenlabsToolSecret"] == "configured"
    assert shown["sinchEst"] == "configured"
    assert shown["sinchEstTrunkId"] == "trunk-demo-001"
    assert shown["phoneNumbers"][0] == {
        "userId": "64f0a1b2c3d4e5f6a7b8c9d1",
        "phoneNumber": "+14165550101",
        "aiEnabled": True,
        "aiAgentId": "64f0a1b2c3d4e5f6a7b8cc01",
    }
    assert shown["unknownFields"] == {"elevenlabsWebhookConfigured": True}
    assert not any(secret in result.both for secret in SEEDED_SECRETS)


def test_an_empty_organization_shows_none_and_not_set(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with DemoServer(state=DemoState.empty()) as server:
        text = show(capsys, server)
        shown = json.loads(show(capsys, server, "--json").out)
    assert "  AI voice provider       none" in text.out.splitlines()
    assert "  Sinch EST trunk ID      not set" in text.out.splitlines()
    assert "Phone numbers: none" in text.out
    assert shown["aiVoiceProvider"] is None
    assert shown["elevenlabsApiKey"] == "not set"
    assert shown["sinchEstTrunkId"] is None
    assert shown["phoneNumbers"] == []


def test_a_flag_the_server_leaves_out_is_unknown(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    public = demo_server.state.public_config

    def without_flag() -> dict[str, object]:
        answer = public()
        del answer["sinchEstConfigured"]
        return answer

    monkeypatch.setattr(demo_server.state, "public_config", without_flag)
    assert json.loads(show(capsys, demo_server, "--json").out)["sinchEst"] == "unknown"


# --- failures -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "code", "words"),
    [
        (Fault.UNAUTHORIZED, ExitCode.REFUSED, "HTTP 401"),
        (Fault.NOT_FOUND, ExitCode.REFUSED, "HTTP 404"),
        (Fault.RATE_LIMITED, ExitCode.REFUSED, "wait 5 s"),
        (Fault.SERVER_ERROR_STRUCTURED, ExitCode.REFUSED, "Error code: ELEVENLABS_UNREACHABLE"),
        (Fault.BAD_GATEWAY_HTML, ExitCode.REFUSED, "non-JSON body (text/html)"),
        (Fault.MALFORMED_JSON, ExitCode.REFUSED, "not understood"),
        (Fault.NOT_SUCCESS_200, ExitCode.REFUSED, "HTTP 200, but the server reported a failure"),
        (Fault.HUGE_BODY, ExitCode.REFUSED, "larger than"),
        (Fault.DROP_CONNECTION, ExitCode.NETWORK, "dropped before the answer"),
    ],
)
def test_each_failure_exits_by_kind_with_the_apps_explanation_on_stderr(
    fault: Fault,
    code: ExitCode,
    words: str,
    demo_server: DemoServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    demo_server.inject(fault, method="GET")
    result = show(capsys, demo_server)
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith("Load failed: ")
    assert words in result.err
    assert "\nNext: " in result.err


def test_a_timeout_is_a_network_error(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_server.inject(Fault.DELAY, method="GET", delay_seconds=3)
    result = run_cli(capsys, ["show", "--url", demo_server.url, "--timeout", "0.3"])
    assert result.code == ExitCode.NETWORK
    assert "in time" in result.err


def test_connection_refused_is_a_network_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli(capsys, ["show", "--url", f"http://127.0.0.1:{port}"])
    assert result.code == ExitCode.NETWORK
    assert "Connection refused" in result.err
    assert "Then run the command again." in result.said


def test_an_untrusted_certificate_is_a_network_error_until_the_ca_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with https_server(tmp_path) as (url, ca_bundle):
        untrusted = run_cli(capsys, ["show", "--url", url, "--timeout", "5"])
        trusted = run_cli(capsys, ["show", "--url", url, "--ca-bundle", str(ca_bundle)])
    assert untrusted.code == ExitCode.NETWORK
    assert "certificate" in untrusted.err
    assert trusted.code == ExitCode.OK


def test_json_errors_are_json_on_stderr(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    demo_server.inject(Fault.SERVER_ERROR_STRUCTURED, method="GET")
    result = show(capsys, demo_server, "--json")
    assert result.code == ExitCode.REFUSED
    assert result.out == ""
    error = json.loads(result.err)["error"]
    assert error["exitCode"] == 1
    assert error["kind"] == "http status"
    assert error["operation"] == "load"
    assert error["status"] == 500
    assert error["errorCode"] == "ELEVENLABS_UNREACHABLE"
    assert error["details"] == ["elevenlabsApiKey: ElevenLabs did not answer; try again later"]
    assert error["lines"][0] == "Load failed: HTTP 500 Internal Server Error"
    assert error["hint"].startswith("A server error; it is safe to")


def test_no_token_exits_2_and_says_how_to_provide_one(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TETHER_TOKEN")
    result = show(capsys, demo_server)
    assert result.code == ExitCode.USAGE
    assert "TETHER_TOKEN" in result.err
    # isolate() leaves this host with no keyring backend: none is suggested (issue 18, 8)
    said = " ".join(result.err.split())
    assert "this host has no OS keyring to remember one in" in said
    assert "remember the token in the OS keyring" not in said
    assert demo_server.state.request_log == [], "nothing is sent without a token"

    use_keyring(monkeypatch, MemoryKeyring())  # a host with a keyring, nothing stored
    with_keyring = show(capsys, demo_server)
    assert with_keyring.code == ExitCode.USAGE
    assert "remember the token in the OS keyring" in " ".join(with_keyring.err.split())

    as_json = show(capsys, demo_server, "--json")
    error = json.loads(as_json.err)["error"]
    assert (error["exitCode"], error["kind"]) == (2, "usage")
    assert "TETHER_TOKEN" in error["lines"][0]


def test_the_profile_and_transport_rules_are_the_apps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[profiles.lan]\nurl = "http://10.0.0.5:2212"\n')
    monkeypatch.setenv("TETHER_VOICE_CONFIG", str(config))
    result = run_cli(capsys, ["show", "--profile", "lan"])
    assert result.code == ExitCode.USAGE
    assert "Refusing http:// to 10.0.0.5" in result.err
    assert "demo-superadmin-token" not in result.err


def test_options_work_before_and_after_the_command(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = run_cli(capsys, ["--url", demo_server.url, "show", "--json"])
    assert before.code == ExitCode.OK
    assert json.loads(before.out)["url"] == demo_server.url


def test_a_read_only_token_can_show(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_TOKEN", ADMIN_TOKEN)
    assert show(capsys, demo_server).code == ExitCode.OK


def test_demo_starts_its_own_server(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, ["show", "--demo", "--json"])
    assert result.code == ExitCode.OK
    assert json.loads(result.out)["url"].startswith("http://127.0.0.1:")
    assert result.err == "", "--json: stderr carries an error object or nothing"
    text = run_cli(capsys, ["show", "--demo"])
    assert "DEMO server" in text.err


def test_show_never_imports_textual() -> None:
    """``show`` must start fast on a bastion: the UI toolkit is not loaded at all."""
    code = (
        "import sys; from tui.cli import main; rc = main(['show', '--demo', '--json']); "
        "assert rc == 0, rc; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'textual'], 'textual'"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
