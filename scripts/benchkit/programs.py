"""The programs measured: what each shows once ready, and the reference programs' sources.

The app is measured against references written here: the baseline (a one-line
Textual app), the stack floor (the baseline plus httpx, pydantic and one GET) and, over
the latency proxy, the network floor (a bare process that makes the one GET). A marker
is the plain text whose appearance on screen ends a wait.
"""

from __future__ import annotations

TOKEN = "demo-superadmin-token"
APP_MARKER = "demo-org.elastic-sip.sinch.com"
"""The demo server's trunk domain: on screen only once the loaded config is shown."""
BASELINE_MARKER = "bench-baseline-ready"
REVIEW_MARKER = "Review:"
SAVED_MARKER = "server said: Configuration saved"
"""The final status line; the interim "Server: Configuration saved. Re-reading…" differs."""


BASELINE_SOURCE = f'''"""The baseline: the least a Textual app can do — show one static line."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Baseline(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("{BASELINE_MARKER}: one static line")


if __name__ == "__main__":
    Baseline().run()
'''


FLOOR_MARKER = "bench-floor-ready"
FLOOR_READY = f"{FLOOR_MARKER}: {APP_MARKER}"
"""What the floor shows once loaded; a traceback quoting its source cannot contain it."""
FLOOR_SOURCE = f'''"""The stack's floor: the baseline plus what the app cannot start without.

httpx and pydantic imported, one AsyncClient, one GET of the configuration validated
into a pydantic model, and the trunk domain shown on one static line. What the app
adds on top of this is its own code and its screen.
"""

import ssl
import sys

import httpx
from pydantic import BaseModel, ConfigDict
from textual.app import App, ComposeResult
from textual.widgets import Static


class Config(BaseModel):
    model_config = ConfigDict(extra="allow")
    sinchEstTrunkDomain: str | None = None


class Floor(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static("loading", id="line")

    async def on_mount(self) -> None:
        headers = {{"Authorization": "Bearer {TOKEN}"}}
        # Over the latency proxy, its CA is given as a second argument.
        verify = ssl.create_default_context(cafile=sys.argv[2]) if len(sys.argv) > 2 else True
        async with httpx.AsyncClient(
            base_url=sys.argv[1], headers=headers, verify=verify
        ) as client:
            answer = await client.get("/api/calls/voice-ai/config")
        config = Config.model_validate(answer.json())
        self.query_one("#line", Static).update(
            f"{FLOOR_MARKER}: {{config.sinchEstTrunkDomain}}"
        )


if __name__ == "__main__":
    Floor().run()
'''


BARE_MARKER = "bench-bare-get-ready"
BARE_READY = f"{BARE_MARKER}: {APP_MARKER}"
BARE_GET_SOURCE = f'''"""The network floor: one GET of the configuration from a bare process.

Python, httpx and the round trips (TCP, TLS, the request), nothing else: no UI, no
validation. Over a latency proxy this is the least any client can take to show the
configuration; it prints the trunk domain and exits.
"""

import ssl
import sys

import httpx

verify = ssl.create_default_context(cafile=sys.argv[2]) if len(sys.argv) > 2 else True
answer = httpx.get(
    sys.argv[1] + "/api/calls/voice-ai/config",
    headers={{"Authorization": "Bearer {TOKEN}"}},
    verify=verify,
)
print(f"{BARE_MARKER}: {{answer.json()['sinchEstTrunkDomain']}}", flush=True)
'''
