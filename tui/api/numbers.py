"""The phone-number toggle and the agent list: two more calls on the config client's connection.

``POST /api/calls/voice-ai/phone-number/toggle`` (superadmin only) switches AI on or off
for one number; ``GET /api/prompts/user`` lists the prompts (agents) whose ``_id`` the
toggle takes as ``aiAgentId``. Both go through :meth:`VoiceConfigClient.send`, on the
session's one connection (:class:`~tui.api.client.VoiceConfigClient` calls these), so
they share its base URL, token, timeouts and transport rules, and, like
``load()`` and ``save()``, they return the parsed answer or an
:class:`~tui.api.failures.ApiFailure` and never raise for what the network or the server
can do.

Imported when the numbers are first used, not at startup.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError

from tui.api.client import failure_for
from tui.api.failures import ApiFailure, Operation, bad_response
from tui.api.number_models import Prompt, ToggleRequest, ToggleSuccess

if TYPE_CHECKING:
    from tui.api.client import VoiceConfigClient

TOGGLE_PATH = "/api/calls/voice-ai/phone-number/toggle"
PROMPTS_PATH = "/api/prompts/user"

log = logging.getLogger(__name__)


async def fetch_agents(client: VoiceConfigClient) -> list[Prompt] | ApiFailure:
    """``GET /api/prompts/user``: a bare array of prompts (entries without an ``_id`` are
    skipped: they cannot be linked to a number)."""
    token = client.settings.token
    answer = await client.send("GET", PROMPTS_PATH, Operation.LOAD, token=token)
    if isinstance(answer, ApiFailure):
        return answer
    payload = answer.json()
    # A 200 that is JSON but not an array (and not the failure envelope) is not the contract.
    reports_failure = isinstance(payload, dict) and payload.get("success") is False
    if answer.status == 200 and payload is not None and not isinstance(payload, list):
        return (
            failure_for(answer, payload, Operation.LOAD)
            if reports_failure
            else bad_response(Operation.LOAD, "the agent list is not a JSON array")
        )
    if answer.status != 200 or not isinstance(payload, list):
        return failure_for(answer, payload, Operation.LOAD)
    prompts: list[Prompt] = []
    for entry in payload:
        try:
            prompts.append(Prompt.model_validate(entry))
        except ValidationError:
            continue
    return prompts


async def send_toggle(
    client: VoiceConfigClient, request: ToggleRequest
) -> ToggleSuccess | ApiFailure:
    """``POST`` one toggle. A timeout or a dropped connection leaves its outcome unknown:
    the caller re-reads the configuration to find out (``Operation.TOGGLE`` hints say so)."""
    content = json.dumps(request.wire_body(), ensure_ascii=False).encode()
    log.debug("POST toggle: aiEnabled=%s", request.ai_enabled)
    token = client.settings.token
    answer = await client.send("POST", TOGGLE_PATH, Operation.TOGGLE, token=token, content=content)
    if isinstance(answer, ApiFailure):
        return answer
    payload = answer.json()
    if answer.status != 200 or not isinstance(payload, dict) or payload.get("success") is not True:
        return failure_for(answer, payload, Operation.TOGGLE)
    try:
        return ToggleSuccess.model_validate(payload)
    except ValidationError:  # sent all the same: bad_response says it may be applied
        return bad_response(Operation.TOGGLE, "the success answer is malformed")
