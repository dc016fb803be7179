"""What the demo knows about agents and numbers beyond the GET: the toggle's world.

The configuration's phone numbers live in :class:`~tui.demo.state.DemoState` (the GET
shows them); this module holds what the toggle checks before changing one, none of which
the GET shows: the organization's agents (prompts) and whether each is synced to
ElevenLabs, which numbers are on the Sinch EST trunk, and which have a call in flight.

The seeded data gives every refusal code a number or an agent to show it:

- ``+14165550102`` is not on the trunk: enabling it answers ``NUMBER_NOT_ON_TRUNK``;
- ``+14165550103`` has an outbound call in flight: the first toggle of it answers
  ``OUTBOUND_IN_FLIGHT``, and the call has ended by the next one;
- the agent "Billing (draft)" is not synced: linking a number to it answers
  ``AGENT_NOT_SYNCED``;
- two agents are named "Reception" (one a hidden copy): a name alone does not say which.

Stdlib only, like the rest of the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]

__all__ = ["DemoAgent", "NumbersData", "generated_numbers"]

_CREATED = "2024-09-02T14:00:00.000Z"


@dataclass(frozen=True, slots=True)
class DemoAgent:
    """One prompt of ``GET /api/prompts/user``, and whether ElevenLabs knows it."""

    id: str
    name: str
    description: str
    synced: bool = True
    hidden: bool = False
    copied_from: str | None = None

    def as_prompt(self, organization_id: str, user_id: str) -> Json:
        """The prompt document as the reference lists its fields (no sync flag: it has none)."""
        prompt: Json = {
            "_id": self.id,
            "name": self.name,
            "prompt": f"You are {self.name}, the voice agent of the demo organization.",
            "description": self.description,
            "temperature": 0.7,
            "responseTime": 400,
            "isHidden": self.hidden,
            "tools": [],
            "toolConfigs": {},
            "organizationId": organization_id,
            "userId": user_id,
            "createdAt": _CREATED,
            "updatedAt": _CREATED,
        }
        if self.copied_from:
            prompt["copiedFrom"] = self.copied_from
        return prompt


SEEDED_AGENTS: tuple[DemoAgent, ...] = (
    DemoAgent("64f0a1b2c3d4e5f6a7b8cc01", "Sales Line", "Inbound sales, weekdays 9-5"),
    DemoAgent("64f0a1b2c3d4e5f6a7b8cc02", "Support Desk", "Tier-1 support and call routing"),
    DemoAgent("64f0a1b2c3d4e5f6a7b8cc03", "Reception", "Front desk: greets and transfers"),
    DemoAgent("64f0a1b2c3d4e5f6a7b8cc04", "After Hours", "Takes messages outside office hours"),
    DemoAgent(
        "64f0a1b2c3d4e5f6a7b8cc05",
        "Billing (draft)",
        "Not published yet: never synced to ElevenLabs",
        synced=False,
    ),
    DemoAgent(
        "64f0a1b2c3d4e5f6a7b8cc06",
        "Reception",
        "Copy of Reception with a Spanish greeting",
        hidden=True,
        copied_from="64f0a1b2c3d4e5f6a7b8cc03",
    ),
)


@dataclass
class NumbersData:
    """Agents, trunk membership and calls in flight; changed only under the state's lock."""

    agents: list[DemoAgent] = field(default_factory=list)
    not_on_trunk: set[str] = field(default_factory=set)
    """Phone numbers (exactly as listed) that the Sinch EST trunk does not carry."""
    calls_in_flight: dict[str, int] = field(default_factory=dict)
    """Phone number -> how many more toggles find a call in progress."""
    received_toggles: list[Json] = field(default_factory=list)
    """Decoded toggle bodies that passed auth and type checks, oldest first (for tests)."""

    @classmethod
    def seeded(cls) -> NumbersData:
        return cls(
            agents=list(SEEDED_AGENTS),
            not_on_trunk={"+14165550102"},
            calls_in_flight={"+14165550103": 1},
        )

    def agent(self, agent_id: str) -> DemoAgent | None:
        return next((agent for agent in self.agents if agent.id == agent_id), None)


def generated_numbers(count: int, agents: list[DemoAgent]) -> list[Json]:
    """``count`` more numbers, deterministic, for measuring the app at scale.

    Every third is on (linked to a synced agent in turn), one in seven is off but keeps
    an agent from before; none is refused as not on the trunk (the demo stack puts the
    AI-on ones on it, healthy). Numbers run from +1437 555 0000 up.
    """
    synced = [agent.id for agent in agents if agent.synced] or [None]
    rows: list[Json] = []
    for index in range(count):
        enabled = index % 3 == 0
        agent = synced[index % len(synced)] if enabled or index % 7 == 0 else None
        rows.append(
            {
                "userId": f"65a0{index:020x}",
                "phoneNumber": f"+1437{5550000 + index:07d}",
                "aiEnabled": enabled,
                "aiAgentId": agent,
            }
        )
    return rows
