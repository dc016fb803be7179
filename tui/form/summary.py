"""The read-only summary of a loaded configuration, as label/value pairs.

Pure text so every front end (the app's summary panel, a script's ``show``) words
the server's state the same way. The server's values come out on one line, unsafe
characters escaped (:func:`~tui.printable.printable`); markup is the widgets' concern.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from tui.api.models import PhoneNumber, VoiceAiConfig
from tui.form.fields import FIELDS_BY_NAME
from tui.form.state import configured_status
from tui.printable import printable

_SYMBOL = {"configured": "✓", "not set": "✗", "unknown": "?"}


def _flag(config: VoiceAiConfig, wire_name: str) -> str:
    """A flag with its symbol ("✓ configured"), so the meaning never rests on colour."""
    status = configured_status(config, FIELDS_BY_NAME[wire_name])
    return f"{_SYMBOL.get(status, '')} {status}".strip()


def phone_summary(config: VoiceAiConfig) -> str:
    return numbers_summary(config.phone_numbers)


def numbers_summary(numbers: Sequence[PhoneNumber]) -> str:
    """ "4 (2 AI on, 2 off)", or "none"."""
    total = len(numbers)
    if not total:
        return "none"
    on = sum(1 for number in numbers if number.ai_enabled)
    return f"{total:,} ({on:,} AI on, {total - on:,} off)"


def summary_items(config: VoiceAiConfig) -> list[tuple[str, str]]:
    """What the server holds now, secrets only as configured / not set."""
    return [  # ElevenLabs' first, then Sinch's and the numbers: two columns in the app
        ("Provider", printable(config.ai_voice_provider or "none")),
        ("ElevenLabs API key", _flag(config, "elevenlabsApiKey")),
        ("Tool secret", _flag(config, "generateToolSecret")),
        ("Sinch EST credentials", _flag(config, "sinchEstKeySecret")),
        ("Sinch EST trunk", printable(config.sinch_est_trunk_id or "not set")),
        ("Phone numbers", phone_summary(config)),
    ]


def unknown_items(config: VoiceAiConfig) -> list[str]:
    """Fields the server sent that this client does not know: shown, never dropped."""
    return [
        printable(f"{name}={json.dumps(value, ensure_ascii=False)[:60]}")
        for name, value in sorted(config.unknown_fields.items())
    ]
