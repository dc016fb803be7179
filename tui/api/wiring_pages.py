"""Reading a whole paged list, one page after another, each page asked once.

Two styles, as each issuer documents them:

- **page numbers** (Sinch EST, the SDK's ``PAGE2``): ``page`` counts from 1, ``size``
  is the page's length, and each answer says ``totalItems`` [documented, SN-SDK
  ``api-client-pagination-helper.ts``]. Older SDK documents call the size
  ``pageSize``; the SDK of today sends ``size`` [documented, both]. Paging stops when
  the items read reach ``totalItems``, or at an empty page, or, without a total, at a
  page shorter than asked for [inferred: a server that caps the size below ours still
  reports the total, so we keep going until it is reached];
- **cursors** (ElevenLabs): ``cursor`` from the previous answer's ``next_cursor``,
  ending when there is none or ``has_more`` is false [documented, EL-SDK].

Both stop at a page cap and say so (``Listing.truncated``); a cursor the issuer already
gave stops the paging too (asking again would repeat a request). The first answer that
is not a page (an error status, no answer, a 200 of another shape) ends the listing as
its ``failure``, with the items read before it: a rule then knows the list is partial.
A numbered list cut at the cap gets a ``failure`` too (what was not read): its absences
prove nothing, and rules that trust only complete lists must see that. A cursor list cut
at its cap does not: recent calls are capped on purpose, "at least this many".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from tui.checks.replies import Outcome, Reply, Unreached
from tui.wiring.evidence import Listing

Ask = Callable[[str], Awaitable[Outcome]]
"""One GET of a path (with its query) on an issuer, its answer as plain data."""

PAGE_SIZE = 500
"""Items asked per Sinch EST page. Sinch's own reference shows a page of 500 in an
answer [documented example], so a server accepts it; what larger sizes do is not
documented (only the call records say ``size`` ≤ 1,000), and a refused size would lose
the whole list, while 500 costs one more request per 500 numbers."""

MAX_PAGES = 40
"""Pages read of one Sinch list at most: 20,000 items at :data:`PAGE_SIZE`."""


def with_query(path: str, name: str, value: str) -> str:
    """``path`` with one more query parameter, its value escaped whole."""
    return f"{path}{'&' if '?' in path else '?'}{name}={quote(value, safe='')}"


async def numbered_pages(
    ask: Ask, path: str, data_key: str, *, size: int = PAGE_SIZE, max_pages: int = MAX_PAGES
) -> Listing:
    """Every item of a ``page``/``size`` list under ``data_key``."""
    items: list[Any] = []
    for page in range(1, max_pages + 1):
        outcome = await ask(with_query(with_query(path, "page", str(page)), "size", str(size)))
        read = _numbered_page(outcome, data_key)
        if read is None:
            return Listing(tuple(items), failure=outcome)
        batch, total = read
        items.extend(batch)
        if not batch or (len(items) >= total if total is not None else len(batch) < size):
            return Listing(tuple(items))
    unread = Unreached(
        "not sent",
        f"only the first {len(items):,} were read ({max_pages} pages); the rest was not asked",
    )
    return Listing(tuple(items), failure=unread, truncated=True)


def _numbered_page(outcome: Outcome, data_key: str) -> tuple[list[Any], int | None] | None:
    """(this page's items, ``totalItems`` when it is a count), or None: not a page."""
    if not isinstance(outcome, Reply) or outcome.status != 200:
        return None
    payload = outcome.payload
    if not isinstance(payload, dict) or not isinstance(payload.get(data_key), list):
        return None
    total = payload.get("totalItems")
    counted = isinstance(total, int) and not isinstance(total, bool) and total >= 0
    return payload[data_key], total if counted else None


async def cursor_pages(ask: Ask, path: str, data_key: str, *, max_pages: int) -> Listing:
    """Every item of a ``cursor``/``next_cursor`` list under ``data_key``, up to the cap."""
    items: list[Any] = []
    seen: set[str] = set()
    cursor: str | None = None
    for _ in range(max_pages):
        outcome = await ask(path if cursor is None else with_query(path, "cursor", cursor))
        payload = outcome.payload if isinstance(outcome, Reply) else None
        if (
            not isinstance(outcome, Reply)
            or outcome.status != 200
            or not isinstance(payload, dict)
            or not isinstance(payload.get(data_key), list)
        ):
            return Listing(tuple(items), failure=outcome)
        items.extend(payload[data_key])
        following = payload.get("next_cursor")
        if not isinstance(following, str) or not following or payload.get("has_more") is False:
            return Listing(tuple(items))
        if following in seen:  # the issuer points back: asking again would repeat a page
            return Listing(tuple(items), truncated=True)
        seen.add(following)
        cursor = following
    return Listing(tuple(items), truncated=True)
