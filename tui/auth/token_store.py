"""The OS keyring as an optional place to keep tokens, one entry per profile.

Why a wrapper rather than ``keyring.get_password`` everywhere:

- **No keyring is the normal case.** Over SSH on a bastion there is no Secret Service,
  and ``keyring`` answers every call with ``NoKeyringError``. Nothing here raises for
  that: ``available()`` says False, ``load`` finds nothing, ``save`` and ``delete``
  return False, and the app keeps the token for the session only.
- **A broken keyring must not break the app.** Backends raise their own errors (a
  locked collection, a D-Bus hiccup); any failure is logged by class name only and the
  store then reports itself unavailable for the rest of the session.
- **The token is never logged**, nor an exception message that might quote it.
- **Imported lazily.** ``import keyring`` plus backend discovery costs about 155 ms on
  the development machine (95 ms import, 60 ms ``get_keyring()``); the first frame,
  ``--demo``, ``--help`` and a run with ``TETHER_TOKEN`` set never pay it.

Keyring calls block (D-Bus, an unlock prompt): call them from a thread worker in the UI.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic import SecretStr

if TYPE_CHECKING:  # keyring is imported only when the keyring is first used
    from keyring.backend import KeyringBackend

SERVICE = "tether-voice"

NO_KEYRING_ADVICE = (
    "No OS keyring here: the token is kept for this session only. To skip signing in "
    "next time, set TETHER_TOKEN before starting, or use a host with a keyring backend."
)
"""What to tell the user when "Remember in keyring" cannot be offered."""

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class _Failed:
    """Marks a keyring call that raised (distinct from a call that returned None)."""


_FAILED = _Failed()


class TokenStore:
    """Load, save and delete one token per entry in the OS keyring; never raises.

    ``entry`` is the keyring user name: a profile name, or the instance's origin when no
    profile supplies the URL (see ``ResolvedSettings.token_entry``).
    """

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        """``backend`` None: the one ``keyring`` chooses (config, env, priority), on first use."""
        self.service = service
        self._backend = backend
        self._broken = False

    def available(self) -> bool:
        """True when a real backend is configured and none of its calls has failed yet.

        Cheap: no keyring call is made, so no unlock prompt appears. The fail backend
        (no keyring found) and the null backend (keyring disabled) count as unavailable.
        """
        backend = self._keyring()
        if backend is None:
            return False
        from keyring.backends import fail, null

        return not isinstance(backend, fail.Keyring | null.Keyring)

    def backend_name(self) -> str | None:
        """The backend's name for the UI (e.g. "SecretService Keyring"), None when unavailable."""
        if not self.available():
            return None
        backend = self._keyring()
        return getattr(backend, "name", None) or type(backend).__name__

    def load(self, entry: str) -> SecretStr | None:
        """The stored token, or None (nothing stored, no keyring, or the keyring failed)."""
        if not self.available():
            return None
        value = self._call("load", entry, lambda b: b.get_password(self.service, entry))
        if isinstance(value, _Failed) or not value:
            return None
        log.debug("keyring: found a token for %r", entry)
        return SecretStr(value)

    def save(self, entry: str, token: SecretStr) -> bool:
        """Store ``token`` under ``entry``; False when there is no working keyring."""
        if not self.available():
            return False
        result = self._call(
            "save", entry, lambda b: b.set_password(self.service, entry, token.get_secret_value())
        )
        saved = not isinstance(result, _Failed)
        log.debug("keyring: %s token for %r", "saved" if saved else "could not save", entry)
        return saved

    def delete(self, entry: str) -> bool:
        """Remove the token under ``entry``; False when nothing was stored or no keyring."""
        if not self.available():
            return False
        from keyring.errors import PasswordDeleteError

        try:
            self._keyring_or_raise().delete_password(self.service, entry)
        except PasswordDeleteError:
            log.debug("keyring: no token stored for %r", entry)
            return False
        except Exception as exc:  # any backend failure: see _call
            self._fail("delete", entry, exc)
            return False
        log.debug("keyring: deleted token for %r", entry)
        return True

    def _keyring(self) -> KeyringBackend | None:
        if self._broken:
            return None
        if self._backend is None:
            try:
                import keyring

                self._backend = keyring.get_keyring()
            except Exception as exc:  # a broken keyringrc or backend plugin
                self._fail("find a backend", None, exc)
                return None
        return self._backend

    def _keyring_or_raise(self) -> KeyringBackend:
        backend = self._keyring()
        if backend is None:  # pragma: no cover -- callers check available() first
            raise RuntimeError("no keyring backend")
        return backend

    def _call(self, what: str, entry: str, call: Callable[[KeyringBackend], _T]) -> _T | _Failed:
        """Run one backend call; any exception marks the store unavailable.

        ``Exception`` rather than ``KeyringError``: third-party backends raise their own
        types (D-Bus, Windows API errors), and none of them may reach the user as a
        traceback.
        """
        try:
            return call(self._keyring_or_raise())
        except Exception as exc:
            self._fail(what, entry, exc)
            return _FAILED

    def _fail(self, what: str, entry: str | None, exc: Exception) -> None:
        # The class name only: a backend's message could quote what it was given.
        log.debug("keyring: could not %s (entry %r): %s", what, entry, type(exc).__name__)
        self._broken = True
