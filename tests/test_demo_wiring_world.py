"""The demo's wiring world: the ElevenLabs, Sinch EST and Numbers API stand-ins' read
routes over real loopback HTTP, the planted numbers, and toggles keeping them in step."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.numbers_routes import TOGGLE_PATH
from tui.demo.server import SUPERADMIN_TOKEN
from tui.demo.sinch_world import DIGEST_USERNAME, ELEVENLABS_SIP_HOST
from tui.demo.stack import SERVER_NAMES, DemoStack, parse_fault_spec
from tui.demo.state import DemoState
from tui.demo.wiring_world import (
    ARCHIVED_AFTER_HOURS,
    DELETED_SECRET_ID,
    OLD_USERNAME,
    PLANTED,
    STALE_IMPORT,
    TOOL_SECRET_ID,
)

GOOD = {"xi-api-key": el.GOOD_KEY}
PROJECT = f"/v1/projects/{sinch.DEMO_PROJECT_ID}"
TRUNK = f"{PROJECT}/trunks/{sinch.MATCHING_TRUNK_ID}"
OTHER_TRUNK = f"{PROJECT}/trunks/{sinch.MISMATCHED_TRUNK_ID}"
DOMAIN = "demo-org.elastic-sip.sinch.com"
USERS = {f"+141655501{n:02d}": f"64f0a1b2c3d4e5f6a7b8c9{0xD0 + n:02x}" for n in range(1, 13)}
AGENTS = {
    "Sales Line": "64f0a1b2c3d4e5f6a7b8cc01",
    "Support Desk": "64f0a1b2c3d4e5f6a7b8cc02",
    "After Hours": "64f0a1b2c3d4e5f6a7b8cc04",
    "Billing (draft)": "64f0a1b2c3d4e5f6a7b8cc05",
}


@pytest.fixture(scope="module")
def stack() -> Iterator[DemoStack]:
    """One stack for the read-only tests (the toggle tests start their own)."""
    with DemoStack() as started:
        yield started


def client() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=5)


def get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    with client() as http:
        return http.get(url, headers=headers or {})


def sinch_token(stack: DemoStack, key_id: str = sinch.GOOD_KEY_ID, secret: str = "") -> str:
    pair = base64.b64encode(f"{key_id}:{secret or sinch.GOOD_KEY_SECRET}".encode()).decode()
    with client() as http:
        answer = http.post(
            stack.sinch_auth.url + "/oauth2/token",
            content=b"grant_type=client_credentials",
            headers={
                "Authorization": f"Basic {pair}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
    assert answer.status_code == 200
    return str(answer.json()["access_token"])


def bearer(stack: DemoStack) -> dict[str, str]:
    return {"Authorization": f"Bearer {sinch_token(stack)}"}


def el_numbers(stack: DemoStack) -> dict[str, dict[str, Any]]:
    answer = get(stack.elevenlabs.url + "/v1/convai/phone-numbers", GOOD)
    assert answer.status_code == 200
    return {item["phone_number"]: item for item in answer.json()}


def est_trunk_of(stack: DemoStack, number: str, auth: dict[str, str]) -> str | None:
    answer = get(f"{stack.sinch_est.url}{PROJECT}/phoneNumbers/{number}", auth)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200
    return str(answer.json()["sipTrunkId"])


def voice_of(stack: DemoStack, number: str, auth: dict[str, str]) -> dict[str, Any] | None:
    answer = get(f"{stack.sinch_numbers.url}{PROJECT}/activeNumbers/{number}", auth)
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200
    voice: dict[str, Any] = answer.json()["voiceConfiguration"]
    return voice


def every_key(value: Any) -> set[str]:
    """Every key of every object in a JSON value, however deep."""
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in every_key(item)}
    if isinstance(value, list):
        return {k for item in value for k in every_key(item)}
    return set()


# --- the planted world, as the README's table says -----------------------------------------


def test_every_seeded_number_is_where_the_table_says(stack: DemoStack) -> None:
    tether = {row["phoneNumber"]: row for row in stack.tether.state.public_config()["phoneNumbers"]}
    assert set(tether) == set(PLANTED), "each seeded number has a planted state"
    imported = el_numbers(stack)
    auth = bearer(stack)

    def agent(number: str) -> str | None:
        assigned = imported[number]["assigned_agent"]
        return assigned["agent_name"] if assigned else None

    healthy = {"+14165550101": "Sales Line", "+14165550103": "Reception"}
    for number, name in healthy.items():
        item = imported[number]
        assert (item["provider"], agent(number)) == ("sip_trunk", name)
        outbound = item["outbound_trunk"]
        assert (outbound["address"], outbound["transport"]) == (DOMAIN, "tcp")
        assert (outbound["has_auth_credentials"], outbound["username"]) == (True, DIGEST_USERNAME)
        assert item["provider_config"] == outbound, "the legacy duplicate"
        assert item["inbound_trunk"]["allowed_addresses"] == ["0.0.0.0/0"]
        assert est_trunk_of(stack, number, auth) == sinch.MATCHING_TRUNK_ID
        voice = voice_of(stack, number, auth)
        assert voice is not None
        assert (voice["type"], voice["trunkId"]) == ("EST", sinch.MATCHING_TRUNK_ID)
        assert voice["scheduledVoiceProvisioning"] is None

    # +14165550102: off and nowhere (not on the trunk, not imported, not in the project).
    assert tether["+14165550102"]["aiEnabled"] is False
    assert "+14165550102" not in imported
    assert est_trunk_of(stack, "+14165550102", auth) is None
    assert voice_of(stack, "+14165550102", auth) is None
    # +14165550104: off in Tether, still imported (After Hours) and on the trunk.
    assert tether["+14165550104"]["aiEnabled"] is False
    assert agent("+14165550104") == "After Hours"
    assert est_trunk_of(stack, "+14165550104", auth) == sinch.MATCHING_TRUNK_ID
    # +14165550105: on, on the trunk, routed to it, not imported.
    assert "+14165550105" not in imported
    assert est_trunk_of(stack, "+14165550105", auth) == sinch.MATCHING_TRUNK_ID
    assert (voice_of(stack, "+14165550105", auth) or {})["type"] == "EST"
    # +14165550106: imported with no agent.
    assert imported["+14165550106"]["assigned_agent"] is None
    # +14165550107: its agent is the archived After Hours.
    assert imported["+14165550107"]["assigned_agent"]["agent_id"] == ARCHIVED_AFTER_HOURS
    # +14165550108: outbound to the other trunk's domain with an unknown username; one
    # caller allowed inbound.
    item = imported["+14165550108"]
    assert item["outbound_trunk"]["address"] == sinch.MISMATCHED_TRUNK_DOMAIN
    assert item["outbound_trunk"]["username"] == OLD_USERNAME
    assert item["inbound_trunk"]["allowed_numbers"] == ["+14165550000"]
    # +14165550109: on the other trunk, routed there.
    assert est_trunk_of(stack, "+14165550109", auth) == sinch.MISMATCHED_TRUNK_ID
    assert (voice_of(stack, "+14165550109", auth) or {})["trunkId"] == sinch.MISMATCHED_TRUNK_ID
    # +14165550110: on the trunk, but voice goes to RTC.
    assert est_trunk_of(stack, "+14165550110", auth) == sinch.MATCHING_TRUNK_ID
    assert (voice_of(stack, "+14165550110", auth) or {})["type"] == "RTC"
    # +14165550111: EST, with the provisioning still waiting.
    pending = (voice_of(stack, "+14165550111", auth) or {})["scheduledVoiceProvisioning"]
    assert (pending["type"], pending["status"]) == ("EST", "WAITING")
    # +14165550112: imported without its "+".
    assert "+14165550112" not in imported and "14165550112" in imported
    # And one import Tether does not list.
    assert STALE_IMPORT in imported and STALE_IMPORT not in tether
    assert est_trunk_of(stack, STALE_IMPORT, auth) is None


def test_another_read_key_sees_an_empty_workspace(stack: DemoStack) -> None:
    other = {"xi-api-key": el.NO_CONVAI_WRITE_KEY}
    assert get(stack.elevenlabs.url + "/v1/convai/phone-numbers", other).json() == []
    assert (
        get(stack.elevenlabs.url + "/v1/convai/agents/agent_demo_sales_line", other).status_code
        == 404
    )
    secrets = get(stack.elevenlabs.url + "/v1/convai/secrets", other).json()
    assert secrets == {"secrets": [], "next_cursor": None}


# --- ElevenLabs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/v1/convai/phone-numbers",
        "/v1/convai/phone-numbers/phnum_demo_14165550101",
        "/v1/convai/agents/agent_demo_sales_line",
        "/v1/convai/tools/tool_demo_sales_lookup",
        "/v1/convai/secrets",
        "/v1/convai/conversations",
    ],
)
def test_each_read_needs_convai_read_and_a_known_key(stack: DemoStack, path: str) -> None:
    refused = get(stack.elevenlabs.url + path, {"xi-api-key": el.NO_CONVAI_READ_KEY})
    assert refused.status_code == 401
    assert refused.json()["detail"]["status"] == "missing_permissions"
    assert "convai_read" in refused.json()["detail"]["message"]
    unknown = get(stack.elevenlabs.url + path, {"xi-api-key": el.UNKNOWN_KEY})
    assert (unknown.status_code, unknown.json()["detail"]["status"]) == (401, "invalid_api_key")
    assert get(stack.elevenlabs.url + path, GOOD).status_code == 200


def test_phone_numbers_filter_by_provider_and_agent(stack: DemoStack) -> None:
    url = stack.elevenlabs.url + "/v1/convai/phone-numbers"
    everything = get(url, GOOD).json()
    assert isinstance(everything, list) and len(everything) == 11
    fields = {
        "phone_number",
        "label",
        "phone_number_id",
        "provider",
        "assigned_agent",
        "outbound_trunk",
        "provider_config",
        "inbound_trunk",
        "livekit_stack",
        "supports_inbound",
        "supports_outbound",
    }
    assert all(set(item) == fields for item in everything)
    assert all(item["phone_number_id"].startswith("phnum_demo_") for item in everything)
    assert len(get(url + "?provider=sip_trunk", GOOD).json()) == 11
    assert get(url + "?provider=twilio", GOOD).json() == []
    assert get(url + "?provider=carrier-pigeon", GOOD).status_code == 422
    sales = get(url + "?agent_id=agent_demo_sales_line", GOOD).json()
    assert {item["phone_number"] for item in sales} == {
        "+14165550101",
        "+14165550108",
        "14165550112",
        STALE_IMPORT,
    }


def test_one_phone_number_and_404(stack: DemoStack) -> None:
    url = stack.elevenlabs.url + "/v1/convai/phone-numbers/"
    item = get(url + "phnum_demo_14165550103", GOOD).json()
    assert item["phone_number"] == "+14165550103"
    assert item["assigned_agent"] == {"agent_id": "agent_demo_reception", "agent_name": "Reception"}
    missing = get(url + "phnum_nope", GOOD)
    assert missing.status_code == 404 and "detail" in missing.json()


def test_an_agent_its_tools_limits_and_numbers(stack: DemoStack) -> None:
    url = stack.elevenlabs.url + "/v1/convai/agents/"
    sales = get(url + "agent_demo_sales_line", GOOD).json()
    assert (sales["agent_id"], sales["name"]) == ("agent_demo_sales_line", "Sales Line")
    assert sales["conversation_config"]["agent"]["prompt"]["tool_ids"] == [
        "tool_demo_sales_lookup",
        "tool_demo_calendar",
    ]
    assert sales["platform_settings"]["archived"] is False
    assert set(sales["platform_settings"]["call_limits"]) == {
        "agent_concurrency_limit",
        "daily_limit",
        "bursting_enabled",
    }
    assert {n["phone_number_id"] for n in sales["phone_numbers"]} == {
        "phnum_demo_14165550101",
        "phnum_demo_14165550108",
        "phnum_demo_14165550112",
        "phnum_demo_14165550199",
    }
    archived = get(url + ARCHIVED_AFTER_HOURS, GOOD).json()
    assert (archived["name"], archived["platform_settings"]["archived"]) == ("After Hours", True)
    assert [n["phone_number"] for n in archived["phone_numbers"]] == ["+14165550107"]
    live = get(url + "agent_demo_after_hours", GOOD).json()
    assert live["platform_settings"]["archived"] is False
    missing = get(url + "agent_nope", GOOD)
    assert missing.status_code == 404 and missing.json()["detail"]["message"]
    assert get(url + "agent_demo_billing_draft", GOOD).status_code == 404, "never synced"


def test_tools_say_how_they_authenticate_to_tether(stack: DemoStack) -> None:
    tether_host = httpx.URL(stack.tether.url).host

    def schema(tool_id: str) -> dict[str, Any]:
        answer = get(f"{stack.elevenlabs.url}/v1/convai/tools/{tool_id}", GOOD)
        assert answer.status_code == 200
        tool = answer.json()
        assert tool["id"] == tool_id and tool["tool_config"]["type"] == "webhook"
        found: dict[str, Any] = tool["tool_config"]["api_schema"]
        return found

    sales = schema("tool_demo_sales_lookup")
    assert httpx.URL(sales["url"]).host == tether_host
    assert sales["request_headers"]["Authorization"] == {"secret_id": TOOL_SECRET_ID}
    reception = schema("tool_demo_reception_directory")
    assert isinstance(reception["request_headers"]["Authorization"], str)
    assert "Authorization" not in schema("tool_demo_support_ticket")["request_headers"]
    after = schema("tool_demo_after_hours_message")
    assert after["request_headers"]["Authorization"] == {"secret_id": DELETED_SECRET_ID}
    calendar = schema("tool_demo_calendar")
    assert httpx.URL(calendar["url"]).host != tether_host
    client_tool = get(f"{stack.elevenlabs.url}/v1/convai/tools/tool_demo_reception_map", GOOD)
    assert client_tool.json()["tool_config"]["type"] == "client"
    assert get(f"{stack.elevenlabs.url}/v1/convai/tools/tool_nope", GOOD).status_code == 404


def test_secrets_page_by_cursor_and_never_carry_a_value(stack: DemoStack) -> None:
    url = stack.elevenlabs.url + "/v1/convai/secrets"
    pages, cursor = [], None
    while True:
        answer = get(url + "?page_size=1" + (f"&cursor={cursor}" if cursor else ""), GOOD)
        assert answer.status_code == 200
        page = answer.json()
        assert set(page) == {"secrets", "next_cursor"}
        pages.append(page["secrets"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [len(page) for page in pages] == [1, 1, 1]
    secrets = [item for page in pages for item in page]
    ids = [item["secret_id"] for item in secrets]
    assert TOOL_SECRET_ID in ids and DELETED_SECRET_ID not in ids
    assert all(item["type"] == "stored" for item in secrets)
    assert all({"tools", "agents", "others"} <= set(item["used_by"]) for item in secrets)
    assert "value" not in every_key(secrets) and "secret_value" not in every_key(secrets)
    assert get(url, GOOD).json()["secrets"] == secrets, "one page by default"
    assert get(url + "?page_size=101", GOOD).status_code == 422
    assert get(url + "?cursor=not-a-cursor", GOOD).status_code == 422


def test_recent_failed_sip_calls_by_agent_with_every_filter(stack: DemoStack) -> None:
    import time

    url = stack.elevenlabs.url + "/v1/convai/conversations"
    since = int(time.time()) - 7 * 86400
    query = (
        f"?agent_id=agent_demo_support_desk&conversation_initiation_source=sip_trunk"
        f"&call_start_after_unix={since}"
        "&exclude_statuses=initiated&exclude_statuses=in-progress"
        "&exclude_statuses=processing&exclude_statuses=done"
    )
    failed = get(url + query + "&page_size=100", GOOD).json()
    assert failed["has_more"] is False and failed["next_cursor"] is None
    calls = failed["conversations"]
    assert len(calls) == 3
    assert {call["status"] for call in calls} == {"failed"}
    assert all(call["termination_reason"] for call in calls)
    assert all(call["start_time_unix_secs"] >= since for call in calls)
    assert {
        "agent_id",
        "conversation_id",
        "start_time_unix_secs",
        "call_duration_secs",
        "status",
        "termination_reason",
        "call_successful",
        "direction",
        "conversation_initiation_source",
    } <= set(calls[0])
    # One at a time, by cursor: the same three, newest first.
    seen, cursor = [], None
    for _ in range(5):
        page = get(url + query + "&page_size=1" + (f"&cursor={cursor}" if cursor else ""), GOOD)
        body = page.json()
        seen += [call["conversation_id"] for call in body["conversations"]]
        cursor = body["next_cursor"]
        assert body["has_more"] is (cursor is not None)
        if cursor is None:
            break
    assert seen == [call["conversation_id"] for call in calls]
    # Each filter matters: without the window, the older failure; without the source,
    # nothing more for Support Desk; the other agents have no failed sip_trunk call.
    older = get(url + query.replace(str(since), "0"), GOOD).json()["conversations"]
    assert len(older) == 4
    for agent in ("agent_demo_sales_line", "agent_demo_reception", ARCHIVED_AFTER_HOURS):
        other = get(url + query.replace("agent_demo_support_desk", agent), GOOD).json()
        assert other["conversations"] == [], agent
    widget = get(url + "?agent_id=agent_demo_sales_line&exclude_statuses=done", GOOD).json()
    assert [c["conversation_initiation_source"] for c in widget["conversations"]] == ["widget"]
    assert len(get(url, GOOD).json()["conversations"]) == 11
    assert get(url + "?page_size=101", GOOD).status_code == 422
    assert get(url + "?call_start_after_unix=soon", GOOD).status_code == 422


# --- Sinch EST --------------------------------------------------------------------------------


def test_trunk_lists_page_as_page2(stack: DemoStack) -> None:
    auth = bearer(stack)
    url = stack.sinch_est.url + TRUNK + "/endpoints"
    whole = get(url, auth).json()
    assert (whole["totalItems"], whole["pageNumber"]) == (2, 1)
    assert whole["pageSize"] >= 2
    first = get(url + "?page=1&size=1", auth).json()
    second = get(url + "?page=2&pageSize=1", auth).json()
    assert (first["pageSize"], len(first["endpoints"]), first["totalItems"]) == (1, 1, 2)
    assert first["endpoints"] + second["endpoints"] == whole["endpoints"]
    assert get(url + "?page=3&size=1", auth).json()["endpoints"] == []
    assert get(url + "?page=0", auth).status_code == 400
    assert get(url + "?size=many", auth).status_code == 400
    endpoint = whole["endpoints"][0]
    assert set(endpoint) >= {
        "id",
        "sipTrunkId",
        "name",
        "address",
        "port",
        "transport",
        "priority",
        "enabled",
        "createTime",
        "updateTime",
        "projectId",
    }


def test_the_two_trunks_endpoints_credentials_and_acls(stack: DemoStack) -> None:
    auth = bearer(stack)
    est = stack.sinch_est.url

    def endpoints(trunk: str) -> list[tuple[str, str, str, int, int, bool]]:
        found = get(est + trunk + "/endpoints", auth).json()["endpoints"]
        return [
            (e["name"], e["address"], e["transport"], e["port"], e["priority"], e["enabled"])
            for e in found
        ]

    assert endpoints(TRUNK) == [
        ("ElevenLabs", ELEVENLABS_SIP_HOST, "TCP", 5060, 1, True),
        ("Office PBX", "203.0.113.10", "UDP", 5060, 0, False),
    ]
    assert endpoints(OTHER_TRUNK) == [
        ("Office PBX", "203.0.113.10", "UDP", 5060, 1, True),
        ("ElevenLabs", ELEVENLABS_SIP_HOST, "TLS", 5060, 2, True),
    ]
    lists = get(est + TRUNK + "/credentialLists", auth).json()
    assert lists["totalItems"] == 1
    (credentials,) = lists["credentialLists"]
    assert credentials["name"] == "ElevenLabs outbound"
    assert DIGEST_USERNAME in [c["username"] for c in credentials["credentials"]]
    assert not {"password", "secret"} & every_key(lists)
    assert get(est + OTHER_TRUNK + "/credentialLists", auth).json()["credentialLists"] == []
    ids = get(est + TRUNK + "/accessControlLists", auth).json()["accessControlListIds"]
    assert len(ids) == 1 and isinstance(ids[0], str)
    acl = get(f"{est}{PROJECT}/accessControlLists/{ids[0]}", auth).json()
    assert acl["enabled"] is True and sinch.MATCHING_TRUNK_ID in acl["trunks"]
    assert set(acl["ipRanges"][0]) == {"id", "description", "ipAddress", "range"}
    none = get(est + OTHER_TRUNK + "/accessControlLists", auth).json()
    assert none["accessControlListIds"] == []
    missing = get(f"{est}{PROJECT}/accessControlLists/acl-nope", auth)
    assert (missing.status_code, missing.json()["code"]) == (404, "NO_RESOURCE_FOUND")


def test_est_numbers_list_one_and_the_path_that_does_not_exist(stack: DemoStack) -> None:
    auth = bearer(stack)
    est = stack.sinch_est.url + PROJECT
    on_trunk: list[str] = []
    page = 1
    while True:
        answer = get(
            f"{est}/phoneNumbers?sipTrunkId={sinch.MATCHING_TRUNK_ID}&page={page}&size=1", auth
        )
        body = answer.json()
        on_trunk += [item["phoneNumber"] for item in body["phoneNumbers"]]
        if len(on_trunk) >= body["totalItems"]:
            break
        page += 1
    assert on_trunk == [f"+141655501{n:02d}" for n in (1, 3, 4, 5, 6, 7, 8, 10, 11, 12)], (
        "every number on the trunk, in order"
    )
    everything = get(f"{est}/phoneNumbers", auth).json()
    assert everything["totalItems"] == 11, "and +14165550109 on the other trunk"
    raw = get(f"{est}/phoneNumbers/+14165550101", auth).json()
    assert raw == get(f"{est}/phoneNumbers/%2B14165550101", auth).json()
    assert set(raw) == {
        "id",
        "sipTrunkId",
        "phoneNumber",
        "countryCode",
        "createTime",
        "updateTime",
    }
    missing = get(f"{est}/phoneNumbers/+14165550102", auth)
    assert missing.status_code == 404
    assert set(missing.json()) == {"code", "status", "message", "details"}
    assert missing.json()["code"] == "NO_RESOURCE_FOUND"
    wrong = get(f"{stack.sinch_est.url}{TRUNK}/phoneNumbers", auth)
    assert wrong.status_code == 404
    assert (wrong.json()["code"], wrong.json()["message"]) == (
        "NO_RESOURCE_FOUND",
        "That path does not exist",
    )


@pytest.mark.parametrize(
    "path",
    [
        TRUNK + "/endpoints",
        TRUNK + "/credentialLists",
        TRUNK + "/accessControlLists",
        PROJECT + "/phoneNumbers",
        PROJECT + "/phoneNumbers/+14165550101",
    ],
)
def test_est_reads_need_a_token_of_the_project(stack: DemoStack, path: str) -> None:
    assert get(stack.sinch_est.url + path).status_code == 401
    assert get(stack.sinch_est.url + path, {"Authorization": "Bearer stale"}).status_code == 401
    other = sinch_token(stack, sinch.OTHER_KEY_ID, sinch.OTHER_KEY_SECRET)
    refused = get(stack.sinch_est.url + path, {"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
    assert get(stack.sinch_est.url + path, bearer(stack)).status_code == 200


def test_an_unknown_trunk_is_404(stack: DemoStack) -> None:
    answer = get(f"{stack.sinch_est.url}{PROJECT}/trunks/trunk-nope/endpoints", bearer(stack))
    assert (answer.status_code, answer.json()["code"]) == (404, "NO_RESOURCE_FOUND")


# --- Sinch Numbers API -------------------------------------------------------------------------


def test_an_active_number_and_its_refusals(stack: DemoStack) -> None:
    url = f"{stack.sinch_numbers.url}{PROJECT}/activeNumbers/"
    auth = bearer(stack)
    number = get(url + "+14165550103", auth).json()
    assert number == get(url + "%2B14165550103", auth).json()
    assert {
        "phoneNumber",
        "projectId",
        "displayName",
        "regionCode",
        "type",
        "capability",
        "voiceConfiguration",
    } <= set(number)
    assert (number["type"], number["capability"]) == ("LOCAL", ["SMS", "VOICE"])
    assert set(number["voiceConfiguration"]) == {
        "type",
        "trunkId",
        "appId",
        "lastUpdatedTime",
        "scheduledVoiceProvisioning",
    }
    missing = get(url + "+14165550102", auth)
    assert missing.status_code == 404
    error = missing.json()["error"]
    assert (error["code"], error["status"], error["details"]) == (404, "NOT_FOUND", [])
    assert get(url + "+14165550103").status_code == 401
    pair = base64.b64encode(f"{sinch.GOOD_KEY_ID}:{sinch.GOOD_KEY_SECRET}".encode()).decode()
    assert get(url + "+14165550103", {"Authorization": f"Basic {pair}"}).status_code == 401
    assert get(url + "+14165550103", {"Authorization": "Bearer stale"}).status_code == 401
    other = sinch_token(stack, sinch.OTHER_KEY_ID, sinch.OTHER_KEY_SECRET)
    other_url = f"{stack.sinch_numbers.url}/v1/projects/{sinch.DEMO_PROJECT_ID}/activeNumbers/"
    assert get(other_url + "+14165550103", {"Authorization": f"Bearer {other}"}).status_code == 403


def test_the_wiring_reads_send_nothing_but_gets() -> None:
    """A whole round of the reads a check makes: every request a stand-in got was a GET
    (the token POST aside), and none carried another issuer's secret."""
    with DemoStack() as fresh:
        auth = bearer(fresh)
        for path in (
            "/v1/convai/phone-numbers?provider=sip_trunk",
            "/v1/convai/agents/agent_demo_sales_line",
            "/v1/convai/tools/tool_demo_sales_lookup",
            "/v1/convai/secrets",
            "/v1/convai/conversations?conversation_initiation_source=sip_trunk",
        ):
            assert get(fresh.elevenlabs.url + path, GOOD).status_code == 200
        for path in ("/endpoints", "/credentialLists", "/accessControlLists"):
            assert get(fresh.sinch_est.url + TRUNK + path, auth).status_code == 200
        assert get(f"{fresh.sinch_est.url}{PROJECT}/phoneNumbers", auth).status_code == 200
        number = f"{fresh.sinch_numbers.url}{PROJECT}/activeNumbers/+14165550101"
        assert get(number, auth).status_code == 200
        for name in ("elevenlabs", "sinch-est", "sinch-numbers"):
            requests = fresh.servers[name].requests
            assert requests and {request.method for request in requests} == {"GET"}, name
        assert not any(r.carries(el.GOOD_KEY) for r in fresh.sinch_numbers.requests)
        assert not any(r.carries(sinch.GOOD_KEY_SECRET) for r in fresh.sinch_numbers.requests)
        assert {r.method for r in fresh.sinch_auth.requests} == {"POST"}


def test_writes_are_not_routes() -> None:
    with DemoStack() as fresh, client() as http:
        patch = http.patch(
            f"{fresh.sinch_numbers.url}{PROJECT}/activeNumbers/+14165550101",
            headers=bearer(fresh),
            json={"voiceConfiguration": {"type": "RTC"}},
        )
        delete = http.delete(
            fresh.elevenlabs.url + "/v1/convai/phone-numbers/phnum_demo_14165550101",
            headers=GOOD,
        )
        assert (patch.status_code, delete.status_code) == (405, 405)
        assert "+14165550101" in el_numbers(fresh)
        assert [r.method for r in fresh.sinch_numbers.requests] == ["PATCH"], "recorded"


# --- the stack ---------------------------------------------------------------------------------


def test_the_numbers_stand_in_is_the_fifth_server(stack: DemoStack) -> None:
    assert SERVER_NAMES[-1] == "sinch-numbers"
    assert stack.servers["sinch-numbers"] is stack.sinch_numbers
    assert stack.check_settings().sinch_numbers_url == stack.sinch_numbers.url
    server, _fault = parse_fault_spec("sinch-numbers:drop")
    assert server == "sinch-numbers"


def test_a_large_organization_is_healthy_but_for_the_planted_numbers() -> None:
    with DemoStack(state=DemoState.with_numbers(60)) as big:
        rows = big.tether.state.public_config()["phoneNumbers"][12:]
        assert len(rows) == 48
        imported = el_numbers(big)
        auth = bearer(big)
        names = {agent.id: agent.name for agent in big.tether.state.numbers.agents}
        for row in rows:
            number = row["phoneNumber"]
            voice = voice_of(big, number, auth)
            assert voice is not None, number
            if row["aiEnabled"]:
                item = imported[number]
                assert item["assigned_agent"]["agent_name"] == names[row["aiAgentId"]]
                assert item["assigned_agent"]["agent_id"] != ARCHIVED_AFTER_HOURS
                assert item["outbound_trunk"]["address"] == DOMAIN
                assert est_trunk_of(big, number, auth) == sinch.MATCHING_TRUNK_ID
                assert (voice["type"], voice["trunkId"]) == ("EST", sinch.MATCHING_TRUNK_ID)
            else:
                assert number not in imported
                assert est_trunk_of(big, number, auth) is None
                assert voice["type"] == "RTC"


# --- toggles keep the stand-ins in step --------------------------------------------------------


def toggle(stack: DemoStack, number: str, on: bool, agent: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"userId": USERS[number], "phoneNumber": number, "aiEnabled": on}
    if agent:
        body["aiAgentId"] = AGENTS[agent]
    with client() as http:
        return http.post(
            stack.tether.url + TOGGLE_PATH,
            json=body,
            headers={"Authorization": f"Bearer {SUPERADMIN_TOKEN}"},
        )


def test_off_removes_the_number_and_on_wires_it_healthy() -> None:
    with DemoStack() as fresh:
        auth = bearer(fresh)
        assert toggle(fresh, "+14165550101", False).status_code == 200
        assert "+14165550101" not in el_numbers(fresh)
        assert est_trunk_of(fresh, "+14165550101", auth) is None
        assert (voice_of(fresh, "+14165550101", auth) or {})["type"] == "RTC"
        assert toggle(fresh, "+14165550101", True, "Support Desk").status_code == 200
        item = el_numbers(fresh)["+14165550101"]
        assert item["assigned_agent"] == {
            "agent_id": "agent_demo_support_desk",
            "agent_name": "Support Desk",
        }
        assert (item["outbound_trunk"]["address"], item["outbound_trunk"]["username"]) == (
            DOMAIN,
            DIGEST_USERNAME,
        )
        assert est_trunk_of(fresh, "+14165550101", auth) == sinch.MATCHING_TRUNK_ID
        voice = voice_of(fresh, "+14165550101", auth) or {}
        assert (voice["type"], voice["trunkId"]) == ("EST", sinch.MATCHING_TRUNK_ID)
        agent = get(fresh.elevenlabs.url + "/v1/convai/agents/agent_demo_support_desk", GOOD)
        assert "+14165550101" in [n["phone_number"] for n in agent.json()["phone_numbers"]]


def test_a_re_toggle_repairs_a_planted_number() -> None:
    with DemoStack() as fresh:
        auth = bearer(fresh)
        for number, agent in (
            ("+14165550107", "After Hours"),
            ("+14165550112", "Sales Line"),
            ("+14165550110", "Support Desk"),
        ):
            assert toggle(fresh, number, False).status_code == 200
            assert toggle(fresh, number, True, agent).status_code == 200
            imported = el_numbers(fresh)
            assert number in imported and number.lstrip("+") not in imported
            assert imported[number]["assigned_agent"]["agent_name"] == agent
            assert imported[number]["assigned_agent"]["agent_id"] != ARCHIVED_AFTER_HOURS
            assert (voice_of(fresh, number, auth) or {})["type"] == "EST"
        # Switching the agent of a number that is on (no agent in ElevenLabs) assigns it.
        assert toggle(fresh, "+14165550106", True, "Support Desk").status_code == 200
        assigned = el_numbers(fresh)["+14165550106"]["assigned_agent"]
        assert assigned["agent_name"] == "Support Desk"


def test_refused_toggles_change_nothing_in_the_stand_ins() -> None:
    with DemoStack() as fresh:
        auth = bearer(fresh)
        before = el_numbers(fresh)
        refused = toggle(fresh, "+14165550102", True, "Sales Line")
        assert (refused.status_code, refused.json()["code"]) == (400, "NUMBER_NOT_ON_TRUNK")
        in_flight = toggle(fresh, "+14165550103", False)
        assert (in_flight.status_code, in_flight.json()["code"]) == (409, "OUTBOUND_IN_FLIGHT")
        unsynced = toggle(fresh, "+14165550104", True, "Billing (draft)")
        assert (unsynced.status_code, unsynced.json()["code"]) == (400, "AGENT_NOT_SYNCED")
        same = toggle(fresh, "+14165550106", True)
        assert same.json()["message"] == "Nothing to change"
        assert el_numbers(fresh) == before
        assert est_trunk_of(fresh, "+14165550102", auth) is None
        assert est_trunk_of(fresh, "+14165550103", auth) == sinch.MATCHING_TRUNK_ID
        # The call has ended by the next toggle, which goes through.
        assert toggle(fresh, "+14165550103", False).status_code == 200
        assert "+14165550103" not in el_numbers(fresh)


def test_the_webhook_setup_on_save_still_works_alongside() -> None:
    with DemoStack() as fresh:
        with client() as http:
            saved = http.post(
                fresh.tether.url + "/api/calls/voice-ai/config",
                json={"elevenlabsApiKey": el.GOOD_KEY},
                headers={"Authorization": f"Bearer {SUPERADMIN_TOKEN}"},
            )
        assert saved.status_code == 200
        assert fresh.webhook_log and "attached" in fresh.webhook_log[0]
        assert len(el_numbers(fresh)) == 11, "the workspace's numbers are untouched"


# --- hostile ---------------------------------------------------------------------------------


def test_the_hostile_stand_ins_attack_from_the_wiring_reads_too() -> None:
    with DemoStack(hostile=True) as hostile:
        numbers = get(hostile.elevenlabs.url + "/v1/convai/phone-numbers", GOOD).json()
        assert numbers and all("PWN-elevenlabs-phone-label" in n["label"] for n in numbers)
        named = [n for n in numbers if n["assigned_agent"]]
        assert all("PWN-" in n["assigned_agent"]["agent_name"] for n in named)
        tool = get(hostile.elevenlabs.url + "/v1/convai/tools/tool_demo_sales_lookup", GOOD).json()
        assert "PWN-elevenlabs-tool-name" in tool["tool_config"]["name"]
        url = tool["tool_config"]["api_schema"]["url"]
        assert url.startswith(hostile.tether.url + "/api/") and "PWN-elevenlabs-tool-url" in url
        auth = bearer(hostile)
        endpoints = get(hostile.sinch_est.url + TRUNK + "/endpoints", auth).json()["endpoints"]
        assert all("PWN-sinch-endpoint-name" in e["name"] for e in endpoints)
        missing = get(f"{hostile.sinch_est.url}{PROJECT}/phoneNumbers/+19995550000", auth)
        assert "PWN-sinch-message" in missing.json()["message"]
        number = get(f"{hostile.sinch_numbers.url}{PROJECT}/activeNumbers/+14165550101", auth)
        assert "PWN-sinch-numbers-display-name" in number.json()["displayName"]
        gone = get(f"{hostile.sinch_numbers.url}{PROJECT}/activeNumbers/+19995550000", auth)
        assert "PWN-sinch-numbers-message" in gone.json()["error"]["message"]
