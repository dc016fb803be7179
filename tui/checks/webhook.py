"""After a save: did Tether attach ElevenLabs' post-call webhook?

Tether's save "attempts to auto-configure the ElevenLabs workspace post-call webhook"
and only *logs* a failure [documented: the save contract], and nothing in Tether's API
says how it went [not found]. ElevenLabs can say [inferred from observed fields]:

- ``GET /v1/convai/settings`` → ``webhooks.post_call_webhook_id`` set: something is
  attached (creating a webhook does not attach it; only the settings do [observed]);
- ``GET /v1/workspace/webhooks`` → that webhook exists, is not ``is_disabled`` /
  ``is_auto_disabled`` (ElevenLabs disables one after repeated failures [documented]),
  points at Tether's ``/api/webhook/elevenlabs`` route, and its most recent failure.

The app asks a few times over some seconds (Tether may still be at it), so each reading
says whether it is *settled*: a reading that can still change is asked again, and the
last one is what the user sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tui.checks.elevenlabs import refusal_verdict
from tui.checks.replies import Outcome, Unreached, quote, unreached
from tui.checks.verdict import Basis, CheckId, CheckResult, not_checked, ok, problem

CHECK = CheckId.ELEVENLABS_WEBHOOK
TETHER_WEBHOOK_PATH = "/api/webhook/elevenlabs"


@dataclass(frozen=True)
class WebhookReading:
    result: CheckResult
    settled: bool
    """True when asking again cannot change the verdict (attached and healthy, disabled,
    an unknown key): polling stops."""


def attached_id(settings: Outcome) -> str | None:
    """``webhooks.post_call_webhook_id`` of a settings answer, when one is set."""
    if isinstance(settings, Unreached) or settings.status != 200:
        return None
    payload: Any = settings.payload
    webhooks = payload.get("webhooks") if isinstance(payload, dict) else None
    found = webhooks.get("post_call_webhook_id") if isinstance(webhooks, dict) else None
    return found if isinstance(found, str) and found else None


def _safe_url(url: object) -> str:
    """Scheme, host and path only: a query string could carry a token."""
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else quote(url)


def read_webhook(
    settings: Outcome,
    webhooks: Outcome | None,
    *,
    region: str | None,
    base: str | None,
) -> WebhookReading:
    """One look at the two answers (``webhooks`` is asked only once an id is attached)."""
    if isinstance(settings, Unreached):
        return WebhookReading(unreached(CHECK, settings), settled=False)
    if settings.status != 200:
        verdict = refusal_verdict(
            CHECK, settings, region=region, base=base, needed="the webhook cannot be read"
        )
        passing = settings.status == 429 or settings.status >= 500  # may answer next time
        return WebhookReading(verdict, settled=not passing)
    webhook_id = attached_id(settings)
    if webhook_id is None:
        return WebhookReading(_not_attached(), settled=False)
    if webhooks is None or isinstance(webhooks, Unreached) or webhooks.status != 200:
        return WebhookReading(
            not_checked(
                CHECK,
                f"attached (webhook {quote(webhook_id)}), but its state could not be read",
                "webhook_state_unknown",
                basis=Basis.OBSERVED,
            ),
            settled=False,
        )
    entry = _find(webhooks.payload, webhook_id)
    if entry is None:
        return WebhookReading(
            problem(
                CHECK,
                f"attached to webhook {quote(webhook_id)}, which the workspace does not list",
                "webhook_missing",
                "Tether's server log says what its setup did; saving the key again retries it",
                Basis.INFERRED,
            ),
            settled=False,
        )
    return WebhookReading(_health(entry), settled=True)


def _not_attached() -> CheckResult:
    return problem(
        CHECK,
        "not attached — Tether logs why (the save itself succeeded)",
        "not_attached",
        "usually the key lacks webhooks_write (or is not a workspace admin's); Tether's "
        "server log has the reason. Fix the key, then save it again",
        Basis.DOCUMENTED,
    )


def _find(payload: Any, webhook_id: str) -> dict[str, Any] | None:
    listed = payload.get("webhooks") if isinstance(payload, dict) else None
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("webhook_id") == webhook_id:
            return entry
    return None


def _health(entry: dict[str, Any]) -> CheckResult:
    url = entry.get("webhook_url")
    target = _safe_url(url) if isinstance(url, str) and url else "an unnamed URL"
    if entry.get("is_auto_disabled"):
        return problem(
            CHECK,
            f"attached, but ElevenLabs disabled it after repeated failed deliveries to {target}",
            "auto_disabled",
            "make Tether's webhook route reachable, then re-enable the webhook in the "
            "ElevenLabs dashboard",
            Basis.DOCUMENTED,
        )
    if entry.get("is_disabled"):
        return problem(
            CHECK,
            f"attached, but the webhook to {target} is disabled",
            "disabled",
            "enable it in the ElevenLabs dashboard's webhooks",
            Basis.OBSERVED,
        )
    if not urlsplit(str(url or "")).path.rstrip("/").endswith(TETHER_WEBHOOK_PATH):
        return not_checked(
            CHECK,
            f"attached to {target}, which is not Tether's webhook route: Tether's own "
            "setup may have failed",
            "foreign_webhook",
            next_step="Tether's server log says what its setup did",
            basis=Basis.INFERRED,
        )
    failure = entry.get("most_recent_failure_error_code")
    if failure:
        when = entry.get("most_recent_failure_timestamp")
        at = f" at {when}" if when else ""
        return ok(
            CHECK,
            f"attached, delivering to {target}; its last failed delivery was {quote(failure)}{at}",
            Basis.OBSERVED,
            reason="attached_with_failures",
        )
    return ok(CHECK, f"attached, delivering to {target}", Basis.OBSERVED, reason="attached")
