"""The demo's phone-number toggle and agent list, from the contract's notes.

``POST /api/calls/voice-ai/phone-number/toggle`` (superadmin) and ``GET /api/prompts/user``
(any signed-in user; a bare array). Registered into the Tether server's route table
(``TETHER_ROUTES``), so the server's fault injection, which spoils every ``/api/`` path,
applies to both.

What is documented and what is this demo's own reading:

- Documented: the body ``{userId, phoneNumber, aiEnabled, aiAgentId?}``; ``phoneNumber``
  matches the stored entry exactly; ``aiAgentId`` is required to enable and to switch the
  agent of a number already on; 200 ``{success: true, message}``; enabling checks the
  trunk and the agent's sync and fails fast without writing; the codes
  ``NUMBER_NOT_ON_TRUNK``, ``AGENT_NOT_SYNCED`` and ``OUTBOUND_IN_FLIGHT``.
- Inferred here (the reference documents no error status or body for this route): the
  usual envelope; 401 for a missing token or a non-superadmin (as the config POST); 400
  with a structured ``VALIDATION_ERROR`` for a bad body; 404 for a number or agent the
  organization does not have; 400 for the trunk and sync codes, 409 for a call in flight;
  disabling keeps the number's ``aiAgentId`` (as the seeded data shows a disabled number
  that still names one); a call in flight blocks any change to its number.
"""

from __future__ import annotations

import json
from typing import Any

from tui.demo.accounts import user_by_token
from tui.demo.loopback import JsonHandler, RouteTable
from tui.demo.numbers_data import NumbersData
from tui.demo.state import DemoState, InvalidUpdate

TOGGLE_PATH = "/api/calls/voice-ai/phone-number/toggle"
PROMPTS_PATH = "/api/prompts/user"

Json = dict[str, Any]

__all__ = ["NUMBERS_ROUTES", "PROMPTS_PATH", "TOGGLE_PATH", "toggle_number"]


def _caller_role(request: JsonHandler) -> tuple[str, str] | None:
    """(user id, access role) of the bearer token's demo account, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_by_token(token.strip()) if scheme.lower() == "bearer" else None
    return (user.id, user.access_role) if user else None


def _state(request: JsonHandler) -> DemoState:
    state = request.owner.state
    assert isinstance(state, DemoState)
    return state


def _error(message: str, code: str | None = None) -> Json:
    answer: Json = {"success": False, "error": message}
    if code:
        answer["code"] = code
    return answer


def _validate(body: object) -> Json:
    """The body's fields and types, or InvalidUpdate listing every bad field."""
    if not isinstance(body, dict):
        raise InvalidUpdate("INVALID_BODY", "Request body must be a JSON object")
    details: list[dict[str, str]] = []
    for name in ("userId", "phoneNumber"):
        if not isinstance(body.get(name), str) or not body[name]:
            details.append({"field": name, "message": "Required: a non-empty string"})
    if not isinstance(body.get("aiEnabled"), bool):
        details.append({"field": "aiEnabled", "message": "Required: true or false"})
    agent = body.get("aiAgentId")
    if agent is not None and (not isinstance(agent, str) or not agent):
        details.append({"field": "aiAgentId", "message": "Expected a non-empty string"})
    if details:
        raise InvalidUpdate("VALIDATION_ERROR", "Invalid request body", details)
    return body


def toggle_number(
    data: NumbersData, rows: list[Json], body: Json, trunk: str | None
) -> tuple[int, Json]:
    """Apply one validated toggle to the stored ``rows``: (status, answer). Called under
    the state's lock, so the checks and the write are one step."""
    data.received_toggles.append(dict(body))
    number = body["phoneNumber"]
    row = next(
        (r for r in rows if r.get("userId") == body["userId"] and r.get("phoneNumber") == number),
        None,
    )
    if row is None:
        return 404, _error("Phone number not found for this user")
    enable: bool = body["aiEnabled"]
    agent_id = body.get("aiAgentId")
    if enable and not agent_id and not row.get("aiEnabled"):
        refused = InvalidUpdate(
            "VALIDATION_ERROR",
            "aiAgentId is required to enable AI",
            [{"field": "aiAgentId", "message": "Required when enabling AI"}],
        )
        return 400, refused.as_json()
    switching = enable and agent_id and agent_id != row.get("aiAgentId")
    if bool(row.get("aiEnabled")) == enable and not switching:
        return 200, {"success": True, "message": "Nothing to change"}
    if data.calls_in_flight.get(number, 0) > 0:
        data.calls_in_flight[number] -= 1
        return 409, _error(
            f"An outbound call is in progress on {number}; try again when it ends",
            "OUTBOUND_IN_FLIGHT",
        )
    if enable:
        agent = data.agent(agent_id) if agent_id else None
        if agent_id and agent is None:
            return 404, _error(f"Agent {agent_id} not found")
        if agent is not None and not agent.synced:
            return 400, _error(
                f"Agent '{agent.name}' is not synced to ElevenLabs", "AGENT_NOT_SYNCED"
            )
        if number in data.not_on_trunk:
            return 400, _error(
                f"Phone number {number} is not on the Sinch EST trunk {trunk or '(none)'}",
                "NUMBER_NOT_ON_TRUNK",
            )
        row["aiEnabled"] = True
        if agent_id:
            row["aiAgentId"] = agent_id
    else:
        row["aiEnabled"] = False
    return 200, {"success": True, "message": "Toggle applied"}


def _toggle(request: JsonHandler, body: bytes) -> None:
    caller = _caller_role(request)
    if caller is None:
        request.send_json(401, _error("Invalid or expired token"))
        return
    if caller[1] != "SUPERADMIN":
        request.send_json(401, _error("Superadmin access required"))
        return
    try:
        decoded = json.loads(body) if body.strip() else {}
        update = _validate(decoded)
    except ValueError as refused:
        if not isinstance(refused, InvalidUpdate):
            refused = InvalidUpdate("INVALID_JSON", "Malformed JSON body")
        request.send_json(400, refused.as_json())
        return
    state = _state(request)
    trunk = state.public_config().get("sinchEstTrunkId")

    def apply(rows: list[Json]) -> tuple[int, Json, Json | None]:
        row = next(
            (
                r
                for r in rows
                if r.get("userId") == update["userId"]
                and r.get("phoneNumber") == update["phoneNumber"]
            ),
            None,
        )
        before = (row.get("aiEnabled"), row.get("aiAgentId")) if row else None
        status, answer = toggle_number(state.numbers, rows, update, trunk)
        changed = row is not None and (row.get("aiEnabled"), row.get("aiAgentId")) != before
        return status, answer, dict(row) if row is not None and changed else None

    status, answer, changed = state.edit_phone_numbers(apply)
    if changed is not None:
        # Before answering, so a client that reads the issuers next finds them in step.
        state.after_toggle(changed)
    request.send_json(status, answer)


def _prompts(request: JsonHandler, body: bytes) -> None:
    from tui.demo.accounts import DEMO_ORG_ID

    caller = _caller_role(request)
    if caller is None:
        request.send_json(401, _error("Invalid or expired token"))
        return
    agents = list(_state(request).numbers.agents)
    request.send_json(200, [agent.as_prompt(DEMO_ORG_ID, caller[0]) for agent in agents])


NUMBERS_ROUTES: RouteTable = {
    TOGGLE_PATH: {"POST": _toggle},
    PROMPTS_PATH: {"GET": _prompts},
}
