"""Stand-ins for Sinch: the OAuth token server and the Elastic SIP Trunking (EST) API.

Two servers, as in life (``auth.sinch.com`` and ``elastic-trunking.api.sinch.com``),
sharing one :class:`SinchState`: the tokens the first issues are what the second
accepts. Written from the team's notes on credential checks, not from the app's client:
stdlib only, nothing from ``tui.api`` or ``tui.checks``. Each behaviour carries the
notes' label: [DOC] documented by Sinch, [SEEN] seen in Sinch's SDK or skills,
[INFERRED] reasoned, not seen.

The demo values (:data:`GOOD_KEY_ID` and the rest) are published constants; the good
pair belongs to the Tether demo's seeded project, whose trunk ``trunk-demo-001`` has the
seeded form's domain and whose ``trunk-demo-002`` does not.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tui.demo.loopback import JsonHandler, LoopbackServer, RouteTable

__all__ = [
    "DEMO_PROJECT_ID",
    "GOOD_KEY_ID",
    "GOOD_KEY_SECRET",
    "MATCHING_TRUNK_ID",
    "MISMATCHED_TRUNK_DOMAIN",
    "MISMATCHED_TRUNK_ID",
    "OTHER_KEY_ID",
    "OTHER_KEY_SECRET",
    "OTHER_PROJECT_ID",
    "SinchAuthStandIn",
    "SinchEstStandIn",
    "SinchState",
]

DEMO_PROJECT_ID = "3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91"
"""The Tether demo's seeded project."""
OTHER_PROJECT_ID = "9a4e2c7b-1f3d-4b8a-8c6e-5d0f1a2b3c4d"

GOOD_KEY_ID = "demo-est-key-id-5b2e"
GOOD_KEY_SECRET = "demo-est-key-secret-a91c"
OTHER_KEY_ID = "demo-est-other-key-id-7d40"
OTHER_KEY_SECRET = "demo-est-other-key-secret-3f6b"

MATCHING_TRUNK_ID = "trunk-demo-001"
MISMATCHED_TRUNK_ID = "trunk-demo-002"
MISMATCHED_TRUNK_DOMAIN = "demo-org-2.pstn.sinch.com"

TOKEN_SECONDS = 3600
"""A token is "useable for one hour" [DOC numbers/authentication/oauth]."""


@dataclass(frozen=True)
class _Key:
    secret: str
    project_id: str


def _trunk(trunk_id: str, host: str, tld: str, project_id: str) -> dict[str, Any]:
    # The SipTrunk model [SEEN sinch-sdk-node sip-trunk.ts]: domain = hostName + TLD.
    return {
        "id": trunk_id,
        "name": f"Demo {trunk_id}",
        "hostName": host,
        "topLevelDomain": tld,
        "domain": f"{host}.{tld}",
        "callsPerSecond": 1,
        "enableCallerName": False,
        "createTime": "2025-01-15T10:00:00Z",
        "updateTime": "2025-01-15T10:00:00Z",
        "projectId": project_id,
    }


class SinchState:
    """Keys, projects with their trunks, and the tokens issued."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.keys = {
            GOOD_KEY_ID: _Key(GOOD_KEY_SECRET, DEMO_PROJECT_ID),
            OTHER_KEY_ID: _Key(OTHER_KEY_SECRET, OTHER_PROJECT_ID),
        }
        self.trunks: dict[str, dict[str, dict[str, Any]]] = {
            DEMO_PROJECT_ID: {
                MATCHING_TRUNK_ID: _trunk(
                    MATCHING_TRUNK_ID, "demo-org", "elastic-sip.sinch.com", DEMO_PROJECT_ID
                ),
                # The two suffixes the sources disagree on [DOC vs SEEN], one each.
                MISMATCHED_TRUNK_ID: _trunk(
                    MISMATCHED_TRUNK_ID, "demo-org-2", "pstn.sinch.com", DEMO_PROJECT_ID
                ),
            },
            OTHER_PROJECT_ID: {
                "trunk-other-001": _trunk(
                    "trunk-other-001", "other-org", "pstn.sinch.com", OTHER_PROJECT_ID
                )
            },
        }
        self._tokens: dict[str, tuple[str, float]] = {}

    def key_project(self, key_id: str, secret: str) -> str | None:
        """The project of a key pair, or None when the pair is wrong."""
        key = self.keys.get(key_id)
        if key is None or not secrets.compare_digest(key.secret, secret):
            return None
        return key.project_id

    def issue_token(self, project_id: str) -> str:
        token = "demo-sinch-token-" + secrets.token_hex(12)
        with self._lock:
            self._tokens[token] = (project_id, time.monotonic() + TOKEN_SECONDS)
        return token

    def token_project(self, token: str) -> str | None:
        with self._lock:
            found = self._tokens.get(token)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]


def _state(request: JsonHandler) -> SinchState:
    state = request.owner.state
    assert isinstance(state, SinchState)
    return state


def _basic_credentials(request: JsonHandler) -> tuple[str, str] | None:
    scheme, _, encoded = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key_id, colon, secret = decoded.partition(":")
    return (key_id, secret) if colon else None


# --- auth.sinch.com ------------------------------------------------------------------------


def _token(request: JsonHandler, body: bytes) -> None:
    # POST /oauth2/token, Basic key ID : key secret, form body grant_type=client_credentials
    # [DOC numbers/authentication/oauth; SEEN sinch-sdk-node oauth2-api.ts].
    credentials = _basic_credentials(request)
    project = _state(request).key_project(*credentials) if credentials else None
    if project is None:
        # Sinch's own failure body is [NOT FOUND]; RFC 6749 §5.2's is used [INFERRED].
        request.send_json(
            401,
            {"error": "invalid_client", "error_description": "Client authentication failed"},
            ("WWW-Authenticate", 'Basic realm="sinch"'),
        )
        return
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    if form.get("grant_type") != "client_credentials":
        request.send_json(400, {"error": "unsupported_grant_type"})  # [INFERRED RFC 6749]
        return
    # {access_token, expires_in, scope, token_type} [SEEN SDK; sinch/skills example].
    request.send_json(
        200,
        {
            "access_token": _state(request).issue_token(project),
            "expires_in": TOKEN_SECONDS - 1,
            "scope": "",
            "token_type": "bearer",
        },
    )


AUTH_ROUTES: RouteTable = {"/oauth2/token": {"POST": _token}}


# --- elastic-trunking.api.sinch.com --------------------------------------------------------


def _error(request: JsonHandler, status: int, code: str, message: str) -> None:
    # Sinch's EST error bodies are [NOT FOUND]; the codes are from Sinch's own skill
    # (VALIDATION_FAILED, NO_RESOURCE_FOUND, CREDENTIAL_NOT_FOUND) [SEEN].
    request.send_json(status, {"code": code, "message": message})


def _get_trunk(request: JsonHandler, body: bytes) -> None:
    # GET /v1/projects/{projectId}/trunks/{trunkId} [SEEN SDK GetSipTrunkById].
    state = _state(request)
    project_id = request.path_params["projectId"]
    trunk_id = request.path_params["trunkId"]
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer":
        allowed = state.token_project(token.strip())
    else:
        # Basic auth works on EST but is test-only and heavily rate-limited [DOC]: kept
        # here so a test can prove the client never uses it.
        credentials = _basic_credentials(request)
        allowed = state.key_project(*credentials) if credentials else None
    if allowed is None:
        _error(request, 401, "CREDENTIAL_NOT_FOUND", "Invalid or expired credentials")
        return
    if allowed != project_id:
        # A key of another project [INFERRED: 401/403/404 expected, bodies NOT FOUND].
        _error(request, 403, "PERMISSION_DENIED", "The credentials may not access this project")
        return
    trunk = state.trunks.get(project_id, {}).get(trunk_id)
    if trunk is None:
        _error(request, 404, "NO_RESOURCE_FOUND", f"SIP trunk {trunk_id} not found")  # [SEEN]
        return
    request.send_json(200, dict(trunk))


EST_ROUTES: RouteTable = {"/v1/projects/{projectId}/trunks/{trunkId}": {"GET": _get_trunk}}


class SinchAuthStandIn(LoopbackServer[SinchState]):
    """The token server; faults spoil ``/oauth2/`` requests."""

    name = "sinch-auth"
    ROUTES = AUTH_ROUTES
    FAULT_PREFIX = "/oauth2/"

    def default_state(self) -> SinchState:
        return SinchState()


class SinchEstStandIn(LoopbackServer[SinchState]):
    """The Elastic SIP Trunking API; faults spoil ``/v1/`` requests."""

    name = "sinch-est"
    ROUTES = EST_ROUTES
    FAULT_PREFIX = "/v1/"

    def default_state(self) -> SinchState:
        return SinchState()
