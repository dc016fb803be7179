"""The ElevenLabs calls a credential check makes, with one key, to the key's issuer only.

Which call proves what, and why not ``/v1/user``, is in :mod:`tui.checks.elevenlabs`
(the rules); this module only makes the requests (:mod:`tui.api.issuers` has the
transport rules). The key travels in the ``xi-api-key`` header [documented] and nowhere
else: not in a URL, not in a log line.
"""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from tui.api.issuers import UNSENDABLE, IssuerClient, header_problem
from tui.checks.replies import Outcome, Unreached

SETTING = "The ElevenLabs URL (--elevenlabs-url)"

EMPTY_BODY = b"{}"
"""The write probes' body: it fails validation after the permission check, so nothing
is created [observed]."""


class ElevenLabsClient(IssuerClient):
    """Read-only questions about one key, plus the two side-effect-free write probes."""

    def __init__(
        self,
        base_url: str,
        key: SecretStr,
        *,
        connect_timeout: float,
        read_timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        problem = header_problem(key, "ElevenLabs key")
        super().__init__(
            base_url,
            SETTING,
            headers={} if problem else {"xi-api-key": key.get_secret_value()},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            transport=transport,
        )
        if problem and self.refused is None:
            self.refused = Unreached(UNSENDABLE, problem)

    async def agents_page(self) -> Outcome:
        """One agent at most: proves the key and ``convai_read`` at the smallest cost."""
        return await self.ask("GET", "/v1/convai/agents?page_size=1")

    async def probe_convai_write(self) -> Outcome:
        return await self.ask("POST", "/v1/convai/tools", content=EMPTY_BODY)

    async def probe_webhooks_write(self) -> Outcome:
        return await self.ask("POST", "/v1/workspace/webhooks", content=EMPTY_BODY)

    async def convai_settings(self) -> Outcome:
        return await self.ask("GET", "/v1/convai/settings")

    async def workspace_webhooks(self) -> Outcome:
        return await self.ask("GET", "/v1/workspace/webhooks")
