"""A keyring that never answers: what a host with a stuck Secret Service looks like.

On a host where ``DISPLAY`` is set (X forwarding) but no Secret Service runs, D-Bus can
leave keyring calls hanging for minutes (jaraco/keyring #434, #531). This backend
reproduces that on any machine, for the snapshot of the sign-in screen it leads to,
for tests, and for trying it by hand::

    PYTHON_KEYRING_BACKEND=tui.demo.stalled_keyring.StalledKeyring \\
        uv run tether-voice --url http://127.0.0.1:2212

Never the user's real keyring: it stores nothing.
"""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend

STALL_SECONDS = 3600.0
"""How long a call blocks unless released: longer than anything waits for it."""


class StalledKeyring(KeyringBackend):
    """Every call blocks until :attr:`release` is set (tests set it when they are done).

    Kept out of keyring's own backend discovery: every concrete backend registers itself
    there, and with a positive priority this one would be picked for real use.
    """

    priority = 1  # type: ignore[assignment]  # viable, as a real backend would be
    name = "demo StalledKeyring"  # type: ignore[assignment]  # keyring's: "stalled keyring StalledKeyring"

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def _stall(self) -> None:
        self.calls += 1
        self.release.wait(STALL_SECONDS)

    def get_password(self, service: str, username: str) -> str | None:
        self._stall()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self._stall()

    def delete_password(self, service: str, username: str) -> None:
        self._stall()


KeyringBackend._classes.discard(StalledKeyring)  # type: ignore[attr-defined]
