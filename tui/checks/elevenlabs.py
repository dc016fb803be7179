"""Reading ElevenLabs' answers: is the key known, what may it do, and where does it live.

Why these rules (sources and labels in the team's research notes on credential checks):

- **Classify from the error body, never from the status alone.** An unknown key and a
  key lacking a permission both answer HTTP 401 [observed]; only
  ``detail.status`` tells them apart (``invalid_api_key`` [documented],
  ``missing_permissions`` [observed]). ElevenLabs now documents ``detail.code`` and
  ``detail.type`` and calls ``status`` legacy [documented], so those are the fallback,
  and the permission's name is read from the message ("missing the permission X")
  whatever the code says [observed].
- **A 403 is the IP allow-list**, not a bad key: "Requests from non-whitelisted IPs are
  rejected with a 403" [documented]. A key allow-listed for Tether's servers cannot be
  verified from a bastion, which is "not checked", not "bad key" [inferred].
- **Data residency.** A key belongs to exactly one environment (default, EU, India)
  [documented]; EU keys end in ``_residency_eu`` [documented by a third party]. What an
  EU key gets from the default API is not documented; "invalid key" there is a hint to
  check against the key's own environment, not a verdict [inferred].
- **Write permissions are probed with an empty body**: the permission check runs before
  validation, so ``{}`` answers 422 when allowed and 401 ``missing_permissions`` when
  not, and creates nothing [observed in two public scripts; undocumented, so opt-in].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tui.checks.replies import Outcome, Reply, Unreached, find_message, quote, unreached, unusual
from tui.checks.verdict import Basis, CheckId, CheckResult, not_checked, ok, problem

DEFAULT_BASE = "https://api.elevenlabs.io"
RESIDENCY_BASES = {
    "eu": "https://api.eu.residency.elevenlabs.io",
    "in": "https://api.in.residency.elevenlabs.io",
}
"""The isolated environments' API URLs [documented: ElevenLabs "Data residency"]."""

_RESIDENCY_SUFFIX = re.compile(r"_residency_([a-z]{2})$")
_PERMISSION = re.compile(r"missing the permission (\w+)")

PERMISSION_TOGGLES = {
    "convai_read": "ElevenAgents: Read",
    "convai_write": "ElevenAgents: Write",
    "webhooks_write": "Webhooks: Access",
}
"""The dashboard's name for each permission this app asks about. "ElevenAgents: Write"
is convai_write and Webhooks is one access toggle [observed]; Read by analogy [inferred]."""

WRITE_CONSEQUENCES = {
    CheckId.ELEVENLABS_CONVAI_WRITE: (
        "convai_write",
        "the key may create agent tools (convai_write)",
        "Tether cannot import phone numbers into ElevenLabs or link them to agents",
    ),
    CheckId.ELEVENLABS_WEBHOOKS_WRITE: (
        "webhooks_write",
        "the key may create webhooks (webhooks_write)",
        "Tether cannot set up the post-call webhook",
    ),
}
"""Per write probe: the permission, what a pass proves, what a refusal costs."""


def key_region(key: str) -> str | None:
    """The residency environment a key's suffix names (``eu``), or None for the default."""
    found = _RESIDENCY_SUFFIX.search(key.strip())
    return found.group(1) if found else None


def base_region(base_url: str) -> str | None:
    """The environment a base URL belongs to; None for the default API (and stand-ins)."""
    host = (urlsplit(base_url).hostname or "").lower()
    for region, url in RESIDENCY_BASES.items():
        if host == urlsplit(url).hostname:
            return region
    return None


@dataclass(frozen=True)
class Refusal:
    """ElevenLabs' reason for refusing, read from either error shape."""

    reason: str | None
    """``detail.status``, else ``detail.code``, else ``detail.type``."""
    message: str | None
    permission: str | None
    """The permission named by a ``missing_permissions`` message."""


def read_refusal(payload: Any) -> Refusal:
    """The reason in ``{"detail": {...}}``, or in the same fields given flat [observed]."""
    detail = payload.get("detail") if isinstance(payload, dict) else None
    if not isinstance(detail, dict):
        detail = payload if isinstance(payload, dict) else {}
    reason = next(
        (
            value
            for key in ("status", "code", "type")
            if isinstance(value := detail.get(key), str) and value
        ),
        None,
    )
    message = detail.get("message") if isinstance(detail.get("message"), str) else None
    found = _PERMISSION.search(message or "")
    return Refusal(reason, message, found.group(1) if found else None)


def _missing(check: CheckId, permission: str, consequence: str) -> CheckResult:
    toggle = PERMISSION_TOGGLES.get(permission)
    what = f"'{toggle}'" if toggle else f"the permission {permission}"
    return problem(
        check,
        f"the key lacks {permission}, so {consequence}",
        "missing_permissions",
        f"enable {what} for this key in ElevenLabs' API key settings, or use a key that has it",
        Basis.OBSERVED,
    )


def _residency_hint(check: CheckId, region: str | None, base: str | None) -> CheckResult:
    """An unknown key whose environment is not the base URL's: a hint, not a verdict."""
    if region is not None:
        named = "an EU" if region == "eu" else f"a '{region}'"
        summary = (
            f"this looks like {named} data-residency key (it ends _residency_{region}), "
            f"which the {base.upper() + ' ' if base else 'default '}API does not know"
        )
        own = RESIDENCY_BASES.get(region, f"the {region} residency API")
        basis = Basis.DOCUMENTED if region == "eu" else Basis.INFERRED
    else:
        summary = f"the {base.upper() if base else ''} residency API does not know this key"
        own = DEFAULT_BASE
        basis = Basis.INFERRED
    return not_checked(
        check,
        summary,
        "residency",
        next_step=f"a key works only in its own environment: check it with --elevenlabs-url "
        f"{own}. Whether Tether's server calls that environment is not documented",
        basis=basis,
    )


def refusal_verdict(
    check: CheckId,
    reply: Reply,
    *,
    region: str | None,
    base: str | None,
    needed: str,
    permission: str | None = None,
) -> CheckResult:
    """The verdict for any answer that is not a pass, shared by every ElevenLabs call.

    ``needed``: what is lost without the permission; ``permission``: the one the call
    exercises, named when the message does not name one.
    """
    refused = read_refusal(reply.payload)
    reason = refused.reason
    if refused.permission or reason == "missing_permissions":
        named = refused.permission or permission or "(unnamed by ElevenLabs)"
        return _missing(check, named, needed)
    if reason == "invalid_api_key":
        if region != base:
            return _residency_hint(check, region, base)
        return problem(
            check,
            "ElevenLabs does not know this key",
            "invalid_api_key",
            "check for a typo, or a key that was revoked; copy it again from the "
            "ElevenLabs dashboard",
            Basis.DOCUMENTED,
        )
    if reason == "api_key_id_used_as_api_key":
        return problem(
            check,
            "this is the key's ID, not the key",
            "api_key_id_used_as_api_key",
            "paste the secret key itself (shown once, when the key was created)",
            Basis.OBSERVED,
        )
    if reason == "quota_exceeded":
        return problem(
            check,
            "the ElevenLabs account's quota is used up",
            "quota_exceeded",
            "calls will fail until the plan is upgraded or the quota renews",
            Basis.DOCUMENTED,
        )
    if reason == "detected_unusual_activity":
        said = f' ("{quote(refused.message)}")' if refused.message else ""
        return problem(
            check,
            f"ElevenLabs has stopped this account's free-tier use for unusual activity{said}",
            "detected_unusual_activity",
            "the account needs a paid plan; see the ElevenLabs dashboard",
            Basis.OBSERVED,
        )
    if reply.status == 403:
        return not_checked(
            check,
            "this key only accepts requests from allow-listed IPs: cannot verify from here",
            "ip_allowlist",
            next_step="this machine is not on the key's allow-list; Tether's servers may be",
            basis=Basis.DOCUMENTED,
        )
    if reply.status == 429:
        return unusual(check, reply, busy=reason)
    if reply.status == 401:
        said = quote(refused.message or find_message(reply.payload) or reply.text or "no reason")
        return not_checked(
            check,
            f"ElevenLabs refused the key with a reason this app does not know ({said})",
            f"unknown_{reason or '401'}",
        )
    return unusual(check, reply)


def classify_key(outcome: Outcome, *, region: str | None, base: str | None) -> CheckResult:
    """``GET /v1/convai/agents?page_size=1``: 200 proves the key and ``convai_read``.

    Not ``/v1/user``: it needs ``user_read``, which restricted keys often lack, and tools
    that used it have rejected good keys [observed].
    """
    check = CheckId.ELEVENLABS_KEY
    if isinstance(outcome, Unreached):
        return unreached(check, outcome)
    if outcome.status == 200:
        where = "" if base is None else f" ({base.upper()} residency API)"
        return ok(
            check,
            f"ElevenLabs{where} accepts this key, and it may read agents (convai_read)",
            Basis.OBSERVED,
        )
    return refusal_verdict(
        check,
        outcome,
        region=region,
        base=base,
        needed="Tether cannot read the agents",
        permission="convai_read",
    )


def classify_write_probe(
    check: CheckId, outcome: Outcome, *, region: str | None, base: str | None
) -> CheckResult:
    """``POST /v1/convai/tools`` or ``/v1/workspace/webhooks`` with ``{}``: 422 = allowed."""
    permission, proven, consequence = WRITE_CONSEQUENCES[check]
    if isinstance(outcome, Unreached):
        return unreached(check, outcome)
    if outcome.status == 422:
        return ok(check, proven, Basis.OBSERVED)
    if 200 <= outcome.status < 300:
        # Not expected: the probe's empty body should fail validation. Say so.
        return ok(
            check,
            f"{proven}; but ElevenLabs accepted the empty probe: look for an unnamed "
            "entry it may have made",
            Basis.INFERRED,
            reason="accepted_empty_probe",
        )
    return refusal_verdict(
        check, outcome, region=region, base=base, needed=consequence, permission=permission
    )


def key_not_proven(check: CheckId) -> CheckResult:
    """A permission line when the key itself did not pass: asking again proves nothing."""
    return not_checked(
        check,
        "needs a key ElevenLabs accepts first",
        "key_not_proven",
        basis=Basis.INFERRED,
    )
