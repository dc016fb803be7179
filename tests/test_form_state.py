"""Form logic: loaded config + what the user typed → what is sent, and how it is shown."""

from __future__ import annotations

import json

import pytest

from tui.api.models import VoiceAiConfig
from tui.form.body import build_save_request
from tui.form.fields import FIELDS
from tui.form.masking import MASK
from tui.form.state import FormState

LOADED = VoiceAiConfig.model_validate(
    {
        "aiVoiceProvider": "elevenlabs",
        "elevenlabsApiKeyConfigured": True,
        "elevenlabsToolSecretConfigured": False,
        "sinchEstConfigured": True,
        "sinchEstProjectId": "proj-1",
        "sinchEstTrunkId": "trunk-1",
        "sinchEstTrunkDomain": "a.elastic-sip.sinch.com",
    }
)


def body_of(form: FormState) -> dict[str, object]:
    return build_save_request(form).wire_body()


def test_untouched_form_sends_nothing() -> None:
    form = FormState.from_loaded(LOADED)
    assert form.change_count == 0
    assert body_of(form) == {}
    assert form.changes() == []


def test_identifiers_are_prefilled_and_secrets_empty() -> None:
    form = FormState.from_loaded(LOADED)
    assert form.plain_value("sinchEstTrunkDomain") == "a.elastic-sip.sinch.com"
    assert form.plain_value("aiVoiceProvider") == "elevenlabs"
    assert form.plain_value("elevenlabsApiKey") == ""
    assert form.plain_value("sinchEstKeyId") == ""
    assert form.plain_value("generateToolSecret") is False


def test_typing_a_key_sends_only_that_key() -> None:
    form = FormState.from_loaded(LOADED).with_value("elevenlabsApiKey", "sk_new")
    assert body_of(form) == {"elevenlabsApiKey": "sk_new"}
    assert form.change_count == 1


def test_editing_back_to_the_loaded_value_is_no_change() -> None:
    form = FormState.from_loaded(LOADED).with_value("sinchEstTrunkId", "trunk-2")
    assert form.change_count == 1
    form = form.with_value("sinchEstTrunkId", "trunk-1")
    assert form.change_count == 0
    assert body_of(form) == {}


def test_clearing_a_typed_secret_means_it_is_not_sent() -> None:
    form = (
        FormState.from_loaded(LOADED)
        .with_value("sinchEstKeySecret", "x")
        .with_value("sinchEstKeySecret", "")
    )
    assert body_of(form) == {}


def test_switch_sends_true_only_when_on() -> None:
    form = FormState.from_loaded(LOADED)
    assert body_of(form.with_value("generateToolSecret", True)) == {"generateToolSecret": True}
    assert body_of(form.with_value("generateToolSecret", False)) == {}


def test_provider_none_sends_null_and_only_when_it_was_set() -> None:
    form = FormState.from_loaded(LOADED).with_value("aiVoiceProvider", "")
    assert body_of(form) == {"aiVoiceProvider": None}
    unset = FormState.from_loaded(VoiceAiConfig.model_validate({"aiVoiceProvider": None}))
    assert body_of(unset.with_value("aiVoiceProvider", "")) == {}
    assert body_of(unset.with_value("aiVoiceProvider", "elevenlabs")) == {
        "aiVoiceProvider": "elevenlabs"
    }


def test_clearing_a_loaded_identifier_sends_empty_string() -> None:
    """The user emptied it on purpose; the review shows "(empty)" before anything is sent."""
    form = FormState.from_loaded(LOADED).with_value("sinchEstTrunkDomain", "")
    assert body_of(form) == {"sinchEstTrunkDomain": ""}
    (change,) = form.changes()
    assert (change.before, change.after) == ('"a.elastic-sip.sinch.com"', "(empty)")


def test_identifier_absent_on_server_and_left_empty_is_not_sent() -> None:
    form = FormState.from_loaded(VoiceAiConfig.model_validate({}))
    assert form.plain_value("sinchEstProjectId") == ""
    assert body_of(form) == {}


def test_review_rows_mask_secrets_with_a_fixed_width() -> None:
    form = (
        FormState.from_loaded(LOADED)
        .with_value("elevenlabsApiKey", "sk_" + "a" * 60)
        .with_value("sinchEstKeySecret", "b")
        .with_value("generateToolSecret", True)
        .with_value("aiVoiceProvider", "")
    )
    rows = {change.spec.wire_name: (change.before, change.after) for change in form.changes()}
    assert rows == {
        "aiVoiceProvider": ("elevenlabs", "none"),
        "elevenlabsApiKey": ("configured", MASK),
        "generateToolSecret": ("not set", "generate a new secret"),
        "sinchEstKeySecret": ("configured", MASK),
    }
    assert [c.spec.wire_name for c in form.changes()] == [
        s.wire_name for s in FIELDS if s.wire_name in rows
    ]


def test_redacted_body_never_contains_the_secret() -> None:
    form = FormState.from_loaded(LOADED).with_value("elevenlabsApiKey", "sk_top_secret")
    request = build_save_request(form)
    text = json.dumps(request.redacted_body(MASK)) + repr(request) + repr(form)
    assert "sk_top_secret" not in text


def test_after_save_makes_the_sent_values_the_baseline() -> None:
    form = (
        FormState.from_loaded(LOADED)
        .with_value("sinchEstTrunkId", "trunk-9")
        .with_value("generateToolSecret", True)
        .with_value("elevenlabsApiKey", "k")
    )
    after = form.after_save()
    assert after.change_count == 0
    assert after.plain_value("sinchEstTrunkId") == "trunk-9"
    assert after.plain_value("elevenlabsApiKey") == ""
    assert after.loaded.elevenlabs_tool_secret_configured is True


@pytest.mark.parametrize(
    ("was", "sent", "expected"),
    [
        (False, {"sinchEstKeySecret"}, False),  # half the credential: still unknown → as before
        (False, {"sinchEstKeySecret", "sinchEstKeyId"}, True),
        (True, {"sinchEstKeySecret"}, True),
    ],
)
def test_after_save_sinch_flag_needs_both_halves(was: bool, sent: set[str], expected: bool) -> None:
    loaded = VoiceAiConfig.model_validate({"sinchEstConfigured": was})
    form = FormState.from_loaded(loaded)
    for name in sent:
        form = form.with_value(name, "v")
    assert form.after_save().loaded.sinch_est_configured is expected


def test_unknown_fields_survive_after_save() -> None:
    loaded = VoiceAiConfig.model_validate({"region": "ca", "sinchEstTrunkId": "t"})
    after = FormState.from_loaded(loaded).with_value("sinchEstTrunkId", "u").after_save()
    assert after.loaded.unknown_fields == {"region": "ca"}


def test_unconfirmed_after_save_names_values_that_did_not_stick() -> None:
    form = (
        FormState.from_loaded(LOADED)
        .with_value("sinchEstTrunkId", "trunk-9")
        .with_value("sinchEstProjectId", "proj-9")
        .with_value("elevenlabsApiKey", "k")
    )
    as_sent = form.after_save().loaded
    assert form.unconfirmed_after_save(as_sent) == []
    normalised = as_sent.model_copy(update={"sinch_est_trunk_id": "TRUNK-9"})
    assert form.unconfirmed_after_save(normalised) == ["Sinch EST trunk ID"]
    key_dropped = as_sent.model_copy(update={"elevenlabs_api_key_configured": False})
    assert form.unconfirmed_after_save(key_dropped) == ["ElevenLabs API key"]
    unknown = as_sent.model_copy(update={"elevenlabs_api_key_configured": None})
    assert form.unconfirmed_after_save(unknown) == []


def _reread(loaded: dict, edits: dict, reloaded: dict):
    from tui.api.models import VoiceAiConfig
    from tui.form.state import FormState

    form = FormState.from_loaded(VoiceAiConfig.model_validate(loaded))
    for name, value in edits.items():
        form = form.with_value(name, value)
    return form.reread_after_save(VoiceAiConfig.model_validate(reloaded))


def test_the_reread_confirms_only_what_it_can_show() -> None:
    """Issue 18, item 3: a key ID saved alone on an empty organization is not "confirmed"
    (Tether returns only the credentials' flag, still false): said plainly."""
    empty = {"sinchEstConfigured": False, "elevenlabsApiKeyConfigured": False}
    alone = _reread(empty, {"sinchEstKeyId": "id-1"}, empty)
    assert alone.confirmed == () and alone.unseen == ("Sinch EST key ID",)
    assert alone.still_unset == ("Sinch EST key ID",)
    words = "\n".join(alone.lines())
    assert "confirmed" not in words and "not configured" in words

    pair = _reread(
        empty,
        {"sinchEstKeyId": "id-1", "sinchEstKeySecret": "s-1"},
        {**empty, "sinchEstConfigured": True},
    )
    assert pair.confirmed == ("Sinch EST key ID", "Sinch EST key secret") and not pair.unseen

    rotated = _reread(
        {"elevenlabsApiKeyConfigured": True, "sinchEstTrunkId": "t-1"},
        {"elevenlabsApiKey": "sk_new", "sinchEstTrunkId": "t-2"},
        {"elevenlabsApiKeyConfigured": True, "sinchEstTrunkId": "t-2"},
    )
    assert rotated.confirmed == ("Sinch EST trunk ID",)
    assert rotated.unseen == ("ElevenLabs API key",) and not rotated.still_unset
    assert rotated.lines()[0] == "Re-read from the server: 1 change confirmed."

    overwritten = _reread(
        {"sinchEstTrunkId": "t-1"}, {"sinchEstTrunkId": "t-2"}, {"sinchEstTrunkId": "t-3"}
    )
    assert overwritten.differs == ("Sinch EST trunk ID",) and not overwritten.confirmed
