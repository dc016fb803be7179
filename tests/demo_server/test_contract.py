"""The demo server honours the Voice AI config contract, over real loopback HTTP.

The demo server is the oracle the app's tests run against, so it gets tested on its own:
if it drifted from the contract, every test built on it would drift too. Reading,
saving, signing in and routing here; its faults and its lifecycle beside this file.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import httpx
import pytest

from tests.demo_server.support import (
    ADMIN,
    HEX_24,
    HEX_64,
    SECRET_NAMES,
    SUPERADMIN,
    get_config,
    http_client,
    media_type,
    post_config,
    stored_secrets,
)
from tui.demo.server import (
    ADMIN_TOKEN,
    CONFIG_PATH,
    SUPERADMIN_TOKEN,
    DemoServer,
    DemoState,
    InvalidUpdate,
)

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
    assert len(numbers) == 12  # four to show the table's cases, eight the wiring's problems
    assert {row["aiEnabled"] for row in numbers} == {True, False}
    assert any(row["aiAgentId"] is None for row in numbers)
    for row in numbers:
        assert set(row) == {"userId", "phoneNumber", "aiEnabled", "aiAgentId"}
        assert HEX_24.match(row["userId"])
        assert re.match(r"^\+141655501\d\d$", row["phoneNumber"])
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
