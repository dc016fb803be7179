"""Tether's side of the wiring, from what the app and ``doctor`` already loaded.

Pure: the loaded configuration (and, when read, the agent list) in, a
:class:`~tui.wiring.evidence.TetherSide` out. Identifiers the user gave on the command
line win over the stored ones, as in ``check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from tui.api.models import VoiceAiConfig
from tui.wiring.evidence import TetherNumber, TetherSide


def tether_side(
    config: VoiceAiConfig,
    tether_url: str,
    *,
    agent_names: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> TetherSide:
    """The numbers Tether lists (entries without a number are skipped: nothing can be
    checked for them), the stored trunk identifiers, and Tether's host name.

    ``overrides``: ``sinchEstProjectId`` / ``sinchEstTrunkId`` / ``sinchEstTrunkDomain``
    given by the user instead of the stored ones.
    """
    given = dict(overrides or {})
    return TetherSide(
        numbers=tuple(_numbers(config)),
        project_id=given.get("sinchEstProjectId", config.sinch_est_project_id or ""),
        trunk_id=given.get("sinchEstTrunkId", config.sinch_est_trunk_id or ""),
        trunk_domain=given.get("sinchEstTrunkDomain", config.sinch_est_trunk_domain or ""),
        host=(urlsplit(tether_url).hostname or "").lower(),
        agent_names=dict(agent_names or {}),
    )


def _numbers(config: VoiceAiConfig) -> Iterable[TetherNumber]:
    for entry in config.phone_numbers:
        if not entry.phone_number:
            continue
        yield TetherNumber(
            phone_number=entry.phone_number,
            user_id=entry.user_id or "",
            ai_enabled=bool(entry.ai_enabled),
            ai_agent_id=entry.ai_agent_id,
        )
