"""Stand-ins for Sinch: the OAuth token server and the Elastic SIP Trunking (EST) API.

Two servers, as in life (``auth.sinch.com`` and ``elastic-trunking.api.sinch.com``),
sharing one :class:`SinchState`: the tokens the first issues are what the second
accepts (and the Numbers API's stand-in, :mod:`tui.demo.sinch_numbers`, a third). Written from the team's notes on credential checks, not from the app's client:
stdlib only, nothing from ``tui.api`` or ``tui.checks``. Each behaviour carries the
notes' label: [DOC] documented by Sinch, [SEEN] seen in Sinch's SDK or skills,
[INFERRED] reasoned, not seen.

The demo values (:data:`GOOD_KEY_ID` and the rest) are published constants; the good
pair belongs to the Tether demo's seeded project, whose trunk ``trunk-demo-001`` has the
seeded form's domain and whose ``trunk-demo-002`` does not. The trunks' endpoints,
credential lists and ACLs are :mod:`tui.demo.sinch_world`'s; which numbers are on which
trunk is put here by the demo stack (:mod:`tui.demo.wiring_world`), from the Tether
demo's numbers.

The EST lists page as Sinch's ``PAGE2`` lists do: query ``page`` (from 1) and ``size``
(``pageSize`` in older SDK docs, also taken), answer ``{totalItems, pageNumber,
pageSize, <items>}`` [DOC SN-SDK api-client-pagination-helper.ts].
"""

from __future__ import annotations

import base64
import binascii
import copy
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from tui.demo.loopback import JsonHandler, LoopbackServer, RouteTable
from tui.demo.sinch_world import Infrastructure, infrastructure

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

DEFAULT_PAGE_SIZE = 100
"""Items per page when ``size`` is not given [INFERRED: Sinch's default is NOT FOUND; an
example answer shows pageSize 500 [DOC], so a client must page, not trust one answer]."""
MAX_PAGE_SIZE = 1000
"""The largest ``size`` taken: call records allow 1000 [DOC]; the others [INFERRED]."""

Json = dict[str, Any]


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
        self.infrastructure: dict[str, Infrastructure] = {
            DEMO_PROJECT_ID: infrastructure(
                DEMO_PROJECT_ID, MATCHING_TRUNK_ID, MISMATCHED_TRUNK_ID
            ),
            OTHER_PROJECT_ID: Infrastructure(),
        }
        self._est_numbers: dict[str, dict[str, Json]] = {}
        """Project -> E.164 -> the number's EST record (which trunk it is on)."""
        self._active_numbers: dict[str, dict[str, Json]] = {}
        """Project -> E.164 -> the Numbers API's record (its voice routing)."""
        self._tokens: dict[str, tuple[str, float]] = {}

    # --- numbers: put by the demo stack, read by the EST and Numbers stand-ins ---

    def put_est_number(self, project_id: str, record: Json) -> None:
        """Put a number on a trunk (``record`` as :func:`~tui.demo.sinch_world.est_number`)."""
        with self._lock:
            numbers = self._est_numbers.setdefault(project_id, {})
            numbers[record["phoneNumber"]] = copy.deepcopy(record)

    def remove_est_number(self, project_id: str, number: str) -> None:
        with self._lock:
            self._est_numbers.get(project_id, {}).pop(number, None)

    def est_number(self, project_id: str, number: str) -> Json | None:
        with self._lock:
            found = self._est_numbers.get(project_id, {}).get(number)
            return copy.deepcopy(found) if found is not None else None

    def est_numbers(self, project_id: str, trunk_id: str | None = None) -> list[Json]:
        """The project's EST numbers (on ``trunk_id`` when given), by number: a stable
        order, so pages do not shift between requests [INFERRED]."""
        with self._lock:
            numbers = self._est_numbers.get(project_id, {})
            chosen = [
                copy.deepcopy(record)
                for _number, record in sorted(numbers.items())
                if trunk_id is None or record["sipTrunkId"] == trunk_id
            ]
        return chosen

    def put_active_number(self, project_id: str, record: Json) -> None:
        """Add or replace a number of the project in the Numbers API."""
        with self._lock:
            numbers = self._active_numbers.setdefault(project_id, {})
            numbers[record["phoneNumber"]] = copy.deepcopy(record)

    def set_voice(self, project_id: str, number: str, voice: Json) -> bool:
        """Change a number's voice routing; False when the project does not have it."""
        with self._lock:
            record = self._active_numbers.get(project_id, {}).get(number)
            if record is None:
                return False
            record["voiceConfiguration"] = copy.deepcopy(voice)
            return True

    def active_number(self, project_id: str, number: str) -> Json | None:
        with self._lock:
            found = self._active_numbers.get(project_id, {}).get(number)
            return copy.deepcopy(found) if found is not None else None

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


_STATUS_NAMES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
}


def _error(request: JsonHandler, status: int, code: str, message: str) -> None:
    # {code, status, message, details[]}: "error code", "response status name", "a
    # developer-facing error message", "details of the errors" [DOC est/api-reference/
    # errors]. The codes are from Sinch's own skill (VALIDATION_FAILED,
    # NO_RESOURCE_FOUND, CREDENTIAL_NOT_FOUND) [SEEN]; the 401/403 texts [INFERRED].
    request.send_json(
        status,
        {
            "code": code,
            "status": _STATUS_NAMES.get(status, "ERROR"),
            "message": message,
            "details": [],
        },
    )


def _project(request: JsonHandler) -> str | None:
    """The path's project when the request may read it, else None (the refusal is sent)."""
    state = _state(request)
    project_id = request.path_params["projectId"]
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
        return None
    if allowed != project_id:
        # A key of another project [INFERRED: 401/403/404 expected, bodies NOT FOUND].
        _error(request, 403, "PERMISSION_DENIED", "The credentials may not access this project")
        return None
    return project_id


def _trunk_of(request: JsonHandler) -> tuple[str, str] | None:
    """(project, trunk) of a trunk's sub-resource, or None (401/403/404 sent)."""
    project_id = _project(request)
    if project_id is None:
        return None
    trunk_id = request.path_params["trunkId"]
    if trunk_id not in _state(request).trunks.get(project_id, {}):
        _error(request, 404, "NO_RESOURCE_FOUND", f"SIP trunk {trunk_id} not found")  # [SEEN]
        return None
    return project_id, trunk_id


def _send_page(request: JsonHandler, items: list[Json] | list[str], data_key: str) -> None:
    """One PAGE2 page of ``items`` [DOC SN-SDK pagination helper]; a page past the end is
    empty, with the total [INFERRED]; a bad ``page``/``size`` is a 400 [INFERRED]."""
    query = request.query()
    raw_page = query.get("page") or "1"
    raw_size = query.get("size") or query.get("pageSize") or str(DEFAULT_PAGE_SIZE)
    if not (
        raw_page.isascii() and raw_page.isdigit() and raw_size.isascii() and raw_size.isdigit()
    ):
        _error(request, 400, "VALIDATION_FAILED", "page and size must be whole numbers")
        return
    page, size = int(raw_page), int(raw_size)
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        _error(
            request,
            400,
            "VALIDATION_FAILED",
            f"page must be at least 1 and size from 1 to {MAX_PAGE_SIZE}",
        )
        return
    start = (page - 1) * size
    request.send_json(
        200,
        {
            "totalItems": len(items),
            "pageNumber": page,
            "pageSize": size,
            data_key: list(items[start : start + size]),
        },
    )


def _get_trunk(request: JsonHandler, body: bytes) -> None:
    # GET /v1/projects/{projectId}/trunks/{trunkId} [SEEN SDK GetSipTrunkById].
    found = _trunk_of(request)
    if found is not None:
        project_id, trunk_id = found
        request.send_json(200, dict(_state(request).trunks[project_id][trunk_id]))


def _list_endpoints(request: JsonHandler, body: bytes) -> None:
    # GET .../trunks/{trunkId}/endpoints, dataKey `endpoints` [DOC SN-SDK sip-endpoints-api.ts].
    found = _trunk_of(request)
    if found is not None:
        project_id, trunk_id = found
        world = _state(request).infrastructure.get(project_id, Infrastructure())
        _send_page(request, copy.deepcopy(world.endpoints.get(trunk_id, [])), "endpoints")


def _list_credential_lists(request: JsonHandler, body: bytes) -> None:
    # GET .../trunks/{trunkId}/credentialLists, dataKey `credentialLists`; usernames, never
    # passwords [DOC SN-SDK credential-list.ts].
    found = _trunk_of(request)
    if found is not None:
        project_id, trunk_id = found
        world = _state(request).infrastructure.get(project_id, Infrastructure())
        lists = copy.deepcopy(world.credential_lists.get(trunk_id, []))
        _send_page(request, lists, "credentialLists")


def _list_trunk_acls(request: JsonHandler, body: bytes) -> None:
    # GET .../trunks/{trunkId}/accessControlLists, dataKey `accessControlListIds`: IDs
    # only, each read with GET /accessControlLists/{id} [DOC SN-SDK].
    found = _trunk_of(request)
    if found is not None:
        project_id, trunk_id = found
        world = _state(request).infrastructure.get(project_id, Infrastructure())
        _send_page(request, list(world.trunk_acls.get(trunk_id, [])), "accessControlListIds")


def _get_acl(request: JsonHandler, body: bytes) -> None:
    # GET /v1/projects/{projectId}/accessControlLists/{aclId} [DOC SN-SDK].
    project_id = _project(request)
    if project_id is None:
        return
    acl_id = request.path_params["aclId"]
    acl = _state(request).infrastructure.get(project_id, Infrastructure()).acls.get(acl_id)
    if acl is None:
        _error(request, 404, "NO_RESOURCE_FOUND", f"Access control list {acl_id} not found")
        return
    request.send_json(200, copy.deepcopy(acl))


def _list_phone_numbers(request: JsonHandler, body: bytes) -> None:
    # GET /v1/projects/{projectId}/phoneNumbers?sipTrunkId=, dataKey `phoneNumbers`
    # [DOC SN-SDK phone-numbers-api.ts]; without sipTrunkId: every EST number [INFERRED].
    project_id = _project(request)
    if project_id is None:
        return
    trunk_id = request.query().get("sipTrunkId") or None
    _send_page(request, _state(request).est_numbers(project_id, trunk_id), "phoneNumbers")


def _get_phone_number(request: JsonHandler, body: bytes) -> None:
    # GET /v1/projects/{projectId}/phoneNumbers/{+E164}: the SDK puts the raw "+" in the
    # path [DOC SN-SDK]; "%2B" is the same number once decoded [INFERRED]. Not on EST: 404.
    project_id = _project(request)
    if project_id is None:
        return
    number = unquote(request.path_params["phoneNumber"])
    record = _state(request).est_number(project_id, number)
    if record is None:
        _error(request, 404, "NO_RESOURCE_FOUND", f"Phone number {number} not found")
        return
    request.send_json(200, record)


def _no_such_path(request: JsonHandler, body: bytes) -> None:
    # GET /trunks/{trunkId}/phoneNumbers: "404 NO_RESOURCE_FOUND, That path does not
    # exist" [SEEN by the vendor, SN-SKILL diagnostics.md]; answered before auth, as an
    # unknown route is [INFERRED].
    _error(request, 404, "NO_RESOURCE_FOUND", "That path does not exist")


_PROJECT = "/v1/projects/{projectId}"
_TRUNK = _PROJECT + "/trunks/{trunkId}"

EST_ROUTES: RouteTable = {
    _TRUNK: {"GET": _get_trunk},
    _TRUNK + "/endpoints": {"GET": _list_endpoints},
    _TRUNK + "/credentialLists": {"GET": _list_credential_lists},
    _TRUNK + "/accessControlLists": {"GET": _list_trunk_acls},
    _TRUNK + "/phoneNumbers": {"GET": _no_such_path},
    _PROJECT + "/accessControlLists/{aclId}": {"GET": _get_acl},
    _PROJECT + "/phoneNumbers": {"GET": _list_phone_numbers},
    _PROJECT + "/phoneNumbers/{phoneNumber}": {"GET": _get_phone_number},
}


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
