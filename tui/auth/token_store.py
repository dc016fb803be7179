"""The OS keyring as an optional place to keep tokens, one entry per profile.

Why a wrapper rather than ``keyring.get_password`` everywhere:

- **No keyring is the normal case.** Over SSH on a bastion there is no Secret Service,
  and ``keyring`` answers every call with ``NoKeyringError``. Nothing here raises for
  that: ``available()`` says False, ``load`` finds nothing, ``save`` and ``delete``
  return False, and the app keeps the token for the session only.
- **A keyring that does not answer must not freeze anything.** Every backend call —
  finding the backend included — runs with a deadline on a daemon thread
  (:mod:`tui.auth.keyring_calls`). A call that misses it makes the store unavailable
  for the rest of the session: no second wait at save time, "Remember" not offered.
- **A broken keyring must not break the app.** Backends raise their own errors (a
  locked collection, a D-Bus hiccup); any failure is logged by class name only and the
  store then reports itself unavailable for the rest of the session.
- **A keyring that would prompt is not used**: its password prompt would land on the
  Textual screen (see :data:`PROMPTING_BACKENDS` and ``keyring_calls.guard_getpass``).
- **The token is never logged**, nor an exception message that might quote it.
- **Imported lazily.** ``import keyring`` plus backend discovery costs about 155 ms on
  the development machine (95 ms import, 60 ms ``get_keyring()``); the first frame,
  ``--demo``, ``--help`` and a run with ``TETHER_TOKEN`` set never pay it. It happens
  on the keyring thread, inside the deadline.

Each operation has a blocking form (scripts) and an ``_async`` form (the app's workers).
:attr:`TokenStore.problem` says why the store is unavailable, in words for the user.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import SecretStr

from tui.auth import keyring_calls
from tui.auth.keyring_calls import KeyringTimeout, WouldPrompt

if TYPE_CHECKING:  # keyring is imported only when the keyring is first used
    from keyring.backend import KeyringBackend

SERVICE = "tether-voice"

SESSION_ONLY = (
    "the token is kept for this session only. To skip signing in next time, set "
    "TETHER_TOKEN before starting"
)

NO_KEYRING_ADVICE = f"No OS keyring here: {SESSION_ONLY}, or use a host with a keyring backend."
"""What to tell the user when "Remember in keyring" cannot be offered (no backend)."""

PROMPTING_BACKENDS = frozenset(
    {
        "keyrings.alt.file.EncryptedKeyring",
        "keyrings.cryptfile.cryptfile.CryptFileKeyring",
    }
)
"""Backends that ask for their own password with ``getpass`` until unlocked. Any other
backend that tries to is stopped by the getpass guard when it does."""

log = logging.getLogger(__name__)

_WAITING = {
    "find the backend": "waiting for the OS keyring (nothing was changed)",
    "load": "waiting for the OS keyring to return the stored token (nothing was changed)",
    "save": "saving the token in the OS keyring: whether it was stored is unknown",
    "delete": "removing the token from the OS keyring: whether it was removed is unknown "
    "(run logout again to check)",
}
"""What each blocking call is doing, for the line printed if a signal cuts it short."""

_T = TypeVar("_T")

ProblemKind = Literal["none", "timed out", "failed", "prompts"]


@dataclass(frozen=True)
class KeyringProblem:
    """Why the keyring cannot be used this session, worded for the user."""

    kind: ProblemKind
    backend: str | None = None
    detail: str = ""
    """The seconds waited (timed out) or the exception's class name (failed)."""

    @property
    def cause(self) -> str:
        """A clause: "the OS keyring did not answer within 3 s"."""
        named = f"the OS keyring ({self.backend})" if self.backend else "the OS keyring"
        if self.kind == "timed out":
            return f"{named} did not answer within {self.detail}"
        if self.kind == "failed":
            return f"{named} failed ({self.detail})"
        if self.kind == "prompts":
            return f"{named} asks for its own password on the terminal, so it is not used"
        return "there is no OS keyring here"

    @property
    def advice(self) -> str:
        """The sign-in screen's note where "Remember" would be."""
        if self.kind == "none":
            return NO_KEYRING_ADVICE
        cause = self.cause
        return f"{cause[0].upper()}{cause[1:]}: {SESSION_ONLY}."


@dataclass(frozen=True)
class _Found:
    backend: KeyringBackend
    name: str
    problem: KeyringProblem | None


class _Unusable:
    """Marks an operation that could not run (distinct from a call that returned None)."""


_UNUSABLE = _Unusable()


class TokenStore:
    """Load, save and delete one token per entry in the OS keyring; never raises or hangs.

    ``entry`` is the keyring user name: a profile name, or the instance's origin when no
    profile supplies the URL (see ``ResolvedSettings.token_entry``).
    """

    def __init__(
        self,
        service: str = SERVICE,
        backend: KeyringBackend | None = None,
        *,
        deadline: float | None = None,
    ) -> None:
        """``backend`` None: the one ``keyring`` chooses (config, env, priority), on first use.

        ``deadline``: seconds per call; None: ``TETHER_VOICE_KEYRING_TIMEOUT``, else 3.
        """
        self.service = service
        self.deadline = deadline if deadline is not None else keyring_calls.deadline_from()
        self.problem: KeyringProblem | None = None
        """Why the keyring is unusable for the rest of the session; None while it may work."""
        self._found = _classify(backend) if backend is not None else None
        if self._found is not None:
            self.problem = self._found.problem

    # --- blocking (scripts) -------------------------------------------------------------

    def available(self) -> bool:
        """True when a backend is found, is a real one, and none of its calls failed yet.

        Finding the backend may mean a call (with the deadline); no password is read.
        """
        if self._found is None and self.problem is None:
            self._run_sync("find the backend", None, None)
        return self.problem is None

    def backend_name(self) -> str | None:
        """The backend's name for the UI (e.g. "SecretService Keyring"), None when unavailable."""
        return self._found.name if self.available() and self._found else None

    def load(self, entry: str) -> SecretStr | None:
        """The stored token, or None (nothing stored, no keyring, or it failed or timed out)."""
        return self._loaded(entry, self._run_sync("load", entry, self._get(entry)))

    def save(self, entry: str, token: SecretStr) -> bool:
        """Store ``token`` under ``entry``; False when there is no working keyring."""
        return self._saved(entry, self._run_sync("save", entry, self._set(entry, token)))

    def delete(self, entry: str) -> bool:
        """Remove the token under ``entry``; False when nothing was stored or no keyring."""
        return self._run_sync("delete", entry, self._delete(entry)) is True

    # --- awaited (the app) ----------------------------------------------------------------

    async def available_async(self) -> bool:
        if self._found is None and self.problem is None:
            await self._run_async("find the backend", None, None)
        return self.problem is None

    async def load_async(self, entry: str) -> SecretStr | None:
        return self._loaded(entry, await self._run_async("load", entry, self._get(entry)))

    async def save_async(self, entry: str, token: SecretStr) -> bool:
        return self._saved(entry, await self._run_async("save", entry, self._set(entry, token)))

    # --- the operations, as run on the keyring thread ----------------------------------

    def _get(self, entry: str) -> Callable[[KeyringBackend], str | None]:
        return lambda backend: backend.get_password(self.service, entry)

    def _set(self, entry: str, token: SecretStr) -> Callable[[KeyringBackend], None]:
        return lambda backend: backend.set_password(self.service, entry, token.get_secret_value())

    def _delete(self, entry: str) -> Callable[[KeyringBackend], bool]:
        def delete(backend: KeyringBackend) -> bool:
            from keyring.errors import PasswordDeleteError

            try:
                backend.delete_password(self.service, entry)
            except PasswordDeleteError:
                return False  # nothing was stored: not a failure of the keyring
            return True

        return delete

    def _job(
        self, operation: Callable[[KeyringBackend], _T] | None
    ) -> Callable[[], tuple[_Found, _T | None]]:
        """Find the backend (unless known) and run ``operation``, both on the thread."""
        known = self._found

        def job() -> tuple[_Found, _T | None]:
            found = known or _discover()
            if found.problem is not None or operation is None:
                return found, None
            return found, operation(found.backend)

        return job

    def _run_sync(
        self, what: str, entry: str | None, operation: Callable[[KeyringBackend], _T] | None
    ) -> _T | _Unusable | None:
        if self.problem is not None:
            return _UNUSABLE
        started = time.perf_counter()
        try:
            found, value = keyring_calls.call(
                self._job(operation), deadline=self.deadline, name=what, activity=_WAITING[what]
            )
        except Exception as exc:
            return self._failed(what, entry, exc, started)
        return self._answered(what, entry, found, value, started)

    async def _run_async(
        self, what: str, entry: str | None, operation: Callable[[KeyringBackend], _T] | None
    ) -> _T | _Unusable | None:
        if self.problem is not None:
            return _UNUSABLE
        started = time.perf_counter()
        try:
            found, value = await keyring_calls.call_async(
                self._job(operation), deadline=self.deadline, name=what
            )
        except Exception as exc:
            return self._failed(what, entry, exc, started)
        return self._answered(what, entry, found, value, started)

    # --- outcomes ---------------------------------------------------------------------

    def _answered(
        self, what: str, entry: str | None, found: _Found, value: _T | None, started: float
    ) -> _T | _Unusable | None:
        ms = keyring_calls.elapsed_ms(started)
        if self._found is None:
            log.debug("keyring: backend %s (found in %.0f ms)", found.name, ms)
        self._found = found
        if found.problem is not None:
            self.problem = found.problem
            log.debug("keyring: not used: %s", found.problem.cause)
            return _UNUSABLE
        if entry is not None:
            log.debug("keyring: %s for %r answered in %.0f ms", what, entry, ms)
        return value

    def _failed(self, what: str, entry: str | None, exc: Exception, started: float) -> _Unusable:
        ms = keyring_calls.elapsed_ms(started)
        name = self._found.name if self._found else None
        if isinstance(exc, KeyringTimeout):
            seconds = f"{exc.seconds:g} s"
            self.problem = KeyringProblem("timed out", name, seconds)
            log.debug("keyring: %s for %r: no answer within %s; abandoned", what, entry, seconds)
        elif isinstance(exc, WouldPrompt):
            self.problem = KeyringProblem("prompts", name)
            log.debug("keyring: %s for %r: the backend asked for a password; refused", what, entry)
        else:
            # The class name only: a backend's message could quote what it was given.
            self.problem = KeyringProblem("failed", name, type(exc).__name__)
            log.debug(
                "keyring: could not %s (entry %r): %s after %.0f ms",
                what,
                entry,
                type(exc).__name__,
                ms,
            )
        return _UNUSABLE

    def _loaded(self, entry: str, value: object) -> SecretStr | None:
        if isinstance(value, _Unusable) or not isinstance(value, str) or not value:
            return None
        log.debug("keyring: found a token for %r", entry)
        return SecretStr(value)

    def _saved(self, entry: str, result: object) -> bool:
        saved = not isinstance(result, _Unusable)
        log.debug("keyring: %s token for %r", "saved" if saved else "could not save", entry)
        return saved


def _discover() -> _Found:
    """Ask ``keyring`` for its backend (on the keyring thread: this can hang too)."""
    import keyring

    return _classify(keyring.get_keyring())


def _classify(backend: KeyringBackend) -> _Found:
    """The backend, its name, and why it cannot be used (no-op backends, prompting ones)."""
    from keyring.backends import fail, null

    name = getattr(backend, "name", None) or type(backend).__name__
    if isinstance(backend, fail.Keyring | null.Keyring):
        return _Found(backend, name, KeyringProblem("none"))
    if _would_prompt(backend):
        return _Found(backend, name, KeyringProblem("prompts", name))
    return _Found(backend, name, None)


def _would_prompt(backend: KeyringBackend) -> bool:
    """A known prompting backend, unless it was given its password some other way."""
    classes = {f"{cls.__module__}.{cls.__qualname__}" for cls in type(backend).__mro__}
    if not classes & PROMPTING_BACKENDS:
        return False
    if "keyring_key" in vars(backend):  # unlocked already (set by whoever configured it)
        return False
    cryptfile = "keyrings.cryptfile.cryptfile.CryptFileKeyring" in classes
    return not (cryptfile and os.environ.get("KEYRING_CRYPTFILE_PASSWORD"))
