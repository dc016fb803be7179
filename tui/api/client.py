"""Load and save the Voice AI configuration (the sign-in calls live in ``auth.py``).

One long-lived ``httpx.AsyncClient`` with the base URL, bearer token and explicit
timeouts set once. Both calls return either the parsed result or an
:class:`~tui.api.failures.ApiFailure`; they never raise for anything the network or
the server can do, so the UI has exactly one error path to render.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import SecretStr, ValidationError

from tui.api.exchange import Answer, exchange, open_client
from tui.api.failures import (
    ApiFailure,
    Operation,
    bad_response,
    describe_non_json,
    from_error_status,
    redirect_failure,
)
from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig

if TYPE_CHECKING:
    from tui.api.number_models import Prompt, ToggleRequest, ToggleSuccess

CONFIG_PATH = "/api/calls/voice-ai/config"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and as whom. The token is a ``SecretStr`` so ``repr`` never shows it."""

    base_url: str
    token: SecretStr
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    ca_bundle: Path | None = None
    """A PEM bundle of a private CA to trust; None: SSL_CERT_FILE or the built-in roots."""


class VoiceConfigClient:
    """Load and save one organization's Voice AI configuration."""

    def __init__(
        self, settings: ConnectionSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.settings = settings
        self._http = open_client(
            settings.base_url,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            ca_bundle=settings.ca_bundle,
            transport=transport,
        )
        self.use_token(settings.token)

    def use_token(self, token: SecretStr) -> None:
        """Send ``token`` from now on (after a sign-in); an empty token sends no header."""
        self.settings = replace(self.settings, token=token)
        if token.get_secret_value():
            self._http.headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        else:
            self._http.headers.pop("Authorization", None)

    @property
    def has_token(self) -> bool:
        return bool(self.settings.token.get_secret_value())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def load(self) -> VoiceAiConfig | ApiFailure:
        answer = await self._request("GET", Operation.LOAD)
        if isinstance(answer, ApiFailure):
            return answer
        payload = answer.json()
        if answer.status != 200 or not isinstance(payload, dict) or payload.get("success") is False:
            return _failure_for(answer, payload, Operation.LOAD)
        try:
            return VoiceAiConfig.model_validate(payload)
        except ValidationError as exc:
            return bad_response(
                Operation.LOAD, f"the configuration has {exc.error_count()} malformed field(s)"
            )

    async def save(self, request: SaveRequest) -> SaveSuccess | ApiFailure:
        answer = await self._request("POST", Operation.SAVE, request)
        if isinstance(answer, ApiFailure):
            return answer
        payload = answer.json()
        if (
            answer.status != 200
            or not isinstance(payload, dict)
            or payload.get("success") is not True
        ):
            return _failure_for(answer, payload, Operation.SAVE)
        return SaveSuccess.model_validate(payload)

    async def load_agents(self) -> list[Prompt] | ApiFailure:
        """The agents (prompts) a number can be linked to; see :mod:`tui.api.numbers`."""
        from tui.api.numbers import fetch_agents

        return await fetch_agents(self._http)

    async def toggle(self, request: ToggleRequest) -> ToggleSuccess | ApiFailure:
        """Switch AI on or off for one phone number; see :mod:`tui.api.numbers`."""
        from tui.api.numbers import send_toggle

        return await send_toggle(self._http, request)

    async def _request(
        self, method: str, operation: Operation, request: SaveRequest | None = None
    ) -> Answer | ApiFailure:
        content = None
        if request is not None:
            # Encoded here, at the last moment, so the revealed secrets live only in bytes.
            content = json.dumps(request.wire_body(), ensure_ascii=False).encode()
            sent = sorted(request.model_dump(by_alias=True, exclude_unset=True))
            log.debug("POST fields: %s", sent)
        return await exchange(self._http, method, CONFIG_PATH, operation, content=content)


def _failure_for(answer: Answer, payload: Any, operation: Operation) -> ApiFailure:
    if 300 <= answer.status < 400:
        return redirect_failure(operation, answer.status, answer.location)
    if answer.status == 200:
        if payload is None:
            return bad_response(operation, describe_non_json(answer.text, answer.content_type))
        if not isinstance(payload, dict) or payload.get("success") is not False:
            return bad_response(operation, "it is not the success envelope")
    return from_error_status(
        answer.status, operation, payload, answer.text, answer.content_type, answer.retry_after
    )
