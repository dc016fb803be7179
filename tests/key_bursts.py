"""Keys as a slow link delivers them: several in one read, none waiting for the last.

``pilot.press`` waits for the app to be idle after each key, which is how a local
keyboard behaves and hides every ordering problem. Over SSH, keys typed ahead arrive
together, and the driver hands them to the app in one go; this does the same.
"""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

_CHARACTERS = {
    "enter": "\r",
    "escape": "\x1b",
    "tab": "\t",
    "backspace": "\x7f",
    "space": " ",
}
"""What the terminal sends for a named key; arrows and the like have no character."""


def character_of(key: str) -> str | None:
    if len(key) == 1:
        return key
    if key.startswith("ctrl+") and len(key) == 6 and key[-1].isalpha():
        return chr(ord(key[-1]) - ord("a") + 1)  # ctrl+a is \x01
    return _CHARACTERS.get(key)


def send_burst(pilot: Pilot, *keys: str) -> None:
    """Post every key to the app at once, like one read from the terminal.

    Keys are Textual's names (``enter``, ``ctrl+k``, ``left``, ``a``): type a word as
    ``*"word"``.
    """
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        driver.send_message(events.Key(key, character_of(key)))
