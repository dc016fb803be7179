"""The one table of editable fields.

Everything that differs between fields lives here, so that a new field in the
contract is one new row (plus the model and a snapshot), not another hand-written
widget. The table's order is the on-screen order and the Tab order.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FieldKind(Enum):
    """How a field is loaded, edited and decided to be "changed"."""

    PROVIDER = "provider"
    """A choice that the GET returns; ``None`` (shown as "none") clears it on the server."""
    IDENTIFIER = "identifier"
    """Plain text the GET returns; sent when it differs from what was loaded."""
    WRITE_ONLY = "write_only"
    """Plain text the GET never returns; sent only when the user typed something."""
    SECRET = "secret"
    """Masked text the GET never returns; sent only when the user typed something."""
    ACTION = "action"
    """A switch that asks the server to do something; sent only when switched on."""


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of the POST body."""

    wire_name: str
    label: str
    kind: FieldKind
    configured_flag: str | None = None
    """Wire name of the GET flag that says whether the server holds a value."""
    hint: str = ""
    """One line of help (≤ 46 characters, to fit 80 columns), shown while the field has focus."""

    @property
    def masked(self) -> bool:
        return self.kind is FieldKind.SECRET

    @property
    def loaded_from_server(self) -> bool:
        """Whether the GET returns this field's current value (so the form pre-fills it)."""
        return self.kind in (FieldKind.PROVIDER, FieldKind.IDENTIFIER)


PROVIDER_CHOICES: tuple[str, ...] = ("elevenlabs",)
"""Providers offered by name; a loaded value outside this list is offered as well."""

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "aiVoiceProvider",
        "AI voice provider",
        FieldKind.PROVIDER,
        hint="the org's AI voice provider; 'none' clears it",
    ),
    FieldSpec(
        "elevenlabsApiKey",
        "ElevenLabs API key",
        FieldKind.SECRET,
        configured_flag="elevenlabsApiKeyConfigured",
        hint="usually starts sk_; empty keeps the stored key",
    ),
    FieldSpec(
        "generateToolSecret",
        "Generate new tool secret",
        FieldKind.ACTION,
        configured_flag="elevenlabsToolSecretConfigured",
        hint="on: the server makes a new secret at the save",
    ),
    FieldSpec(
        "sinchEstKeyId",
        "Sinch EST key ID",
        FieldKind.WRITE_ONLY,
        configured_flag="sinchEstConfigured",
        hint="Tether never returns it; empty keeps the stored one",
    ),
    FieldSpec(
        "sinchEstKeySecret",
        "Sinch EST key secret",
        FieldKind.SECRET,
        configured_flag="sinchEstConfigured",
        hint="empty keeps the stored secret",
    ),
    FieldSpec(
        "sinchEstProjectId",
        "Sinch EST project ID",
        FieldKind.IDENTIFIER,
        hint="a UUID from the Sinch dashboard",
    ),
    FieldSpec(
        "sinchEstTrunkId",
        "Sinch EST trunk ID",
        FieldKind.IDENTIFIER,
        hint="the Elastic SIP trunk's ID, in the Sinch dashboard",
    ),
    FieldSpec(
        "sinchEstTrunkDomain",
        "Sinch EST trunk domain",
        FieldKind.IDENTIFIER,
        hint="a SIP host name, e.g. x.pstn.sinch.com",
    ),
)

FIELDS_BY_NAME: dict[str, FieldSpec] = {spec.wire_name: spec for spec in FIELDS}

FLAG_LABELS: dict[str, str] = {
    "elevenlabsApiKeyConfigured": "ElevenLabs API key",
    "elevenlabsToolSecretConfigured": "ElevenLabs tool secret",
    "sinchEstConfigured": "Sinch EST credentials",
}
"""What each "configured" flag of the GET is about, in the user's words."""
