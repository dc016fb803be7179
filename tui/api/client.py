"""Load and save the Voice AI configuration (the sign-in calls live in ``auth.py``).

One long-lived ``httpx.AsyncClient`` with the base URL and explicit timeouts set once:
the session's one connection pool, which the sign-in, verify-token and profile calls
share (:meth:`VoiceConfigClient.send`). It lives on the session's network thread
(:mod:`tui.api.session`), so the requests it sends run there whoever awaits them.
Both calls return either the parsed result or an
:class:`~tui.api.failures.ApiFailure`; they never raise for anything the network or
the server can do, so the UI has exactly one error path to render. A save whose answer
cannot be read (cut off, too large, nested too deeply, not JSON, malformed) was sent
all the same: its failure says it may have been applied.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import SecretStr, ValidationError

from tui.api.answer_body import DEFAULT_MAX_ANSWER_MB, MIB
from tui.api.exchange import DEFAULT_DEADLINE, Answer, AnswerLimits, exchange, open_client
from tui.api.failures import (
    ApiFailure,
    Operation,
    bad_response,
    describe_non_json,
    from_error_status,
    redirect_failure,
)
from tui.api.models import SaveRequest, SaveSuccess, VoiceAiConfig
from tui.api.session import NetworkSession, SessionClosed

if TYPE_CHECKING:
    from tui.api.number_models import Prompt, ToggleRequest, ToggleSuccess
    from tui.api.prefetch import EarlyAnswers

CONFIG_PATH = "/api/calls/voice-ai/config"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionSettings:
    """Where to connect and as whom. The token is a ``SecretStr`` so ``repr`` never shows it."""

    base_url: str
    token: SecretStr
    connect_timeout: float = 5.0
    read_timeout: float = DEFAULT_DEADLINE
    """Seconds a whole request may take (``--timeout``): connecting, sending and reading
    the whole answer, so a server that drips its answer cannot hold the app. (Named for
    what it was before it became a total; every caller sets it by this name.)"""
    ca_bundle: Path | None = None
    """A PEM bundle of a private CA to trust; None: SSL_CERT_FILE or the built-in roots."""
    max_answer_mb: float = DEFAULT_MAX_ANSWER_MB
    """The largest answer accepted, in MB, decoded (``--max-answer-mb``)."""

    @property
    def limits(self) -> AnswerLimits:
        """The bounds every answer from this instance is read within."""
        return AnswerLimits(
            deadline=self.read_timeout, max_bytes=int(self.max_answer_mb * MIB), size_setting=True
        )


class VoiceConfigClient:
    """Load and save one organization's Voice AI configuration."""

    def __init__(
        self,
        settings: ConnectionSettings,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        network: NetworkSession | None = None,
    ) -> None:
        """``network``: a session's network thread to share; by default one of its own,
        stopped by :meth:`close`."""
        self.settings = settings
        self._http = open_client(
            settings.base_url,
            connect_timeout=settings.connect_timeout,
            limits=settings.limits,
            ca_bundle=settings.ca_bundle,
            transport=transport,
        )
        self._own_network = network is None
        self.network = network or NetworkSession()
        self.network.on_close(self._http.aclose)
        self.early: EarlyAnswers | None = None
        """Answers to GETs sent at launch (:mod:`tui.api.prefetch`), taken by the first
        identical request."""

    def use_token(self, token: SecretStr) -> None:
        """Send ``token`` from now on (after a sign-in); an empty token sends no header."""
        self.settings = replace(self.settings, token=token)

    @property
    def has_token(self) -> bool:
        return bool(self.settings.token.get_secret_value())

    async def aclose(self) -> None:
        """Close the connections, and the network thread when it is this client's own."""
        if self._own_network:
            self.network.close()  # its cleanups close the connections
            return
        with contextlib.suppress(SessionClosed):
            await self.network.call(self._http.aclose())

    def close(self) -> None:
        """:meth:`aclose` for any thread, at any time, any number of times (e.g. at exit)."""
        if self._own_network:
            self.network.close()  # its cleanups close the connections
            return
        with contextlib.suppress(SessionClosed):
            self.network.submit(self._http.aclose())

    async def load(self) -> VoiceAiConfig | ApiFailure:
        return _loaded(await self._request("GET", Operation.LOAD))

    def loaded_at_launch(self) -> VoiceAiConfig | ApiFailure | None:
        """The configuration GET sent at launch, read as :meth:`load` reads it, if its
        answer is already back (the first load, then, needs no request); else None."""
        if self.early is None:
            return None
        answer = self.early.take_if_back(CONFIG_PATH, self.settings.token.get_secret_value())
        return None if answer is None else _loaded(answer)

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
            return failure_for(answer, payload, Operation.SAVE)
        try:
            return SaveSuccess.model_validate(payload)
        except ValidationError:  # sent all the same: bad_response says it may be applied
            return bad_response(Operation.SAVE, "the success answer is malformed")

    async def load_agents(self) -> list[Prompt] | ApiFailure:
        """The agents (prompts) a number can be linked to; see :mod:`tui.api.numbers`."""
        from tui.api.numbers import fetch_agents

        return await fetch_agents(self)

    async def toggle(self, request: ToggleRequest) -> ToggleSuccess | ApiFailure:
        """Switch AI on or off for one phone number; see :mod:`tui.api.numbers`."""
        from tui.api.numbers import send_toggle

        return await send_toggle(self, request)

    async def _request(
        self, method: str, operation: Operation, request: SaveRequest | None = None
    ) -> Answer | ApiFailure:
        content = None
        if request is not None:
            # Encoded here, at the last moment, so the revealed secrets live only in bytes.
            content = json.dumps(request.wire_body(), ensure_ascii=False).encode()
            sent = sorted(request.model_dump(by_alias=True, exclude_unset=True))
            log.debug("POST fields: %s", sent)
        return await self.send(
            method, CONFIG_PATH, operation, token=self.settings.token, content=content
        )

    async def send(
        self,
        method: str,
        path: str,
        operation: Operation,
        *,
        token: SecretStr | None,
        content: bytes | None = None,
        take_early: bool = True,
    ) -> Answer | ApiFailure:
        """One request to this instance over the session's pool, on its network thread.

        ``token`` goes as the bearer token (None or empty: no ``Authorization``, as for
        the login). Every request of the session goes through here, so they share one
        kept-alive connection; a GET already sent at launch is not sent again
        (``take_early=False``: the launch's own requests).
        """
        secret = token.get_secret_value() if token is not None else ""
        early = self.early.take(method, path, secret) if take_early and self.early else None
        if early is not None:
            answer = await early
            if answer is not None:
                return answer
        headers = {"Authorization": f"Bearer {secret}"} if secret else None
        return await self.network.call(
            exchange(self._http, method, path, operation, content=content, headers=headers)
        )


def _loaded(answer: Answer | ApiFailure) -> VoiceAiConfig | ApiFailure:
    """A GET of the configuration read: the validated config, or why not."""
    if isinstance(answer, ApiFailure):
        return answer
    payload = answer.json()
    if answer.status != 200 or not isinstance(payload, dict) or payload.get("success") is False:
        return failure_for(answer, payload, Operation.LOAD)
    try:
        return VoiceAiConfig.model_validate(payload)
    except ValidationError as exc:
        return bad_response(
            Operation.LOAD, f"the configuration has {exc.error_count()} malformed field(s)"
        )


def failure_for(answer: Answer, payload: Any, operation: Operation) -> ApiFailure:
    """An answer that is not success, as a failure (shared by every call to this instance)."""
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
