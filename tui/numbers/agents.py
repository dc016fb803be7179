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
from functools import cached_property

from tui.api.number_models import Prompt
from tui.printable import printable

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


class AgentProblem(ValueError):
    """A name or ID that does not pick exactly one agent; the message says why and what to do
    (each text it offers picks one agent, when given as it is)."""


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
class Picked:
    """The agent a name or an ID picked, and what the user should know about the pick."""

    agent: Agent
    notice: str | None = None
    """Set when the name is shared with hidden agents the pick passed over: which, and
    the texts that pick them instead."""


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
        return None if agent_id is None else self._by_id.get(agent_id)

    @cached_property
    def _by_id(self) -> dict[str, Agent]:
        """The first agent listed with each ID (built once: every row asks for one)."""
        ids: dict[str, Agent] = {}
        for agent in self.agents:
            ids.setdefault(agent.id, agent)
        return ids

    def label(self, agent_id: str | None) -> str:
        """The agent's name where it is known, else its ID; "—" for no agent.

        Where two agents share a name, the name alone would let a row, a review or a
        script's line say "Reception" for either: the one hidden among them is marked
        "(hidden)", as in the agent list; otherwise the end of its ID tells them apart
        (:meth:`_mark`). A label is also a way to name the agent: :meth:`pick` takes it.
        """
        if not agent_id:
            return "—"
        agent = self.get(agent_id)
        if agent is None:
            return printable(agent_id)
        mark = self._mark(agent)
        return f"{agent.label.strip()} ({mark})" if mark else agent.label

    def listed(self, agent_id: str) -> str:
        """The agent as a list of agents prints it: its :meth:`label`, marked "(hidden)"
        when it is hidden and the label does not say so already. :meth:`pick` takes it."""
        label = self.label(agent_id)
        agent = self.get(agent_id)
        if agent is not None and agent.hidden and self._mark(agent) != "hidden":
            return f"{label} (hidden)"
        return label

    def _mark(self, agent: Agent) -> str | None:
        """What tells ``agent`` from the others with its name: nothing for a name of its
        own or for the one visible agent among them (the others are hidden: copies, most
        likely, inferred from the demo's copied prompt), "hidden" for the one hidden agent
        among them, else the end of its ID. "hidden" gives way to the ID too when another
        agent is named "<name> (hidden)" outright, so no two agents are labelled alike."""
        twins = self._twins(agent)
        if len(twins) < 2:
            return None
        if sum(1 for twin in twins if twin.hidden == agent.hidden) == 1:
            if not agent.hidden:
                return None
            if _folded(f"{agent.name} (hidden)") not in self._by_name:
                return "hidden"
        return f"…{printable(agent.id[-6:])}"

    @cached_property
    def _by_name(self) -> dict[str, list[Agent]]:
        """The agents by name as names compare (:func:`_folded`), nameless ones left out:
        built once, as every row of the table asks for its agent's label."""
        names: dict[str, list[Agent]] = {}
        for agent in self.agents:
            if agent.name.strip():
                names.setdefault(_folded(agent.name), []).append(agent)
        return names

    def _twins(self, agent: Agent) -> list[Agent]:
        """The agents named as ``agent`` is, itself included (none for a nameless one)."""
        return self._by_name.get(_folded(agent.name), []) if agent.name.strip() else []

    def shares_name(self, agent_id: str | None) -> bool:
        """Another agent has the same name: the name alone does not say which one."""
        agent = self.get(agent_id)
        return agent is not None and len(self._twins(agent)) > 1

    def sorted(self) -> list[Agent]:
        """For a list to choose from: by name, visible before hidden, then by ID."""
        return sorted(self.agents, key=lambda a: (a.hidden, _folded(a.name) or "\uffff", a.id))

    # --- naming an agent: the one rule for the app's agent list and ``numbers set`` ------

    def _rank(self, agent: Agent, folded: str) -> int | None:
        """How well ``folded`` (as :func:`_folded`) names ``agent``: 0 its ID, 1 its label
        as printed (:meth:`label`, :meth:`listed`), 2 its name, 3 a part of its name, its
        printed label or its ID; None not at all."""
        if agent.id.casefold() == folded:
            return 0
        printed = (_folded(self.label(agent.id)), _folded(self.listed(agent.id)))
        if folded in printed:
            return 1
        name = _folded(agent.name)
        if name == folded:
            return 2
        if folded in name or folded in agent.id.casefold() or folded in printed[1]:
            return 3
        return None

    def _ranked(self, text: str) -> list[tuple[int, Agent]]:
        folded = _folded(text)
        ranked = [(self._rank(agent, folded), agent) for agent in self.sorted()]
        found = [(rank, agent) for rank, agent in ranked if rank is not None]
        return sorted(found, key=lambda pair: pair[0])  # stable: sorted() order within a rank

    def _best(self, text: str) -> list[Agent]:
        """The agents ``text`` names best (an exact ID first): one agent, or a tie."""
        by_id = self.get(text.strip())
        if by_id is not None:
            return [by_id]
        ranked = self._ranked(text)
        return [agent for rank, agent in ranked if rank == ranked[0][0]] if ranked else []

    def matching(self, text: str) -> list[Agent]:
        """The agents ``text`` matches, best first: the one rule for the app's agent list
        and ``numbers set``.

        An agent matches when ``text`` (case and runs of whitespace aside) is its ID, its
        label as a list prints it ("Reception (hidden)"), its name, or a part of any of
        them; they come in that order, each in :meth:`sorted` order. Empty ``text``
        matches every agent. :meth:`pick` takes the first when no other ties with it.
        """
        if not _folded(text):
            return self.sorted()
        return [agent for _rank, agent in self._ranked(text)]

    def resolve(self, text: str) -> Agent:
        """The one agent ``text`` names (:meth:`pick`, without its notice).

        Raises:
            AgentProblem: no agent, or more than one, fits.
        """
        return self.pick(text).agent

    def pick(self, text: str) -> Picked:
        """The one agent ``text`` names, by :meth:`matching`'s order: an exact ID, else the
        one agent printed exactly so (a label, "Reception (hidden)" included), else the one
        agent with exactly that name, else the one whose name, label or ID contains it.

        Two agents may share a name (a copied prompt keeps it): where one of them is
        visible and the rest hidden, the visible one is labelled by the bare name
        everywhere (the table, the review), so the bare name picks it, and the notice says
        how to pick the hidden one instead. Any other tie is refused, naming for each agent
        a text that picks it (its printed label, or its ID when even that is shared).

        Where the list could not be read, only something shaped like an ID (24 hex
        characters) is accepted, as it is: the server will say if it is not an agent.

        Raises:
            AgentProblem: no agent, or more than one, fits.
        """
        wanted = text.strip()
        if not wanted:
            raise AgentProblem("no agent given")
        best = self._best(wanted)
        if len(best) == 1:
            return Picked(best[0], self._passed_over(best[0], wanted))
        if best:
            choices = ", ".join(self._how_to_pick(agent) for agent in best)
            raise AgentProblem(
                f"'{printable(wanted)}' fits {len(best)} agents; give one of these instead: "
                f"{choices}"
            )
        if not self.read:
            if _OBJECT_ID.match(wanted):
                return Picked(Agent(wanted))
            why = self.problem or "it has not been read"
            raise AgentProblem(
                f"cannot look up the agent '{printable(wanted)}': the agent list could not be "
                f"read ({why}); give the agent's ID instead"
            )
        known = ", ".join(self.listed(agent.id) for agent in self.sorted()) or "none"
        raise AgentProblem(f"no agent named '{printable(wanted)}' (agents: {known})")

    def _how_to_pick(self, agent: Agent) -> str:
        """A text that picks ``agent`` alone: its printed label and its ID, or only the ID
        when it has no name or another agent is printed alike."""
        if not agent.name.strip():
            return printable(agent.id)
        listed = self.listed(agent.id)
        if self._best(listed) == [agent]:
            return f"'{listed}' or {printable(agent.id)}"
        return f"{printable(agent.id)} (for {listed})"

    def _passed_over(self, agent: Agent, wanted: str) -> str | None:
        """Where the bare name picked the visible one of agents sharing it: which others
        it passed over, and how to pick them."""
        if _folded(wanted) != _folded(agent.name) or not self.shares_name(agent.id):
            return None
        twins = self._twins(agent)
        others = [other for other in self.sorted() if other is not agent and other in twins]
        ways = ", ".join(self._how_to_pick(other) for other in others)
        some = (
            "a hidden agent has the same name (a copy, most likely): to pick it instead, give"
            if len(others) == 1
            else f"{len(others)} hidden agents have the same name (copies, most likely): to "
            "pick one of them instead, give"
        )
        return (
            f"'{printable(wanted)}' picked the visible agent {self.label(agent.id)} "
            f"({printable(agent.id)}); {some} {ways}"
        )
