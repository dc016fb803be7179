"""Failures the demo server can produce on demand.

Why this exists: the Voice AI contract warns that a real server, or a proxy in front of it,
can answer with a status the reference does not list, with a body that is not JSON, or not
answer at all -- and that each must reach the user as a clear message. None of that can be
shown or tested against a healthy server, so each case is reproduced here, byte for byte,
on a loopback socket: `tether-voice demo-server --fault 503-html`, a curl to the running
server's control route, or `DemoServer.inject()` in a test.

The module is data, not behaviour: `canned_response()` says which bytes a fault puts on the
wire, and the server decides how to send them. Stdlib only and nothing is built at import
(the huge body is made on first use), because the app imports this in `--demo` mode.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache

__all__ = [
    "JSON_CONTENT_TYPE",
    "CannedResponse",
    "Fault",
    "FaultQueue",
    "PendingFault",
    "canned_response",
    "parse_fault_request",
]

# What Express (the real backend) sends; the parameter makes clients compare media types,
# not whole header strings.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
HTML_CONTENT_TYPE = "text/html"

# Larger than the client's default cap (32 MB, --max-answer-mb): a configuration is a few
# KB, but 100,000 phone numbers are 8 to 13 MB, so the cap, and this, are well above that.
HUGE_BODY_BYTES = 40 * 1024 * 1024


class Fault(StrEnum):
    """One way a request can go wrong; the value is the spelling used on the command line."""

    UNAUTHORIZED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    RATE_LIMITED = "429"
    SERVER_ERROR_STRING = "500-string"
    SERVER_ERROR_STRUCTURED = "500-structured"
    BAD_GATEWAY_HTML = "502-html"
    UNAVAILABLE_HTML = "503-html"
    GATEWAY_TIMEOUT_HTML = "504-html"
    MALFORMED_JSON = "malformed-json"
    EMPTY_BODY = "empty-body"
    NOT_SUCCESS_200 = "200-not-success"
    HUGE_BODY = "huge-body"
    DELAY = "delay"
    DROP_CONNECTION = "drop"
    DROP_MID_RESPONSE = "drop-mid-body"

    @property
    def summary(self) -> str:
        """One line for `--help` texts and the control route's error message."""
        return _SUMMARIES[self]


_SUMMARIES: dict[Fault, str] = {
    Fault.UNAUTHORIZED: "401 with a string error (token rejected)",
    Fault.FORBIDDEN: "403 with a string error (role lacks access)",
    Fault.NOT_FOUND: "404 with a string error (wrong base URL or old server)",
    Fault.RATE_LIMITED: "429 with a string error and Retry-After: 5",
    Fault.SERVER_ERROR_STRING: "500 with a string error",
    Fault.SERVER_ERROR_STRUCTURED: "500 with a structured error {code, message, details}",
    Fault.BAD_GATEWAY_HTML: "502 with an nginx HTML page",
    Fault.UNAVAILABLE_HTML: "503 with an nginx HTML page",
    Fault.GATEWAY_TIMEOUT_HTML: "504 with an nginx HTML page",
    Fault.MALFORMED_JSON: "200 whose JSON body is cut short",
    Fault.EMPTY_BODY: "200 with an empty body",
    Fault.NOT_SUCCESS_200: '200 with {"success": false}',
    Fault.HUGE_BODY: "200 with a ~40 MB JSON body",
    Fault.DELAY: "wait before answering normally (see the delay option)",
    Fault.DROP_CONNECTION: "close the connection without answering",
    Fault.DROP_MID_RESPONSE: "send headers and part of the body, then close",
}


@dataclass(slots=True)
class PendingFault:
    """One injected fault waiting for requests to spoil.

    `method` None matches any method, so a single fault can hit whichever request the
    user triggers next; `remaining` counts the matching requests it still applies to,
    which lets a test say "fail twice, then recover" to exercise a retry path.
    """

    fault: Fault
    method: str | None = None
    delay_seconds: float = 3.0
    remaining: int = 1

    def __post_init__(self) -> None:
        # Coerce here so the control route and the CLI can pass the flag spelling.
        self.fault = Fault(self.fault)
        if self.method is not None:
            self.method = self.method.upper()
        if self.delay_seconds < 0:
            raise ValueError("delay must be zero or more seconds")
        if self.remaining < 1:
            raise ValueError("times must be at least 1")

    def matches(self, method: str) -> bool:
        """Whether this fault applies to a request made with `method`."""
        return self.method is None or self.method == method.upper()

    def as_json(self) -> dict[str, object]:
        """The shape the control route uses, so what curl sends and reads back agree."""
        return {
            "fault": str(self.fault),
            "method": self.method,
            "delay": self.delay_seconds,
            "times": self.remaining,
        }


class FaultQueue:
    """Thread-safe FIFO of pending faults, shared by every request-handling thread.

    FIFO because a person injecting "503 then 429" expects to see them in that order.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[PendingFault] = []

    def push(self, pending: PendingFault) -> None:
        """Queue a copy, so the caller's object cannot change what the server does later."""
        with self._lock:
            self._pending.append(replace(pending))

    def take(self, method: str) -> PendingFault | None:
        """Consume one use of the first fault matching `method`; None when none matches."""
        with self._lock:
            for index, pending in enumerate(self._pending):
                if pending.matches(method):
                    pending.remaining -= 1
                    if pending.remaining == 0:
                        del self._pending[index]
                    return replace(pending, remaining=1)
        return None

    def clear(self) -> int:
        """Drop every pending fault; returns how many there were."""
        with self._lock:
            count = len(self._pending)
            self._pending.clear()
        return count

    def snapshot(self) -> list[PendingFault]:
        """Copies of the pending faults, oldest first."""
        with self._lock:
            return [replace(pending) for pending in self._pending]


@dataclass(frozen=True, slots=True)
class CannedResponse:
    """The bytes one fault puts on the wire.

    `send_bytes` cuts the body short: the Content-Length still announces the whole body,
    only that many bytes are sent, then the connection is closed -- a proxy dying mid-reply.
    """

    status: int
    body: bytes
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    send_bytes: int | None = None


def _json(payload: object) -> bytes:
    return json.dumps(payload).encode()


def _string_error(message: str) -> bytes:
    return _json({"success": False, "error": message})


def _nginx_page(status: int, reason: str) -> bytes:
    """What nginx serves when the upstream is down: the most common non-JSON answer."""
    title = f"{status} {reason}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    ).encode()


@cache
def _huge_body() -> bytes:
    """Built on first use and kept: 40 MB is too much to build at import or per request."""
    return b'{"success": true, "junk": "' + b"x" * HUGE_BODY_BYTES + b'"}'


# A plausible config answer, so a client that reads the truncated body as far as it can
# sees the start of a real answer rather than obvious junk.
_TRUNCATED_CONFIG = _json(
    {
        "success": True,
        "aiVoiceProvider": "elevenlabs",
        "elevenlabsApiKeyConfigured": True,
        "elevenlabsToolSecretConfigured": True,
        "sinchEstConfigured": True,
        "phoneNumbers": [],
    }
)


def canned_response(fault: Fault) -> CannedResponse | None:
    """The response `fault` sends; None for DELAY and DROP_CONNECTION, which send nothing."""
    match fault:
        case Fault.UNAUTHORIZED:
            return CannedResponse(401, _string_error("Unauthorized"))
        case Fault.FORBIDDEN:
            return CannedResponse(403, _string_error("Forbidden: superadmin role required"))
        case Fault.NOT_FOUND:
            return CannedResponse(404, _string_error("Not found"))
        case Fault.RATE_LIMITED:
            return CannedResponse(
                429,
                _string_error("Too many requests, please try again later."),
                headers=(("Retry-After", "5"),),
            )
        case Fault.SERVER_ERROR_STRING:
            return CannedResponse(500, _string_error("Internal server error"))
        case Fault.SERVER_ERROR_STRUCTURED:
            error = {
                "code": "ELEVENLABS_UNREACHABLE",
                "message": "Could not reach ElevenLabs to verify the configuration",
                "details": [
                    {
                        "field": "elevenlabsApiKey",
                        "message": "ElevenLabs did not answer; try again later",
                    }
                ],
            }
            return CannedResponse(
                500, _json({"success": False, "error": error, "code": "ELEVENLABS_UNREACHABLE"})
            )
        case Fault.BAD_GATEWAY_HTML:
            return CannedResponse(502, _nginx_page(502, "Bad Gateway"), HTML_CONTENT_TYPE)
        case Fault.UNAVAILABLE_HTML:
            page = _nginx_page(503, "Service Temporarily Unavailable")
            return CannedResponse(503, page, HTML_CONTENT_TYPE)
        case Fault.GATEWAY_TIMEOUT_HTML:
            return CannedResponse(504, _nginx_page(504, "Gateway Time-out"), HTML_CONTENT_TYPE)
        case Fault.MALFORMED_JSON:
            return CannedResponse(200, b'{"success": tru')
        case Fault.EMPTY_BODY:
            return CannedResponse(200, b"")
        case Fault.NOT_SUCCESS_200:
            return CannedResponse(200, _string_error("Webhook setup failed"))
        case Fault.HUGE_BODY:
            return CannedResponse(200, _huge_body())
        case Fault.DROP_MID_RESPONSE:
            body = _TRUNCATED_CONFIG
            return CannedResponse(200, body, send_bytes=len(body) // 2)
        case Fault.DELAY | Fault.DROP_CONNECTION:
            return None


def parse_fault_request(body: bytes) -> PendingFault:
    """`{"fault", "method"?, "delay"?, "times"?}` -> PendingFault; ValueError says what is wrong."""
    try:
        request = json.loads(body) if body.strip() else None
    except ValueError:
        request = None
    if not isinstance(request, dict):
        raise ValueError('expected a JSON object such as {"fault": "503-html"}')
    try:
        fault = Fault(request.get("fault"))
    except ValueError:
        choices = ", ".join(fault.value for fault in Fault)
        raise ValueError(f"unknown fault {request.get('fault')!r}; one of: {choices}") from None
    method = request.get("method")
    delay = request.get("delay", 3.0)
    times = request.get("times", 1)
    if method is not None and not isinstance(method, str):
        raise ValueError("method must be a string such as GET or POST, or null for any")
    if isinstance(delay, bool) or not isinstance(delay, int | float):
        raise ValueError("delay must be a number of seconds")
    if isinstance(times, bool) or not isinstance(times, int):
        raise ValueError("times must be a whole number")
    return PendingFault(fault, method, float(delay), times)
