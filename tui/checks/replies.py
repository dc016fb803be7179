"""What an issuer answered, as plain data, and the verdicts every issuer shares.

The issuer clients (``tui.api.elevenlabs``, ``tui.api.sinch``) turn each exchange into a
:class:`Reply` (an answer with a status) or an :class:`Unreached` (no usable answer);
the rules in this package turn those into verdicts. Keeping HTTP out of the rules is
what lets every case be tested as a table row.

Shared here: what no answer means (never a problem: nothing was proven), what a
redirect, a busy issuer or a server error means (the same), and how an issuer's own
words are quoted (short, one line, never a request's content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.api.bounded_json import loads_or_none
from tui.checks.verdict import Basis, CheckId, CheckResult, not_checked

QUOTE_LIMIT = 160
"""Longest piece of an issuer's message quoted on a line."""


@dataclass(frozen=True)
class Reply:
    """An answer with a status: the body parsed as JSON when it is JSON.

    The body stays out of ``repr``: a token answer carries a bearer token.
    """

    status: int
    payload: Any = field(default=None, repr=False)
    text: str = field(default="", repr=False)
    location: str | None = None

    @classmethod
    def of(cls, status: int, text: str = "", location: str | None = None) -> Reply:
        """A reply from its body's text, parsed within the depth limit (else no payload)."""
        return cls(status, loads_or_none(text), text, location)


@dataclass(frozen=True)
class Unreached:
    """No usable answer: refused, DNS, TLS, timeout, dropped, too big, not sendable."""

    kind: str
    """``timeout``, ``network``, ``bad response``, ``not sent`` (a setting stopped it) or
    ``unsendable`` (the credential as typed cannot go into a header)."""
    detail: str
    """What happened, in the transport layer's words (host and port, the OS's reason)."""


Outcome = Reply | Unreached


def quote(text: object) -> str:
    """An issuer's words, on one line and short enough for a review line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= QUOTE_LIMIT else flat[: QUOTE_LIMIT - 1] + "…"


def unreached(check: CheckId, what: Unreached) -> CheckResult:
    """No answer proves nothing: a not-checked line that says why, never a problem."""
    issuer = check.issuer
    if what.kind == "timeout":
        where = _after(what.detail, "No answer from ")
        late = _after(what.detail, "The answer from ")  # "… did not complete in 8 s"
        if late:
            summary = f"{issuer}'s answer from {quote(late)}"
        else:
            summary = f"no answer from {issuer}" + (f" at {quote(where)}" if where else "")
        return not_checked(
            check,
            summary,
            "timeout",
            next_step="review again later, or check from a host that can reach it",
        )
    if what.kind == "unsendable":  # as typed, no header can carry it: nor can Tether's
        from tui.checks.verdict import problem

        return problem(
            check,
            quote(what.detail),
            "unsendable",
            "retype it without spaces, line breaks or other such characters",
            Basis.INFERRED,
        )
    if what.kind == "not sent":
        return not_checked(check, quote(what.detail), "not_sendable")
    if what.kind == "bad response":
        why = _after(what.detail, "The server's answer was not understood: ") or what.detail
        return not_checked(
            check, f"{issuer}'s answer was not understood: {quote(why)}", "bad_response"
        )
    where = _after(what.detail, "Could not reach ") or what.detail
    return not_checked(
        check,
        f"could not reach {issuer} at {quote(where)}",
        "unreachable",
        next_step="from this machine; proxies come from HTTPS_PROXY / NO_PROXY",
    )


def _after(text: str, prefix: str) -> str:
    """``text`` without the transport layer's own opening words, or "" without them."""
    return text[len(prefix) :] if text.startswith(prefix) else ""


def unusual(check: CheckId, reply: Reply, *, busy: str | None = None) -> CheckResult:
    """A status the rules have no definite reading for: redirect, busy, server error.

    ``busy``: the issuer's own reason for a 429, when it gave one.
    """
    issuer = check.issuer
    status = reply.status
    if 300 <= status < 400:
        return not_checked(
            check,
            f"{issuer} redirected to {reply.location or 'an unnamed location'}; not followed, "
            "because the credential would go with it",
            "redirect",
            next_step="check the base URL setting",
            basis=Basis.INFERRED,
        )
    if status == 429:
        why = f" ({busy})" if busy else ""
        return not_checked(
            check,
            f"{issuer} is busy{why}",
            "busy",
            next_step="review again in a moment",
            basis=Basis.DOCUMENTED,
        )
    if status >= 500:
        return not_checked(
            check,
            f"{issuer} answered HTTP {status}, a problem on its side",
            "issuer_error",
            next_step="review again later",
        )
    return not_checked(
        check,
        f"{issuer} answered HTTP {status}{_said(reply)}, which this app cannot read as a verdict",
        f"http_{status}",
    )


def _said(reply: Reply) -> str:
    """`` ("message")`` from a JSON body when there is one, else nothing."""
    message = find_message(reply.payload)
    return f' ("{quote(message)}")' if message else ""


def find_message(payload: Any) -> str | None:
    """The human message in an error body, in any of the shapes seen from these issuers."""
    if not isinstance(payload, dict):
        return None
    detail = payload.get("detail")
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        return detail["message"]
    if isinstance(detail, str):
        return detail
    for key in ("message", "error_description", "error"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None
