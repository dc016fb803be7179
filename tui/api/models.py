"""Pydantic models mirroring the Voice AI configuration contract.

Field names follow the wire (camelCase) through aliases so that a change to the
contract is a one-line change here. Every model accepts extra properties because the
contract says ``additionalProperties: true`` everywhere: a newer server must never
break an older client.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator


class _WireModel(BaseModel):
    """Common config: camelCase on the wire, snake_case in Python, extras kept.

    ``defer_build``: a model's validator is built on its first use, so the models the
    first frame does not need (errors, sign-in, save) cost nothing at startup.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True, defer_build=True)


class PhoneNumber(_WireModel):
    """One Sinch voice number of a user in the organization (read-only here)."""

    user_id: str | None = Field(default=None, alias="userId")
    phone_number: str | None = Field(default=None, alias="phoneNumber")
    ai_enabled: bool | None = Field(default=None, alias="aiEnabled")
    ai_agent_id: str | None = Field(default=None, alias="aiAgentId")


class VoiceAiConfig(_WireModel):
    """The GET response. The server never returns secret values, only "configured" flags.

    Every field is optional and nullable: the reference did not publish this schema,
    so the client must cope with any field being absent.
    """

    success: bool | None = None
    ai_voice_provider: str | None = Field(default=None, alias="aiVoiceProvider")
    # None means the server did not say; shown as "unknown", never guessed.
    elevenlabs_api_key_configured: bool | None = Field(
        default=None, alias="elevenlabsApiKeyConfigured"
    )
    elevenlabs_tool_secret_configured: bool | None = Field(
        default=None, alias="elevenlabsToolSecretConfigured"
    )
    sinch_est_configured: bool | None = Field(default=None, alias="sinchEstConfigured")
    sinch_est_project_id: str | None = Field(default=None, alias="sinchEstProjectId")
    sinch_est_trunk_id: str | None = Field(default=None, alias="sinchEstTrunkId")
    sinch_est_trunk_domain: str | None = Field(default=None, alias="sinchEstTrunkDomain")
    phone_numbers: list[PhoneNumber] = Field(default_factory=list, alias="phoneNumbers")

    @field_validator("phone_numbers", mode="before")
    @classmethod
    def _null_list_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value

    def wire_value(self, wire_name: str) -> Any:
        """The loaded value of a field by its wire name (None when absent)."""
        for name, info in type(self).model_fields.items():
            if info.alias == wire_name:
                return getattr(self, name)
        return (self.model_extra or {}).get(wire_name)

    @property
    def unknown_fields(self) -> dict[str, Any]:
        """Top-level fields this client does not know, shown read-only rather than dropped."""
        return dict(self.model_extra or {})

    @property
    def ai_enabled_count(self) -> int:
        return sum(1 for number in self.phone_numbers if number.ai_enabled)


class SaveRequest(BaseModel):
    """The POST body. Only fields that were explicitly set are ever sent.

    ``exclude_unset`` is what distinguishes "leave the provider alone" (unset) from
    "clear the provider" (set to ``None``). Secrets are ``SecretStr`` so that ``repr``,
    logs and tracebacks never carry them; only :meth:`wire_body` reveals them, at the
    moment the request is encoded.
    """

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True, defer_build=True)

    ai_voice_provider: str | None = Field(default=None, alias="aiVoiceProvider")
    elevenlabs_api_key: SecretStr | None = Field(default=None, alias="elevenlabsApiKey")
    generate_tool_secret: bool | None = Field(default=None, alias="generateToolSecret")
    sinch_est_key_id: str | None = Field(default=None, alias="sinchEstKeyId")
    sinch_est_key_secret: SecretStr | None = Field(default=None, alias="sinchEstKeySecret")
    sinch_est_project_id: str | None = Field(default=None, alias="sinchEstProjectId")
    sinch_est_trunk_id: str | None = Field(default=None, alias="sinchEstTrunkId")
    sinch_est_trunk_domain: str | None = Field(default=None, alias="sinchEstTrunkDomain")

    def wire_body(self) -> dict[str, Any]:
        """The JSON object to send, secrets revealed. Call only when encoding the request."""
        return {
            key: value.get_secret_value() if isinstance(value, SecretStr) else value
            for key, value in self.model_dump(by_alias=True, exclude_unset=True).items()
        }

    def redacted_body(self, mask: str) -> dict[str, Any]:
        """The same object with every secret replaced by ``mask`` (for review and logs)."""
        return {
            key: mask if isinstance(value, SecretStr) else value
            for key, value in self.model_dump(by_alias=True, exclude_unset=True).items()
        }

    @property
    def is_empty(self) -> bool:
        return not self.model_fields_set


class SaveSuccess(_WireModel):
    """``CallsSimpleSuccessResponse``: ``success`` must be literally true."""

    success: bool
    message: str | None = None


class StructuredError(_WireModel):
    """The object form of ``error``, used by validation errors."""

    code: str | None = None
    message: str | None = None
    details: list[Any] = Field(default_factory=list)


class ErrorEnvelope(_WireModel):
    """``CallsErrorResponse``: ``error`` is a string or a structured error, plus an optional code."""

    success: bool | None = None
    error: str | StructuredError | None = None
    code: str | None = None
    message: str | None = None


# --- authentication -----------------------------------------------------------------

SUPERADMIN = "SUPERADMIN"
"""The only ``accessRole`` that may save the Voice AI configuration."""


class SignedInUser(_WireModel):
    """Who a token belongs to: the ``user`` of the login answer or of ``/api/user/profile``.

    Login says ``id`` and the profile says ``_id`` (Mongo style); both land in ``id``.
    Every field is optional because a client must show *something* for a token whose
    profile lacks a field, and the role check is advice: the POST's 401/403 decides.
    """

    id: str | None = Field(default=None, validation_alias=AliasChoices("_id", "id"))
    full_name: str | None = Field(default=None, alias="fullName")
    email: str | None = None
    organization_id: str | None = Field(default=None, alias="organizationId")
    access_role: str | None = Field(default=None, alias="accessRole")

    @property
    def is_superadmin(self) -> bool:
        return (self.access_role or "").upper() == SUPERADMIN

    @property
    def display_name(self) -> str:
        """``Full Name <email>``, or whichever of the two is known."""
        if self.full_name and self.email:
            return f"{self.full_name} <{self.email}>"
        return self.full_name or self.email or self.id or "an unnamed account"

    @property
    def save_warning(self) -> str | None:
        """What to tell a non-superadmin before they edit, or None for a superadmin."""
        if self.is_superadmin:
            return None
        role = self.access_role or "unknown"
        return (
            f"This account's role is {role}, not {SUPERADMIN}: you can read the "
            "configuration, but saving will likely be refused."
        )
