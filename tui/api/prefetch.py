"""The requests sent at launch, before the UI exists: the configuration, then who is signed in.

Over a WAN a fresh HTTPS GET costs three round trips (TCP, TLS, the request): 0.45 s at
150 ms, as much as the UI takes to import and build. Sent from the editor once it is
mounted, the two add up; sent here, right after the arguments are parsed, they overlap,
and the editor finds the answer waiting.

Only what a token at hand allows: ``--demo`` or ``TETHER_TOKEN``. A start that needs
the keyring (its token checked with verify-token first) or a sign-in has nothing to
send yet; the editor then loads as it always does.

While the first answer is on its way, the validator that reads it is built, so reading it
costs nothing once it is back.

What is sent early is only *sent* early: the answers are handed, raw, to the first
identical request the UI makes (:class:`EarlyAnswers`), which validates them, maps
failures and reacts to a 401 exactly as if it had sent the request itself. The profile
is asked after the configuration, on the same connection, and only when the
configuration came back 200 (after a 401 it would only fail the same way).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from typing import TYPE_CHECKING

from tui.api.auth import PROFILE_PATH
from tui.api.client import CONFIG_PATH, ConnectionSettings, VoiceConfigClient
from tui.api.exchange import Answer
from tui.api.failures import ApiFailure, Operation
from tui.api.models import VoiceAiConfig

if TYPE_CHECKING:
    from pydantic import SecretStr

EarlyResult = Answer | ApiFailure | None
"""An early answer; None: not sent after all (the request before it failed)."""


class EarlyAnswers:
    """Answers to GETs sent before anyone asked, each handed to the first identical GET.

    Identical: the same path with the same token. A request with another token (after a
    sign-in) discards the early answer and is sent as usual.
    """

    def __init__(self, token: SecretStr) -> None:
        self._token = token
        self._pending: dict[str, concurrent.futures.Future[EarlyResult]] = {}

    def expect(self, path: str) -> concurrent.futures.Future[EarlyResult]:
        """A future for the answer to ``GET path``, resolved by whoever sends it."""
        future: concurrent.futures.Future[EarlyResult] = concurrent.futures.Future()
        self._pending[path] = future
        return future

    def take(self, method: str, path: str, token: str) -> asyncio.Future[EarlyResult] | None:
        """The early answer for this request, to await on the caller's loop; None: send it."""
        if method != "GET":
            return None
        future = self._pending.pop(path, None)
        if future is None or token != self._token.get_secret_value():
            return None
        return asyncio.wrap_future(future)

    def take_if_back(self, path: str, token: str) -> Answer | ApiFailure | None:
        """The early answer to ``GET path`` if it is already back (then taken); else None."""
        future = self._pending.get(path)
        if future is None or not future.done() or future.cancelled():
            return None
        if token != self._token.get_secret_value():
            return None
        del self._pending[path]
        return future.result()


def prefetching_client(settings: ConnectionSettings, *, prefetch: bool) -> VoiceConfigClient:
    """The session's client; with ``prefetch`` and a token, its first GETs already sent."""
    client = VoiceConfigClient(settings)
    token = settings.token
    if prefetch and token.get_secret_value():
        start_prefetch(client, token)
    return client


def start_prefetch(client: VoiceConfigClient, token: SecretStr) -> None:
    """Send ``GET`` config and then ``GET`` profile now, on the client's network thread."""
    early = EarlyAnswers(token)
    config = early.expect(CONFIG_PATH)
    profile = early.expect(PROFILE_PATH)
    client.early = early
    client.network.submit(_fetch(client, token, config, profile))


async def _fetch(
    client: VoiceConfigClient,
    token: SecretStr,
    config: concurrent.futures.Future[EarlyResult],
    profile: concurrent.futures.Future[EarlyResult],
) -> None:
    try:
        sending = asyncio.ensure_future(
            client.send("GET", CONFIG_PATH, Operation.LOAD, token=token, take_early=False)
        )
        await asyncio.sleep(0)  # the request is under way: connecting, then waiting
        # Meanwhile, build what reading the answer needs: pydantic builds a model's
        # validator at its first use (~18 ms here), which would otherwise come after the
        # answer, between it and the first useful frame, whenever the UI is ready first.
        VoiceAiConfig.model_rebuild()
        answer = await sending
        _resolve(config, answer)
        if isinstance(answer, Answer) and answer.status == 200:
            user = await client.send(
                "GET", PROFILE_PATH, Operation.SIGN_IN, token=token, take_early=False
            )
            _resolve(profile, user)
    finally:
        # Cancelled (the session closing) or skipped: whoever waits sends it themselves.
        _resolve(config, None)
        _resolve(profile, None)


def _resolve(future: concurrent.futures.Future[EarlyResult], result: EarlyResult) -> None:
    """Set the result unless already set (or the waiter gave up: cancelled)."""
    with contextlib.suppress(concurrent.futures.InvalidStateError):
        future.set_result(result)
