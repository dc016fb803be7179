"""The wiring rules, hop by hop: a healthy world is all ✓, and breaking one hop gives that
hop's verdict, with a line that says where to fix it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import wiring_world as w
from tui.checks.replies import Reply
from tui.wiring.evidence import Listing, TetherNumber
from tui.wiring.findings import CheckId, Verdict
from tui.wiring.rules import build_report, number_report, organization_findings


def org(world: dict[str, Any] | None = None, **sides: bool) -> dict[CheckId, Any]:
    return {f.check: f for f in organization_findings(w.evidence(world, **sides))}


def of_number(world: dict[str, Any], phone: str = w.ON[0]) -> dict[CheckId, Any]:
    evidence = w.evidence(world)
    number = next(n for n in evidence.tether.numbers if n.phone_number == phone)
    return {f.check: f for f in number_report(evidence, number).checks}


def test_a_healthy_world_is_all_ok() -> None:
    report = build_report(w.evidence())
    bad = [
        (f.check, f.verdict, f.line) for f in report.all_findings() if f.verdict is not Verdict.OK
    ]
    assert bad == []
    assert report.ok
    assert [n.phone_number for n in report.numbers] == [*w.ON, *w.OFF]
    assert [f.check for f in report.numbers[2].checks] == [CheckId.ELEVENLABS_LEFTOVER]
    assert len(report.numbers[0].checks) == 6


def test_no_keys_leaves_every_line_unknown_with_the_reason() -> None:
    report = build_report(w.evidence(el=False, sinch=False))
    assert {f.verdict for f in report.all_findings()} == {Verdict.UNKNOWN}
    assert not report.ok
    key = report.checks[0]
    assert key.check is CheckId.ELEVENLABS_KEY and "no ElevenLabs key given" in key.line


def test_the_json_shape_is_the_documented_one() -> None:
    data = build_report(w.evidence()).as_json()
    assert set(data) == {"ok", "checks", "numbers"}
    first = data["checks"][0]
    assert {"id", "verdict", "line", "basis"} <= set(first)
    number = data["numbers"][0]
    assert {"phoneNumber", "userId", "aiEnabled", "verdict", "checks"} <= set(number)


# --- organization -------------------------------------------------------------


def test_a_key_without_convai_read_is_a_problem_naming_the_permission() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(
        401,
        {
            "detail": {
                "status": "missing_permissions",
                "message": "The API key you used is missing the permission convai_read to execute this operation.",
            }
        },
    )
    found = org(world)[CheckId.ELEVENLABS_KEY]
    assert found.verdict is Verdict.PROBLEM and "convai_read" in found.line


def test_an_ip_allow_list_leaves_the_key_unknown() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(403, {"detail": "IP not allowed"})
    assert org(world)[CheckId.ELEVENLABS_KEY].verdict is Verdict.UNKNOWN


@pytest.mark.parametrize(
    ("headers", "verdict", "words"),
    [
        ({}, Verdict.PROBLEM, "no Authorization header"),
        ({"authorization": "Bearer abc"}, Verdict.WARNING, "plain string"),
        ({"Authorization": {"secret_id": "sec_gone"}}, Verdict.PROBLEM, "does not exist"),
        ({"Authorization": {"dynamic_variable": "x"}}, Verdict.UNKNOWN, "variable"),
    ],
)
def test_tools_calling_tether(headers: dict, verdict: Verdict, words: str) -> None:
    world = w.healthy()
    world["tools"] = {"tool_lookup": Reply(200, w.tool(headers))}
    found = org(world)[CheckId.ELEVENLABS_TOOLS]
    assert found.verdict is verdict and words in found.line
    assert found.details


def test_tools_on_another_host_are_not_tethers() -> None:
    world = w.healthy()
    world["tools"] = {"tool_lookup": Reply(200, w.tool({}, url="https://calendar.example/api"))}
    found = org(world)[CheckId.ELEVENLABS_TOOLS]
    assert found.verdict is Verdict.UNKNOWN and "tether.example.com" in found.line


def test_failed_calls_are_a_warning_with_the_count_never_a_problem() -> None:
    world = w.healthy()
    calls = (
        *tuple({"status": "failed", "termination_reason": "SIP 503"} for _ in range(3)),
        {"status": "done"},
    )
    world["failed_calls"] = {"agent_sales": Listing(calls)}
    found = org(world)[CheckId.ELEVENLABS_RECENT_CALLS]
    assert found.verdict is Verdict.WARNING and found.line.startswith("3 failed")


def test_a_refused_sinch_key_is_a_problem_and_the_rest_is_unknown() -> None:
    world = w.healthy()
    world["token"] = Reply(401, {"error": "invalid_client"})
    world["trunk"] = None
    world["endpoints"] = world["credential_lists"] = world["acl_ids"] = None
    world["trunk_numbers"] = None
    world["active_numbers"] = {}
    found = org(world)
    assert found[CheckId.SINCH_TOKEN].verdict is Verdict.PROBLEM
    assert found[CheckId.SINCH_TRUNK].verdict is Verdict.UNKNOWN
    assert of_number(world)[CheckId.SINCH_ON_TRUNK].verdict is Verdict.UNKNOWN


def test_a_trunk_whose_domain_is_not_tethers_is_a_problem() -> None:
    world = w.healthy()
    world["trunk"] = Reply(200, {"id": w.TRUNK, "domain": "other.pstn.sinch.com"})
    assert org(world)[CheckId.SINCH_TRUNK].verdict is Verdict.PROBLEM


def endpoint(
    address: str, priority: int, *, transport: str = "TCP", port: int = 5060, enabled: bool = True
) -> dict:
    return {
        "name": address,
        "address": address,
        "port": port,
        "transport": transport,
        "priority": priority,
        "enabled": enabled,
    }


@pytest.mark.parametrize(
    ("endpoints", "verdict", "words"),
    [
        ([], Verdict.PROBLEM, "no enabled endpoint"),
        ([endpoint("sip.rtc.elevenlabs.io", 1, enabled=False)], Verdict.PROBLEM, "503"),
        ([endpoint("pbx.acme.example", 1)], Verdict.PROBLEM, "points at ElevenLabs"),
        ([endpoint("203.0.113.9", 1)], Verdict.UNKNOWN, "IP"),
        (
            [endpoint("sip.rtc.elevenlabs.io", 2), endpoint("203.0.113.10", 1, transport="UDP")],
            Verdict.PROBLEM,
            "comes before",
        ),
        (
            [endpoint("sip.rtc.elevenlabs.io", 1), endpoint("203.0.113.10", 1)],
            Verdict.PROBLEM,
            "alternate",
        ),
        (
            [endpoint("sip.rtc.elevenlabs.io", 1, transport="TLS", port=5060)],
            Verdict.PROBLEM,
            "5061",
        ),
        ([endpoint("sip.rtc.elevenlabs.io", 1, port=5061)], Verdict.PROBLEM, "5060"),
        ([endpoint("sip.rtc.elevenlabs.io", 1, transport="UDP")], Verdict.WARNING, "experimental"),
        ([endpoint("SIP.RTC.ElevenLabs.io.", 1, transport="TLS", port=5061)], Verdict.OK, "first"),
        (
            [endpoint("sip.rtc.elevenlabs.io", 1), endpoint("203.0.113.10", 2)],
            Verdict.OK,
            "best of 2",
        ),
    ],
)
def test_inbound_route(endpoints: list, verdict: Verdict, words: str) -> None:
    world = w.healthy()
    world["endpoints"] = Listing(tuple(endpoints))
    found = org(world)[CheckId.SINCH_ENDPOINTS]
    assert found.verdict is verdict, found.line
    assert words in found.line


def test_an_endpoint_list_cut_short_is_unknown_not_empty() -> None:
    world = w.healthy()
    world["endpoints"] = Listing((), w.UNREACHED)
    assert org(world)[CheckId.SINCH_ENDPOINTS].verdict is Verdict.UNKNOWN


def test_outbound_auth_rules() -> None:
    world = w.healthy()
    world["credential_lists"] = Listing(())
    found = org(world)[CheckId.SINCH_OUTBOUND_AUTH]
    assert (
        found.verdict is Verdict.PROBLEM and "no credential list and no enabled ACL" in found.line
    )

    world["acl_ids"] = Listing(("acl1",))
    world["acls"] = {"acl1": Reply(200, {"id": "acl1", "name": "EL", "enabled": True})}
    found = org(world)[CheckId.SINCH_OUTBOUND_AUTH]
    assert found.verdict is Verdict.PROBLEM and "acme-ai" in found.line  # digest user unlisted

    world = w.healthy()
    world["credential_lists"] = Listing(({"name": "x", "credentials": [{"username": "other"}]},))
    assert org(world)[CheckId.SINCH_OUTBOUND_AUTH].verdict is Verdict.PROBLEM


def test_drift_lists_every_disagreement_by_number() -> None:
    world = w.healthy()
    extra = "+14165550199"
    world["el_numbers"] = Reply(200, [w.el_item(w.ON[0]), w.el_item(extra)])
    world["trunk_numbers"] = Listing(
        tuple({"phoneNumber": p, "sipTrunkId": w.TRUNK} for p in (*w.ON, *w.OFF))
    )
    found = org(world)[CheckId.DRIFT]
    assert found.verdict is Verdict.PROBLEM
    joined = "\n".join(found.details)
    assert w.ON[1] in joined and w.OFF[0] in joined and extra in joined
    assert len(found.details) == 3


def test_drift_needs_whole_lists() -> None:
    world = w.healthy()
    world["trunk_numbers"] = Listing(({"phoneNumber": w.ON[0]},), w.UNREACHED)
    assert org(world)[CheckId.DRIFT].verdict is Verdict.UNKNOWN


# --- per number ---------------------------------------------------------------


def test_not_imported_is_a_problem_and_dependent_lines_point_there() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(200, [w.el_item(w.ON[1])])
    found = of_number(world)
    assert found[CheckId.ELEVENLABS_IMPORTED].verdict is Verdict.PROBLEM
    assert found[CheckId.ELEVENLABS_AGENT].verdict is Verdict.UNKNOWN
    assert "Imported" in found[CheckId.ELEVENLABS_AGENT].line


def test_imported_without_the_plus_is_a_warning() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(
        200,
        [w.el_item(w.ON[0][1:], phone_number_id=f"phnum_{w.ON[0][1:]}"), w.el_item(w.ON[1])],
    )
    found = of_number(world)
    assert found[CheckId.ELEVENLABS_IMPORTED].verdict is Verdict.WARNING
    assert found[CheckId.ELEVENLABS_AGENT].verdict is Verdict.OK


def test_imported_as_twilio_is_a_problem() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(200, [w.el_item(w.ON[0], provider="twilio"), w.el_item(w.ON[1])])
    assert of_number(world)[CheckId.ELEVENLABS_IMPORTED].verdict is Verdict.PROBLEM


@pytest.mark.parametrize(
    ("change", "verdict", "words"),
    [
        ({"item": {"assigned_agent": None}}, Verdict.PROBLEM, "no agent"),
        ({"agent": Reply(404, {"detail": "not found"})}, Verdict.PROBLEM, "does not exist"),
        ({"agent": Reply(200, w.agent(archived=True))}, Verdict.PROBLEM, "archived"),
        (
            {"agent": Reply(200, w.agent(call_limits={"daily_limit": 0}))},
            Verdict.PROBLEM,
            "limit of 0",
        ),
        ({"agent": Reply(200, w.agent(name="Support"))}, Verdict.WARNING, "compared by name"),
        ({"agent": Reply(500, {})}, Verdict.UNKNOWN, "500"),
    ],
)
def test_agent(change: dict, verdict: Verdict, words: str) -> None:
    world = w.healthy()
    if "item" in change:
        world["el_numbers"] = Reply(200, [w.el_item(w.ON[0], **change["item"]), w.el_item(w.ON[1])])
    if "agent" in change:
        world["agents"] = {"agent_sales": change["agent"]}
    found = of_number(world)[CheckId.ELEVENLABS_AGENT]
    assert found.verdict is verdict and words in found.line


def _outbound(**changes: Any) -> dict:
    base = w.el_item(w.ON[0])["outbound_trunk"]
    return {**base, **changes}


@pytest.mark.parametrize(
    ("outbound", "verdict", "words"),
    [
        (None, Verdict.PROBLEM, "no outbound trunk"),
        (_outbound(address="other.pstn.sinch.com"), Verdict.PROBLEM, "not the trunk's"),
        (_outbound(address=f"sip:{w.DOMAIN}"), Verdict.PROBLEM, "SIP URI"),
        (_outbound(address=f"{w.DOMAIN.upper()}:5060"), Verdict.OK, "to "),
        (_outbound(username="old-user"), Verdict.PROBLEM, "401"),
        (_outbound(has_auth_credentials=False, username=None), Verdict.PROBLEM, "no enabled ACL"),
        (_outbound(transport="udp"), Verdict.WARNING, "UDP"),
        (_outbound(media_encryption="required"), Verdict.WARNING, "SRTP"),
    ],
)
def test_outbound(outbound: dict | None, verdict: Verdict, words: str) -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(
        200, [w.el_item(w.ON[0], outbound_trunk=outbound), w.el_item(w.ON[1])]
    )
    found = of_number(world)[CheckId.ELEVENLABS_OUTBOUND]
    assert found.verdict is verdict, found.line
    assert words in found.line


def test_outbound_by_acl_only_is_a_warning() -> None:
    world = w.healthy()
    world["acl_ids"] = Listing(("acl1",))
    world["acls"] = {"acl1": Reply(200, {"name": "EL", "enabled": True})}
    world["el_numbers"] = Reply(
        200,
        [
            w.el_item(w.ON[0], outbound_trunk=_outbound(has_auth_credentials=False)),
            w.el_item(w.ON[1]),
        ],
    )
    assert of_number(world)[CheckId.ELEVENLABS_OUTBOUND].verdict is Verdict.WARNING


@pytest.mark.parametrize(
    ("inbound", "verdict"),
    [
        (None, Verdict.OK),
        ({"allowed_addresses": []}, Verdict.OK),
        ({"allowed_addresses": ["198.51.100.0/24"]}, Verdict.UNKNOWN),
        ({"allowed_numbers": ["+14165550000"]}, Verdict.WARNING),
        ({"has_auth_credentials": True}, Verdict.WARNING),
        ({"media_encryption": "required"}, Verdict.WARNING),
    ],
)
def test_inbound(inbound: dict | None, verdict: Verdict) -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(
        200, [w.el_item(w.ON[0], inbound_trunk=inbound), w.el_item(w.ON[1])]
    )
    assert of_number(world)[CheckId.ELEVENLABS_INBOUND].verdict is verdict


def test_on_trunk_from_the_list_or_a_lookup() -> None:
    world = w.healthy()
    world["trunk_numbers"] = Listing(({"phoneNumber": w.ON[1], "sipTrunkId": w.TRUNK},))
    world["est_numbers"] = {w.ON[0]: Reply(404, {"code": "NO_RESOURCE_FOUND"})}
    assert of_number(world)[CheckId.SINCH_ON_TRUNK].verdict is Verdict.PROBLEM
    world["est_numbers"] = {w.ON[0]: Reply(200, {"phoneNumber": w.ON[0], "sipTrunkId": "trunk-2"})}
    found = of_number(world)[CheckId.SINCH_ON_TRUNK]
    assert found.verdict is Verdict.PROBLEM and "trunk-2" in found.line
    world["est_numbers"] = {w.ON[0]: w.UNREACHED}
    assert of_number(world)[CheckId.SINCH_ON_TRUNK].verdict is Verdict.UNKNOWN


def active(
    kind: str = "EST", trunk: str = w.TRUNK, scheduled: dict | None = None, **extra: Any
) -> Reply:
    return Reply(
        200,
        {
            "capability": ["VOICE"],
            "voiceConfiguration": {
                "type": kind,
                "trunkId": trunk,
                "scheduledVoiceProvisioning": scheduled,
            },
            **extra,
        },
    )


@pytest.mark.parametrize(
    ("answer", "verdict", "words"),
    [
        (active("RTC", ""), Verdict.PROBLEM, "RTC"),
        (active(trunk="trunk-2"), Verdict.PROBLEM, "trunk-2"),
        (
            active(scheduled={"type": "EST", "trunkId": w.TRUNK, "status": "FAILED"}),
            Verdict.PROBLEM,
            "failed",
        ),
        (
            active("RTC", "", scheduled={"type": "EST", "trunkId": w.TRUNK, "status": "WAITING"}),
            Verdict.WARNING,
            "waiting",
        ),
        (active(capability=["SMS"]), Verdict.PROBLEM, "VOICE"),
        (
            Reply(404, {"error": {"code": 404, "message": "not found"}}),
            Verdict.PROBLEM,
            "does not have it",
        ),
        (Reply(403, {}), Verdict.UNKNOWN, "403"),
        (active(), Verdict.OK, "EST"),
    ],
)
def test_voice_configuration(answer: Reply, verdict: Verdict, words: str) -> None:
    world = w.healthy()
    world["active_numbers"][w.ON[0]] = answer
    found = of_number(world)[CheckId.SINCH_VOICE_CONFIG]
    assert found.verdict is verdict, found.line
    assert words in found.line


def test_an_ai_off_number_still_imported_is_a_leftover() -> None:
    world = w.healthy()
    world["el_numbers"] = Reply(200, [w.el_item(p) for p in (*w.ON, *w.OFF)])
    found = of_number(world, w.OFF[0])
    assert list(found) == [CheckId.ELEVENLABS_LEFTOVER]
    assert found[CheckId.ELEVENLABS_LEFTOVER].verdict is Verdict.WARNING


def test_only_limits_the_numbers_not_the_organization() -> None:
    report = build_report(w.evidence(), only=frozenset({w.ON[1]}))
    assert [n.phone_number for n in report.numbers] == [w.ON[1]]
    assert len(report.checks) == 9


# --- properties -----------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "phone_number",
        "provider",
        "assigned_agent",
        "outbound_trunk",
        "inbound_trunk",
        "address",
        "transport",
        "username",
        "has_auth_credentials",
        "allowed_addresses",
        "voiceConfiguration",
        "type",
        "trunkId",
        "status",
        "enabled",
        "priority",
        "name",
        "credentials",
        "conversation_config",
        "platform_settings",
        "tool_config",
    ]
)


def mangle(value: Any, data: st.DataObject) -> Any:
    """Replace some fields deep in ``value`` with anything JSON can hold."""
    if isinstance(value, dict):
        out = {k: mangle(v, data) for k, v in value.items()}
        if data.draw(st.booleans()):
            out[data.draw(field_names)] = data.draw(json_values)
        return out
    if isinstance(value, list | tuple):
        return type(value)(mangle(v, data) for v in value)
    if isinstance(value, Reply):
        return Reply(
            data.draw(st.sampled_from([value.status, 200, 404, 401, 500])),
            mangle(value.payload, data),
        )
    if isinstance(value, Listing):
        return Listing(mangle(value.items, data), value.failure)
    return value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_answers_give_a_verdict_per_line_and_never_raise(data: st.DataObject) -> None:
    world = w.healthy()
    for key in (
        "el_numbers",
        "agents",
        "tools",
        "trunk",
        "endpoints",
        "credential_lists",
        "trunk_numbers",
        "active_numbers",
    ):
        world[key] = mangle(world[key], data)
    report = build_report(w.evidence(world))
    assert len(report.checks) == 9
    for number, tether in zip(report.numbers, w.evidence(world).tether.numbers, strict=True):
        assert len(number.checks) == (6 if tether.ai_enabled else 1)
        assert number.verdict is max((f.verdict for f in number.checks), key=lambda v: v.rank)
    for finding in report.all_findings():
        assert finding.line and "\n" not in finding.found
    assert report.ok == all(
        f.verdict in (Verdict.OK, Verdict.WARNING) for f in report.all_findings()
    )


@settings(max_examples=60, deadline=None)
@given(
    phones=st.lists(
        st.from_regex(r"\+1[2-9]\d{9}", fullmatch=True), min_size=1, max_size=8, unique=True
    ),
    data=st.data(),
)
def test_drift_details_name_exactly_the_disagreeing_numbers(
    phones: list[str], data: st.DataObject
) -> None:
    on = [p for p in phones if data.draw(st.booleans())]
    trunk = [p for p in phones if data.draw(st.booleans())]
    imported = [p for p in phones if data.draw(st.booleans())]
    world = w.healthy()
    world["numbers"] = [TetherNumber(p, "u", p in on, "p_sales") for p in phones]
    world["el_numbers"] = Reply(200, [w.el_item(p) for p in imported])
    world["trunk_numbers"] = Listing(
        tuple({"phoneNumber": p, "sipTrunkId": w.TRUNK} for p in trunk)
    )
    found = org(world)[CheckId.DRIFT]
    disagreeing = {
        p
        for p in phones
        if (p in trunk and p not in imported)
        or (p in on and (p not in trunk or p not in imported))
        or (p in imported and p not in on)
    }
    named = {line.split(":")[0] for line in found.details}
    assert named == disagreeing
    assert (found.verdict is Verdict.OK) == (not disagreeing)
