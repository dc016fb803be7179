"""The demo server's fault injection: each fault answers as promised, in order, by route."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.demo_server.support import get_config, media_type, post_config
from tui.demo.faults import Fault, PendingFault, canned_response
from tui.demo.server import CONFIG_PATH, DemoServer

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
