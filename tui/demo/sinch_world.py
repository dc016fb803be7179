"""What the Sinch stand-ins hold beyond the trunks: endpoints, credential lists, ACLs, and
the records of numbers on Elastic SIP Trunking (EST) and in the Numbers API.

Pure data, built from the team's notes on the wiring checks (the shapes of Sinch's
Node SDK models) and kept by :class:`~tui.demo.sinch.SinchState`. Labels as in the
stand-ins: [DOC] documented by Sinch (its API reference or its SDK's models), [SEEN] in
Sinch's own skills or SDK tests, [INFERRED] reasoned, not seen.

The two demo trunks differ on purpose (the org-level findings of ``doctor``):

- ``trunk-demo-001`` (the form's): an enabled static endpoint at ElevenLabs' SIP host
  over TCP 5060 with priority 1, and a *disabled* "Office PBX" with the better
  priority 0 (disabled, so it takes no calls); a credential list holding the digest
  username the ElevenLabs numbers use; one enabled ACL.
- ``trunk-demo-002``: an enabled "Office PBX" with priority 1, ahead of an ElevenLabs
  endpoint with priority 2 that says TLS on port 5060; no credential list and no ACL,
  so nothing authorises ElevenLabs' outbound calls.

Stdlib only.
"""

from __future__ import annotations

import uuid
from typing import Any

Json = dict[str, Any]

__all__ = [
    "CREATED",
    "DIGEST_USERNAME",
    "ELEVENLABS_SIP_HOST",
    "PBX_ADDRESS",
    "Infrastructure",
    "active_number",
    "demo_id",
    "est_number",
    "infrastructure",
    "region_of",
    "voice_est",
    "voice_rtc",
]

ELEVENLABS_SIP_HOST = "sip.rtc.elevenlabs.io"
"""ElevenLabs' SIP host, "sip:sip.rtc.elevenlabs.io:5060;transport=tcp" [DOC EL-SIP]."""
PBX_ADDRESS = "203.0.113.10"
"""The office PBX's address: a documentation address (RFC 5737), never reachable."""
DIGEST_USERNAME = "demo-org-ai"
"""The digest username the healthy ElevenLabs numbers send on outbound calls, and the one
the credential list of ``trunk-demo-001`` holds (no password is ever answered [DOC])."""
CREATED = "2025-01-15T10:00:00Z"

_NAMESPACE = uuid.UUID("6b3c1f0e-2a4d-4e8b-9c7a-5d1e0f2a3b4c")


def demo_id(*parts: str) -> str:
    """A stable UUID for a demo record: Sinch's IDs are UUIDs [SEEN SDK fixtures]."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def region_of(number: str) -> str:
    """The ISO country of a +1 number: Canada for the demo's Toronto area codes, else the
    US [INFERRED: a stand-in's simplification of the numbering plan]."""
    canadian = ("+1416", "+1437", "+1647", "+1905", "+1289", "+1365")
    return "CA" if number.startswith(canadian) else "US"


def _endpoint(
    project_id: str,
    trunk_id: str,
    name: str,
    address: str,
    transport: str,
    port: int,
    priority: int,
    *,
    enabled: bool,
) -> Json:
    # A static endpoint [DOC SN-SDK sip-endpoint.ts]: address (IP or domain) and port;
    # transport 'TCP' | 'UDP' | 'TLS'; "lowest number = highest priority" [DOC SN-TEST].
    return {
        "id": demo_id(project_id, trunk_id, "endpoint", name),
        "sipTrunkId": trunk_id,
        "name": name,
        "address": address,
        "port": port,
        "transport": transport,
        "priority": priority,
        "enabled": enabled,
        "createTime": CREATED,
        "updateTime": CREATED,
        "projectId": project_id,
    }


class Infrastructure:
    """One project's endpoints, credential lists and ACLs, by trunk."""

    def __init__(self) -> None:
        self.endpoints: dict[str, list[Json]] = {}
        self.credential_lists: dict[str, list[Json]] = {}
        self.acls: dict[str, Json] = {}
        """ACL ID -> ACL, for ``GET /accessControlLists/{id}``."""
        self.trunk_acls: dict[str, list[str]] = {}
        """Trunk ID -> the IDs of the ACLs linked to it."""


def infrastructure(project_id: str, matching_trunk: str, mismatched_trunk: str) -> Infrastructure:
    """The demo project's trunk wiring (see the module's docstring)."""
    world = Infrastructure()
    world.endpoints[matching_trunk] = [
        _endpoint(
            project_id,
            matching_trunk,
            "ElevenLabs",
            ELEVENLABS_SIP_HOST,
            "TCP",
            5060,
            1,
            enabled=True,
        ),
        _endpoint(
            project_id, matching_trunk, "Office PBX", PBX_ADDRESS, "UDP", 5060, 0, enabled=False
        ),
    ]
    world.endpoints[mismatched_trunk] = [
        _endpoint(
            project_id, mismatched_trunk, "Office PBX", PBX_ADDRESS, "UDP", 5060, 1, enabled=True
        ),
        # TLS is 5061 at ElevenLabs [DOC EL-SIP]: 5060 here is the planted mistake.
        _endpoint(
            project_id,
            mismatched_trunk,
            "ElevenLabs",
            ELEVENLABS_SIP_HOST,
            "TLS",
            5060,
            2,
            enabled=True,
        ),
    ]
    list_id = demo_id(project_id, matching_trunk, "credentials")
    world.credential_lists[matching_trunk] = [
        {
            # {id, name, createTime, updateTime, projectId, credentials: [{id, username}]},
            # never a password [DOC SN-SDK credential-list.ts, credential.ts].
            "id": list_id,
            "name": "ElevenLabs outbound",
            "createTime": CREATED,
            "updateTime": CREATED,
            "projectId": project_id,
            "credentials": [
                {"id": demo_id(list_id, DIGEST_USERNAME), "username": DIGEST_USERNAME},
                {"id": demo_id(list_id, "office-pbx"), "username": "office-pbx"},
            ],
        }
    ]
    world.credential_lists[mismatched_trunk] = []
    acl_id = demo_id(project_id, "acl", "elevenlabs-static")
    world.acls[acl_id] = {
        # {id, name, enabled, ipRanges: [{id, description, ipAddress, range}], ...}
        # [DOC SN-SDK access-control-list.ts, ip-range.ts]; `trunks` as the notes list it.
        "id": acl_id,
        "name": "ElevenLabs static SIP range",
        "enabled": True,
        "ipRanges": [
            {
                "id": demo_id(acl_id, "range-1"),
                "description": "ElevenLabs static SIP servers (a documentation range)",
                "ipAddress": "198.51.100.0",
                "range": 24,
            }
        ],
        "trunks": [matching_trunk],
        "createTime": CREATED,
        "updateTime": CREATED,
        "projectId": project_id,
    }
    world.trunk_acls[matching_trunk] = [acl_id]
    world.trunk_acls[mismatched_trunk] = []
    return world


def est_number(project_id: str, trunk_id: str, number: str, when: str = CREATED) -> Json:
    """A number on an EST trunk: {id, sipTrunkId, phoneNumber, countryCode, createTime,
    updateTime} [DOC SN-SDK phoneNumber.ts]; the ISO country code is [INFERRED]."""
    return {
        "id": demo_id(project_id, "est-number", number),
        "sipTrunkId": trunk_id,
        "phoneNumber": number,
        "countryCode": region_of(number),
        "createTime": when,
        "updateTime": when,
    }


def voice_est(trunk_id: str, when: str = CREATED, pending: str | None = None) -> Json:
    """Voice routed to an EST trunk; ``pending``: a provisioning status (``WAITING``,
    ``IN_PROGRESS``, ``FAILED``) of the same change, not yet done [DOC SN-SDK
    voice-configuration.ts, provisioning-status.ts]."""
    scheduled = None
    if pending is not None:
        scheduled = {
            "type": "EST",
            "trunkId": trunk_id,
            "status": pending,
            "lastUpdatedTime": when,
        }
    # Unused IDs as empty strings, as the API's examples show them [INFERRED].
    return {
        "type": "EST",
        "trunkId": trunk_id,
        "appId": "",
        "lastUpdatedTime": when,
        "scheduledVoiceProvisioning": scheduled,
    }


def voice_rtc(when: str = CREATED) -> Json:
    """Voice routed to the Voice API (RTC) application, not to a trunk [DOC SN-SDK]."""
    return {
        "type": "RTC",
        "trunkId": "",
        "appId": "demo-rtc-app-4f2a9c",
        "lastUpdatedTime": when,
        "scheduledVoiceProvisioning": None,
    }


def active_number(project_id: str, number: str, voice: Json, display_name: str = "") -> Json:
    """A number of the project in the Numbers API [DOC SN-SDK active-number.ts]: local, SMS
    and voice capable; its voice routing is ``voice``."""
    return {
        "phoneNumber": number,
        "projectId": project_id,
        "displayName": display_name,
        "regionCode": region_of(number),
        "type": "LOCAL",
        "capability": ["SMS", "VOICE"],
        "money": {"currencyCode": "USD", "amount": "1.00"},
        "paymentIntervalMonths": 1,
        "nextChargeDate": "2026-12-15T10:00:00Z",
        "expireAt": None,
        "smsConfiguration": {"servicePlanId": "", "scheduledProvisioning": None},
        "voiceConfiguration": voice,
        "callbackUrl": "",
    }
