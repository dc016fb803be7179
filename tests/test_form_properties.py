"""Property tests: whatever the loaded config and the edits, the body holds only changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.models import VoiceAiConfig
from tui.form.body import build_save_request
from tui.form.fields import FIELDS, FieldKind
from tui.form.state import FormState, initial_value

text = st.text(max_size=40)
maybe_text = st.none() | text

loaded_configs = st.builds(
    lambda provider, key, tool, est, project, trunk, domain: VoiceAiConfig.model_validate(
        {
            "aiVoiceProvider": provider,
            "elevenlabsApiKeyConfigured": key,
            "elevenlabsToolSecretConfigured": tool,
            "sinchEstConfigured": est,
            "sinchEstProjectId": project,
            "sinchEstTrunkId": trunk,
            "sinchEstTrunkDomain": domain,
        }
    ),
    st.none() | st.sampled_from(["elevenlabs", "other-provider"]),
    st.none() | st.booleans(),
    st.none() | st.booleans(),
    st.none() | st.booleans(),
    maybe_text,
    maybe_text,
    maybe_text,
)


def edit_value(kind: FieldKind) -> st.SearchStrategy[object]:
    match kind:
        case FieldKind.ACTION:
            return st.booleans()
        case FieldKind.PROVIDER:
            return st.sampled_from(["", "elevenlabs", "other-provider"])
        case _:
            return text


edits = st.lists(
    st.sampled_from(FIELDS).flatmap(
        lambda spec: st.tuples(st.just(spec.wire_name), edit_value(spec.kind))
    ),
    max_size=20,
)


def apply(loaded: VoiceAiConfig, steps: list[tuple[str, object]]) -> FormState:
    form = FormState.from_loaded(loaded)
    for name, value in steps:
        form = form.with_value(name, value)  # type: ignore[arg-type]
    return form


@settings(max_examples=500)
@given(loaded_configs, edits)
def test_body_holds_exactly_the_changed_fields(loaded: VoiceAiConfig, steps) -> None:
    form = apply(loaded, steps)
    body = build_save_request(form).wire_body()
    assert set(body) == {spec.wire_name for spec in form.changed_specs()}
    assert len(body) == form.change_count == len(form.changes())
    for spec in FIELDS:
        if spec.wire_name not in body:
            continue
        sent = body[spec.wire_name]
        # Values are preserved exactly as last typed.
        last = next((v for n, v in reversed(steps) if n == spec.wire_name), None)
        if spec.kind is FieldKind.PROVIDER:
            assert sent == (last or None)
            assert sent != loaded.ai_voice_provider
        elif spec.kind is FieldKind.ACTION:
            assert sent is True
        else:
            assert sent == last
        if spec.kind in (FieldKind.SECRET, FieldKind.WRITE_ONLY):
            assert sent != ""  # an empty write-only input is never sent
        if spec.kind is FieldKind.IDENTIFIER:
            assert sent != initial_value(loaded, spec)


@settings(max_examples=300)
@given(loaded_configs, edits)
def test_null_is_only_ever_sent_for_the_provider(loaded: VoiceAiConfig, steps) -> None:
    body = build_save_request(apply(loaded, steps)).wire_body()
    assert all(value is not None for name, value in body.items() if name != "aiVoiceProvider")


@settings(max_examples=300)
@given(loaded_configs, edits)
def test_saved_form_has_no_changes_left(loaded: VoiceAiConfig, steps) -> None:
    assert apply(loaded, steps).after_save().change_count == 0
