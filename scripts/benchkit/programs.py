"""The programs measured: what each shows once ready, and the reference programs' sources.

The app is measured against two references written here: the baseline (a one-line
Textual app) and the stack floor (the baseline plus httpx, pydantic and one GET). A
marker is the plain text whose appearance on screen ends a wait.
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
        async with httpx.AsyncClient(base_url=sys.argv[1], headers=headers) as client:
            answer = await client.get("/api/calls/voice-ai/config")
        config = Config.model_validate(answer.json())
        self.query_one("#line", Static).update(
            f"{FLOOR_MARKER}: {{config.sinchEstTrunkDomain}}"
        )


if __name__ == "__main__":
    Floor().run()
'''
