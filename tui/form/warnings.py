"""Warnings about values that are probably not what the user meant — never refusals.

A pasted secret with a trailing newline, a trunk domain with a typo, a key of an
unexpected shape: each is worth a second look, but the contract does not forbid
any of them, so the app says so and sends exactly what was typed.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from tui.form.fields import FieldKind, FieldSpec

SPACES_AT_THE_ENDS = "leading or trailing whitespace (sent as typed)"
CONTROL_CHARACTERS = "contains control characters"


def is_definite(warning: str) -> bool:
    """A warning that is, in practice, a wrong value: spaces at either end or a control
    character come from a paste, and no key, ID or host name holds them. The review asks
    once more before sending one (issue 18, item 4), as it does for a ✗ check; the other
    warnings (an unusual shape, non-ASCII) may be meant, and only show."""
    return warning == SPACES_AT_THE_ENDS or warning.startswith(CONTROL_CHARACTERS)


LONG_VALUE = 1024
"""Longer than any credential or identifier in this contract: likely a paste accident."""

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_hostname(value: str) -> bool:
    """RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens."""
    name = value[:-1] if value.endswith(".") else value
    if not name or len(name) > 253:
        return False
    return all(_HOST_LABEL.match(label) for label in name.split("."))


def _control_characters(value: str) -> list[str]:
    names = []
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in names:
            names.append(char)
    return [repr(char) for char in names]


def value_warnings(spec: FieldSpec, value: object) -> list[str]:
    """What looks wrong with a value the user typed; empty when nothing does."""
    if not isinstance(value, str) or value == "" or spec.kind is FieldKind.PROVIDER:
        return []
    warnings: list[str] = []
    if value != value.strip():
        warnings.append(SPACES_AT_THE_ENDS)
    controls = _control_characters(value)
    if controls:
        warnings.append(f"{CONTROL_CHARACTERS}: {', '.join(controls[:3])}")
    if len(value) > LONG_VALUE:
        warnings.append(f"very long ({len(value):,} characters): check the paste")
    if spec.kind is FieldKind.SECRET and not value.isascii():
        warnings.append("contains non-ASCII characters, unusual in a key")
    warnings.extend(_specific(spec.wire_name, value.strip()))
    return warnings


def _specific(wire_name: str, value: str) -> list[str]:
    if wire_name == "elevenlabsApiKey" and not value.startswith("sk_") and len(value) != 32:
        return ["unlike an ElevenLabs key (those start with sk_)"]
    if wire_name == "sinchEstTrunkDomain" and not is_hostname(value):
        return ["is not a valid host name"]
    if wire_name == "sinchEstProjectId":
        try:
            uuid.UUID(value)
        except ValueError:
            return ["Sinch project IDs are UUIDs; this is not one"]
    return []
