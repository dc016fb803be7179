"""Keyring backends for subprocesses: ``PYTHON_KEYRING_BACKEND=tests.keyring_backends.X``
with ``PYTHONPATH`` at the repository, as a user would reproduce a keyring problem.

Standard library and ``keyring`` only (no pytest): the child process imports this.
None of them touches the real OS keyring, and all are kept out of keyring's discovery.
"""

from __future__ import annotations

import getpass
import os
import time

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

PROMPT = "Please enter password for encrypted keyring: "
"""keyrings.alt's EncryptedKeyring's own words; a test looks for them on the screen."""


def _hang() -> None:
    """Sleep for an hour, first creating ``TETHER_TEST_KEYRING_MARK`` if it names a file:
    a test waits for that file to know the keyring call is under way."""
    mark = os.environ.get("TETHER_TEST_KEYRING_MARK")
    if mark:
        with open(mark, "w"):
            pass
    time.sleep(3600)


class HangingKeyring(KeyringBackend):
    """Every call sleeps for an hour: the D-Bus hang."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        _hang()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        _hang()

    def delete_password(self, service: str, username: str) -> None:
        _hang()


class HangingDiscoveryKeyring(HangingKeyring):
    """Even making the backend hangs (a Secret Service probed over a stuck D-Bus)."""

    def __init__(self) -> None:
        _hang()
        super().__init__()


class PromptingKeyring(KeyringBackend):
    """Asks for its own password with getpass, as an encrypted file keyring does."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        getpass.getpass(PROMPT)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        getpass.getpass(PROMPT)

    def delete_password(self, service: str, username: str) -> None:
        getpass.getpass(PROMPT)


class LockedKeyring(KeyringBackend):
    """Raises on every call, quoting what it was given (as some backends do)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"collection locked: cannot read {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"collection locked: cannot store {password!r}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked(f"collection locked: cannot delete {service}/{username}")


for _backend in (HangingKeyring, HangingDiscoveryKeyring, PromptingKeyring, LockedKeyring):
    KeyringBackend._classes.discard(_backend)  # type: ignore[attr-defined]
