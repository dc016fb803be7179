"""What the wiring runner reads from one answer to decide what to ask next.

Only the fields that lead to another request: the agents assigned to the organization's
numbers, their tools, the ACLs linked to the trunk, the numbers on it. Every answer is
untrusted, so each reader takes any JSON (or none) and returns only well-typed values:
an odd answer means fewer follow-up requests, never an exception. What the answers
*mean* is the rules' business (:mod:`tui.wiring`), not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tui.checks.replies import Outcome, Reply
from tui.wiring.evidence import Listing

SIP_TRUNK = "sip_trunk"
"""The ``provider`` of a number ElevenLabs reaches over a SIP trunk [documented, EL-SDK]."""


def digits(number: str) -> str:
    """The digits of a phone number: ``+1 416-555-0101`` and ``14165550101`` agree."""
    return "".join(char for char in number if char.isdigit())


def answered_list(outcome: Outcome) -> list[Any]:
    """A 200 answer's bare array (ElevenLabs' numbers [documented: no envelope]), or []."""
    if isinstance(outcome, Reply) and outcome.status == 200 and isinstance(outcome.payload, list):
        return outcome.payload
    return []


def answered_object(outcome: Outcome | None) -> Mapping[str, Any]:
    """A 200 answer's JSON object, or an empty one."""
    if isinstance(outcome, Reply) and outcome.status == 200 and isinstance(outcome.payload, dict):
        return outcome.payload
    return {}


def agents_in_use(items: Iterable[Any], numbers: Iterable[str]) -> list[str]:
    """The distinct agent ids assigned to ``sip_trunk`` numbers that are Tether's, in the
    list's order.

    A number matches exactly or by its digits alone: an import without the leading ``+``
    is still the organization's number (a rule warns about the format), and its agent
    is the one that would answer.
    """
    wanted = set(numbers)
    wanted_digits = {digits(number) for number in wanted} - {""}
    found: dict[str, None] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("provider") != SIP_TRUNK:
            continue
        phone = item.get("phone_number")
        if not isinstance(phone, str) or (
            phone not in wanted and digits(phone) not in wanted_digits
        ):
            continue
        agent = item.get("assigned_agent")
        agent_id = agent.get("agent_id") if isinstance(agent, dict) else None
        if isinstance(agent_id, str) and agent_id:
            found[agent_id] = None
    return list(found)


def tool_ids(agent: Outcome | None) -> list[str]:
    """``conversation_config.agent.prompt.tool_ids`` of an agent answer [documented]."""
    ids = _prompt(agent).get("tool_ids")
    if not isinstance(ids, list):
        return []
    return [tool for tool in ids if isinstance(tool, str) and tool]


def has_inline_tools(agent: Outcome | None) -> bool:
    """Whether the agent still carries tools inline (``prompt.tools``, the older form
    [documented: "use tool_ids instead"]), whose headers may name secrets too."""
    tools = _prompt(agent).get("tools")
    return isinstance(tools, list) and bool(tools)


def _prompt(agent: Outcome | None) -> Mapping[str, Any]:
    node: Any = answered_object(agent)
    for name in ("conversation_config", "agent", "prompt"):
        node = node.get(name) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def listed_strings(listing: Listing) -> list[str]:
    """The distinct non-empty strings of a listing (the trunk's ACL ids), in order."""
    return list(dict.fromkeys(item for item in listing.items if isinstance(item, str) and item))


def listed_numbers(listing: Listing, trunk_id: str) -> set[str]:
    """The numbers a whole EST number list shows on ``trunk_id`` (``phoneNumber``,
    ``sipTrunkId`` [documented]); none from a partial list, whose items the rules do not
    trust, so each number is looked up on its own instead."""
    if not listing.complete:
        return set()
    return {
        item["phoneNumber"]
        for item in listing.items
        if isinstance(item, dict)
        and isinstance(item.get("phoneNumber"), str)
        and item.get("sipTrunkId") in (None, trunk_id)
    }


def refused_outright(listing: Listing) -> bool:
    """Whether the list's first page was refused for the credential or project (401,
    403): the same token would be refused for each number, so looking each up would only
    repeat the refusal, once per number."""
    failure = listing.failure
    return not listing.items and isinstance(failure, Reply) and failure.status in (401, 403)
