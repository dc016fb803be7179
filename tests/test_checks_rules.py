"""The rules that turn an issuer's answer into a verdict: one row per case, plus properties.

Pure: answers are built here as data, nothing is sent. The same cases over real HTTP
against the stand-ins are in ``test_checks_runner.py``.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.checks.elevenlabs import (
    base_region,
    classify_key,
    classify_write_probe,
    key_region,
    read_refusal,
)
from tui.checks.replies import Reply, Unreached
from tui.checks.sinch import access_token, classify_token, classify_trunk, same_domain
from tui.checks.verdict import Basis, CheckId, TrunkDomainFix, Verdict, scrubbed
from tui.checks.webhook import read_webhook

EU = "https://api.eu.residency.elevenlabs.io"


def detail(status: str | None = None, message: str = "", **more: str) -> str:
    body: dict[str, str] = dict(more)
    if status is not None:
        body["status"] = status
    if message:
        body["message"] = message
    return json.dumps({"detail": body})


def missing(permission: str) -> str:
    return detail(
        "missing_permissions",
        f"The API key you used is missing the permission {permission} to execute this operation.",
    )


# --- ElevenLabs key -------------------------------------------------------------------

# fmt: off
KEY_CASES = [
    # (status, body, key region, base region) -> verdict, reason, basis
    (200, '{"agents": []}', None, None, Verdict.OK, "ok", Basis.OBSERVED),
    (401, detail("invalid_api_key", "Invalid API key"), None, None, Verdict.PROBLEM, "invalid_api_key", Basis.DOCUMENTED),
    (401, missing("convai_read"), None, None, Verdict.PROBLEM, "missing_permissions", Basis.OBSERVED),
    # The newer shape: status absent, code/type present, permission only in the message.
    (401, detail(None, "…missing the permission convai_read to…", code="unauthorized", type="authentication_error"), None, None, Verdict.PROBLEM, "missing_permissions", Basis.OBSERVED),
    # The observed flat shape, without the "detail" wrapper.
    (401, json.dumps({"type": "authentication_error", "code": "unauthorized", "status": "missing_permissions", "message": "missing the permission webhooks_write"}), None, None, Verdict.PROBLEM, "missing_permissions", Basis.OBSERVED),
    (401, detail(None, "Invalid API key", code="invalid_api_key"), None, None, Verdict.PROBLEM, "invalid_api_key", Basis.DOCUMENTED),
    (401, detail("api_key_id_used_as_api_key", "ID"), None, None, Verdict.PROBLEM, "api_key_id_used_as_api_key", Basis.OBSERVED),
    (401, detail("quota_exceeded", "quota"), None, None, Verdict.PROBLEM, "quota_exceeded", Basis.DOCUMENTED),
    (401, detail("detected_unusual_activity", "Free Tier usage disabled"), None, None, Verdict.PROBLEM, "detected_unusual_activity", Basis.OBSERVED),
    # Data residency: an unknown key whose environment is not the base URL's is a hint.
    (401, detail("invalid_api_key", "Invalid API key"), "eu", None, Verdict.NOT_CHECKED, "residency", Basis.DOCUMENTED),
    (401, detail("invalid_api_key", "Invalid API key"), "in", None, Verdict.NOT_CHECKED, "residency", Basis.INFERRED),
    (401, detail("invalid_api_key", "Invalid API key"), None, "eu", Verdict.NOT_CHECKED, "residency", Basis.INFERRED),
    (401, detail("invalid_api_key", "Invalid API key"), "eu", "eu", Verdict.PROBLEM, "invalid_api_key", Basis.DOCUMENTED),
    (200, "{}", "eu", "eu", Verdict.OK, "ok", Basis.OBSERVED),
    # Never from the status alone.
    (401, "", None, None, Verdict.NOT_CHECKED, "unknown_401", Basis.INFERRED),
    (401, detail("something_new", "new"), None, None, Verdict.NOT_CHECKED, "unknown_something_new", Basis.INFERRED),
    (403, detail(None, "not allowed from this IP"), None, None, Verdict.NOT_CHECKED, "ip_allowlist", Basis.DOCUMENTED),
    (403, "<html>Forbidden</html>", None, None, Verdict.NOT_CHECKED, "ip_allowlist", Basis.DOCUMENTED),
    (429, detail("too_many_concurrent_requests", "busy"), None, None, Verdict.NOT_CHECKED, "busy", Basis.DOCUMENTED),
    (429, detail("system_busy", "busy"), None, None, Verdict.NOT_CHECKED, "busy", Basis.DOCUMENTED),
    (500, "oops", None, None, Verdict.NOT_CHECKED, "issuer_error", Basis.INFERRED),
    (503, "<html>503</html>", None, None, Verdict.NOT_CHECKED, "issuer_error", Basis.INFERRED),
    (302, "", None, None, Verdict.NOT_CHECKED, "redirect", Basis.INFERRED),
    (404, detail(None, "Not Found"), None, None, Verdict.NOT_CHECKED, "http_404", Basis.INFERRED),
]
# fmt: on


@pytest.mark.parametrize(
    ("status", "body", "region", "base", "verdict", "reason", "basis"), KEY_CASES
)
def test_elevenlabs_key(
    status: int,
    body: str,
    region: str | None,
    base: str | None,
    verdict: Verdict,
    reason: str,
    basis: Basis,
) -> None:
    result = classify_key(Reply.of(status, body), region=region, base=base)
    assert (result.check, result.verdict, result.reason, result.basis) == (
        CheckId.ELEVENLABS_KEY,
        verdict,
        reason,
        basis,
    )
    assert result.summary
    if verdict is Verdict.PROBLEM:
        assert result.next_step, "a problem always says what to do"


def test_the_words_of_each_elevenlabs_verdict() -> None:
    def words(status: int, body: str, region: str | None = None) -> str:
        result = classify_key(Reply.of(status, body), region=region, base=None)
        return f"{result.summary} | {result.next_step}"

    assert words(401, detail("invalid_api_key")).startswith("ElevenLabs does not know this key")
    said = words(401, missing("convai_read"))
    assert "the key lacks convai_read, so Tether cannot read the agents" in said
    assert "'ElevenAgents: Read'" in said
    assert words(401, detail("api_key_id_used_as_api_key")).startswith("this is the key's ID")
    eu = words(401, detail("invalid_api_key"), region="eu")
    assert "EU data-residency key" in eu
    assert f"--elevenlabs-url {EU}" in eu
    assert "cannot verify from here" in words(403, "")
    assert words(429, detail("system_busy")).startswith("ElevenLabs is busy (system_busy)")


# fmt: off
WRITE_CASES = [
    (CheckId.ELEVENLABS_CONVAI_WRITE, 422, '{"detail": []}', Verdict.OK, "ok"),
    (CheckId.ELEVENLABS_WEBHOOKS_WRITE, 422, "{}", Verdict.OK, "ok"),
    (CheckId.ELEVENLABS_CONVAI_WRITE, 401, missing("convai_write"), Verdict.PROBLEM, "missing_permissions"),
    (CheckId.ELEVENLABS_WEBHOOKS_WRITE, 401, missing("webhooks_write"), Verdict.PROBLEM, "missing_permissions"),
    # A refusal that names no permission names the one the probe exercises.
    (CheckId.ELEVENLABS_WEBHOOKS_WRITE, 401, detail("missing_permissions"), Verdict.PROBLEM, "missing_permissions"),
    (CheckId.ELEVENLABS_CONVAI_WRITE, 200, '{"id": "tool_1"}', Verdict.OK, "accepted_empty_probe"),
    (CheckId.ELEVENLABS_CONVAI_WRITE, 400, '{"detail": "bad"}', Verdict.NOT_CHECKED, "http_400"),
    (CheckId.ELEVENLABS_WEBHOOKS_WRITE, 503, "", Verdict.NOT_CHECKED, "issuer_error"),
]
# fmt: on


@pytest.mark.parametrize(("check", "status", "body", "verdict", "reason"), WRITE_CASES)
def test_write_probes(
    check: CheckId, status: int, body: str, verdict: Verdict, reason: str
) -> None:
    result = classify_write_probe(check, Reply.of(status, body), region=None, base=None)
    assert (result.check, result.verdict, result.reason) == (check, verdict, reason)


def test_a_refusal_without_a_permission_name_names_the_probed_one() -> None:
    result = classify_write_probe(
        CheckId.ELEVENLABS_WEBHOOKS_WRITE,
        Reply.of(401, detail("missing_permissions")),
        region=None,
        base=None,
    )
    assert "webhooks_write" in result.summary
    assert "post-call webhook" in result.summary


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("timeout", "timeout"), ("network", "unreachable"), ("bad response", "bad_response"),
     ("not sent", "not_sendable")],
)  # fmt: skip
def test_no_answer_is_never_a_problem(kind: str, reason: str) -> None:
    for result in (
        classify_key(Unreached(kind, "host:443: why"), region=None, base=None),
        classify_token(Unreached(kind, "why")),
        classify_trunk(Unreached(kind, "why"), project_id="p", trunk_id="t", form_domain="d"),
    ):
        assert (result.verdict, result.reason) == (Verdict.NOT_CHECKED, reason)


def test_regions() -> None:
    assert key_region("sk_abc_residency_eu") == "eu"
    assert key_region("sk_abc_residency_eu\n") == "eu"
    assert key_region("sk_residency_eu_abc") is None
    assert key_region("sk_abc") is None
    assert base_region(EU) == "eu"
    assert base_region("https://API.IN.residency.elevenlabs.io/") == "in"
    assert base_region("https://api.elevenlabs.io") is None
    assert base_region("http://127.0.0.1:9999") is None


def test_read_refusal_prefers_status_then_code_then_type() -> None:
    assert read_refusal({"detail": {"status": "a", "code": "b", "type": "c"}}).reason == "a"
    assert read_refusal({"detail": {"code": "b", "type": "c"}}).reason == "b"
    assert read_refusal({"detail": {"type": "c"}}).reason == "c"
    assert read_refusal({"detail": [{"loc": ["body"]}]}).reason is None
    assert read_refusal(None).reason is None
    assert read_refusal("text").reason is None


statuses = st.integers(min_value=100, max_value=599)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KNOWN_REASONS = {
    "invalid_api_key",
    "missing_permissions",
    "api_key_id_used_as_api_key",
    "quota_exceeded",
    "detected_unusual_activity",
}


@given(statuses, json_values)
def test_a_problem_always_rests_on_a_reason_elevenlabs_gave(status: int, payload: object) -> None:
    """Whatever comes back, "problem" needs a known reason or a permission in the body."""
    result = classify_key(Reply.of(status, json.dumps(payload)), region=None, base=None)
    refused = read_refusal(payload)
    if result.verdict is Verdict.PROBLEM:
        assert refused.reason in KNOWN_REASONS or refused.permission is not None
    if status != 200 and refused.reason not in KNOWN_REASONS and refused.permission is None:
        assert result.verdict is Verdict.NOT_CHECKED


@given(statuses, st.text(max_size=200))
def test_any_body_gives_a_verdict_and_a_summary(status: int, text: str) -> None:
    for result in (
        classify_key(Reply.of(status, text), region="eu", base=None),
        classify_write_probe(
            CheckId.ELEVENLABS_CONVAI_WRITE, Reply.of(status, text), region=None, base=None
        ),
        classify_token(Reply.of(status, text)),
        classify_trunk(Reply.of(status, text), project_id="p", trunk_id="t", form_domain="x.y"),
    ):
        assert result.summary
        assert "\n" not in result.summary


# --- Sinch ------------------------------------------------------------------------------

TOKEN = json.dumps({"access_token": "tok", "token_type": "bearer", "expires_in": 3599})


@pytest.mark.parametrize(
    ("status", "body", "verdict", "reason"),
    [
        (200, TOKEN, Verdict.OK, "ok"),
        (200, "{}", Verdict.NOT_CHECKED, "bad_response"),
        (401, '{"error": "invalid_client"}', Verdict.PROBLEM, "invalid_client"),
        (401, "", Verdict.PROBLEM, "invalid_client"),
        (400, '{"error": "invalid_client"}', Verdict.PROBLEM, "invalid_client"),
        (400, '{"error": "unsupported_grant_type"}', Verdict.NOT_CHECKED, "http_400"),
        (429, "", Verdict.NOT_CHECKED, "busy"),
        (502, "<html>", Verdict.NOT_CHECKED, "issuer_error"),
    ],
)
def test_sinch_token(status: int, body: str, verdict: Verdict, reason: str) -> None:
    result = classify_token(Reply.of(status, body))
    assert (result.check, result.verdict, result.reason) == (CheckId.SINCH_KEY, verdict, reason)


def test_the_access_token_is_read_only_from_a_success() -> None:
    assert access_token(Reply.of(200, TOKEN)) == "tok"
    assert access_token(Reply.of(401, TOKEN)) is None
    assert access_token(Reply.of(200, '{"access_token": 5}')) is None
    assert access_token(Unreached("timeout", "x")) is None
    assert "tok" not in repr(Reply.of(200, TOKEN)), "a reply's body stays out of repr"


def trunk(domain: object = "t1.elastic-sip.sinch.com") -> str:
    return json.dumps({"id": "t1", "domain": domain, "projectId": "p1"})


# fmt: off
TRUNK_CASES = [
    (200, trunk(), "t1.elastic-sip.sinch.com", Verdict.OK, "ok", None),
    (200, trunk(), "T1.Elastic-SIP.sinch.com.", Verdict.OK, "ok", None),
    (200, trunk(), "t1.pstn.sinch.com", Verdict.PROBLEM, "domain_mismatch", "t1.elastic-sip.sinch.com"),
    (200, trunk(), "t1.elastic-sip.sinch.com ", Verdict.PROBLEM, "domain_mismatch", "t1.elastic-sip.sinch.com"),
    (200, trunk(), "", Verdict.PROBLEM, "domain_missing", "t1.elastic-sip.sinch.com"),
    (200, trunk(None), "x", Verdict.NOT_CHECKED, "no_domain", None),
    (200, trunk(""), "x", Verdict.NOT_CHECKED, "no_domain", None),
    (404, '{"code": "NO_RESOURCE_FOUND", "message": "not found"}', "x", Verdict.PROBLEM, "trunk_not_found", None),
    (403, "{}", "x", Verdict.PROBLEM, "wrong_project", None),
    (401, "{}", "x", Verdict.PROBLEM, "wrong_project", None),
    (429, "{}", "x", Verdict.NOT_CHECKED, "busy", None),
    (500, "{}", "x", Verdict.NOT_CHECKED, "issuer_error", None),
    (400, '{"code": "VALIDATION_FAILED"}', "x", Verdict.NOT_CHECKED, "http_400", None),
]
# fmt: on


@pytest.mark.parametrize(("status", "body", "form_domain", "verdict", "reason", "fix"), TRUNK_CASES)
def test_sinch_trunk(
    status: int, body: str, form_domain: str, verdict: Verdict, reason: str, fix: str | None
) -> None:
    result = classify_trunk(
        Reply.of(status, body), project_id="p1", trunk_id="t1", form_domain=form_domain
    )
    assert (result.check, result.verdict, result.reason) == (CheckId.SINCH_TRUNK, verdict, reason)
    assert result.fix == (TrunkDomainFix(fix) if fix else None)


def test_a_mismatch_names_both_domains_with_whitespace_visible() -> None:
    result = classify_trunk(
        Reply.of(200, trunk()), project_id="p1", trunk_id="t1", form_domain="t1.x\t"
    )
    assert result.summary == ('trunk "t1" has the domain "t1.elastic-sip.sinch.com", not "t1.x\\t"')


hosts = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){1,3}", fullmatch=True)


@given(hosts)
def test_same_domain_ignores_case_and_a_final_dot(host: str) -> None:
    assert same_domain(host, host.upper())
    assert same_domain(host + ".", host)
    assert not same_domain(host, host + "x")
    assert not same_domain(host, " " + host)


# --- the webhook after a save -----------------------------------------------------------

SETTINGS_NONE = json.dumps({"webhooks": {"post_call_webhook_id": None}})
SETTINGS_WH = json.dumps({"webhooks": {"post_call_webhook_id": "wh_1"}})


def webhooks(**entry: object) -> str:
    base = {
        "webhook_id": "wh_1",
        "webhook_url": "https://tether.example.com/api/webhook/elevenlabs?sig=secret",
        "is_disabled": False,
        "is_auto_disabled": False,
    }
    return json.dumps({"webhooks": [{**base, **entry}]})


@pytest.mark.parametrize(
    ("settings", "listed", "verdict", "reason", "settled"),
    [
        (Reply.of(200, SETTINGS_NONE), None, Verdict.PROBLEM, "not_attached", False),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks()), Verdict.OK, "attached", True),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks(most_recent_failure_error_code=500, most_recent_failure_timestamp=1700000000)), Verdict.OK, "attached_with_failures", True),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks(is_disabled=True)), Verdict.PROBLEM, "disabled", True),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks(is_auto_disabled=True)), Verdict.PROBLEM, "auto_disabled", True),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks(webhook_id="other")), Verdict.PROBLEM, "webhook_missing", False),
        (Reply.of(200, SETTINGS_WH), Reply.of(200, webhooks(webhook_url="https://elsewhere.example/hook")), Verdict.NOT_CHECKED, "foreign_webhook", True),
        (Reply.of(200, SETTINGS_WH), Reply.of(503, ""), Verdict.NOT_CHECKED, "webhook_state_unknown", False),
        (Reply.of(200, SETTINGS_WH), Unreached("timeout", "x"), Verdict.NOT_CHECKED, "webhook_state_unknown", False),
        (Reply.of(401, detail("invalid_api_key")), None, Verdict.PROBLEM, "invalid_api_key", True),
        (Reply.of(429, ""), None, Verdict.NOT_CHECKED, "busy", False),
        (Unreached("network", "refused"), None, Verdict.NOT_CHECKED, "unreachable", False),
    ],
)  # fmt: skip
def test_webhook_readings(
    settings: Reply | Unreached,
    listed: Reply | Unreached | None,
    verdict: Verdict,
    reason: str,
    settled: bool,
) -> None:
    reading = read_webhook(settings, listed, region=None, base=None)
    assert reading.result.check is CheckId.ELEVENLABS_WEBHOOK
    assert (reading.result.verdict, reading.result.reason, reading.settled) == (
        verdict,
        reason,
        settled,
    )
    assert "sig=secret" not in reading.result.summary, "a webhook URL's query is not shown"


def test_not_attached_says_tether_logs_why() -> None:
    reading = read_webhook(Reply.of(200, SETTINGS_NONE), None, region=None, base=None)
    assert reading.result.summary.startswith("not attached — Tether logs why")
    assert "webhooks_write" in reading.result.next_step


# --- wording ----------------------------------------------------------------------------


def test_a_secret_echoed_by_an_issuer_is_masked() -> None:
    result = classify_key(
        Reply.of(401, detail("detected_unusual_activity", "key sk_live_123 flagged")),
        region=None,
        base=None,
    )
    assert "sk_live_123" in result.summary
    clean = scrubbed(result, ["sk_live_123"])
    assert "sk_live_123" not in clean.summary
    assert "••••••••" in clean.summary


def test_a_short_value_is_not_masked_into_the_words_around_it() -> None:
    """A one-letter "key" was masked wherever the letter stood ("El••••••••v••••••••nLabs
    do••••••••s not know this k••••••••y"): our words unreadable, and the secret spelled
    out by where the masks fell; a key of one space emptied the message."""
    result = classify_key(Reply.of(401, detail("invalid_api_key", "bad")), region=None, base=None)
    for short in ("e", " ", "ey", "s not k"):
        assert scrubbed(result, [short]) == result
    echoed = classify_key(
        Reply.of(401, detail("detected_unusual_activity", "key sk_live_123456 flagged")),
        region=None,
        base=None,
    )
    clean = scrubbed(echoed, ["  sk_live_123456\n"])  # as typed, spaces and all
    assert "sk_live_123456" not in clean.summary and "••••••••" in clean.summary


def test_one_masking_rule_everywhere() -> None:
    """The credential checks, the wiring rules and the runner mask with one helper."""
    from tui.form.masking import MASK, masked_in

    assert masked_in("key sk_abcdefgh1 and sk_abcdefgh", ["sk_abcdefgh", "sk_abcdefgh1"]) == (
        f"key {MASK} and {MASK}"  # the longer first: no "••••••••1"
    )
    assert masked_in("a b", ["a", " "]) == "a b"


def test_headline_and_json_shape() -> None:
    result = classify_trunk(
        Reply.of(200, trunk()), project_id="p1", trunk_id="t1", form_domain="other.example"
    )
    assert result.headline().startswith("✗ Sinch EST trunk ")
    assert "problem: trunk" in result.headline()
    assert result.as_json() == {
        "check": "sinchEstTrunk",
        "label": "Sinch EST trunk",
        "verdict": "problem",
        "reason": "domain_mismatch",
        "summary": result.summary,
        "next": result.next_step,
        "basis": "observed",
        "fix": {"sinchEstTrunkDomain": "t1.elastic-sip.sinch.com"},
    }
