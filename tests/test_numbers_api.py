"""The toggle and the agent list: the demo server's routes, and the client over real HTTP.

The demo server is the oracle the numbers flows run against, so its reading of the
contract is pinned here: the body, the superadmin check, each refusal code and when it
comes, the envelope, and that its fault injection reaches both routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.failures import ApiFailure, FailureKind
from tui.api.number_models import Prompt, ToggleRequest, ToggleSuccess
from tui.api.toggle_codes import explain, refusal_code
from tui.demo.faults import Fault
from tui.demo.numbers_routes import PROMPTS_PATH, TOGGLE_PATH
from tui.demo.server import ADMIN_TOKEN, SUPERADMIN_TOKEN, DemoServer, DemoState

SUPERADMIN = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}"}
USERS = {
    "+14165550101": "64f0a1b2c3d4e5f6a7b8c9d1",
    "+14165550102": "64f0a1b2c3d4e5f6a7b8c9d2",
    "+14165550103": "64f0a1b2c3d4e5f6a7b8c9d3",
    "+14165550104": "64f0a1b2c3d4e5f6a7b8c9d4",
}
SALES, SUPPORT, BILLING = (f"64f0a1b2c3d4e5f6a7b8cc0{n}" for n in (1, 2, 5))


def body(number: str, enabled: bool, agent: str | None = None) -> dict[str, Any]:
    sent: dict[str, Any] = {"userId": USERS[number], "phoneNumber": number, "aiEnabled": enabled}
    if agent:
        sent["aiAgentId"] = agent
    return sent


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(state=DemoState.seeded()) as running:
        yield running


@pytest.fixture
def http(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=SUPERADMIN, verify=False, timeout=5) as client:
        yield client


def numbers(http: httpx.Client) -> dict[str, tuple[bool, str | None]]:
    config = http.get("/api/calls/voice-ai/config").json()
    return {n["phoneNumber"]: (n["aiEnabled"], n["aiAgentId"]) for n in config["phoneNumbers"]}


# --- the demo server ------------------------------------------------------------------------


def test_prompts_are_a_bare_array_with_the_documented_fields(http: httpx.Client) -> None:
    answer = http.get(PROMPTS_PATH)
    assert answer.status_code == 200
    prompts = answer.json()
    assert isinstance(prompts, list)
    assert [p["name"] for p in prompts] == [
        "Sales Line",
        "Support Desk",
        "Reception",
        "After Hours",
        "Billing (draft)",
        "Reception",
    ]
    for prompt in prompts:
        assert {"_id", "name", "description", "isHidden", "organizationId", "userId"} <= set(prompt)
        assert "synced" not in " ".join(prompt)  # the contract has no such field


def test_prompts_need_a_token_but_not_a_superadmin(server: DemoServer) -> None:
    assert httpx.get(server.url + PROMPTS_PATH).status_code == 401
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    assert httpx.get(server.url + PROMPTS_PATH, headers=admin).status_code == 200


def test_disabling_and_enabling_change_what_the_get_lists(http: httpx.Client) -> None:
    assert http.post(TOGGLE_PATH, json=body("+14165550101", False)).json() == {
        "success": True,
        "message": "Toggle applied",
    }
    answer = http.post(TOGGLE_PATH, json=body("+14165550104", True, SUPPORT))
    assert answer.status_code == 200
    now = numbers(http)
    assert now["+14165550101"] == (False, SALES)  # disabling keeps the agent
    assert now["+14165550104"] == (True, SUPPORT)


@pytest.mark.parametrize(
    ("sent", "status", "code"),
    [
        (body("+14165550102", True, SALES), 400, "NUMBER_NOT_ON_TRUNK"),
        (body("+14165550104", True, BILLING), 400, "AGENT_NOT_SYNCED"),
        (body("+14165550103", False), 409, "OUTBOUND_IN_FLIGHT"),
        (body("+14165550103", True, SUPPORT), 409, "OUTBOUND_IN_FLIGHT"),
    ],
)
def test_each_refusal_code_changes_nothing(
    http: httpx.Client, sent: dict[str, Any], status: int, code: str
) -> None:
    before = numbers(http)
    answer = http.post(TOGGLE_PATH, json=sent)
    assert answer.status_code == status
    error = answer.json()
    assert error["success"] is False
    assert error["code"] == code
    assert isinstance(error["error"], str)
    assert numbers(http) == before


def test_a_call_in_flight_refuses_once(http: httpx.Client) -> None:
    assert http.post(TOGGLE_PATH, json=body("+14165550103", False)).status_code == 409
    assert http.post(TOGGLE_PATH, json=body("+14165550103", False)).status_code == 200
    assert numbers(http)["+14165550103"][0] is False


@pytest.mark.parametrize(
    ("sent", "status"),
    [
        ({"phoneNumber": "+14165550101", "aiEnabled": True}, 400),
        (body("+14165550104", True), 400),  # enabling needs an agent
        ({**body("+14165550101", False), "phoneNumber": "+1 416 555 0101"}, 404),  # exact match
        ({**body("+14165550101", False), "userId": USERS["+14165550102"]}, 404),
        (body("+14165550104", True, "64f0a1b2c3d4e5f6a7b8ffff"), 404),
    ],
)
def test_bad_bodies_are_refused(http: httpx.Client, sent: dict[str, Any], status: int) -> None:
    answer = http.post(TOGGLE_PATH, json=sent)
    assert answer.status_code == status
    assert answer.json()["success"] is False


def test_only_a_superadmin_may_toggle(server: DemoServer) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    sent = body("+14165550101", False)
    assert httpx.post(server.url + TOGGLE_PATH, json=sent).status_code == 401
    refused = httpx.post(server.url + TOGGLE_PATH, json=sent, headers=admin)
    assert (refused.status_code, refused.json()["error"]) == (401, "Superadmin access required")
    assert server.state.numbers.received_toggles == []


@pytest.mark.parametrize("path", [TOGGLE_PATH, PROMPTS_PATH])
def test_fault_injection_reaches_both_routes(
    server: DemoServer, http: httpx.Client, path: str
) -> None:
    server.inject(Fault.BAD_GATEWAY_HTML)
    method = "POST" if path == TOGGLE_PATH else "GET"
    answer = http.request(method, path, json=body("+14165550101", False))
    assert answer.status_code == 502
    assert "text/html" in answer.headers["content-type"]


def test_many_numbers_keep_the_seeded_ones_first() -> None:
    state = DemoState.with_numbers(5000)
    listed = state.public_config()["phoneNumbers"]
    assert len(listed) == 5000
    seeded = DemoState.seeded().public_config()["phoneNumbers"]
    assert len(seeded) == 12
    assert listed[: len(seeded)] == seeded
    assert len({(n["userId"], n["phoneNumber"]) for n in listed}) == 5000
    assert DemoState.with_numbers(5000).public_config() == state.public_config()


# --- the client -----------------------------------------------------------------------------


@pytest.fixture
async def client(server: DemoServer) -> Any:
    settings = ConnectionSettings(server.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=2.0)
    api = VoiceConfigClient(settings)
    yield api
    await api.aclose()


async def test_the_client_reads_the_agents(client: VoiceConfigClient) -> None:
    prompts = await client.load_agents()
    assert isinstance(prompts, list)
    assert all(isinstance(p, Prompt) for p in prompts)
    assert (prompts[0].id, prompts[0].name) == (SALES, "Sales Line")
    assert prompts[5].is_hidden is True


async def test_the_client_sends_exactly_the_toggle_body(
    client: VoiceConfigClient, server: DemoServer
) -> None:
    request = ToggleRequest(
        userId=USERS["+14165550101"], phoneNumber="+14165550101", aiEnabled=False
    )
    result = await client.toggle(request)
    assert isinstance(result, ToggleSuccess) and result.message == "Toggle applied"
    assert server.state.numbers.received_toggles == [body("+14165550101", False)]
    (sent,) = [r for r in server.requests if r.path == TOGGLE_PATH]
    assert sent.header("Authorization") == f"Bearer {SUPERADMIN_TOKEN}"
    assert sent.header("Content-Type") == "application/json"


async def test_a_refusal_keeps_its_code_and_is_explained(client: VoiceConfigClient) -> None:
    request = ToggleRequest(
        userId=USERS["+14165550102"], phoneNumber="+14165550102", aiEnabled=True, aiAgentId=SALES
    )
    failure = await client.toggle(request)
    assert isinstance(failure, ApiFailure)
    assert (failure.status, refusal_code(failure)) == (400, "NUMBER_NOT_ON_TRUNK")
    assert explain(failure, trunk="trunk-demo-001", agent="Sales Line") == (
        "NUMBER_NOT_ON_TRUNK: this number is not on the Sinch trunk trunk-demo-001: "
        "add it there first"
    )


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (Fault.UNAUTHORIZED, FailureKind.HTTP_STATUS),
        (Fault.MALFORMED_JSON, FailureKind.BAD_RESPONSE),
        (Fault.EMPTY_BODY, FailureKind.BAD_RESPONSE),
        (Fault.NOT_SUCCESS_200, FailureKind.HTTP_STATUS),
        (Fault.DROP_CONNECTION, FailureKind.NETWORK),
        (Fault.HUGE_BODY, FailureKind.BAD_RESPONSE),
    ],
)
async def test_every_fault_is_one_failure_for_both_calls(
    client: VoiceConfigClient, server: DemoServer, fault: Fault, kind: FailureKind
) -> None:
    server.inject(fault, method="GET")
    agents = await client.load_agents()
    assert isinstance(agents, ApiFailure) and agents.kind is kind
    server.inject(fault, method="POST")
    request = ToggleRequest(
        userId=USERS["+14165550101"], phoneNumber="+14165550101", aiEnabled=False
    )
    toggled = await client.toggle(request)
    assert isinstance(toggled, ApiFailure) and toggled.kind is kind


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"prompts": []}, "not a JSON array"),
        ({"success": False, "error": "Prompts unavailable"}, "reported a failure"),
        ("a string", "not a JSON array"),
    ],
)
async def test_an_agent_list_that_is_not_an_array_is_a_failure(answer: object, words: str) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    settings = ConnectionSettings("http://127.0.0.1:9", SecretStr(SUPERADMIN_TOKEN))
    api = VoiceConfigClient(settings, transport=transport)
    try:
        failure = await api.load_agents()
    finally:
        await api.aclose()
    assert isinstance(failure, ApiFailure)
    assert words in failure.summary


async def test_prompts_without_an_id_are_skipped() -> None:
    listed = [{"_id": "a1", "name": "Kept"}, {"name": "No id"}, {"id": "b2"}, 7]
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=listed))
    api = VoiceConfigClient(ConnectionSettings("http://127.0.0.1:9", SecretStr("t")), transport)
    try:
        prompts = await api.load_agents()
    finally:
        await api.aclose()
    assert isinstance(prompts, list)
    assert [(p.id, p.name) for p in prompts] == [("a1", "Kept"), ("b2", None)]


def test_unknown_codes_fall_back_to_the_failure_summary() -> None:
    failure = ApiFailure(
        FailureKind.HTTP_STATUS, _save(), "HTTP 500 Internal Server Error", "", status=500
    )
    assert explain(failure, trunk=None, agent=None) == "HTTP 500 Internal Server Error"
    coded = ApiFailure(FailureKind.HTTP_STATUS, _save(), "HTTP 400", "", code="AGENT_NOT_SYNCED")
    assert explain(coded, trunk=None, agent="Billing") == (
        "AGENT_NOT_SYNCED: the agent 'Billing' is not synced to ElevenLabs: "
        "sync the agent to ElevenLabs first"
    )
    other = ApiFailure(FailureKind.HTTP_STATUS, _save(), "HTTP 400", "", code="SOMETHING_NEW")
    assert explain(other, trunk=None, agent=None) == "SOMETHING_NEW: HTTP 400"


def _save() -> Any:
    from tui.api.failures import Operation

    return Operation.SAVE


@pytest.mark.parametrize(
    "fault", [Fault.DELAY, Fault.DROP_MID_RESPONSE, Fault.MALFORMED_JSON, Fault.SERVER_ERROR_STRING]
)
async def test_a_toggle_failure_is_worded_as_a_toggle(
    client: VoiceConfigClient, server: DemoServer, fault: Fault
) -> None:
    """Not as a save of the form: the row stays pending, and the re-read settles it."""
    from tui.api.failures import SCRIPT_WORDING, Operation

    server.inject(fault, method="POST", delay_seconds=10)
    request = ToggleRequest(
        userId=USERS["+14165550101"], phoneNumber="+14165550101", aiEnabled=False
    )
    failed = await client.toggle(request)
    assert isinstance(failed, ApiFailure) and failed.operation is Operation.TOGGLE
    assert "save" not in failed.hint and "edits" not in failed.hint
    assert "It stays pending for a retry." in failed.hint
    if fault is not Fault.SERVER_ERROR_STRING:  # the toggle may have been applied
        assert "the re-read after the batch says whether it was" in failed.hint
        assert "check with `tether-voice numbers`" in failed.hint_in(SCRIPT_WORDING)
    else:
        assert "retry (ctrl+s in the numbers)" in failed.hint
