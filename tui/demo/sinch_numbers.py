"""A stand-in for Sinch's Numbers API: where a number's voice routing is read.

``numbers.api.sinch.com`` in life [DOC SN-SDK domain-helper.ts], a third server sharing
the Sinch stand-ins' :class:`~tui.demo.sinch.SinchState`: the tokens ``auth.sinch.com``
issues open it, and the numbers the demo stack put there are what it answers. Written
from the team's notes on the wiring checks, not from the app's client: stdlib only,
nothing from ``tui.api`` or ``tui.checks``. Labels as in the other stand-ins: [DOC]
documented by Sinch (its SDK's models and tests), [SEEN] seen in public code,
[INFERRED] reasoned, not seen.

One route, read-only: ``GET /v1/projects/{projectId}/activeNumbers/{+E164}``. Assigning
a number to a trunk is a ``PATCH`` of the same path [DOC]; this stand-in has no write
route at all (a write is answered 405 and stays in the request records).
"""

from __future__ import annotations

from urllib.parse import unquote

from tui.demo.loopback import JsonHandler, LoopbackServer, RouteTable
from tui.demo.sinch import SinchState

__all__ = ["NUMBERS_ROUTES", "SinchNumbersStandIn"]

_STATUS_NAMES = {401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}


def _state(request: JsonHandler) -> SinchState:
    state = request.owner.state
    assert isinstance(state, SinchState)
    return state


def _error(request: JsonHandler, status: int, message: str) -> None:
    # {error: {code, message, status, details}} [DOC Numbers error codes; SN-SDK
    # NotFoundError: code "404", status "NOT_FOUND"]. The code as a number and the
    # 401/403 status names are [INFERRED].
    request.send_json(
        status,
        {
            "error": {
                "code": status,
                "message": message,
                "status": _STATUS_NAMES.get(status, "UNKNOWN"),
                "details": [],
            }
        },
    )


def _get_active_number(request: JsonHandler, body: bytes) -> None:
    # Bearer token from the OAuth server, same key as EST: both are project-scoped
    # [DOC sinch-authentication skill]. Basic auth is not accepted here [INFERRED: the
    # stand-in's choice, so a client that sent the key pair would be refused, and seen].
    state = _state(request)
    project_id = request.path_params["projectId"]
    scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
    allowed = state.token_project(token.strip()) if scheme.lower() == "bearer" else None
    if allowed is None:
        _error(request, 401, "Request had invalid authentication credentials.")
        return
    if allowed != project_id:
        _error(request, 403, "The credentials may not access this project.")
        return
    # The SDK puts "+E164" in the path as is [DOC]; "%2B" decodes to the same [INFERRED].
    number = unquote(request.path_params["phoneNumber"])
    record = state.active_number(project_id, number)
    if record is None:
        # A number the project does not have [INFERRED: the message text].
        _error(request, 404, f"Number {number} not found in project {project_id}.")
        return
    request.send_json(200, record)


NUMBERS_ROUTES: RouteTable = {
    "/v1/projects/{projectId}/activeNumbers/{phoneNumber}": {"GET": _get_active_number},
}


class SinchNumbersStandIn(LoopbackServer[SinchState]):
    """The Numbers API; faults spoil ``/v1/`` requests."""

    name = "sinch-numbers"
    ROUTES = NUMBERS_ROUTES
    FAULT_PREFIX = "/v1/"

    def default_state(self) -> SinchState:
        return SinchState()
