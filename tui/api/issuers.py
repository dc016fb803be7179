"""What the ElevenLabs and Sinch clients share: one exchange, its outcome as plain data.

The transport rules are the Tether client's, through the same :func:`open_client` and
:func:`exchange`: TLS verified, redirects never followed (the secret would go with them),
proxies from the environment, answers capped, every transport problem mapped. Two
differences, both deliberate:

- **short deadlines** (connect ~3 s, the whole check ~8 s, each request too): a check
  is advice, and the review must never wait on it;
- **a fixed, small size cap** (:data:`MAX_ANSWER_BYTES`): their answers are a page of
  one agent, a token, one trunk; no setting raises it (the wiring checks, which read
  whole lists, pass a larger fixed cap of their own: ``max_answer_bytes``);
- **no private CA and no ``--allow-insecure-http``**: those are about the Tether
  instance. An issuer's URL gets the public roots (or ``SSL_CERT_FILE``) and plain
  http only to this machine (the demo's stand-ins).

Each client is made for one check and closed after it, with the one credential it
carries set once: a secret cannot reach another host through a shared client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

import httpx
from pydantic import SecretStr

from tui.api.answer_body import MIB
from tui.api.exchange import AnswerLimits, exchange, open_client
from tui.api.failures import ApiFailure, FailureKind, Operation
from tui.api.transport import TransportConfigError, issuer_url_reason
from tui.checks.replies import Outcome, Reply, Unreached

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 2 * MIB
"""An issuer's largest answer, decoded: what a check reads is a few KB."""

_SENDABLE = re.compile(r"[\x21-\x7e]+")
"""Visible ASCII: what a credential in a header can be, as typed."""
_HEADER_VALUE = re.compile(r"[\x21-\x7e]+( [\x21-\x7e]+)*")
"""What any header value here may be (``Bearer x`` has one inner space)."""


UNSENDABLE = "unsendable"
"""The :class:`Unreached` kind for a credential that no HTTP header can carry as typed:
not "nothing proven" but definite, since Tether would have to send it in a header too
[inferred], so the rules make it a problem."""


def header_problem(value: SecretStr, what: str) -> str | None:
    """Why ``value`` cannot go into a request header as typed, or None; never quotes it."""
    if _SENDABLE.fullmatch(value.get_secret_value()):
        return None
    return (
        f"the {what} holds a space, a line break or a character that is not plain ASCII, "
        "so it cannot be sent as typed"
    )


class IssuerClient:
    """One short-lived httpx client for one issuer and one credential."""

    def __init__(
        self,
        base_url: str,
        setting: str,
        *,
        headers: Mapping[str, str],
        connect_timeout: float,
        read_timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        """``setting``: where the URL came from (``--elevenlabs-url``), for messages;
        ``read_timeout``: each request's deadline, connecting and the whole answer;
        ``max_answer_bytes``: the largest answer, decoded (a list of every number needs
        more than one agent's page)."""
        self.refused: Unreached | None = None
        self._http: httpx.AsyncClient | None = None
        reason = issuer_url_reason(base_url, setting)
        if reason is not None:
            self.refused = Unreached("not sent", reason)
            return
        if not all(_HEADER_VALUE.fullmatch(v) for v in headers.values()):
            why = "a credential holds characters that cannot go into a request header"
            self.refused = Unreached(UNSENDABLE, why)
            return
        try:
            self._http = open_client(
                base_url,
                connect_timeout=connect_timeout,
                limits=AnswerLimits(
                    deadline=read_timeout, max_bytes=max_answer_bytes, size_setting=False
                ),
                ca_bundle=None,
                headers=dict(headers),
                transport=transport,
            )
        except (TransportConfigError, httpx.InvalidURL) as exc:
            self.refused = Unreached("not sent", str(exc) or type(exc).__name__)

    async def __aenter__(self) -> IssuerClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

    async def ask(
        self,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        content_type: str = "application/json",
    ) -> Outcome:
        """One request; its answer as a :class:`Reply`, or why there is none."""
        if self.refused is not None or self._http is None:
            return self.refused or Unreached("not sent", "no client")
        answer = await exchange(
            self._http, method, path, Operation.CHECK, content=content, content_type=content_type
        )
        if isinstance(answer, ApiFailure):
            return _unreached(answer)
        # The body was parsed once, within the depth limit, by exchange().
        return Reply(answer.status, answer.json(), answer.text, answer.location)


_KINDS = {
    FailureKind.TIMEOUT: "timeout",
    FailureKind.NETWORK: "network",
    FailureKind.BAD_RESPONSE: "bad response",
    FailureKind.NOT_SENT: "not sent",
}


def _unreached(failure: ApiFailure) -> Unreached:
    return Unreached(_KINDS.get(failure.kind, "network"), failure.summary)
