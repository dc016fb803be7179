"""Pydantic models of the phone-number toggle and the agent list (no HTTP here).

Apart from :mod:`tui.api.numbers` (the calls) so that the pure numbers state can use them
without importing httpx, as the form state uses :mod:`tui.api.models`.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from tui.api.models import SaveSuccess


class Prompt(BaseModel):
    """One entry of ``GET /api/prompts/user``: an agent the toggle can link a number to.

    Only what the app shows is modelled; the rest (``prompt``, ``tools``, ``temperature``…)
    is kept as extras and never displayed. Nothing in the contract says whether a prompt
    is synced to ElevenLabs: the toggle's ``AGENT_NOT_SYNCED`` is the only word on that.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True, defer_build=True)

    id: str = Field(validation_alias=AliasChoices("_id", "id"))
    name: str | None = None
    description: str | None = None
    is_hidden: bool | None = Field(default=None, alias="isHidden")


class ToggleRequest(BaseModel):
    """The toggle's body: ``{userId, phoneNumber, aiEnabled, aiAgentId?}``.

    ``phoneNumber`` must be exactly the GET's entry (the server matches it verbatim);
    ``aiAgentId`` is required to enable and to switch the agent of a number that is
    already on, and is left out when it is None (disabling).
    """

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True, defer_build=True)

    user_id: str = Field(alias="userId")
    phone_number: str = Field(alias="phoneNumber")
    ai_enabled: bool = Field(alias="aiEnabled")
    ai_agent_id: str | None = Field(default=None, alias="aiAgentId")

    def wire_body(self) -> dict[str, Any]:
        """The JSON object sent, keys in the contract's order, no ``aiAgentId`` when None."""
        return self.model_dump(by_alias=True, exclude_none=True)


ToggleSuccess = SaveSuccess
"""``{success: true, message}``: the same simple success envelope as the config save."""
