"""Numbers state: what the GET listed plus what the user switched, and what that adds up to.

Pure (no Textual, no HTTP), like :mod:`tui.form.state`, so that the rules deciding which
toggles are sent, with which body, can be tested exhaustively; the table and
``numbers set`` both go through it, so "what is sent" has one home: :meth:`NumbersState.toggles`.

A number is identified by its ``(userId, phoneNumber)`` exactly as the GET gave them,
because the toggle's body must carry both verbatim. The user's intent for a number is a
:class:`Setting`; a setting equal to the server's is no change at all, so switching a
number on and off again leaves nothing pending. Outcomes of sent toggles are kept per
number: an applied one becomes the number's new server state (as the form's
``after_save``), a refused or unanswered one stays pending for a retry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

from tui.api.number_models import ToggleRequest
from tui.api.toggle_codes import NOT_SYNCED, refusal_code
from tui.numbers.agents import AgentBook

if TYPE_CHECKING:
    from tui.api.failures import ApiFailure
    from tui.api.models import PhoneNumber, VoiceAiConfig

NumberKey = tuple[str, str]
"""``(userId, phoneNumber)``, verbatim from the GET."""


class NumbersError(ValueError):
    """An edit that cannot be made; the message says why."""


class NeedsAgent(NumbersError):
    """Switching AI on needs an agent, and the number has none to keep."""


@dataclass(frozen=True)
class Setting:
    """AI on or off for one number, and its agent. ``enabled`` None: the server did not say."""

    enabled: bool | None
    agent_id: str | None = None

    def describe(self, agents: AgentBook) -> str:
        """ "on, agent Sales Line", "off", or "unknown" (the agent of an off number is moot)."""
        if self.enabled is None:
            return "unknown"
        if not self.enabled:
            return "off"
        return f"on, agent {agents.label(self.agent_id)}" if self.agent_id else "on, no agent"

    def satisfies(self, wanted: Setting) -> bool:
        """Whether this (server) setting is what ``wanted`` asked for: the same on/off and,
        when on, the same agent."""
        if self.enabled != wanted.enabled:
            return False
        return not wanted.enabled or self.agent_id == wanted.agent_id


def setting_of(number: PhoneNumber) -> Setting:
    return Setting(number.ai_enabled, number.ai_agent_id)


@dataclass(frozen=True)
class Toggle:
    """One toggle request: a number, what it is on the server, and what it will be."""

    user_id: str
    phone_number: str
    before: Setting
    after: Setting

    @property
    def key(self) -> NumberKey:
        return (self.user_id, self.phone_number)

    @property
    def switches_agent(self) -> bool:
        return bool(self.before.enabled and self.after.enabled)

    def request(self) -> ToggleRequest:
        """The body: ``aiAgentId`` to enable or to switch agents, none to disable."""
        return ToggleRequest(
            userId=self.user_id,
            phoneNumber=self.phone_number,
            aiEnabled=bool(self.after.enabled),
            aiAgentId=self.after.agent_id if self.after.enabled else None,
        )

    def change(self, agents: AgentBook) -> str:
        """ "off → on, agent Sales Line", "on → off", "agent Sales Line → Support Desk"."""
        if self.switches_agent:
            return (
                f"agent {agents.label(self.before.agent_id)} → {agents.label(self.after.agent_id)}"
            )
        before = {True: "on", False: "off", None: "unknown"}[self.before.enabled]
        after = self.after.describe(agents)
        return f"{before} → {after}"


class Verdict(Enum):
    """Where a sent (or to-be-sent) toggle stands."""

    SENDING = "sending"
    APPLIED = "applied"
    """The server said it applied the toggle."""
    REFUSED = "refused"
    """The server answered, and not with success: nothing was changed (the toggle fails
    fast, without writing)."""
    UNANSWERED = "unanswered"
    """No answer, or one that was not understood: applied or not is unknown until the re-read."""
    NOT_SENT = "not sent"
    """The batch stopped before this one (a 401, a lost connection…)."""


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one number's toggle in the last batch."""

    toggle: Toggle
    verdict: Verdict
    failure: ApiFailure | None = None
    message: str | None = None
    """The server's success message."""
    confirmed: bool | None = None
    """After the re-read: True when it shows the toggle's setting, False when not, None
    before the re-read (or when it failed)."""
    reread: Setting | None = None
    """What the re-read showed for the number."""


@dataclass(frozen=True)
class Rebase:
    """What a fresh GET did to the pending toggles (for the review and the status)."""

    state: NumbersState
    changed: list[tuple[Toggle, Setting]] = field(default_factory=list)
    """Pending toggles whose number changed on the server meanwhile, with its setting now."""
    settled: list[NumberKey] = field(default_factory=list)
    """Pending toggles dropped because the server now holds what they asked for."""
    vanished: list[NumberKey] = field(default_factory=list)
    """Pending toggles dropped because the server no longer lists the number."""


def _keyed(numbers: Iterable[PhoneNumber]) -> dict[NumberKey, int]:
    """Row index by key; rows missing a user or a number, and repeats, get none."""
    index: dict[NumberKey, int] = {}
    for position, number in enumerate(numbers):
        if number.user_id and number.phone_number:
            index.setdefault((number.user_id, number.phone_number), position)
    return index


@dataclass(frozen=True)
class NumbersState:
    """An immutable snapshot of the numbers, the user's toggles and the last outcomes."""

    numbers: tuple[PhoneNumber, ...]
    agents: AgentBook = field(default_factory=AgentBook)
    trunk_id: str | None = None
    pending: Mapping[NumberKey, Setting] = field(default_factory=lambda: MappingProxyType({}))
    outcomes: Mapping[NumberKey, RowOutcome] = field(default_factory=lambda: MappingProxyType({}))
    index: Mapping[NumberKey, int] = field(default_factory=dict, repr=False, compare=False)
    """Row index of each toggleable number (built once per list of numbers)."""
    not_synced: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Agents the toggle refused this session with ``AGENT_NOT_SYNCED``: agent ID → the
    number it was refused for (issue 18, item 12).

    Nothing in the contract says whether an agent is synced to ElevenLabs [NOT FOUND]
    (credential-checks.md §3.2), so nothing can warn before the first refusal; after it,
    that refusal is the last word, and the review repeats it before the same agent is
    sent again. An applied toggle linking the agent clears it (synced since)."""

    @classmethod
    def from_config(cls, config: VoiceAiConfig, agents: AgentBook | None = None) -> NumbersState:
        numbers = tuple(config.phone_numbers)
        return cls(numbers, agents or AgentBook(), config.sinch_est_trunk_id, index=_keyed(numbers))

    # --- reading --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.numbers)

    def key_at(self, row: int) -> NumberKey | None:
        """The row's key when it can be toggled (it has a user and a number, listed once)."""
        number = self.numbers[row]
        if not (number.user_id and number.phone_number):
            return None
        key = (number.user_id, number.phone_number)
        return key if self.index.get(key) == row else None

    def why_not_toggleable(self, row: int) -> str | None:
        number = self.numbers[row]
        if not (number.user_id and number.phone_number):
            return "the server did not give this entry's user and number, which the toggle needs"
        if self.key_at(row) is None:
            return "this user and number are listed twice; only the first can be toggled"
        return None

    def current(self, key: NumberKey) -> Setting:
        """What the server holds (as last read, or as a toggle just applied)."""
        return setting_of(self.numbers[self.index[key]])

    def desired(self, key: NumberKey) -> Setting:
        return self.pending.get(key) or self.current(key)

    @property
    def pending_count(self) -> int:
        return len(self.pending)

    def toggles(self) -> list[Toggle]:
        """Every toggle to send, in the order the GET listed the numbers."""
        keys = sorted(self.pending, key=lambda k: self.index[k])
        return [Toggle(key[0], key[1], self.current(key), self.pending[key]) for key in keys]

    def needs_agent(self, key: NumberKey) -> bool:
        """Whether :meth:`toggled` would switch AI on with no agent to keep (pick one first)."""
        desired = self.desired(key)
        return not desired.enabled and not desired.agent_id and not self.current(key).agent_id

    # --- editing --------------------------------------------------------------------

    def toggled(self, key: NumberKey) -> NumbersState:
        """AI switched the other way; switching on keeps the number's agent.

        Raises:
            NeedsAgent: switching on, and the number has no agent (choose one with
                :meth:`with_agent`, which also switches it on).
        """
        current, desired = self.current(key), self.desired(key)
        if current.enabled is None and key in self.pending:
            return self.reverted(key)  # back to "unknown", not on to a guessed "off"
        if desired.enabled:
            return self._with_desired(key, Setting(False, current.agent_id))
        agent = desired.agent_id or current.agent_id
        if not agent:
            raise NeedsAgent("choose an agent to switch AI on")
        return self._with_desired(key, Setting(True, agent))

    def with_agent(self, key: NumberKey, agent_id: str) -> NumbersState:
        """AI on with ``agent_id``: enables an off number, switches the agent of an on one."""
        if not agent_id:
            raise NumbersError("an agent ID cannot be empty")
        return self._with_desired(key, Setting(True, agent_id))

    def with_setting(self, key: NumberKey, wanted: Setting) -> NumbersState:
        """Set a number to ``wanted`` outright (``numbers set``); off keeps the agent."""
        if wanted.enabled is None:
            raise NumbersError("a number can only be set on or off")
        if wanted.enabled:
            agent = wanted.agent_id or self.desired(key).agent_id or self.current(key).agent_id
            if not agent:
                raise NeedsAgent("switching AI on needs an agent")
            return self.with_agent(key, agent)
        return self._with_desired(key, Setting(False, self.current(key).agent_id))

    def reverted(self, key: NumberKey) -> NumbersState:
        """The number's toggle dropped (its outcome note too)."""
        pending = dict(self.pending)
        pending.pop(key, None)
        return self._replace(pending=pending, outcome_dropped=key)

    def with_agents(self, agents: AgentBook) -> NumbersState:
        return replace(self, agents=agents)

    def _with_desired(self, key: NumberKey, wanted: Setting) -> NumbersState:
        if key not in self.index:
            raise NumbersError("this number cannot be toggled")
        pending = dict(self.pending)
        if self.current(key).satisfies(wanted):
            pending.pop(key, None)
        else:
            pending[key] = wanted
        return self._replace(pending=pending, outcome_dropped=key)

    def _replace(
        self,
        *,
        pending: Mapping[NumberKey, Setting] | None = None,
        outcomes: Mapping[NumberKey, RowOutcome] | None = None,
        outcome_dropped: NumberKey | None = None,
        numbers: tuple[PhoneNumber, ...] | None = None,
    ) -> NumbersState:
        new_outcomes = dict(self.outcomes if outcomes is None else outcomes)
        if outcome_dropped is not None:
            new_outcomes.pop(outcome_dropped, None)
        return replace(
            self,
            numbers=self.numbers if numbers is None else numbers,
            pending=MappingProxyType(dict(self.pending if pending is None else pending)),
            outcomes=MappingProxyType(new_outcomes),
        )

    # --- sending --------------------------------------------------------------------

    def cleared_outcomes(self) -> NumbersState:
        """Ready for a new batch: the last batch's notes go."""
        return self._replace(outcomes={})

    def recorded(self, outcome: RowOutcome) -> NumbersState:
        """An outcome as it arrives. Applied: the number now holds the toggle's setting and
        nothing is pending for it. Anything else: the toggle stays pending for a retry."""
        key = outcome.toggle.key
        outcomes = {**self.outcomes, key: outcome}
        learned = self._learned_sync(outcome)
        if outcome.verdict is not Verdict.APPLIED or key not in self.index:
            return replace(self._replace(outcomes=outcomes), not_synced=learned)
        row = self.index[key]
        after = outcome.toggle.after
        applied = self.numbers[row].model_copy(
            update={"ai_enabled": after.enabled, "ai_agent_id": after.agent_id}
        )
        numbers = (*self.numbers[:row], applied, *self.numbers[row + 1 :])
        pending = {k: v for k, v in self.pending.items() if k != key}
        state = self._replace(pending=pending, outcomes=outcomes, numbers=numbers)
        return replace(state, not_synced=learned)

    def _learned_sync(self, outcome: RowOutcome) -> Mapping[str, str]:
        """:attr:`not_synced` once ``outcome`` is known: a refusal with
        ``AGENT_NOT_SYNCED`` adds the agent it linked, an applied link removes it."""
        agent = outcome.toggle.after.agent_id if outcome.toggle.after.enabled else None
        if agent is None:
            return self.not_synced
        known = dict(self.not_synced)
        if outcome.verdict is Verdict.REFUSED and outcome.failure is not None:
            if refusal_code(outcome.failure) == NOT_SYNCED:
                known[agent] = outcome.toggle.phone_number
        elif outcome.verdict is Verdict.APPLIED:
            known.pop(agent, None)
        return MappingProxyType(known)

    def unsynced_links(self, toggles: Iterable[Toggle]) -> list[Toggle]:
        """Of ``toggles``, those that link an agent refused as not synced this session."""
        return [
            toggle
            for toggle in toggles
            if toggle.after.enabled and toggle.after.agent_id in self.not_synced
        ]

    def rebased(self, config: VoiceAiConfig) -> Rebase:
        """The numbers as a fresh GET lists them, the user's toggles kept on top.

        A pending toggle is dropped when the server now holds what it asked for (someone
        did it, or an unanswered toggle was applied after all) or no longer lists the
        number. Each sent toggle's outcome is checked against the re-read: an applied one
        is confirmed or not, an unanswered one becomes applied or stays pending.
        """
        fresh = NumbersState.from_config(config, self.agents)
        pending: dict[NumberKey, Setting] = {}
        changed: list[tuple[Toggle, Setting]] = []
        settled: list[NumberKey] = []
        vanished: list[NumberKey] = []
        for toggle in self.toggles():
            key = toggle.key
            if key not in fresh.index:
                vanished.append(key)
                continue
            now = fresh.current(key)
            if now != toggle.before:
                changed.append((toggle, now))
            if now.satisfies(toggle.after):
                settled.append(key)
                continue
            wanted = toggle.after
            pending[key] = wanted if wanted.enabled else Setting(False, now.agent_id)
        outcomes: dict[NumberKey, RowOutcome] = {}
        for key, outcome in self.outcomes.items():
            if key not in fresh.index:
                continue
            now = fresh.current(key)
            matches = now.satisfies(outcome.toggle.after)
            if outcome.verdict is Verdict.APPLIED:
                outcome = replace(outcome, confirmed=matches, reread=now)
            elif outcome.verdict is Verdict.UNANSWERED:
                verdict = Verdict.APPLIED if matches else Verdict.UNANSWERED
                outcome = replace(outcome, verdict=verdict, confirmed=matches, reread=now)
            outcomes[key] = outcome
        state = replace(
            fresh._replace(pending=pending, outcomes=outcomes), not_synced=self.not_synced
        )
        return Rebase(state, changed, settled, vanished)
