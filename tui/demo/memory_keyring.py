"""A keyring that lives in memory: for demos and tests, never the user's real keyring."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A working keyring in a dict: ``entries[(service, user)] = password``.

    Kept out of keyring's own backend discovery (every concrete backend registers itself
    there, and with a positive priority this one would be picked for real use).
    """

    priority = 1  # type: ignore[assignment]  # viable, as a real backend would be

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


KeyringBackend._classes.discard(MemoryKeyring)  # type: ignore[attr-defined]
