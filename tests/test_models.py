"""The wire models: tolerant of what the server may send, strict about what we send."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tui.api.models import ErrorEnvelope, SaveRequest, StructuredError, VoiceAiConfig


def test_full_config_parses_with_aliases() -> None:
    config = VoiceAiConfig.model_validate(
        {
            "success": True,
            "aiVoiceProvider": "elevenlabs",
            "elevenlabsApiKeyConfigured": True,
            "elevenlabsToolSecretConfigured": False,
            "sinchEstConfigured": True,
            "sinchEstProjectId": "p",
            "sinchEstTrunkId": "t",
            "sinchEstTrunkDomain": "d.example.com",
            "phoneNumbers": [
                {"userId": "u1", "phoneNumber": "+1", "aiEnabled": True, "aiAgentId": "a"},
                {"userId": "u2", "phoneNumber": "+2", "aiEnabled": False, "aiAgentId": None},
            ],
        }
    )
    assert config.ai_voice_provider == "elevenlabs"
    assert config.elevenlabs_api_key_configured is True
    assert config.sinch_est_trunk_domain == "d.example.com"
    assert config.ai_enabled_count == 1
    assert config.unknown_fields == {}


def test_every_field_may_be_absent_or_null() -> None:
    absent = VoiceAiConfig.model_validate({})
    nulls = VoiceAiConfig.model_validate(
        {name: None for name in ("aiVoiceProvider", "elevenlabsApiKeyConfigured", "phoneNumbers")}
    )
    for config in (absent, nulls):
        assert config.ai_voice_provider is None
        assert config.elevenlabs_api_key_configured is None  # unknown, not "false"
        assert config.phone_numbers == []


def test_unknown_top_level_fields_are_kept_for_display() -> None:
    config = VoiceAiConfig.model_validate({"webhookConfigured": True, "region": "ca"})
    assert config.unknown_fields == {"webhookConfigured": True, "region": "ca"}
    assert config.wire_value("region") == "ca"
    assert config.wire_value("sinchEstTrunkId") is None


def test_save_request_sends_only_set_fields_and_distinguishes_null_from_unset() -> None:
    assert SaveRequest().wire_body() == {}
    assert SaveRequest().is_empty
    assert SaveRequest(aiVoiceProvider=None).wire_body() == {"aiVoiceProvider": None}
    assert SaveRequest(sinchEstTrunkId="").wire_body() == {"sinchEstTrunkId": ""}


def test_save_request_never_shows_secrets_except_on_the_wire() -> None:
    request = SaveRequest(elevenlabsApiKey="sk_live_abc", sinchEstKeySecret=SecretStr("s3cr3t"))
    assert "sk_live_abc" not in repr(request)
    assert "s3cr3t" not in str(request)
    assert request.redacted_body("MASK") == {
        "elevenlabsApiKey": "MASK",
        "sinchEstKeySecret": "MASK",
    }
    assert request.wire_body() == {"elevenlabsApiKey": "sk_live_abc", "sinchEstKeySecret": "s3cr3t"}


def test_save_request_rejects_fields_the_contract_does_not_name() -> None:
    with pytest.raises(ValueError):
        SaveRequest.model_validate({"elevenlabsToolSecret": "x"})


def test_error_envelope_accepts_both_shapes() -> None:
    plain = ErrorEnvelope.model_validate({"success": False, "error": "Call not found"})
    assert plain.error == "Call not found"
    structured = ErrorEnvelope.model_validate(
        {
            "success": False,
            "error": {"code": "VALIDATION_ERROR", "message": "bad", "details": [{"field": "x"}]},
            "code": "VALIDATION_ERROR",
            "requestId": "r1",
        }
    )
    assert isinstance(structured.error, StructuredError)
    assert structured.error.details == [{"field": "x"}]
    assert structured.code == "VALIDATION_ERROR"
