"""The demo server honours the Voice AI config contract, over real loopback HTTP.

The demo server is the oracle the app's tests run against, so it gets tested on its own:
if it drifted from the contract, every test built on it would drift too.
"""

from __future__ import annotations

import ast
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.demo.faults import Fault, PendingFault, canned_response
from tui.demo.server import (
    ADMIN_TOKEN,
    CONFIG_PATH,
    SUPERADMIN_TOKEN,
    DemoServer,
    DemoState,
    InvalidUpdate,
)

SUPERADMIN = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}"}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HEX_24 = re.compile(r"^[0-9a-f]{24}$")
HEX_64 = re.compile(r"^[0-9a-f]{64}$")
SECRET_NAMES = (
    "elevenlabsApiKey",
    "elevenlabsToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "webhookSecret",
)


def http_client(base_url: str, timeout: float = 5) -> httpx.Client:
    """A client for plain HTTP on loopback; verify=False skips loading the CA bundle (~15 ms)."""
    return httpx.Client(base_url=base_url, timeout=timeout, verify=False)


@pytest.fixture
def server() -> Iterator[DemoServer]:
    """A fresh seeded server per test, so no test sees another's saves or faults."""
    with DemoServer(state=DemoState.seeded()) as running:
        yield running


@pytest.fixture
def empty_server() -> Iterator[DemoServer]:
    with DemoServer(state=DemoState.empty()) as running:
        yield running


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with http_client(server.url) as http:
        yield http


def get_config(http: httpx.Client, headers: dict[str, str] = SUPERADMIN) -> httpx.Response:
    return http.get(CONFIG_PATH, headers=headers)


def post_config(
    http: httpx.Client, body: object, headers: dict[str, str] = SUPERADMIN
) -> httpx.Response:
    return http.post(CONFIG_PATH, json=body, headers=headers)


def media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def stored_secrets(state: DemoState) -> dict[str, str | None]:
    return {name: state.secret(name) for name in SECRET_NAMES}


# --- reading the configuration ---------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-demo-token"}, {"Authorization": SUPERADMIN_TOKEN}],
    ids=["missing", "unknown token", "no Bearer scheme"],
)
def test_get_config_needs_a_valid_token(client: httpx.Client, headers: dict[str, str]) -> None:
    response = get_config(client, headers)
    assert response.status_code == 401
    assert media_type(response) == "application/json"
    assert response.json() == {"success": False, "error": "Invalid or expired token"}


def test_seeded_config_has_the_contract_shape(client: httpx.Client) -> None:
    body = get_config(client).json()
    assert list(body) == [
        "success",
        "aiVoiceProvider",
        "elevenlabsApiKeyConfigured",
        "elevenlabsToolSecretConfigured",
        "sinchEstConfigured",
        "sinchEstProjectId",
        "sinchEstTrunkId",
        "sinchEstTrunkDomain",
        "phoneNumbers",
        "elevenlabsWebhookConfigured",
    ]
    assert body["success"] is True
    assert body["aiVoiceProvider"] == "elevenlabs"
    assert body["elevenlabsApiKeyConfigured"] is True
    assert body["elevenlabsToolSecretConfigured"] is True
    assert body["sinchEstConfigured"] is True
    assert body["sinchEstProjectId"] == "3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91"
    assert body["sinchEstTrunkId"] == "trunk-demo-001"
    assert body["sinchEstTrunkDomain"] == "demo-org.elastic-sip.sinch.com"
    assert body["elevenlabsWebhookConfigured"] is True
    numbers = body["phoneNumbers"]
    assert len(numbers) == 4
    assert {row["aiEnabled"] for row in numbers} == {True, False}
    assert any(row["aiAgentId"] is None for row in numbers)
    for row in numbers:
        assert set(row) == {"userId", "phoneNumber", "aiEnabled", "aiAgentId"}
        assert HEX_24.match(row["userId"])
        assert re.match(r"^\+1416555010\d$", row["phoneNumber"])
        assert row["aiAgentId"] is None or HEX_24.match(row["aiAgentId"])


def test_seeded_state_is_deterministic() -> None:
    # Snapshot tests draw the UI from it.
    first, second = DemoState.seeded(), DemoState.seeded()
    assert first.public_config() == second.public_config()
    assert stored_secrets(first) == stored_secrets(second)


def test_empty_config_has_nothing_configured(empty_server: DemoServer) -> None:
    with http_client(empty_server.url) as http:
        body = get_config(http).json()
    assert body == {
        "success": True,
        "aiVoiceProvider": None,
        "elevenlabsApiKeyConfigured": False,
        "elevenlabsToolSecretConfigured": False,
        "sinchEstConfigured": False,
        "phoneNumbers": [],
        "elevenlabsWebhookConfigured": False,
    }


def test_admin_may_read_but_not_save(client: httpx.Client, server: DemoServer) -> None:
    before = server.state.public_config()
    assert get_config(client, ADMIN).status_code == 200

    response = post_config(client, {"sinchEstTrunkId": "trunk-admin"}, ADMIN)

    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Superadmin access required"}
    assert server.state.public_config() == before
    assert server.state.received_posts == []


def test_post_without_token_is_refused(client: httpx.Client, server: DemoServer) -> None:
    response = post_config(client, {"sinchEstTrunkId": "x"}, {})
    assert response.status_code == 401
    assert response.json() == {"success": False, "error": "Invalid or expired token"}
    assert server.state.received_posts == []


def test_get_never_contains_a_stored_secret(client: httpx.Client, server: DemoServer) -> None:
    checked = [get_config(client).text]
    saved = post_config(
        client,
        {
            "elevenlabsApiKey": "sk_fresh_key_1234567890",
            "sinchEstKeyId": "fresh-key-id-1234",
            "sinchEstKeySecret": "fresh-key-secret-1234",
            "generateToolSecret": True,
        },
    )
    assert saved.status_code == 200
    checked.append(get_config(client).text)
    checked.append(get_config(client, ADMIN).text)
    for raw in checked:
        for name in SECRET_NAMES:
            value = server.state.secret(name)
            assert value, f"{name} should be stored for this test to mean anything"
            assert value not in raw, f"GET leaked {name}"


# --- saving the configuration ----------------------------------------------------------


def test_save_answers_the_simple_success_body(client: httpx.Client) -> None:
    response = post_config(client, {"sinchEstTrunkId": "trunk-new"})
    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert response.json() == {"success": True, "message": "Configuration saved"}


def test_partial_update_changes_only_the_supplied_fields(
    client: httpx.Client, server: DemoServer
) -> None:
    before = get_config(client).json()
    secrets_before = stored_secrets(server.state)

    post_config(client, {"sinchEstTrunkId": "trunk-new", "sinchEstKeySecret": "new-secret"})

    after = get_config(client).json()
    assert {key for key in after if after[key] != before[key]} == {"sinchEstTrunkId"}
    assert after["sinchEstTrunkId"] == "trunk-new"
    secrets_after = stored_secrets(server.state)
    changed = {name for name in SECRET_NAMES if secrets_after[name] != secrets_before[name]}
    assert changed == {"sinchEstKeySecret"}
    assert secrets_after["sinchEstKeySecret"] == "new-secret"
    assert server.state.received_posts == [
        {"sinchEstTrunkId": "trunk-new", "sinchEstKeySecret": "new-secret"}
    ]


def test_null_clears_the_provider(client: httpx.Client) -> None:
    assert post_config(client, {"aiVoiceProvider": None}).status_code == 200
    body = get_config(client).json()
    assert body["aiVoiceProvider"] is None
    assert body["elevenlabsApiKeyConfigured"] is True


def test_generate_tool_secret_stores_a_fresh_64_hex_secret(
    client: httpx.Client, server: DemoServer
) -> None:
    old = server.state.secret("elevenlabsToolSecret")
    assert post_config(client, {"generateToolSecret": True}).status_code == 200
    new = server.state.secret("elevenlabsToolSecret")
    assert new is not None and HEX_64.match(new)
    assert new != old
    assert get_config(client).json()["elevenlabsToolSecretConfigured"] is True


def test_generate_tool_secret_false_changes_nothing(
    client: httpx.Client, server: DemoServer
) -> None:
    old = server.state.secret("elevenlabsToolSecret")
    assert post_config(client, {"generateToolSecret": False}).status_code == 200
    assert server.state.secret("elevenlabsToolSecret") == old


def test_saves_on_an_empty_org_turn_the_flags_on(empty_server: DemoServer) -> None:
    with http_client(empty_server.url) as http:
        post_config(http, {"sinchEstKeyId": "key-id"})
        assert get_config(http).json()["sinchEstConfigured"] is False  # secret still missing
        post_config(http, {"sinchEstKeySecret": "key-secret", "elevenlabsApiKey": "sk_x"})
        body = get_config(http).json()
    assert body["sinchEstConfigured"] is True
    assert body["elevenlabsApiKeyConfigured"] is True
    # The real server configures the ElevenLabs webhook after a save with a key.
    assert body["elevenlabsWebhookConfigured"] is True
    assert empty_server.state.secret("webhookSecret")


def test_unknown_fields_are_accepted_and_ignored(client: httpx.Client, server: DemoServer) -> None:
    before = server.state.public_config()
    response = post_config(client, {"futureField": 1, "elevenlabsToolSecret": "mine"})
    assert response.status_code == 200
    assert server.state.public_config() == before
    assert server.state.secret("elevenlabsToolSecret") != "mine"
    assert server.state.ignored_keys == ["futureField", "elevenlabsToolSecret"]
    assert server.state.received_posts == [{"futureField": 1, "elevenlabsToolSecret": "mine"}]


def test_an_empty_body_is_an_empty_update(client: httpx.Client, server: DemoServer) -> None:
    before = server.state.public_config()
    response = client.post(CONFIG_PATH, headers=SUPERADMIN)
    assert response.status_code == 200
    assert server.state.public_config() == before


STRING_FIELDS = (
    "elevenlabsApiKey",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
)
WRONG_TYPES = [
    *[(name, 123, "Expected string, received number") for name in STRING_FIELDS],
    ("sinchEstTrunkId", None, "Expected string, received null"),
    ("elevenlabsApiKey", True, "Expected string, received boolean"),
    ("sinchEstProjectId", ["a"], "Expected string, received array"),
    ("sinchEstTrunkDomain", {"a": 1}, "Expected string, received object"),
    ("aiVoiceProvider", 5, "Expected string, received number"),
    ("aiVoiceProvider", False, "Expected string, received boolean"),
    ("generateToolSecret", "true", "Expected boolean, received string"),
    ("generateToolSecret", 1, "Expected boolean, received number"),
    ("generateToolSecret", None, "Expected boolean, received null"),
]


@pytest.mark.parametrize(("field", "value", "message"), WRONG_TYPES)
def test_a_wrong_type_is_refused_and_nothing_is_applied(
    client: httpx.Client, server: DemoServer, field: str, value: object, message: str
) -> None:
    before, secrets_before = server.state.public_config(), stored_secrets(server.state)
    # A valid field beside the bad one must not be applied either.
    other = "sinchEstTrunkId" if field != "sinchEstTrunkId" else "sinchEstProjectId"

    response = post_config(client, {other: "would-change", field: value})

    assert response.status_code == 400
    assert media_type(response) == "application/json"
    assert response.json() == {
        "success": False,
        "error": {
            "code": "VALIDATION_ERROR",
            "message": "Invalid request body",
            "details": [{"field": field, "message": message}],
        },
        "code": "VALIDATION_ERROR",
    }
    assert server.state.public_config() == before
    assert stored_secrets(server.state) == secrets_before


def test_every_bad_field_gets_its_own_detail(client: httpx.Client) -> None:
    response = post_config(
        client, {"aiVoiceProvider": 1, "generateToolSecret": "yes", "sinchEstKeyId": 2}
    )
    details = response.json()["error"]["details"]
    assert [detail["field"] for detail in details] == [
        "aiVoiceProvider",
        "generateToolSecret",
        "sinchEstKeyId",
    ]


def test_invalid_json_is_a_structured_400(client: httpx.Client, server: DemoServer) -> None:
    response = client.post(
        CONFIG_PATH,
        content=b'{"sinchEstTrunkId": ',
        headers={**SUPERADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert body["code"] == "INVALID_JSON"
    assert body["error"]["code"] == "INVALID_JSON"
    assert isinstance(body["error"]["message"], str)
    assert server.state.received_posts == []


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"null", b"3"])
def test_a_body_that_is_not_an_object_is_refused(client: httpx.Client, body: bytes) -> None:
    response = client.post(CONFIG_PATH, content=body, headers=SUPERADMIN)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_BODY"


def test_mutate_simulates_another_admin(client: httpx.Client, server: DemoServer) -> None:
    server.state.mutate(sinchEstTrunkId="changed-elsewhere", aiVoiceProvider=None)
    body = get_config(client).json()
    assert body["sinchEstTrunkId"] == "changed-elsewhere"
    assert body["aiVoiceProvider"] is None
    with pytest.raises(InvalidUpdate):
        server.state.mutate(sinchEstTrunkId=5)
    assert server.state.received_posts == []  # only HTTP POSTs are recorded


def test_secret_rejects_unknown_names() -> None:
    with pytest.raises(KeyError):
        DemoState.seeded().secret("aiVoiceProvider")


def test_concurrent_saves_are_all_recorded(client: httpx.Client, server: DemoServer) -> None:
    def save(index: int) -> int:
        return post_config(client, {"sinchEstTrunkId": f"trunk-{index}"}).status_code

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(save(i)))  # type: ignore[misc]
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 20
    assert len(server.state.received_posts) == 20


# --- authentication routes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "password", "token", "role"),
    [
        ("superadmin@demo.tether.test", "demo-superadmin-password", SUPERADMIN_TOKEN, "SUPERADMIN"),
        ("admin@demo.tether.test", "demo-admin-password", ADMIN_TOKEN, "ADMIN"),
    ],
)
def test_login_returns_token_and_user(
    client: httpx.Client, email: str, password: str, token: str, role: str
) -> None:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == token
    user = body["user"]
    assert set(user) == {"id", "email", "fullName", "organizationId", "accessRole"}
    assert user["email"] == email
    assert user["accessRole"] == role
    assert HEX_24.match(user["id"]) and HEX_24.match(user["organizationId"])


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("superadmin@demo.tether.test", "wrong"),
        ("nobody@demo.tether.test", "demo-superadmin-password"),
        ("admin@demo.tether.test", "demo-superadmin-password"),
    ],
)
def test_login_with_bad_credentials_is_401(client: httpx.Client, email: str, password: str) -> None:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid email or password"}


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "admin@demo.tether.test"}, {"password": "x"}, {"email": 1, "password": "x"}],
)
def test_login_without_both_fields_is_400(client: httpx.Client, body: dict[str, Any]) -> None:
    response = client.post("/api/auth/login", json=body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_verify_token(client: httpx.Client) -> None:
    assert client.get("/api/auth/verify-token", headers=SUPERADMIN).json() == {
        "message": "Token is good"
    }
    assert client.get("/api/auth/verify-token", headers=ADMIN).status_code == 200
    refused = client.get("/api/auth/verify-token", headers={"Authorization": "Bearer nope"})
    assert refused.status_code == 401
    assert refused.json() == {"error": "Invalid or expired token"}


def test_profile_says_who_the_token_belongs_to(client: httpx.Client) -> None:
    body = client.get("/api/user/profile", headers=ADMIN).json()
    assert body["persona"] is None
    assert set(body["user"]) == {"_id", "fullName", "email", "accessRole", "organizationId"}
    assert body["user"]["accessRole"] == "ADMIN"
    assert body["user"]["email"] == "admin@demo.tether.test"
    assert client.get("/api/user/profile").status_code == 401


# --- routing ---------------------------------------------------------------------------


def test_unknown_path_is_a_404_envelope(client: httpx.Client) -> None:
    for method in ("GET", "POST", "PUT"):
        response = client.request(method, "/api/auth/me", headers=SUPERADMIN)
        assert response.status_code == 404
        body = response.json()
        assert body["success"] is False and isinstance(body["error"], str)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_other_methods_on_known_paths_are_405(client: httpx.Client, method: str) -> None:
    response = client.request(method, CONFIG_PATH, headers=SUPERADMIN)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["success"] is False


def test_request_log_records_method_path_status(client: httpx.Client, server: DemoServer) -> None:
    get_config(client, {})
    client.get(f"{CONFIG_PATH}?debug=1", headers=SUPERADMIN)
    assert server.state.request_log == [("GET", CONFIG_PATH, 401), ("GET", CONFIG_PATH, 200)]


# --- faults ----------------------------------------------------------------------------


def json_body(expected: dict[str, Any]) -> Callable[[bytes], bool]:
    return lambda raw: json.loads(raw) == expected


def nginx_page(status: int) -> Callable[[bytes], bool]:
    return lambda raw: raw.startswith(b"<html>") and f"<h1>{status} ".encode() in raw


def structured_500(raw: bytes) -> bool:
    body = json.loads(raw)
    error = body["error"]
    return (
        body["success"] is False
        and body["code"] == error["code"] == "ELEVENLABS_UNREACHABLE"
        and isinstance(error["message"], str)
        and error["details"][0]["field"] == "elevenlabsApiKey"
        and isinstance(error["details"][0]["message"], str)
    )


def string_error(raw: bytes) -> bool:
    body = json.loads(raw)
    return body["success"] is False and isinstance(body["error"], str)


def is_not_json(raw: bytes) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return True
    return False


CANNED: dict[Fault, tuple[int, str, Callable[[bytes], bool]]] = {
    Fault.UNAUTHORIZED: (
        401,
        "application/json",
        json_body({"success": False, "error": "Unauthorized"}),
    ),
    Fault.FORBIDDEN: (
        403,
        "application/json",
        json_body({"success": False, "error": "Forbidden: superadmin role required"}),
    ),
    Fault.NOT_FOUND: (404, "application/json", string_error),
    Fault.RATE_LIMITED: (429, "application/json", string_error),
    Fault.SERVER_ERROR_STRING: (
        500,
        "application/json",
        json_body({"success": False, "error": "Internal server error"}),
    ),
    Fault.SERVER_ERROR_STRUCTURED: (500, "application/json", structured_500),
    Fault.BAD_GATEWAY_HTML: (502, "text/html", nginx_page(502)),
    Fault.UNAVAILABLE_HTML: (503, "text/html", nginx_page(503)),
    Fault.GATEWAY_TIMEOUT_HTML: (504, "text/html", nginx_page(504)),
    Fault.MALFORMED_JSON: (200, "application/json", lambda raw: raw == b'{"success": tru'),
    Fault.EMPTY_BODY: (200, "application/json", lambda raw: raw == b""),
    Fault.NOT_SUCCESS_200: (
        200,
        "application/json",
        json_body({"success": False, "error": "Webhook setup failed"}),
    ),
}
BEHAVIOURS = {Fault.HUGE_BODY, Fault.DELAY, Fault.DROP_CONNECTION, Fault.DROP_MID_RESPONSE}


def test_every_fault_has_a_test() -> None:
    assert set(CANNED) | BEHAVIOURS == set(Fault)


@pytest.mark.parametrize("fault", list(CANNED), ids=str)
def test_canned_fault_answers_as_promised(
    client: httpx.Client, server: DemoServer, fault: Fault
) -> None:
    status, expected_type, check = CANNED[fault]
    server.inject(fault)

    response = get_config(client)

    assert response.status_code == status
    assert media_type(response) == expected_type
    assert response.headers["content-length"] == str(len(response.content))
    assert check(response.content)
    assert get_config(client).status_code == 200  # used up


def test_malformed_json_is_really_not_json() -> None:
    canned = canned_response(Fault.MALFORMED_JSON)
    assert canned is not None and is_not_json(canned.body)


def test_rate_limit_says_when_to_retry(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.RATE_LIMITED)
    assert get_config(client).headers["retry-after"] == "5"


def test_huge_body_is_ten_megabytes_of_valid_json(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.HUGE_BODY)
    response = get_config(client)
    assert response.status_code == 200
    assert len(response.content) >= 10 * 1024 * 1024
    body = response.json()
    assert body["success"] is True
    assert isinstance(body["junk"], str)


def test_drop_is_a_transport_error(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.DROP_CONNECTION)
    with pytest.raises(httpx.RemoteProtocolError):
        get_config(client)
    assert server.state.request_log == [("GET", CONFIG_PATH, 0)]


def test_drop_mid_body_is_a_transport_error(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.DROP_MID_RESPONSE)
    with pytest.raises(httpx.RemoteProtocolError):
        get_config(client)


def test_drop_on_post_is_a_transport_error_and_saves_nothing(
    client: httpx.Client, server: DemoServer
) -> None:
    server.inject(Fault.DROP_CONNECTION, method="POST")
    with pytest.raises(httpx.TransportError):
        post_config(client, {"sinchEstTrunkId": "lost"})
    assert server.state.received_posts == []
    assert get_config(client).json()["sinchEstTrunkId"] == "trunk-demo-001"


def test_delay_is_honoured_then_answers_normally(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.DELAY, delay_seconds=0.2)
    started = time.monotonic()
    response = get_config(client)
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert response.json()["aiVoiceProvider"] == "elevenlabs"


def test_delay_before_a_post_still_saves(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.DELAY, method="POST", delay_seconds=0.05)
    assert post_config(client, {"sinchEstTrunkId": "late"}).status_code == 200
    assert get_config(client).json()["sinchEstTrunkId"] == "late"


def test_faults_come_before_auth(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.SERVER_ERROR_STRING)
    assert get_config(client, {}).status_code == 500


def test_method_filter(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.UNAVAILABLE_HTML, method="post")
    assert get_config(client).status_code == 200
    assert post_config(client, {"sinchEstTrunkId": "x"}).status_code == 503
    assert post_config(client, {"sinchEstTrunkId": "x"}).status_code == 200
    assert server.state.received_posts == [{"sinchEstTrunkId": "x"}]


def test_times(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.BAD_GATEWAY_HTML, times=2)
    assert [get_config(client).status_code for _ in range(3)] == [502, 502, 200]


def test_faults_are_used_in_order(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.UNAVAILABLE_HTML)
    server.inject(Fault.RATE_LIMITED)
    server.inject(Fault.FORBIDDEN, method="POST")
    assert [f.fault for f in server.pending_faults()] == [
        Fault.UNAVAILABLE_HTML,
        Fault.RATE_LIMITED,
        Fault.FORBIDDEN,
    ]
    # Oldest first among those matching: the first two match any method, the third POST only.
    assert post_config(client, {}).status_code == 503
    assert get_config(client).status_code == 429
    assert get_config(client).status_code == 200
    assert post_config(client, {}).status_code == 403


def test_faults_also_hit_the_auth_routes(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.GATEWAY_TIMEOUT_HTML)
    response = client.post(
        "/api/auth/login",
        json={"email": "admin@demo.tether.test", "password": "demo-admin-password"},
    )
    assert response.status_code == 504


def test_faults_spare_paths_outside_the_api(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.SERVER_ERROR_STRING)
    assert client.get("/__demo__/faults").status_code == 200
    assert client.get("/favicon.ico").status_code == 404
    assert len(server.pending_faults()) == 1


def test_clear_faults(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.SERVER_ERROR_STRING, times=5)
    server.clear_faults()
    assert server.pending_faults() == []
    assert get_config(client).status_code == 200


@pytest.mark.parametrize(
    "kwargs", [{"remaining": 0}, {"delay_seconds": -1.0}], ids=["times 0", "negative delay"]
)
def test_pending_fault_refuses_nonsense(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        PendingFault(Fault.DELAY, **kwargs)


# --- control routes --------------------------------------------------------------------


def test_control_route_injects_a_fault(client: httpx.Client) -> None:
    response = client.post(
        "/__demo__/faults", json={"fault": "429", "method": "GET", "delay": 0, "times": 2}
    )
    assert response.status_code == 200
    assert response.json()["pending"] == [
        {"fault": "429", "method": "GET", "delay": 0.0, "times": 2}
    ]
    assert post_config(client, {}).status_code == 200  # GET only
    assert [get_config(client).status_code for _ in range(3)] == [429, 429, 200]


def test_control_route_defaults_to_once_for_any_method(client: httpx.Client) -> None:
    client.post("/__demo__/faults", json={"fault": "500-structured"})
    assert client.get("/__demo__/faults").json()["pending"] == [
        {"fault": "500-structured", "method": None, "delay": 3.0, "times": 1}
    ]
    assert post_config(client, {}).status_code == 500
    assert post_config(client, {}).status_code == 200


def test_control_route_delete_clears(client: httpx.Client, server: DemoServer) -> None:
    server.inject(Fault.DROP_CONNECTION)
    server.inject(Fault.EMPTY_BODY)
    response = client.delete("/__demo__/faults")
    assert response.status_code == 200
    assert response.json() == {"success": True, "cleared": 2}
    assert get_config(client).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"fault": "418"},
        {},
        {"fault": "delay", "delay": "soon"},
        {"fault": "delay", "times": 0},
        {"fault": "404", "method": 7},
    ],
)
def test_control_route_refuses_bad_requests(
    client: httpx.Client, server: DemoServer, body: dict[str, Any]
) -> None:
    response = client.post("/__demo__/faults", json=body)
    assert response.status_code == 400
    assert isinstance(response.json()["error"], str)
    assert server.pending_faults() == []


def test_unknown_fault_error_lists_the_choices(client: httpx.Client) -> None:
    error = client.post("/__demo__/faults", json={"fault": "418"}).json()["error"]
    assert all(fault.value in error for fault in Fault)


# --- lifecycle and hygiene -------------------------------------------------------------


def test_stop_is_prompt_while_a_delayed_request_waits(server: DemoServer) -> None:
    server.inject(Fault.DELAY, delay_seconds=30)
    outcome: list[BaseException | int] = []

    def slow_request() -> None:
        try:
            with http_client(server.url, timeout=10) as http:
                outcome.append(get_config(http).status_code)
        except httpx.TransportError as error:
            outcome.append(error)

    requester = threading.Thread(target=slow_request)
    requester.start()
    deadline = time.monotonic() + 2
    while server.pending_faults() and time.monotonic() < deadline:
        time.sleep(0.005)  # the handler has taken the fault once the queue is empty
    assert server.pending_faults() == []

    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1
    requester.join(timeout=2)
    assert not requester.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)


def test_stop_is_idempotent_and_refuses_connections_afterwards() -> None:
    server = DemoServer().start()
    url = server.url
    server.stop()
    server.stop()
    with pytest.raises(httpx.ConnectError):
        http_client(url, timeout=2).get(CONFIG_PATH)
    with pytest.raises(RuntimeError):
        server.start()


def test_port_is_unknown_before_start() -> None:
    server = DemoServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.stop()  # stopping a server that never started is harmless


def test_port_zero_picks_distinct_free_ports() -> None:
    with DemoServer() as first, DemoServer() as second:
        assert first.port != second.port
        assert first.url == f"http://127.0.0.1:{first.port}"
        with http_client(second.url) as http:
            assert get_config(http).status_code == 200


def test_default_state_is_the_seeded_demo() -> None:
    assert DemoServer().state.public_config() == DemoState.seeded().public_config()


def _handler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "process_request_thread" in t.name]


def test_nothing_is_written_to_stderr(
    server: DemoServer, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    server.inject(Fault.DROP_CONNECTION)
    with pytest.raises(httpx.TransportError):
        get_config(client)
    get_config(client)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as raw:
        raw.sendall(b"NONSENSE\r\n\r\n")  # not a request line: the 400 path
        raw.recv(1024)
    server.inject(Fault.HUGE_BODY)
    with socket.create_connection(("127.0.0.1", server.port), timeout=2) as raw:
        raw.sendall(f"GET {CONFIG_PATH} HTTP/1.0\r\n\r\n".encode())
        raw.recv(1024)  # then hang up mid-body: the server's write fails
    deadline = time.monotonic() + 3
    while _handler_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_log_hook_gets_request_lines_only() -> None:
    lines: list[str] = []
    with DemoServer(log=lines.append) as server, http_client(server.url) as http:
        post_config(http, {"elevenlabsApiKey": "sk_must_not_be_logged"})
        get_config(http, {})
        server.inject(Fault.DROP_CONNECTION)
        with pytest.raises(httpx.TransportError):
            get_config(http)
    assert lines == [f"POST {CONFIG_PATH} 200", f"GET {CONFIG_PATH} 401", f"GET {CONFIG_PATH} 0"]


def test_server_imports_only_the_standard_library() -> None:
    # An independent oracle, cheap to start: no client code, no third-party imports.
    demo = Path(__file__).parents[1] / "tui" / "demo"
    servers = ("server.py", "faults.py", "loopback.py", "routing.py", "accounts.py", "state.py")
    # Not stack.py: it wires the servers to the app (check settings pointing at them).
    stand_ins = ("elevenlabs.py", "sinch.py", "numbers_data.py", "numbers_routes.py")
    for source in servers + stand_ins:
        tree = ast.parse((demo / source).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                allowed = top in sys.stdlib_module_names or name.startswith("tui.demo")
                assert allowed, f"{source} imports {name}"


def test_cli_serves_until_interrupted() -> None:
    argv = ["demo-server", "--tether-only", "--port", "0", "--fault", "503-html", "--empty"]
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = "".join(process.stdout.readline() for _ in range(7))
        url = re.search(r"http://127\.0\.0\.1:\d+", banner)
        assert url, banner
        assert SUPERADMIN_TOKEN in banner and ADMIN_TOKEN in banner and "curl" in banner
        with http_client(url.group(0)) as http:
            assert get_config(http).status_code == 503
            assert get_config(http).json()["aiVoiceProvider"] is None  # --empty
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
    # Ended by Ctrl+C (the shell shows 130), saying so in one line (tests/test_signals.py).
    assert process.returncode == -signal.SIGINT, err
    assert (
        err.strip()
        == "tether-voice: interrupted (Ctrl+C) while running the demo server (it has stopped)."
    )
    assert f"GET {CONFIG_PATH} 503" in out and f"GET {CONFIG_PATH} 200" in out
