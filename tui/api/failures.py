"""Every way a request can fail, as one typed value the UI (or a script) can show.

``raise_for_status`` is not an error model: a status, a transport error and a body
that is not what the contract promised all reach the user as an :class:`ApiFailure`
with a one-line summary and a hint about what to do next. Nothing here ever holds
the token or a secret value: messages are built from the status, the server's own
error text and the exception's class, and from an exception's message only where it
cannot quote a request header; never from request bodies or headers.

A server's words are data here, never a template: next steps are filled in by plain
substitution of known placeholders (:meth:`ApiFailure.hint_in`), and the one header
that reaches a next step, ``Retry-After``, is read as a number or a date or not at all.
"""

from __future__ import annotations

import math
import re
import reprlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import Enum
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError

from tui.api.models import ErrorEnvelope, StructuredError


class Operation(Enum):
    """What the app was doing, because the right next step depends on it."""

    LOAD = "load"
    SAVE = "save"
    TOGGLE = "toggle"
    """AI on or off for one phone number: a write, sent in a batch; a failed one stays
    pending, and the re-read after the batch settles one whose answer was lost."""
    SIGN_IN = "sign in"
    """Login, verify-token and profile: there is no form yet, so no edits to keep."""
    CHECK = "check"
    """A credential check with ElevenLabs or Sinch: its failures become "not checked"
    lines (``tui.checks``), never an error of the app's own."""

    @property
    def writes(self) -> bool:
        """A request that changes the server: cut off once sent, its outcome is unknown."""
        return self in (Operation.SAVE, Operation.TOGGLE)


class FailureKind(Enum):
    HTTP_STATUS = "http status"
    """The server answered with an error status (or a 200 that says it failed)."""
    REDIRECT = "redirect"
    """The server answered 3xx; the token is never sent on to another location."""
    NETWORK = "network"
    """No answer: refused, DNS, TLS, proxy, dropped connection."""
    TIMEOUT = "timeout"
    """No answer in time."""
    BAD_RESPONSE = "bad response"
    """An answer that is not what the contract describes (not JSON, wrong shape, too big)."""
    NOT_SENT = "not sent"
    """Nothing was sent: the input cannot go on the wire (a token with spaces or non-ASCII)."""


@dataclass(frozen=True)
class Wording:
    """How a front end names its next steps.

    Hints are written once, with these as ``{placeholders}``, and each front end fills
    them in: the app names its keys, a script names the command to run again.
    """

    reload: str
    check_save: str
    """After a save whose outcome is unknown: how to see what the server holds now,
    without losing the edits (the app's reload would offer to discard them)."""
    reload_to_try_again: str
    then_reload: str
    retry_load: str
    retry_save: str
    retry_toggle: str
    settle_toggle: str
    sign_in: str
    fresh_token: str
    """How a new TETHER_TOKEN takes effect: the app reads it only when it starts."""
    kept: str
    toggle_kept: str


APP_WORDING = Wording(
    reload="reload (ctrl+r)",
    check_save=(
        "review again (ctrl+s), which re-reads the server and shows what it holds now "
        "before anything is sent"
    ),
    reload_to_try_again="reload (ctrl+r) to try again",
    then_reload="Then reload (ctrl+r).",
    retry_load="retry (ctrl+r)",
    retry_save="retry (ctrl+s)",
    retry_toggle="retry (ctrl+s in the numbers)",
    settle_toggle="the re-read after the batch says whether it was",
    sign_in="Sign in again as a superadmin (ctrl+l)",
    fresh_token="or start the app again with a fresh TETHER_TOKEN",
    kept=" Your edits are kept.",
    toggle_kept=" It stays pending for a retry.",
)
NOTHING_TO_KEEP = replace(APP_WORDING, kept="")
"""The app's words while nothing is loaded: no form yet, so "Your edits are kept" would
promise something that is not there."""
SCRIPT_WORDING = Wording(
    reload="run `tether-voice show`",
    check_save="run `tether-voice show` to check before saving again",
    reload_to_try_again="run the command again",
    then_reload="Then run the command again.",
    retry_load="retry (run the command again)",
    retry_save="retry (run the command again)",
    retry_toggle="retry (run the command again)",
    settle_toggle="check with `tether-voice numbers`",
    sign_in="Sign in again as a superadmin with the app",
    fresh_token="or give a fresh TETHER_TOKEN",
    kept="",
    toggle_kept="",
)


@dataclass(frozen=True)
class ApiFailure:
    """A failed request, ready to show: what happened, the server's words, what to do."""

    kind: FailureKind
    operation: Operation
    summary: str
    next_step: str
    """What to do next, with ``{placeholders}`` for a front end's :class:`Wording`."""
    status: int | None = None
    error: str | None = None
    error_code: str | None = None
    details: tuple[str, ...] = ()
    code: str | None = None

    @property
    def hint(self) -> str:
        """The next step as the app words it."""
        return self.hint_in(APP_WORDING)

    def hint_in(self, wording: Wording) -> str:
        """The next step with a front end's words for its actions.

        Only the known ``{name}`` placeholders are replaced, by plain substitution: a next
        step can hold a server's words (a ``Retry-After``), and ``str.format`` would
        interpret a format spec in them (``{reload:x>100000000}`` wrote 100 MB).
        """
        words = vars(wording)
        return _PLACEHOLDER.sub(
            lambda match: words.get(match.group(1), match.group(0)), self.next_step
        ).strip()

    def lines(self, wording: Wording = APP_WORDING) -> list[str]:
        """The failure as plain lines, in reading order (status panel, script, logs)."""
        out = [self.summary]
        if self.error:
            out.append(f"Server said: {self.error}")
        if self.error_code:
            out.append(f"Error code: {self.error_code}")
        out.extend(f"  • {detail}" for detail in self.details)
        if self.code and self.code != self.error_code:
            out.append(f"Code: {self.code}")
        out.append(f"Next: {self.hint_in(wording)}")
        return out


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
"""A :class:`Wording` placeholder: a name in braces, nothing else (no format spec)."""

_KEPT = "{kept}"
"""Placeholders stay literal in these f-strings (doubled braces); see :class:`Wording`."""


def _kept(operation: Operation) -> str:
    """What is kept after a failure: the form's edits, or the number's pending toggle."""
    return "{toggle_kept}" if operation is Operation.TOGGLE else _KEPT


def _retry(operation: Operation) -> str:
    if operation is Operation.SAVE:
        return "{retry_save}"
    if operation is Operation.TOGGLE:
        return "{retry_toggle}"
    return "{retry_load}"


RETRY_AFTER_LIMIT = 86_400
"""The longest ``Retry-After`` taken at its word, in seconds (a day); longer is ignored."""

_DELTA_SECONDS = re.compile(r"[0-9]{1,9}")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> int | None:
    """A ``Retry-After`` header as seconds to wait, or None when it is not one.

    Only the two forms HTTP defines are read: delta-seconds (ASCII digits) and an
    HTTP-date. Anything else (a server's free text, format fields) is ignored, and so is
    a wait longer than :data:`RETRY_AFTER_LIMIT`; the hint then says "wait a moment".
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        seconds = int(text)
        return seconds if seconds <= RETRY_AFTER_LIMIT else None
    if not 0 < len(text) <= 40:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = math.ceil((when - (now or datetime.now(UTC))).total_seconds())
    return max(seconds, 0) if seconds <= RETRY_AFTER_LIMIT else None


def _wait(retry_after: str | None) -> str:
    seconds = retry_after_seconds(retry_after)
    return f"{seconds} s" if seconds else "a moment"


def status_hint(status: int, operation: Operation, retry_after: str | None = None) -> str:
    """What the user should do after a given status, in one sentence or two."""
    if operation is Operation.SIGN_IN:
        return _sign_in_status_hint(status, retry_after)
    kept = _kept(operation)
    if status == 401:
        return (
            "The token is missing, expired or malformed, or the account is not a "
            "superadmin. {sign_in}, {fresh_token}." + kept
        )
    if status == 403:
        return "Signed in, but this account's role may not do this: use a superadmin." + kept
    if status == 404:
        return "The endpoint was not found: check the instance URL (--url)." + kept
    if status == 429:
        return f"Rate limited: wait {_wait(retry_after)}, then try again." + kept
    if 400 <= status < 500:
        return "The server refused the request: correct the values named above." + kept
    if status >= 500:
        return f"A server error; it is safe to {_retry(operation)}." + kept
    return "Unexpected answer from the server." + kept


def _sign_in_status_hint(status: int, retry_after: str | None) -> str:
    """Hints while signing in: no edits exist yet, and the next step is to sign in again."""
    if status == 401:
        return "The token is missing, expired or malformed: sign in again."
    if status == 403:
        return "Signed in, but this account's role may not do this: use a superadmin."
    if status == 404:
        return "The sign-in endpoint was not found: check the instance URL (--url)."
    if status == 429:
        return f"Rate limited: wait {_wait(retry_after)}, then sign in again."
    if 400 <= status < 500:
        return "The server refused the request: check what you entered and sign in again."
    if status >= 500:
        return "A problem on the server side; it is safe to try again."
    return "Unexpected answer from the server: check the instance URL (--url)."


def network_hint(operation: Operation) -> str:
    base = "Check the host and port, proxy settings (HTTPS_PROXY, NO_PROXY) and TLS certificates."
    if operation is Operation.SIGN_IN:
        return f"{base} Then try again."
    if operation.writes:
        return base + _kept(operation)
    return base + " {then_reload}"


def timeout_hint(operation: Operation) -> str:
    if operation is Operation.SIGN_IN:
        return "The server may be slow or unreachable: try again, or raise --timeout."
    if operation is Operation.SAVE:
        return (
            "The save may or may not have been applied: {check_save}." + _KEPT
        )
    if operation is Operation.TOGGLE:
        return "The toggle may or may not have been applied: {settle_toggle}." + _kept(operation)
    return "The server may be slow or unreachable: {reload_to_try_again}, or raise --timeout."


def _status_phrase(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


_SHORT = reprlib.Repr()
_SHORT.maxlevel = 4
_SHORT.maxstring = _SHORT.maxother = 200
_SHORT.maxdict = _SHORT.maxlist = 10


def _short(value: Any) -> str:
    """A server's value as one short line: ``str`` of a large or deep one would be neither."""
    text = value if isinstance(value, str) else _SHORT.repr(value)
    return " ".join(text[:1000].split())[:200]


SAID_LIMIT = 400
"""Most characters of a server's message kept in a failure; codes keep :data:`CODE_LIMIT`,
and at most :data:`DETAILS_LIMIT` details are kept. A server's words are quoted to explain
a failure, and a megabyte of them would push the next step off the status panel."""
CODE_LIMIT = 100
DETAILS_LIMIT = 10


def _capped(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters, ending in "…" when it was longer."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


def _details(details: list[Any]) -> tuple[str, ...]:
    shown = [_detail_text(detail) for detail in details[:DETAILS_LIMIT]]
    if len(details) > DETAILS_LIMIT:
        shown.append(f"… and {len(details) - DETAILS_LIMIT} more")
    return tuple(shown)


def _detail_text(detail: Any) -> str:
    """One structured-error detail as a line: ``field: message`` when it has those."""
    if not isinstance(detail, dict):
        return _short(detail)
    where = detail.get("field") or detail.get("path") or detail.get("param")
    if isinstance(where, list):
        where = ".".join(_short(part) for part in where[:10])
    message = detail.get("message") or detail.get("msg")
    if where and message:
        return f"{_short(where)}: {_short(message)}"
    if message:
        return _short(message)
    return _short(
        ", ".join(f"{_short(key)}={_short(value)}" for key, value in list(detail.items())[:10])
    )


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def describe_non_json(text: str, content_type: str) -> str:
    """A short, printable description of a body that is not JSON (an HTML error page)."""
    title = _TITLE.search(text)
    snippet = title.group(1) if title else _TAG.sub(" ", text)
    snippet = " ".join(snippet.split())[:100]
    kind = content_type.split(";")[0].strip() or "no content type"
    return f"a non-JSON body ({kind}): {snippet}" if snippet else f"an empty body ({kind})"


def from_error_status(
    status: int,
    operation: Operation,
    payload: Any,
    raw_text: str,
    content_type: str,
    retry_after: str | None = None,
) -> ApiFailure:
    """Map an error status (or a 200 that reports failure) and its body to a failure."""
    summary = _status_phrase(status)
    if status == 200:
        summary = "HTTP 200, but the server reported a failure"
    hint = status_hint(status if status != 200 else 500, operation, retry_after)
    if not isinstance(payload, dict):
        return ApiFailure(
            FailureKind.HTTP_STATUS,
            operation,
            f"{summary}, with {describe_non_json(raw_text, content_type)}",
            hint,
            status=status,
        )
    try:
        envelope = ErrorEnvelope.model_validate(payload)
    except ValidationError:
        return ApiFailure(
            FailureKind.HTTP_STATUS,
            operation,
            f"{summary}, with an error body of unknown shape",
            hint,
            status=status,
            error=_short(payload),
        )
    error = envelope.error
    if isinstance(error, StructuredError):
        return ApiFailure(
            FailureKind.HTTP_STATUS,
            operation,
            summary,
            hint,
            status=status,
            error=_capped(error.message, SAID_LIMIT),
            error_code=_capped(error.code, CODE_LIMIT),
            details=_details(error.details),
            code=_capped(envelope.code, CODE_LIMIT),
        )
    return ApiFailure(
        FailureKind.HTTP_STATUS,
        operation,
        summary,
        hint,
        status=status,
        error=_capped(error or envelope.message, SAID_LIMIT),
        code=_capped(envelope.code, CODE_LIMIT),
    )


_UNKNOWN_OUTCOME = {
    Operation.SAVE: " The save may have been applied: {check_save}.",
    Operation.TOGGLE: " The toggle may have been applied: {settle_toggle}.",
}
"""After a write whose answer could not be read: it was sent, so it may have been applied."""


def bad_response(operation: Operation, what: str) -> ApiFailure:
    """An answer that is not what the contract describes (not JSON, wrong shape, too big)."""
    if operation is Operation.SIGN_IN:
        hint = "Check the URL points at the Tether API, then try again."
    else:
        extra = _UNKNOWN_OUTCOME.get(operation, "")
        hint = f"Check the URL points at the Tether API, then {_retry(operation)}.{extra}" + _kept(
            operation
        )
    return ApiFailure(
        FailureKind.BAD_RESPONSE,
        operation,
        f"The server's answer was not understood: {what}",
        hint,
    )


MAX_ANSWER_SETTING = (
    "--max-answer-mb (or TETHER_VOICE_MAX_ANSWER_MB, or max_answer_mb in the profile)"
)
"""How the user raises the Tether API's answer size cap, for the failure that meets it."""


def too_large(operation: Operation, limit_mb: float, *, setting: bool) -> ApiFailure:
    """An answer larger than the cap: not a wrong URL, a large organization (or a runaway
    page); ``setting``: the cap is the user's to raise (the Tether API's; an issuer's is
    fixed)."""
    if not setting:
        return bad_response(operation, f"it was larger than {limit_mb:g} MB")
    then = "try again" if operation is Operation.SIGN_IN else _retry(operation)
    extra = _UNKNOWN_OUTCOME.get(operation, "")
    kept = "" if operation is Operation.SIGN_IN else _kept(operation)
    return ApiFailure(
        FailureKind.BAD_RESPONSE,
        operation,
        f"The server's answer was larger than {limit_mb:g} MB, the limit set by --max-answer-mb",
        f"If the organization is that large, raise the limit with {MAX_ANSWER_SETTING}, "
        f"then {then}.{extra}" + kept,
    )


def not_sendable(operation: Operation) -> ApiFailure:
    """A request httpx refused to build: a header value (the token) that HTTP cannot carry.

    The library's own message quotes the header (``Illegal header value b'Bearer …'``),
    so it is never shown; nothing went on the wire.
    """
    if operation is Operation.SIGN_IN:
        hint = "Copy the token again (only the token itself) and sign in again."
    else:
        hint = "{sign_in}, {fresh_token} (the token alone)." + _kept(operation)
    return ApiFailure(
        FailureKind.NOT_SENT,
        operation,
        "Not sent: the token (or another request header) holds a line break or a "
        "character that HTTP cannot carry",
        hint,
    )


def redirect_failure(operation: Operation, status: int, location: str | None) -> ApiFailure:
    """A 3xx: never followed, because the token (or the password) would go with it."""
    what = "credentials are" if operation is Operation.SIGN_IN else "the token is"
    return ApiFailure(
        FailureKind.REDIRECT,
        operation,
        f"HTTP {status}: the server redirects to "
        f"{_capped(location, SAID_LIMIT) or 'an unnamed location'}",
        f"For safety {what} not sent on to another location: fix the instance URL (--url).",
        status=status,
    )
