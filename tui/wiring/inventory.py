"""Joins across the systems, computed once per report: the E.164 string is the key.

Tether's ``phoneNumber``, ElevenLabs' ``phone_number``, EST's and the Numbers API's
``phoneNumber`` are all E.164 strings [documented]; the join is exact, with a second
index without the leading ``+`` only to explain a near miss (ElevenLabs matches the
number exactly as the carrier sends it [documented]).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from tui.wiring.answers import as_dict, dicts, payload_of, text
from tui.wiring.evidence import Evidence, TetherNumber

SIP_TRUNK = "sip_trunk"


def digits(phone: str) -> str:
    """A number without its leading ``+`` and spaces: only to explain near misses."""
    return "".join(phone.split()).lstrip("+")


def outbound_of(item: Any) -> dict[str, Any] | None:
    """The number's outbound trunk (``outbound_trunk``, or the legacy ``provider_config``)."""
    found = as_dict(item).get("outbound_trunk")
    if found is None:
        found = as_dict(item).get("provider_config")
    return found if isinstance(found, dict) else None


def assigned_agent_id(item: Any) -> str | None:
    return text(as_dict(item).get("assigned_agent"), "agent_id")


@dataclass(frozen=True)
class Inventory:
    """ElevenLabs' numbers indexed, and which Tether numbers are AI-on."""

    evidence: Evidence
    only: frozenset[str] | None = None
    """``--number``: the agents in use are those of these numbers (the runner reads no
    other agent), so the tools and recent-calls lines speak for them."""

    @cached_property
    def elevenlabs_items(self) -> list[dict[str, Any]] | None:
        """Every phone-number item, or None when the list was not read as a list."""
        side = self.evidence.elevenlabs
        payload = payload_of(side.phone_numbers) if side is not None else None
        return dicts(payload) if isinstance(payload, list) else None

    @cached_property
    def by_number(self) -> dict[str, dict[str, Any]]:
        """Exact ``phone_number`` → item; a ``sip_trunk`` item wins over another kind."""
        index: dict[str, dict[str, Any]] = {}
        for item in self.elevenlabs_items or []:
            phone = text(item, "phone_number")
            if phone is None:
                continue
            if phone not in index or text(item, "provider") == SIP_TRUNK:
                index[phone] = item
        return index

    @cached_property
    def by_digits(self) -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for phone, item in self.by_number.items():
            index.setdefault(digits(phone), item)
        return index

    def item_for(self, phone: str) -> dict[str, Any] | None:
        return self.by_number.get(phone)

    def near_item_for(self, phone: str) -> dict[str, Any] | None:
        """An item for the same digits written differently (``14165550112``)."""
        if phone in self.by_number:
            return None
        return self.by_digits.get(digits(phone))

    @cached_property
    def ai_on(self) -> list[TetherNumber]:
        return [n for n in self.evidence.tether.numbers if n.ai_enabled]

    @cached_property
    def agents_in_use(self) -> list[str]:
        """ElevenLabs agent ids assigned to the items of Tether's AI-on numbers, in order."""
        seen: dict[str, None] = {}
        for tether_number in self.ai_on:
            if self.only is not None and tether_number.phone_number not in self.only:
                continue
            item = self.item_for(tether_number.phone_number) or self.near_item_for(
                tether_number.phone_number
            )
            agent = assigned_agent_id(item) if item else None
            if agent:
                seen.setdefault(agent)
        return list(seen)

    def agent_payload(self, agent_id: str) -> Any:
        side = self.evidence.elevenlabs
        return payload_of(side.agents.get(agent_id)) if side is not None else None

    def agent_name(self, agent_id: str) -> str:
        name = text(self.agent_payload(agent_id), "name")
        return name or agent_id
