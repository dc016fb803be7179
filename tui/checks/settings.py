"""Where the checks go and how long they may take: one frozen value for every front end.

Resolved like every other setting (flag > environment > profile > default) by
:mod:`tui.settings`; the demo points the four URLs at its stand-ins.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ELEVENLABS_URL = "https://api.elevenlabs.io"
DEFAULT_SINCH_AUTH_URL = "https://auth.sinch.com"
DEFAULT_SINCH_EST_URL = "https://elastic-trunking.api.sinch.com"
DEFAULT_SINCH_NUMBERS_URL = "https://numbers.api.sinch.com"

CONNECT_TIMEOUT = 3.0
"""Seconds to set up a connection to an issuer: a check must not keep the user waiting."""
DEADLINE = 8.0
"""Seconds one issuer's whole check may take (the Sinch one is two requests)."""
WEBHOOK_POLLS = (0.0, 1.0, 2.5, 5.0, 10.0)
"""When, in seconds after the save, to look at the post-call webhook: Tether sets it up
after answering, and may take a moment."""


@dataclass(frozen=True)
class CheckSettings:
    """Whether to check, what to probe, and the issuers' base URLs."""

    enabled: bool = True
    probe_writes: bool = False
    """Also probe convai_write and webhooks_write with side-effect-free POSTs (opt-in:
    that they create nothing is observed, not documented)."""
    elevenlabs_url: str = DEFAULT_ELEVENLABS_URL
    sinch_auth_url: str = DEFAULT_SINCH_AUTH_URL
    sinch_est_url: str = DEFAULT_SINCH_EST_URL
    sinch_numbers_url: str = DEFAULT_SINCH_NUMBERS_URL
    """The Numbers API: where a number's voice routing (EST or RTC, which trunk) is read."""
    connect_timeout: float = CONNECT_TIMEOUT
    deadline: float = DEADLINE
    webhook_polls: tuple[float, ...] = WEBHOOK_POLLS
    off_note: str = ""
    """When the user turned the checks off: what the review says instead of checking
    (naming the flag or profile). Empty: say nothing (the app embedded without checks)."""


OFF = CheckSettings(enabled=False)
