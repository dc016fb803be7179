"""The HTTP client against the demo server over real loopback HTTP, fault by fault."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.failures import SCRIPT_WORDING, ApiFailure, FailureKind, Operation
from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig
from tui.demo.faults import Fault
from tui.demo.scenarios import REFUSED_URL
from tui.demo.server import SUPERADMIN_TOKEN, DemoServer


async def load(settings: ConnectionSettings) -> VoiceAiConfig | ApiFailure:
    client = VoiceConfigClient(settings)
    try:
        return await client.load()
    finally:
        await client.aclose()


async def save(settings: ConnectionSettings, request: SaveRequest) -> SaveSuccess | ApiFailure:
    client = VoiceConfigClient(settings)
    try:
        return await client.save(request)
    finally:
        await client.aclose()


async def test_load_returns_the_seeded_config(superadmin: ConnectionSettings) -> None:
    config = await load(superadmin)
    assert isinstance(config, VoiceAiConfig)
    assert config.ai_voice_provider == "elevenlabs"
    assert config.sinch_est_trunk_domain == "demo-org.elastic-sip.sinch.com"
    assert config.elevenlabs_api_key_configured is True
    assert len(config.phone_numbers) == 12
    assert "elevenlabsWebhookConfigured" in config.unknown_fields


async def test_save_sends_exactly_the_request_fields(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    result = await save(superadmin, SaveRequest(sinchEstTrunkId="trunk-2", aiVoiceProvider=None))
    assert isinstance(result, SaveSuccess)
    assert result.message == "Configuration saved"
    assert demo_server.state.received_posts == [
        {"sinchEstTrunkId": "trunk-2", "aiVoiceProvider": None}
    ]
    config = await load(superadmin)
    assert isinstance(config, VoiceAiConfig)
    assert config.sinch_est_trunk_id == "trunk-2"
    assert config.ai_voice_provider is None
    assert config.sinch_est_project_id == "3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91"


async def test_non_ascii_and_control_characters_arrive_byte_for_byte(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    value = " tab\there, newline\nhere, é, 日本, \x01 "
    result = await save(superadmin, SaveRequest(sinchEstKeySecret=value))
    assert isinstance(result, SaveSuccess)
    assert demo_server.state.secret("sinchEstKeySecret") == value


async def test_admin_token_may_read_but_not_save(admin: ConnectionSettings) -> None:
    assert isinstance(await load(admin), VoiceAiConfig)
    failure = await save(admin, SaveRequest(sinchEstTrunkId="x"))
    assert isinstance(failure, ApiFailure)
    assert failure.status == 401
    assert "superadmin" in failure.hint.lower()


async def test_wrong_type_gives_structured_error_with_details(
    superadmin: ConnectionSettings,
) -> None:
    """The UI never builds a wrong type, so send one through a raw client to see the mapping."""
    async with httpx.AsyncClient(base_url=superadmin.base_url) as raw:
        response = await raw.post(
            "/api/calls/voice-ai/config",
            json={"generateToolSecret": "yes"},
            headers={"Authorization": f"Bearer {SUPERADMIN_TOKEN}"},
        )
    assert response.status_code == 400
    from tui.api.failures import from_error_status

    failure = from_error_status(
        400, Operation.SAVE, response.json(), response.text, response.headers["content-type"]
    )
    assert failure.error_code == "VALIDATION_ERROR"
    assert any("generateToolSecret" in detail for detail in failure.details)


FAULT_EXPECTATIONS: dict[Fault, tuple[FailureKind, int | None, str]] = {
    Fault.UNAUTHORIZED: (FailureKind.HTTP_STATUS, 401, "HTTP 401 Unauthorized"),
    Fault.FORBIDDEN: (FailureKind.HTTP_STATUS, 403, "HTTP 403 Forbidden"),
    Fault.NOT_FOUND: (FailureKind.HTTP_STATUS, 404, "HTTP 404 Not Found"),
    Fault.RATE_LIMITED: (FailureKind.HTTP_STATUS, 429, "HTTP 429 Too Many Requests"),
    Fault.SERVER_ERROR_STRING: (FailureKind.HTTP_STATUS, 500, "HTTP 500 Internal Server Error"),
    Fault.SERVER_ERROR_STRUCTURED: (FailureKind.HTTP_STATUS, 500, "HTTP 500"),
    Fault.BAD_GATEWAY_HTML: (FailureKind.HTTP_STATUS, 502, "non-JSON body (text/html)"),
    Fault.UNAVAILABLE_HTML: (FailureKind.HTTP_STATUS, 503, "non-JSON body (text/html)"),
    Fault.GATEWAY_TIMEOUT_HTML: (FailureKind.HTTP_STATUS, 504, "non-JSON body (text/html)"),
    Fault.MALFORMED_JSON: (FailureKind.BAD_RESPONSE, None, "not understood"),
    Fault.EMPTY_BODY: (FailureKind.BAD_RESPONSE, None, "empty body"),
    Fault.NOT_SUCCESS_200: (FailureKind.HTTP_STATUS, 200, "reported a failure"),
    Fault.HUGE_BODY: (FailureKind.BAD_RESPONSE, None, "larger than"),
    Fault.DROP_CONNECTION: (FailureKind.NETWORK, None, "The connection to 127.0.0.1"),
    Fault.DROP_MID_RESPONSE: (FailureKind.NETWORK, None, "The connection to 127.0.0.1"),
}


@pytest.mark.parametrize("operation", [Operation.LOAD, Operation.SAVE])
@pytest.mark.parametrize("fault", list(FAULT_EXPECTATIONS))
async def test_every_fault_becomes_one_clear_failure(
    demo_server: DemoServer, superadmin: ConnectionSettings, fault: Fault, operation: Operation
) -> None:
    kind, status, summary_part = FAULT_EXPECTATIONS[fault]
    demo_server.inject(fault)
    if operation is Operation.LOAD:
        result = await load(superadmin)
    else:
        result = await save(superadmin, SaveRequest(sinchEstTrunkId="t"))
    assert isinstance(result, ApiFailure), result
    assert result.kind is kind
    assert result.operation is operation
    assert result.status == status
    assert summary_part in result.summary
    assert result.hint
    assert SUPERADMIN_TOKEN not in "\n".join(result.lines())
    # The fault was one-shot: the same call now succeeds.
    again = await load(superadmin)
    assert isinstance(again, VoiceAiConfig)


async def test_structured_error_keeps_code_message_and_details(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    demo_server.inject(Fault.SERVER_ERROR_STRUCTURED)
    failure = await save(superadmin, SaveRequest(sinchEstTrunkId="t"))
    assert isinstance(failure, ApiFailure)
    assert failure.error_code == "ELEVENLABS_UNREACHABLE"
    assert failure.error
    assert failure.details and failure.details[0].startswith("elevenlabsApiKey: ")
    assert "safe to retry" in failure.hint


async def test_string_error_is_shown_verbatim(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    demo_server.inject(Fault.SERVER_ERROR_STRING)
    failure = await load(superadmin)
    assert isinstance(failure, ApiFailure)
    assert failure.error == "Internal server error"


async def test_rate_limit_hint_names_the_wait(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    demo_server.inject(Fault.RATE_LIMITED)
    failure = await load(superadmin)
    assert isinstance(failure, ApiFailure)
    assert "wait 5 s" in failure.hint


async def test_slow_answer_is_a_timeout(demo_server: DemoServer) -> None:
    settings = ConnectionSettings(demo_server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=0.2)
    demo_server.inject(Fault.DELAY, delay_seconds=1.0, method="POST")
    failure = await save(settings, SaveRequest(sinchEstTrunkId="t"))
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.TIMEOUT
    assert "may or may not have been applied" in failure.hint


async def test_refused_connection_names_host_and_port() -> None:
    settings = ConnectionSettings(REFUSED_URL, SecretStr("t"))
    failure = await load(settings)
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.NETWORK
    assert "127.0.0.1:9" in failure.summary
    assert "refused" in failure.summary.lower()


async def test_redirect_is_not_followed_with_the_token() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(301, headers={"Location": "https://elsewhere.example/api"})

    client = VoiceConfigClient(
        ConnectionSettings("https://tether.example", SecretStr("tok")),
        transport=httpx.MockTransport(handler),
    )
    failure = await client.load()
    await client.aclose()
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.REDIRECT
    assert "https://elsewhere.example/api" in failure.summary
    assert seen == ["https://tether.example/api/calls/voice-ai/config"]


@pytest.mark.parametrize(
    ("status", "body", "expect"),
    [
        (200, '{"success": true, "aiVoiceProvider": 5}', "malformed"),
        (200, "[1, 2]", "not the success envelope"),
        (500, '{"success": false, "error": [1, 2]}', "unknown shape"),
        (418, "", "an empty body"),
    ],
)
async def test_odd_bodies_are_described_not_raised(status: int, body: str, expect: str) -> None:
    client = VoiceConfigClient(
        ConnectionSettings("https://tether.example", SecretStr("tok")),
        transport=httpx.MockTransport(lambda request: httpx.Response(status, text=body)),
    )
    failure = await client.load()
    await client.aclose()
    assert isinstance(failure, ApiFailure)
    assert expect in failure.summary


async def test_a_save_cut_off_after_connecting_has_an_unknown_outcome(
    demo_server: DemoServer, superadmin: ConnectionSettings
) -> None:
    """The POST may have reached the server: the hint must not invite a blind resend."""
    demo_server.inject(Fault.DROP_CONNECTION, method="POST")
    dropped = await save(superadmin, SaveRequest(generateToolSecret=True))
    assert isinstance(dropped, ApiFailure)
    assert "may or may not have been applied" in dropped.hint
    # ctrl+r would offer to discard the edits; ctrl+s re-reads and keeps them (issue 18, 6)
    assert "review again (ctrl+s)" in dropped.hint and "ctrl+r" not in dropped.hint
    assert "Your edits are kept." in dropped.hint
    assert "run `tether-voice show` to check" in dropped.hint_in(SCRIPT_WORDING)
    refused = await save(ConnectionSettings(REFUSED_URL, SecretStr("t")), SaveRequest())
    assert isinstance(refused, ApiFailure)
    assert "may or may not" not in refused.hint  # never connected: certainly not applied


async def test_a_host_name_that_does_not_resolve_is_said_in_words() -> None:
    """The resolver's code is negative: ``os.strerror(-2)`` would say "Unknown error -2"."""
    import socket

    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        except socket.gaierror as exc:
            raise httpx.ConnectError("[Errno -2] Name or service not known") from exc

    client = VoiceConfigClient(
        ConnectionSettings("https://tether.example", SecretStr("tok")),
        transport=httpx.MockTransport(handler),
    )
    failure = await client.load()
    await client.aclose()
    assert isinstance(failure, ApiFailure)
    assert failure.summary == (
        "Could not reach tether.example:443: the host name did not resolve "
        "(Name or service not known)"
    )
    assert "Unknown error" not in failure.summary
