"""Everything the wiring checks read, as plain data: what each issuer answered.

The runner (:mod:`tui.api.wiring`) fills these in; the rules (:mod:`tui.wiring.org_rules`,
:mod:`tui.wiring.number_rules`) read them. Answers stay as
:class:`~tui.checks.replies.Reply` / :class:`~tui.checks.replies.Unreached` (status and
parsed JSON, or why there is none), so every rule can be tested as a table row and every
odd answer (a 404, a 200 of the wrong shape) reaches a rule, not the runner.

``None`` for a whole side means it was not asked (no key given); ``None`` for one answer
means the runner did not need it (for instance a number found in the trunk's list needs
no lookup of its own).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.checks.replies import Outcome


@dataclass(frozen=True)
class Listing:
    """Every item of a paged list, or the answer that stopped the paging.

    ``failure`` is the first answer that was not a page (a non-200
    :class:`~tui.checks.replies.Reply` or an :class:`~tui.checks.replies.Unreached`);
    ``items`` are the pages read before it. A listing with a failure is incomplete:
    a rule must not read "absent from the list" as "absent".
    """

    items: tuple[Any, ...] = ()
    failure: Outcome | None = None
    truncated: bool = False
    """The runner stopped at its page cap while the issuer still offered more: ``items``
    are the first pages only (recent calls: at least this many; a trunk's list: absence
    from it proves nothing, as with a failure)."""

    @property
    def complete(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class TetherNumber:
    """One entry of Tether's ``phoneNumbers``, as loaded."""

    phone_number: str
    user_id: str
    ai_enabled: bool
    ai_agent_id: str | None = None


@dataclass(frozen=True)
class TetherSide:
    """What Tether says: the numbers, the trunk it stores, its own host, its agents."""

    numbers: tuple[TetherNumber, ...]
    project_id: str = ""
    trunk_id: str = ""
    trunk_domain: str = ""
    host: str = ""
    """The host name of the Tether URL: an agent tool calling it is one of Tether's."""
    agent_names: Mapping[str, str] = field(default_factory=dict)
    """Tether prompt ``_id`` → name (``GET /api/prompts/user``); empty when not read."""


@dataclass(frozen=True)
class ElevenLabsSide:
    """ElevenLabs' answers for one key."""

    phone_numbers: Outcome
    """``GET /v1/convai/phone-numbers`` (a bare array, no paging [documented])."""
    agents: Mapping[str, Outcome] = field(default_factory=dict)
    """``GET /v1/convai/agents/{agent_id}`` for each agent assigned to a number."""
    tools: Mapping[str, Outcome] = field(default_factory=dict)
    """``GET /v1/convai/tools/{tool_id}`` for each tool of those agents."""
    secrets: Listing | None = None
    """``GET /v1/convai/secrets`` (cursor-paged); None when no tool needed it."""
    failed_calls: Mapping[str, Listing] = field(default_factory=dict)
    """Agent id → its failed ``sip_trunk`` conversations of the last 7 days."""
    webhook: Any = None
    """The post-call webhook's :class:`~tui.checks.verdict.CheckResult` (the credential
    checks' rule, reused), or None when not looked at."""


@dataclass(frozen=True)
class SinchSide:
    """Sinch's answers for one key pair: the token, then EST and the Numbers API."""

    token: Outcome
    trunk: Outcome | None = None
    endpoints: Listing | None = None
    credential_lists: Listing | None = None
    acl_ids: Listing | None = None
    acls: Mapping[str, Outcome] = field(default_factory=dict)
    """``GET /accessControlLists/{id}`` for each ACL linked to the trunk."""
    trunk_numbers: Listing | None = None
    """``GET /phoneNumbers?sipTrunkId=`` (every page)."""
    est_numbers: Mapping[str, Outcome] = field(default_factory=dict)
    """``GET /phoneNumbers/{n}`` for numbers the trunk's list does not hold."""
    active_numbers: Mapping[str, Outcome] = field(default_factory=dict)
    """Numbers API ``GET /activeNumbers/{n}`` for each AI-on number."""


@dataclass(frozen=True)
class Evidence:
    """All of it. A side is None when its key was not given."""

    tether: TetherSide
    elevenlabs: ElevenLabsSide | None = None
    sinch: SinchSide | None = None
    elevenlabs_missing: str = ""
    """Why ElevenLabs was not asked (``no key given: elevenlabsApiKey=-``)."""
    sinch_missing: str = ""
