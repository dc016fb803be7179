"""Reading Sinch's answers: does the key pair work, and is the trunk the form's trunk.

Two calls, in order (sources in the team's research notes on credential checks):

1. ``POST https://auth.sinch.com/oauth2/token`` with Basic auth (key ID : key secret)
   and ``grant_type=client_credentials`` [documented]. 200 with an ``access_token``
   proves the pair. It takes no project ID, so it proves nothing about the project
   [inferred]. Sinch's failure body is not published; RFC 6749 gives 401
   ``invalid_client`` [inferred].
2. ``GET https://elastic-trunking.api.sinch.com/v1/projects/{projectId}/trunks/{trunkId}``
   with that token as a bearer [observed in Sinch's SDK; host documented]. 200 is the
   trunk, whose ``domain`` is compared with the form's; sources disagree on the domain
   suffix (``.elastic-sip.sinch.com`` vs ``.pstn.sinch.com``), so the two are compared,
   never matched against a pattern. 404: not in this project; 401/403: the key is not
   this project's [inferred: Sinch's bodies are not published].

Basic auth straight on the EST API exists, but Sinch calls it test-only and heavily
rate-limited [documented]; it is never used.
"""

from __future__ import annotations

from typing import Any

from tui.checks.replies import Outcome, Reply, Unreached, find_message, quote, unreached, unusual
from tui.checks.verdict import (
    Basis,
    CheckId,
    CheckResult,
    TrunkDomainFix,
    not_checked,
    ok,
    problem,
)
from tui.printable import printable

SHOWN_LIMIT = 80


def shown(value: str) -> str:
    """An identifier the user typed, quoted so whitespace shows, control characters escaped."""
    text = printable(value[:SHOWN_LIMIT])
    return f'"{text}"' + ("…" if len(value) > SHOWN_LIMIT else "")


def access_token(outcome: Outcome) -> str | None:
    """The bearer token of a successful token answer, else None."""
    if isinstance(outcome, Reply) and outcome.status == 200:
        payload: Any = outcome.payload
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if isinstance(token, str) and token:
            return token
    return None


def _oauth_error(payload: Any) -> str | None:
    error = payload.get("error") if isinstance(payload, dict) else None
    return error if isinstance(error, str) else None


def classify_token(outcome: Outcome) -> CheckResult:
    """The key line: did Sinch's auth server issue a token for this key ID and secret."""
    check = CheckId.SINCH_KEY
    if isinstance(outcome, Unreached):
        return unreached(check, outcome)
    if access_token(outcome) is not None:
        return ok(check, "Sinch accepts this key ID and key secret", Basis.DOCUMENTED)
    if outcome.status == 200:
        return not_checked(check, "Sinch answered 200 without an access token", "bad_response")
    if outcome.status == 401 or _oauth_error(outcome.payload) == "invalid_client":
        return problem(
            check,
            "Sinch refused this key ID / secret",
            "invalid_client",
            "check both in the Sinch dashboard's access keys; a key secret is shown only "
            "once, when the key is created",
            Basis.INFERRED,
        )
    return unusual(check, outcome)


def same_domain(ours: str, theirs: str) -> bool:
    """Host names compare without case and without a final dot; anything else counts."""
    return ours.casefold().removesuffix(".") == theirs.casefold().removesuffix(".")


def classify_trunk(
    outcome: Outcome, *, project_id: str, trunk_id: str, form_domain: str
) -> CheckResult:
    """The trunk line: the trunk exists in the project, and its domain is the form's."""
    check = CheckId.SINCH_TRUNK
    if isinstance(outcome, Unreached):
        return unreached(check, outcome)
    trunk, project = shown(trunk_id), shown(project_id)
    if outcome.status == 200:
        payload = outcome.payload if isinstance(outcome.payload, dict) else {}
        domain = payload.get("domain")
        if not isinstance(domain, str) or not domain:
            return not_checked(
                check,
                f"trunk {trunk} is in project {project}, but Sinch did not say its domain",
                "no_domain",
                basis=Basis.OBSERVED,
            )
        if form_domain == "":
            return problem(
                check,
                f"the form has no trunk domain; trunk {trunk} has {shown(domain)}",
                "domain_missing",
                "calls reach the trunk by its domain: use the trunk's",
                Basis.OBSERVED,
                TrunkDomainFix(domain),
            )
        if not same_domain(form_domain, domain):
            return problem(
                check,
                f"trunk {trunk} has the domain {shown(domain)}, not {shown(form_domain)}",
                "domain_mismatch",
                "calls reach the trunk by its domain: use the trunk's, or check the trunk ID",
                Basis.OBSERVED,
                TrunkDomainFix(domain),
            )
        return ok(
            check,
            f"trunk {trunk} is in project {project}, and its domain matches",
            Basis.OBSERVED,
        )
    said = find_message(outcome.payload)
    sinch_said = f' (Sinch: "{quote(said)}")' if said else ""
    if outcome.status == 404:
        return problem(
            check,
            f"trunk {trunk} was not found in project {project}{sinch_said}",
            "trunk_not_found",
            "check the trunk ID, and that the project ID is the EST project's (a UUID), "
            "not a Voice app key",
            Basis.INFERRED,
        )
    if outcome.status in (401, 403):
        return problem(
            check,
            f"this key may not read project {project}{sinch_said}",
            "wrong_project",
            "the key belongs to another project, or the project ID is wrong: use a key "
            "made in this project",
            Basis.INFERRED,
        )
    return unusual(check, outcome)


def token_not_obtained() -> CheckResult:
    """The trunk line when there is no token: the key line already says why."""
    return not_checked(
        CheckId.SINCH_TRUNK,
        "needs a key Sinch accepts first",
        "key_not_proven",
        basis=Basis.INFERRED,
    )
