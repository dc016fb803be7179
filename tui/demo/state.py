"""One organization's Voice AI configuration, in memory: what the Tether demo serves.

Independent of the HTTP plumbing, so tests can change the server's data behind the
client's back (``mutate``) and read what was stored (``secret``) without a request.
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

from tui.demo.numbers_data import NumbersData, generated_numbers

__all__ = [
    "IDENTIFIER_FIELDS",
    "KNOWN_FIELDS",
    "SECRET_FIELDS",
    "SECRET_NAMES",
    "DemoState",
    "InvalidUpdate",
]

Json = dict[str, Any]
T = TypeVar("T")

# The POST body's known fields and their JSON types (the contract's table). Anything else
# is accepted and ignored: the request schema says additionalProperties: true.
SECRET_FIELDS = ("elevenlabsApiKey", "sinchEstKeyId", "sinchEstKeySecret")
IDENTIFIER_FIELDS = ("sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain")
KNOWN_FIELDS = (
    "aiVoiceProvider",
    "elevenlabsApiKey",
    "generateToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "sinchEstProjectId",
    "sinchEstTrunkId",
    "sinchEstTrunkDomain",
)

# Values the server stores but never returns. `secret()` reads them back for tests.
SECRET_NAMES = (
    "elevenlabsApiKey",
    "elevenlabsToolSecret",
    "sinchEstKeyId",
    "sinchEstKeySecret",
    "webhookSecret",
)


class InvalidUpdate(ValueError):
    """A POST body the server refuses; carries the structured error the 400 answer shows."""

    def __init__(self, code: str, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_json(self) -> Json:
        """The 400 body: a structured `CallsErrorResponse` with the code repeated on top."""
        error: Json = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"success": False, "error": error, "code": self.code}


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, as a zod-style message spells it."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _validate(body: object) -> Mapping[str, object]:
    """Check every known field's type; raise InvalidUpdate listing each bad field."""
    if not isinstance(body, dict):
        raise InvalidUpdate("INVALID_BODY", "Request body must be a JSON object")
    details: list[dict[str, str]] = []
    for name in KNOWN_FIELDS:
        if name not in body:
            continue
        value = body[name]
        if name == "generateToolSecret":
            expected, ok = "boolean", isinstance(value, bool)
        elif name == "aiVoiceProvider":
            expected, ok = "string", value is None or isinstance(value, str)
        else:
            expected, ok = "string", isinstance(value, str)
        if not ok:
            message = f"Expected {expected}, received {_json_type(value)}"
            details.append({"field": name, "message": message})
    if details:
        raise InvalidUpdate("VALIDATION_ERROR", "Invalid request body", details)
    return body


_SALES, _SUPPORT = "64f0a1b2c3d4e5f6a7b8cc01", "64f0a1b2c3d4e5f6a7b8cc02"
_RECEPTION, _AFTER_HOURS = "64f0a1b2c3d4e5f6a7b8cc03", "64f0a1b2c3d4e5f6a7b8cc04"


def _seeded_phone_numbers() -> list[Json]:
    # A mix on purpose: enabled with an agent, disabled without, and disabled but still
    # assigned an agent, so every rendering branch of the phone table is on screen. From
    # +14165550105 on, each AI-on number carries one planted wiring problem in the
    # ElevenLabs and Sinch stand-ins (tui/demo/wiring_world.py's PLANTED).
    rows = (
        ("64f0a1b2c3d4e5f6a7b8c9d1", "+14165550101", True, _SALES),
        ("64f0a1b2c3d4e5f6a7b8c9d2", "+14165550102", False, None),
        ("64f0a1b2c3d4e5f6a7b8c9d3", "+14165550103", True, _RECEPTION),
        ("64f0a1b2c3d4e5f6a7b8c9d4", "+14165550104", False, _AFTER_HOURS),
        ("64f0a1b2c3d4e5f6a7b8c9d5", "+14165550105", True, _SUPPORT),
        ("64f0a1b2c3d4e5f6a7b8c9d6", "+14165550106", True, _SALES),
        ("64f0a1b2c3d4e5f6a7b8c9d7", "+14165550107", True, _AFTER_HOURS),
        ("64f0a1b2c3d4e5f6a7b8c9d8", "+14165550108", True, _SALES),
        ("64f0a1b2c3d4e5f6a7b8c9d9", "+14165550109", True, _RECEPTION),
        ("64f0a1b2c3d4e5f6a7b8c9da", "+14165550110", True, _SUPPORT),
        ("64f0a1b2c3d4e5f6a7b8c9db", "+14165550111", True, _SUPPORT),
        ("64f0a1b2c3d4e5f6a7b8c9dc", "+14165550112", True, _SALES),
    )
    return [
        {"userId": user_id, "phoneNumber": number, "aiEnabled": enabled, "aiAgentId": agent}
        for user_id, number, enabled, agent in rows
    ]


class DemoState:
    """One organization's Voice AI configuration, in memory, plus what the server saw.

    Thread-safe: every request runs on its own thread, and tests read and `mutate()` it
    from theirs, so all access goes through one lock and reads return copies.
    """

    def __init__(self) -> None:
        """An organization with nothing configured; see `seeded()` for the demo data."""
        self._lock = threading.Lock()
        self._provider: str | None = None
        self._secrets: dict[str, str | None] = dict.fromkeys(SECRET_NAMES)
        # None means "never set": the GET answer then leaves the field out, which is the
        # contract's "may be absent" case (and `empty()` exercises it).
        self._identifiers: dict[str, str | None] = dict.fromkeys(IDENTIFIER_FIELDS)
        self._phone_numbers: list[Json] = []
        # A field the client's model does not know, to exercise its "show unknown fields".
        self._webhook_configured = False
        self._received_posts: list[Json] = []
        self._request_log: list[tuple[str, str, int]] = []
        self._ignored_keys: list[str] = []
        self.numbers = NumbersData()
        """Agents, trunk membership and calls in flight: what the toggle route checks."""
        self.webhook_setup: Callable[[str], None] | None = None
        """Set by the demo stack: after a save with a new ElevenLabs key, set up the
        post-call webhook on the ElevenLabs stand-in (and report back through
        `webhook_attached`). Unset, a new key simply counts as a configured webhook."""
        self.toggle_applied: Callable[[Json], None] | None = None
        """Set by the demo stack: after a toggle changed a number (its row as it is now),
        keep the ElevenLabs and Sinch stand-ins in step, as the real server does."""

    @classmethod
    def empty(cls) -> Self:
        """Nothing configured: provider null, flags false, ids absent, no phone numbers."""
        return cls()

    @classmethod
    def seeded(cls) -> Self:
        """The demo organization, fully configured and deterministic (snapshots rely on it)."""
        state = cls()
        state._provider = "elevenlabs"
        state._secrets.update(
            elevenlabsApiKey="sk_demo_seeded_key_0000",
            elevenlabsToolSecret="5eed" * 16,
            sinchEstKeyId="est-key-id-demo-seeded-0000",
            sinchEstKeySecret="est-key-secret-demo-seeded-0000",
            webhookSecret="wsec_demo_seeded_0000",
        )
        state._identifiers.update(
            sinchEstProjectId="3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91",
            sinchEstTrunkId="trunk-demo-001",
            sinchEstTrunkDomain="demo-org.elastic-sip.sinch.com",
        )
        state._phone_numbers = _seeded_phone_numbers()
        state._webhook_configured = True
        state.numbers = NumbersData.seeded()
        return state

    @classmethod
    def with_numbers(cls, count: int) -> Self:
        """The seeded organization with generated numbers up to ``count`` in all (for scale)."""
        state = cls.seeded()
        extra = max(0, count - len(state._phone_numbers))
        state._phone_numbers += generated_numbers(extra, state.numbers.agents)
        return state

    # --- the contract ---

    def public_config(self) -> Json:
        """The GET answer. Secrets appear only as `...Configured` flags, never as values."""
        with self._lock:
            answer: Json = {
                "success": True,
                "aiVoiceProvider": self._provider,
                "elevenlabsApiKeyConfigured": bool(self._secrets["elevenlabsApiKey"]),
                "elevenlabsToolSecretConfigured": bool(self._secrets["elevenlabsToolSecret"]),
                "sinchEstConfigured": bool(
                    self._secrets["sinchEstKeyId"] and self._secrets["sinchEstKeySecret"]
                ),
            }
            for name, value in self._identifiers.items():
                if value is not None:
                    answer[name] = value
            answer["phoneNumbers"] = copy.deepcopy(self._phone_numbers)
            answer["elevenlabsWebhookConfigured"] = self._webhook_configured
            return answer

    def apply_update(self, body: object) -> None:
        """Apply a POST body: only the keys present change; all-or-nothing on bad types.

        `aiVoiceProvider: null` clears the provider; `generateToolSecret: true` stores a
        fresh 32-byte hex secret (false does nothing); a non-empty `elevenlabsApiKey` also
        "configures the webhook", as the real server does after a save. Unknown keys are
        ignored (additionalProperties: true) and their names kept in `ignored_keys`.
        Raises InvalidUpdate, having changed nothing, when the body is not acceptable.
        """
        update = _validate(body)
        with self._lock:
            if "aiVoiceProvider" in update:
                self._provider = update["aiVoiceProvider"]  # type: ignore[assignment]
            for name in SECRET_FIELDS:
                if name in update:
                    self._secrets[name] = update[name]  # type: ignore[assignment]
            for name in IDENTIFIER_FIELDS:
                if name in update:
                    self._identifiers[name] = update[name]  # type: ignore[assignment]
            if update.get("generateToolSecret") is True:
                self._secrets["elevenlabsToolSecret"] = secrets.token_hex(32)
            if update.get("elevenlabsApiKey") and self.webhook_setup is None:
                self._webhook_configured = True
                self._secrets["webhookSecret"] = "wsec_" + secrets.token_hex(16)
            self._ignored_keys.extend(key for key in update if key not in KNOWN_FIELDS)

    def edit_phone_numbers(self, edit: Callable[[list[Json]], T]) -> T:
        """Run ``edit`` on the stored phone numbers (and ``numbers``) under the lock."""
        with self._lock:
            return edit(self._phone_numbers)

    def after_save(self, update: Mapping[str, object]) -> None:
        """Called by the POST route after a save: what the real server does next."""
        key = update.get("elevenlabsApiKey")
        if isinstance(key, str) and key and self.webhook_setup is not None:
            # A new key: the webhook counts as configured once the stand-in says it is
            # attached (`webhook_attached`), so the demo's extra field never contradicts
            # the app's after-save check.
            with self._lock:
                self._webhook_configured = False
            self.webhook_setup(key)

    def after_toggle(self, row: Json) -> None:
        """Called by the toggle route after a toggle changed ``row`` (a copy)."""
        if self.toggle_applied is not None:
            self.toggle_applied(row)

    def webhook_attached(self, webhook_secret: str) -> None:
        """The webhook setup succeeded: store its HMAC secret, as the real server does."""
        with self._lock:
            self._webhook_configured = True
            self._secrets["webhookSecret"] = webhook_secret

    def webhook_detached(self, previous: str | None) -> None:
        """Attaching failed after all (:meth:`webhook_attached` came first): not
        configured, and the ``previous`` HMAC secret back, as if it had never been set."""
        with self._lock:
            self._webhook_configured = False
            if previous is None:
                self._secrets.pop("webhookSecret", None)
            else:
                self._secrets["webhookSecret"] = previous

    # --- for tests ---

    def mutate(self, **fields: object) -> None:
        """Change the server behind the client's back (another admin saving), camelCase keys."""
        self.apply_update(fields)

    def secret(self, name: str) -> str | None:
        """A stored secret value (one of SECRET_NAMES), so a test can check what was saved."""
        if name not in SECRET_NAMES:
            raise KeyError(f"unknown secret {name!r}; expected one of {SECRET_NAMES}")
        with self._lock:
            return self._secrets[name]

    @property
    def received_posts(self) -> list[Json]:
        """Decoded JSON-object bodies of config POSTs, oldest first.

        Recorded after the fault and auth checks and before type validation, so a body the
        server refused with 400 is still here; bodies that are not a JSON object are not.
        """
        with self._lock:
            return copy.deepcopy(self._received_posts)

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every answered request; status 0 = dropped unanswered."""
        with self._lock:
            return list(self._request_log)

    @property
    def ignored_keys(self) -> list[str]:
        """Names of unknown POST keys seen (accepted, ignored), in arrival order."""
        with self._lock:
            return list(self._ignored_keys)

    def record_post(self, body: Json) -> None:
        """Called by the handler for each config POST that passed the fault and auth checks."""
        with self._lock:
            self._received_posts.append(copy.deepcopy(body))

    def record_request(self, method: str, path: str, status: int) -> None:
        """Called by the handler once per request."""
        with self._lock:
            self._request_log.append((method, path, status))
