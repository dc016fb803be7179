"""Reading the issuers' answers defensively: every field may be missing or of any type.

The answers are untrusted. A rule asks "the list of items, if this is a 200 whose body is
a list", "this field, if it is a string", and gets ``None`` otherwise, so an odd answer
becomes an "unknown" finding, never an exception. Text from an answer is quoted short
(:func:`~tui.checks.replies.quote`); escaping for the terminal happens where it is shown.
"""

from __future__ import annotations

from typing import Any

from tui.checks.replies import Outcome, Reply, Unreached, find_message, quote
from tui.checks.verdict import Basis
from tui.wiring.evidence import Listing
from tui.wiring.findings import CheckId, Finding, Verdict

DETAILS_SHOWN = 5
"""How many items a line names before "and N more" (``details`` has them all)."""


def payload_of(outcome: Outcome | None, status: int = 200) -> Any:
    """The parsed body of a reply with ``status``, else None."""
    if isinstance(outcome, Reply) and outcome.status == status:
        return outcome.payload
    return None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def text(value: Any, key: str) -> str | None:
    """``value[key]`` when ``value`` is an object and that field is a string."""
    found = as_dict(value).get(key)
    return found if isinstance(found, str) else None


def flag(value: Any, key: str) -> bool | None:
    found = as_dict(value).get(key)
    return found if isinstance(found, bool) else None


def number(value: Any, key: str) -> int | None:
    found = as_dict(value).get(key)
    return found if isinstance(found, int) and not isinstance(found, bool) else None


def items(value: Any, key: str) -> list[Any]:
    """``value[key]`` when it is a list, else empty."""
    found = as_dict(value).get(key)
    return found if isinstance(found, list) else []


def dicts(values: Any) -> list[dict[str, Any]]:
    """The objects of a list; anything else in it is skipped."""
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list | tuple) else []


def named(values: list[str], limit: int = DETAILS_SHOWN, sep: str = ", ") -> str:
    """``a, b, c and 4 more``: a line names a few; ``details`` has them all. Items that
    are phrases with commas of their own take ``sep="; "``."""
    shown = sep.join(quote(v) for v in values[:limit])
    more = len(values) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def no_answer(check: CheckId, outcome: Outcome | Listing | None, what: str, issuer: str) -> Finding:
    """Why ``what`` could not be read: an unknown finding that says what happened.

    A refusal of a read (401/403) is the key's business, said on the key's line; here it
    only explains why this line cannot tell.
    """
    if isinstance(outcome, Listing):
        outcome = outcome.failure
    if outcome is None:
        return Finding(check, Verdict.UNKNOWN, f"{what} was not read", Basis.INFERRED)
    if isinstance(outcome, Unreached):
        found = f"could not read {what}: {quote(outcome.detail)}"
        todo = "run it again later, or from a host that reaches " + issuer
        return Finding(check, Verdict.UNKNOWN, found, Basis.INFERRED, todo)
    said = find_message(outcome.payload)
    words = f' ("{quote(said)}")' if said else ""
    if outcome.status in (401, 403):
        found = f"{issuer} refused to show {what} (HTTP {outcome.status}){words}"
        return Finding(check, Verdict.UNKNOWN, found, Basis.INFERRED, "see the key's line for why")
    if outcome.status == 200:
        found = f"{issuer}'s answer for {what} is not in the documented shape"
        return Finding(check, Verdict.UNKNOWN, found, Basis.INFERRED)
    found = f"{issuer} answered HTTP {outcome.status} for {what}{words}"
    return Finding(check, Verdict.UNKNOWN, found, Basis.INFERRED)
