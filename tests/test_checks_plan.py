"""Which checks a form allows: only what was typed now, and an honest line for the rest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.test_form_properties import apply, edits, loaded_configs
from tui.api.models import VoiceAiConfig
from tui.checks.plan import SINCH_FIELDS, plan_checks
from tui.checks.verdict import CheckId, Verdict
from tui.form.state import FormState

SEEDED = VoiceAiConfig.model_validate(
    {
        "aiVoiceProvider": "elevenlabs",
        "elevenlabsApiKeyConfigured": True,
        "elevenlabsToolSecretConfigured": True,
        "sinchEstConfigured": True,
        "sinchEstProjectId": "proj-1",
        "sinchEstTrunkId": "trunk-1",
        "sinchEstTrunkDomain": "t1.pstn.sinch.com",
    }
)


def form(**values: object) -> FormState:
    state = FormState.from_loaded(SEEDED)
    for name, value in values.items():
        state = state.with_value(name, value)  # type: ignore[arg-type]
    return state


def decided(state: FormState, probe_writes: bool = False) -> dict[CheckId, tuple[Verdict, str]]:
    plan = plan_checks(state, probe_writes=probe_writes)
    return {r.check: (r.verdict, r.reason) for r in plan.decided}


def test_nothing_typed_nothing_to_check() -> None:
    plan = plan_checks(form(), probe_writes=True)
    assert plan.is_empty
    assert plan_checks(form(aiVoiceProvider=None), probe_writes=True).is_empty


def test_a_typed_key_is_checked_and_probes_only_when_asked() -> None:
    plan = plan_checks(form(elevenlabsApiKey="sk_new"), probe_writes=False)
    assert plan.elevenlabs_key is not None
    assert plan.elevenlabs_key.get_secret_value() == "sk_new"
    assert plan.to_ask == (CheckId.ELEVENLABS_KEY,)
    probing = plan_checks(form(elevenlabsApiKey="sk_new"), probe_writes=True)
    assert probing.to_ask == (
        CheckId.ELEVENLABS_KEY,
        CheckId.ELEVENLABS_CONVAI_WRITE,
        CheckId.ELEVENLABS_WEBHOOKS_WRITE,
    )
    assert "sk_new" not in repr(probing)


def test_a_stored_key_the_edit_relies_on_is_not_checked_and_says_why() -> None:
    for state in (form(generateToolSecret=True), form(aiVoiceProvider="elevenlabs")):
        if not state.change_count:
            continue
        plan = plan_checks(state, probe_writes=True)
        assert plan.to_ask == ()
        (line,) = plan.decided
        assert (line.check, line.verdict, line.reason) == (
            CheckId.ELEVENLABS_KEY,
            Verdict.NOT_CHECKED,
            "stored_secret",
        )
        # Why the key matters to this edit, then why it is not checked (issue 18, item 5).
        why = (
            "Tether puts the new tool secret on the agents' tools with the stored key"
            if state.is_changed("generateToolSecret")
            else "the AI calls will use the stored key"
        )
        assert line.summary == (
            f"{why}, and the stored key is never returned by Tether, so it cannot be checked here"
        )
        assert line.next_step == "type it again to check it"


def test_switching_the_provider_on_with_no_key_anywhere_is_a_problem() -> None:
    loaded = VoiceAiConfig.model_validate(
        {"aiVoiceProvider": None, "elevenlabsApiKeyConfigured": False}
    )
    state = FormState.from_loaded(loaded).with_value("aiVoiceProvider", "elevenlabs")
    assert decided(state) == {CheckId.ELEVENLABS_KEY: (Verdict.PROBLEM, "no_key")}


def test_the_sinch_pair_typed_checks_key_and_trunk_with_the_forms_identifiers() -> None:
    plan = plan_checks(
        form(sinchEstKeyId="id-1", sinchEstKeySecret="secret-1", sinchEstTrunkId="trunk-2"),
        probe_writes=False,
    )
    assert plan.to_ask == (CheckId.SINCH_KEY, CheckId.SINCH_TRUNK)
    assert plan.sinch is not None
    assert (plan.sinch.key_id, plan.sinch.project_id, plan.sinch.trunk_id, plan.sinch.domain) == (
        "id-1",
        "proj-1",
        "trunk-2",
        "t1.pstn.sinch.com",
    )
    assert "secret-1" not in repr(plan)
    assert "id-1" not in repr(plan), "the key ID stays out of repr too"


def test_without_a_project_or_trunk_only_the_pair_is_checked() -> None:
    state = form(sinchEstKeyId="id", sinchEstKeySecret="s", sinchEstProjectId="")
    plan = plan_checks(state, probe_writes=False)
    assert plan.to_ask == (CheckId.SINCH_KEY,)
    assert decided(state) == {CheckId.SINCH_TRUNK: (Verdict.NOT_CHECKED, "missing_ids")}
    assert plan.decided[0].summary == "no project ID to look the trunk up with"


def test_half_a_pair_cannot_be_checked() -> None:
    only_secret = form(sinchEstKeySecret="s")
    assert decided(only_secret) == {CheckId.SINCH_KEY: (Verdict.NOT_CHECKED, "stored_secret")}
    line = plan_checks(only_secret, probe_writes=False).decided[0]
    assert line.summary == "the stored key ID is never returned by Tether"
    only_id = plan_checks(form(sinchEstKeyId="i"), probe_writes=False).decided[0]
    assert only_id.summary == "the stored key secret is never returned by Tether"


def test_half_a_pair_with_nothing_stored_is_a_problem_not_a_stored_secret() -> None:
    """Issue 18, item 3: with no credentials stored, "the stored key secret is never
    returned" suggested one was; the key ID alone cannot work, and the review says so."""
    empty = FormState.from_loaded(VoiceAiConfig.model_validate({"sinchEstConfigured": False}))
    for typed, missing in (("sinchEstKeyId", "key secret"), ("sinchEstKeySecret", "key ID")):
        (line,) = plan_checks(empty.with_value(typed, "x"), probe_writes=False).decided
        assert (line.check, line.verdict, line.reason) == (
            CheckId.SINCH_KEY,
            Verdict.PROBLEM,
            "half_pair",
        )
        assert f"no Sinch EST {missing} is stored" in line.summary


def test_changed_identifiers_without_the_pair_say_the_stored_pair_is_never_returned() -> None:
    state = form(sinchEstTrunkDomain="other.pstn.sinch.com")
    assert decided(state) == {CheckId.SINCH_TRUNK: (Verdict.NOT_CHECKED, "stored_secret")}
    assert plan_checks(state, probe_writes=False).decided[0].next_step == (
        "type both again to check this trunk and its domain"
    )


@given(loaded_configs, edits, st.booleans())
def test_every_plan_follows_the_rules(loaded: VoiceAiConfig, steps, probe_writes: bool) -> None:  # type: ignore[no-untyped-def]
    state = apply(loaded, steps)
    plan = plan_checks(state, probe_writes=probe_writes)
    # Only a typed key is sent, and it is exactly what was typed.
    if plan.elevenlabs_key is not None:
        assert state.is_changed("elevenlabsApiKey")
        assert plan.elevenlabs_key.get_secret_value() == state.plain_value("elevenlabsApiKey")
    else:
        assert not state.is_changed("elevenlabsApiKey")
    # Sinch is asked only with both halves of the pair typed now.
    if plan.sinch is not None:
        assert state.is_changed("sinchEstKeyId") and state.is_changed("sinchEstKeySecret")
        assert plan.sinch.key_secret.get_secret_value() == state.plain_value("sinchEstKeySecret")
    # A line only where an edit calls for one.
    credential_edits = {"elevenlabsApiKey", "generateToolSecret", "aiVoiceProvider", *SINCH_FIELDS}
    if not any(state.is_changed(name) for name in credential_edits):
        assert plan.is_empty
    # Decided lines are never "ok" (nothing was proven), and never run as well.
    assert all(result.verdict is not Verdict.OK for result in plan.decided)
    assert not {r.check for r in plan.decided} & set(plan.to_ask)
    assert list(plan.lines) == sorted(set(plan.lines), key=list(CheckId).index)
    assert CheckId.ELEVENLABS_WEBHOOK not in plan.lines
