"""Stale-data detection: the server changed between loading the form and saving it."""

from __future__ import annotations

from tui.api.models import VoiceAiConfig
from tui.form.body import build_save_request
from tui.form.drift import detect_drift, rebase
from tui.form.state import FormState

LOADED = VoiceAiConfig.model_validate(
    {
        "aiVoiceProvider": "elevenlabs",
        "elevenlabsApiKeyConfigured": True,
        "sinchEstConfigured": True,
        "sinchEstTrunkId": "t1",
        "sinchEstTrunkDomain": "a.example.com",
    }
)


def fresh(**changes: object) -> VoiceAiConfig:
    return VoiceAiConfig.model_validate({**LOADED.model_dump(by_alias=True), **changes})


def test_no_drift_when_nothing_changed() -> None:
    assert detect_drift(FormState.from_loaded(LOADED), fresh()) == []


def test_untouched_field_changed_on_server() -> None:
    form = FormState.from_loaded(LOADED).with_value("elevenlabsApiKey", "k")
    (drift,) = detect_drift(form, fresh(sinchEstTrunkId="t2"))
    assert (drift.label, drift.when_loaded, drift.now, drift.yours) == (
        "Sinch EST trunk ID",
        '"t1"',
        '"t2"',
        False,
    )


def test_baseline_of_an_edited_field_changed_on_server() -> None:
    form = FormState.from_loaded(LOADED).with_value("sinchEstTrunkDomain", "mine.example.com")
    (drift,) = detect_drift(form, fresh(sinchEstTrunkDomain="theirs.example.com"))
    assert drift.yours is True


def test_flags_are_compared_once_per_flag() -> None:
    form = FormState.from_loaded(LOADED).with_value("sinchEstKeySecret", "s")
    drifts = detect_drift(form, fresh(sinchEstConfigured=False, aiVoiceProvider=None))
    assert [(d.label, d.when_loaded, d.now, d.yours) for d in drifts] == [
        ("AI voice provider", "elevenlabs", "none", False),
        ("Sinch EST credentials", "configured", "not set", True),
    ]


def test_rebase_keeps_edits_and_refreshes_untouched_fields() -> None:
    form = FormState.from_loaded(LOADED).with_value("sinchEstTrunkDomain", "mine.example.com")
    rebased = rebase(form, fresh(sinchEstTrunkId="t2"))
    assert rebased.plain_value("sinchEstTrunkId") == "t2"
    assert rebased.plain_value("sinchEstTrunkDomain") == "mine.example.com"
    assert build_save_request(rebased).wire_body() == build_save_request(form).wire_body()


def test_rebase_drops_an_edit_the_server_now_agrees_with() -> None:
    form = FormState.from_loaded(LOADED).with_value("sinchEstTrunkId", "t2")
    assert rebase(form, fresh(sinchEstTrunkId="t2")).change_count == 0
