"""Keyring backends for tests: one that works in memory, and one that always raises.

Passed to ``TokenStore(backend=...)``, or installed with ``use_keyring()`` where the code
under test asks ``keyring.get_keyring()`` itself (the CLI). Nothing here touches the
real OS keyring.
"""

from __future__ import annotations

from typing import TypeVar

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import NoKeyringError

from tui.demo.memory_keyring import MemoryKeyring

__all__ = ["MemoryKeyring", "RaisingKeyring", "use_keyring"]

_T = TypeVar("_T", bound=type[KeyringBackend])


def _not_discoverable(cls: _T) -> _T:
    """Keep a test backend out of keyring's own backend discovery.

    Every concrete ``KeyringBackend`` subclass registers itself for discovery; with a
    positive priority it would be chosen by ``keyring.get_keyring()`` wherever discovery
    runs after this module was imported, making other tests order-dependent.
    """
    KeyringBackend._classes.discard(cls)  # type: ignore[attr-defined]
    return cls


@_not_discoverable
class RaisingKeyring(KeyringBackend):
    """Looks viable, then raises on every call, quoting what it was given (as some do)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, error: type[Exception] = NoKeyringError) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.error(f"cannot read {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.error(f"cannot store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.error(f"cannot delete {service}/{username}")


def use_keyring(monkeypatch: pytest.MonkeyPatch, backend: KeyringBackend) -> KeyringBackend:
    """Make ``keyring.get_keyring()`` answer ``backend`` for this test only."""
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend)
    return backend
