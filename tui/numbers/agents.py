"""The organization's agents: names in place of IDs, and a name or an ID resolved to one.

Pure (no Textual, no HTTP), shared by the table, the agent list and ``numbers set``, so an
agent is named and found the same way everywhere. The list comes from
``GET /api/prompts/user``; when it could not be read, IDs are shown as they are and only
an ID can choose an agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui.api.number_models import Prompt
from tui.printable import printable

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


class AgentProblem(ValueError):
    """A name or ID that does not pick exactly one agent; the message says why and what to do."""


def _folded(name: str) -> str:
    """How names compare: case and runs of whitespace do not matter."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Agent:
    """One agent (prompt) a number can be linked to."""

    id: str
    name: str = ""
    description: str = ""
    hidden: bool = False

    @property
    def label(self) -> str:
        return printable(self.name) if self.name.strip() else self.id

    @classmethod
    def from_prompt(cls, prompt: Prompt) -> Agent:
        return cls(prompt.id, prompt.name or "", prompt.description or "", bool(prompt.is_hidden))


@dataclass(frozen=True)
class AgentBook:
    """The agents as last read, or why they could not be."""

    agents: tuple[Agent, ...] = ()
    read: bool = False
    """True once the list has been read (it may be empty)."""
    problem: str | None = None
    """Why the list could not be read; None while it has not been tried or when it was read."""

    @classmethod
    def from_prompts(cls, prompts: Iterable[Prompt]) -> AgentBook:
        return cls(tuple(Agent.from_prompt(prompt) for prompt in prompts), read=True)

    @classmethod
    def unreadable(cls, problem: str) -> AgentBook:
        return cls(problem=problem)

    def get(self, agent_id: str | None) -> Agent | None:
        if agent_id is None:
            return None
        return next((agent for agent in self.agents if agent.id == agent_id), None)

    def label(self, agent_id: str | None) -> str:
        """The agent's name where it is known, else its ID; "—" for no agent.

        Where two agents share a name, the name alone would let a row, a review or a
        script's line say "Reception" for either: the one hidden among them is marked
        "(hidden)", as in the agent list; otherwise the end of its ID tells them apart.
        """
        if not agent_id:
            return "—"
        agent = self.get(agent_id)
        if agent is None:
            return printable(agent_id)
        if not self.shares_name(agent_id):
            return agent.label
        twins = [other for other in self.agents if _folded(other.name) == _folded(agent.name)]
        name = agent.label.strip()
        if sum(1 for twin in twins if twin.hidden == agent.hidden) == 1:
            return f"{name} (hidden)" if agent.hidden else name
        return f"{name} (…{printable(agent.id[-6:])})"

    def shares_name(self, agent_id: str | None) -> bool:
        """Another agent has the same name: the name alone does not say which one."""
        agent = self.get(agent_id)
        if agent is None or not agent.name.strip():
            return False
        folded = _folded(agent.name)
        return sum(1 for other in self.agents if _folded(other.name) == folded) > 1

    def sorted(self) -> list[Agent]:
        """For a list to choose from: by name, visible before hidden, then by ID."""
        return sorted(self.agents, key=lambda a: (a.hidden, _folded(a.name) or "\uffff", a.id))

    def matching(self, text: str) -> list[Agent]:
        """The agents ``text`` matches, best first: the one rule for the app's agent list
        and ``numbers set``.

        An agent matches when ``text`` (case and runs of whitespace aside) is part of its
        name or its ID. Exact matches come first (an ID, then the name), then the rest in
        :meth:`sorted` order; empty ``text`` matches every agent.
        """
        folded = _folded(text)
        agents = self.sorted()
        if not folded:
            return agents

        def rank(agent: Agent) -> int:
            if agent.id.casefold() == folded:
                return 0
            return 1 if _folded(agent.name) == folded else 2

        found = [a for a in agents if folded in _folded(a.name) or folded in a.id.casefold()]
        return sorted(found, key=rank)  # stable: sorted() order within each rank

    def resolve(self, text: str) -> Agent:
        """The one agent ``text`` names, by :meth:`matching`: an exact ID, else the one
        agent with exactly that name, else the one agent whose name or ID contains it.

        Where the list could not be read, only something shaped like an ID (24 hex
        characters) is accepted, as it is: the server will say if it is not an agent.

        Raises:
            AgentProblem: no agent, or more than one, fits.
        """
        wanted = text.strip()
        if not wanted:
            raise AgentProblem("no agent given")
        by_id = self.get(wanted)
        if by_id is not None:
            return by_id
        folded = _folded(wanted)
        candidates = self.matching(wanted)
        exact = [agent for agent in candidates if _folded(agent.name) == folded]
        chosen = exact or candidates
        if len(chosen) == 1:
            return chosen[0]
        if chosen:
            which = ", ".join(f"{self.label(agent.id)} = {agent.id}" for agent in chosen)
            raise AgentProblem(
                f"'{printable(wanted)}' fits {len(chosen)} agents ({which}): give the ID or "
                "the whole name instead"
            )
        if not self.read:
            if _OBJECT_ID.match(wanted):
                return Agent(wanted)
            why = self.problem or "it has not been read"
            raise AgentProblem(
                f"cannot look up the agent '{printable(wanted)}': the agent list could not be "
                f"read ({why}); give the agent's ID instead"
            )
        known = ", ".join(self.label(agent.id) for agent in self.sorted()) or "none"
        raise AgentProblem(f"no agent named '{printable(wanted)}' (agents: {known})")
