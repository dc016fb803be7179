"""The wiring runner against a mock of all four hosts: exactly which requests, how many at
once, each once, each secret only to its issuer, and every failure kept to its answer.

One ``httpx.MockTransport`` serves ElevenLabs, Sinch's auth server, EST and the Numbers
API (by host name), records every request whole and counts the requests in flight per
issuer. No timing is asserted: a blocked request is ended by the runner's deadline, and
the test checks what came back, not when.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import pytest
from pydantic import SecretStr

from tui.api import issuers
from tui.api.models import VoiceAiConfig
from tui.api.wiring import (
    CALLS_MAX_PAGES,
    WiringInputs,
    gather_evidence,
    sent_secrets,
)
from tui.api.wiring_gate import NUMBER, ORGANIZATION, Gate
from tui.api.wiring_pages import PAGE_SIZE, cursor_pages, numbered_pages
from tui.checks.replies import Reply, Unreached
from tui.checks.settings import CheckSettings
from tui.checks.verdict import CheckResult
from tui.demo import elevenlabs as demo_el
from tui.demo import sinch as demo_sinch
from tui.demo.routing import RecordedRequest
from tui.demo.stack import DemoStack
from tui.wiring.evidence import Evidence, TetherNumber, TetherSide
from tui.wiring.tether import tether_side

EL_KEY = "sk_test_wiring_key_5c1e"
KEY_ID = "sinch-key-id-0a7b"
KEY_SECRET = "sinch-key-secret-9d2f"
TOKEN = "bearer-token-e3b8c1"
PROJECT = "project-42"
TRUNK = "trunk-7"
DOMAIN = "acme.pstn.sinch.com"

EL, AUTH, EST, NUMBERS = "el.test", "auth.test", "est.test", "numbers.test"
ISSUER = {EL: "elevenlabs", AUTH: "sinch", EST: "sinch", NUMBERS: "sinch"}
SETTINGS = CheckSettings(
    elevenlabs_url=f"https://{EL}",
    sinch_auth_url=f"https://{AUTH}",
    sinch_est_url=f"https://{EST}",
    sinch_numbers_url=f"https://{NUMBERS}",
    connect_timeout=1.0,
    deadline=1.5,  # ends the blocked requests; roomy for a busy machine
)
EST_BASE = f"/v1/projects/{PROJECT}"
TRUNK_PATH = f"{EST_BASE}/trunks/{TRUNK}"

Json = dict[str, Any]


def number(index: int) -> str:
    return f"+1416555{index:04d}"


class World:
    """Four issuers' data, served page by page, and everything the runner sent them.

    Numbers ``number(0..count-1)``; every ``ai_every``-th is AI on. AI-on numbers are
    imported in ElevenLabs (agents ``agent-0``/``agent-1`` in turn, each with tools) and
    on the trunk, except those in ``off_trunk``.
    """

    def __init__(
        self,
        count: int = 6,
        *,
        ai_every: int = 2,
        off_trunk: frozenset[str] = frozenset(),
        endpoints: int = 2,
        page_cap: int = PAGE_SIZE,
        hold: float = 0.0,
    ) -> None:
        self.numbers = [
            TetherNumber(number(i), f"user-{i}", i % ai_every == 0) for i in range(count)
        ]
        self.ai_on = [n.phone_number for n in self.numbers if n.ai_enabled]
        self.off_trunk = off_trunk
        self.endpoints = [
            {"id": f"ep-{i}", "address": "sip.rtc.elevenlabs.io", "priority": i, "enabled": True}
            for i in range(endpoints)
        ]
        self.page_cap = page_cap
        """The largest page EST answers, whatever ``size`` asks (a server may cap it)."""
        self.hold = hold
        self.requests: list[httpx.Request] = []
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self.blocked: set[str] = set()
        """Paths (with query) that never answer: the runner's deadline ends them."""
        self.unreachable: set[str] = set()
        """Hosts that refuse every connection (with ``connect_failure``)."""
        self.connect_failure: type[httpx.TransportError] = httpx.ConnectError
        self.overrides: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {}
        self.waiting = 0
        self.cancelled = 0
        self.token_status = 200

    @property
    def tether(self) -> TetherSide:
        return TetherSide(
            numbers=tuple(self.numbers),
            project_id=PROJECT,
            trunk_id=TRUNK,
            trunk_domain=DOMAIN,
            host="tether.example.com",
        )

    def inputs(self, **changes: Any) -> WiringInputs:
        values: dict[str, Any] = {
            "tether": self.tether,
            "elevenlabs_key": SecretStr(EL_KEY),
            "sinch_key_id": KEY_ID,
            "sinch_key_secret": SecretStr(KEY_SECRET),
        }
        values.update(changes)
        return WiringInputs(**values)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- what was sent ------------------------------------------------------------------

    def sent(self, host: str | None = None) -> list[str]:
        """``METHOD path?query`` of every request (to ``host``), in order."""
        return [
            f"{r.method} {r.url.raw_path.decode()}"
            for r in self.requests
            if host is None or r.url.host == host
        ]

    def paths(self, host: str, prefix: str = "") -> list[str]:
        return [
            r.url.raw_path.decode()
            for r in self.requests
            if r.url.host == host and r.url.raw_path.decode().startswith(prefix)
        ]

    # --- the servers --------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host = request.url.host
        if host in self.unreachable:
            raise self.connect_failure("All connection attempts failed")
        issuer = ISSUER[host]
        self.in_flight[issuer] += 1
        self.most_in_flight[issuer] = max(self.most_in_flight[issuer], self.in_flight[issuer])
        try:
            await asyncio.sleep(self.hold)
            if request.url.raw_path.decode() in self.blocked:
                self.waiting += 1
                try:
                    await asyncio.Event().wait()
                except asyncio.CancelledError:
                    self.cancelled += 1
                    raise
            override = self.overrides.get((host, request.url.path))
            if override is not None:
                return override(request)
            return self.route(host, request)
        finally:
            self.in_flight[issuer] -= 1

    def route(self, host: str, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        query = {k: v[-1] for k, v in parse_qs(request.url.query.decode()).items()}
        if host == AUTH:
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_client"})
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 3600})
        if host == EL:
            return self.elevenlabs(path, query)
        if host == EST:
            return self.est(path, query)
        prefix = f"{EST_BASE}/activeNumbers/"
        if host == NUMBERS and path.startswith(prefix):
            n = unquote(path[len(prefix) :])
            config = {"type": "EST", "trunkId": TRUNK, "scheduledVoiceProvisioning": None}
            return httpx.Response(200, json={"phoneNumber": n, "voiceConfiguration": config})
        return httpx.Response(404, json={"error": {"code": 404, "message": "no such route"}})

    def elevenlabs(self, path: str, query: dict[str, str]) -> httpx.Response:
        if path == "/v1/convai/phone-numbers":
            items = [
                {
                    "phone_number": n,
                    "provider": "sip_trunk",
                    "phone_number_id": f"phnum_{i}",
                    "assigned_agent": {"agent_id": f"agent-{i % 2}", "agent_name": "Desk"},
                }
                for i, n in enumerate(self.ai_on)
            ]
            items.append({"phone_number": "+19995550000", "provider": "twilio"})
            return httpx.Response(200, json=items)
        if path.startswith("/v1/convai/agents/"):
            agent = path.rsplit("/", 1)[1]
            prompt = {"tool_ids": [f"tool-{agent}", "tool-shared"]}
            config = {"agent": {"prompt": prompt}}
            return httpx.Response(200, json={"agent_id": agent, "conversation_config": config})
        if path.startswith("/v1/convai/tools/"):
            return httpx.Response(200, json={"id": path.rsplit("/", 1)[1], "tool_config": {}})
        if path == "/v1/convai/secrets":
            if "cursor" not in query:
                return httpx.Response(
                    200, json={"secrets": [{"secret_id": "s1"}], "next_cursor": "page-2"}
                )
            return httpx.Response(200, json={"secrets": [{"secret_id": "s2"}], "next_cursor": None})
        if path == "/v1/convai/conversations":
            page = int(query.get("cursor", "c0")[1:])
            if query["agent_id"] == "agent-0":  # always more: the runner stops at its cap
                calls = [{"conversation_id": f"conv-{page}", "status": "failed"}]
                return httpx.Response(
                    200,
                    json={"conversations": calls, "next_cursor": f"c{page + 1}", "has_more": True},
                )
            return httpx.Response(
                200, json={"conversations": [], "next_cursor": None, "has_more": False}
            )
        if path == "/v1/convai/settings":
            return httpx.Response(200, json={"webhooks": {"post_call_webhook_id": "wh-1"}})
        if path == "/v1/workspace/webhooks":
            hook = {
                "webhook_id": "wh-1",
                "webhook_url": "https://tether.example.com/api/webhook/elevenlabs",
                "is_disabled": False,
                "is_auto_disabled": False,
            }
            return httpx.Response(200, json={"webhooks": [hook]})
        return httpx.Response(404, json={"detail": "not found"})

    def est(self, path: str, query: dict[str, str]) -> httpx.Response:
        lists: dict[str, tuple[str, list[Any]]] = {
            f"{TRUNK_PATH}/endpoints": ("endpoints", self.endpoints),
            f"{TRUNK_PATH}/credentialLists": (
                "credentialLists",
                [{"id": "cl-1", "credentials": [{"username": "el-user"}]}],
            ),
            f"{TRUNK_PATH}/accessControlLists": ("accessControlListIds", ["acl-1", "acl-2"]),
        }
        if path == f"{EST_BASE}/phoneNumbers" and query.get("sipTrunkId") == TRUNK:
            on = [n for n in self.ai_on if n not in self.off_trunk]
            lists[path] = ("phoneNumbers", [{"phoneNumber": n, "sipTrunkId": TRUNK} for n in on])
        if path in lists:
            key, items = lists[path]
            size = min(int(query.get("size", "100")), self.page_cap)
            page = int(query.get("page", "1"))
            chunk = items[(page - 1) * size : page * size]
            body = {"totalItems": len(items), "pageNumber": page, "pageSize": size, key: chunk}
            return httpx.Response(200, json=body)
        if path == TRUNK_PATH:
            return httpx.Response(200, json={"id": TRUNK, "domain": DOMAIN})
        if path.startswith(f"{EST_BASE}/accessControlLists/"):
            return httpx.Response(200, json={"id": path.rsplit("/", 1)[1], "enabled": True})
        if path.startswith(f"{EST_BASE}/phoneNumbers/"):
            return httpx.Response(404, json={"code": 404, "status": "NO_RESOURCE_FOUND"})
        return httpx.Response(404, json={"code": 404, "status": "NO_RESOURCE_FOUND"})


async def gather(
    world: World, settings: CheckSettings = SETTINGS, **changes: Any
) -> tuple[Evidence, list[str]]:
    """Run the runner; returns the evidence and the order of callbacks (``org``, numbers)."""
    calls: list[str] = []
    evidence = await gather_evidence(
        world.inputs(**changes),
        settings,
        on_org=lambda ev: calls.append("org"),
        on_number=lambda ev, n: calls.append(n),
        transport=world.transport(),
    )
    return evidence, calls


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# --- what is asked, and what comes back -------------------------------------------------------


def test_every_answer_is_gathered_and_nothing_is_asked_twice() -> None:
    world = World(6, off_trunk=frozenset({number(4)}))
    evidence, _ = run(gather(world))
    el, sinch = evidence.elevenlabs, evidence.sinch
    assert el is not None and sinch is not None
    assert isinstance(el.phone_numbers, Reply) and len(el.phone_numbers.payload) == 4
    assert sorted(el.agents) == ["agent-0", "agent-1"]
    assert sorted(el.tools) == ["tool-agent-0", "tool-agent-1", "tool-shared"]
    assert el.secrets is not None and [s["secret_id"] for s in el.secrets.items] == ["s1", "s2"]
    assert isinstance(el.webhook, CheckResult)
    assert isinstance(sinch.trunk, Reply) and sinch.trunk.payload["domain"] == DOMAIN
    assert sinch.endpoints is not None and len(sinch.endpoints.items) == 2
    assert sinch.credential_lists is not None and sinch.credential_lists.complete
    assert sinch.acl_ids is not None and sinch.acl_ids.items == ("acl-1", "acl-2")
    assert sorted(sinch.acls) == ["acl-1", "acl-2"]
    assert sinch.trunk_numbers is not None and len(sinch.trunk_numbers.items) == 2
    # Only the AI-on number missing from the trunk's list is looked up on its own.
    assert list(sinch.est_numbers) == [number(4)]
    assert sorted(sinch.active_numbers) == sorted(world.ai_on)
    assert (evidence.elevenlabs_missing, evidence.sinch_missing) == ("", "")

    sent = world.sent()
    assert [line for line, times in Counter(sent).items() if times > 1] == []
    assert {line.split()[0] for line in sent} == {"GET", "POST"}
    assert [line for line in sent if line.startswith("POST")] == ["POST /oauth2/token"]
    assert world.paths(EL, "/v1/convai/phone-numbers") == ["/v1/convai/phone-numbers"]


def test_the_failed_calls_query_is_the_documented_one_and_stops_after_three_pages() -> None:
    world = World(4)
    evidence, _ = run(gather(world))
    assert evidence.elevenlabs is not None
    capped = evidence.elevenlabs.failed_calls["agent-0"]
    assert capped.truncated and capped.complete and len(capped.items) == CALLS_MAX_PAGES
    done = evidence.elevenlabs.failed_calls["agent-1"]
    assert not done.truncated and done.items == ()
    asked = [r for r in world.requests if r.url.path == "/v1/convai/conversations"]
    assert len(asked) == CALLS_MAX_PAGES + 1
    first = parse_qs(asked[0].url.query.decode())
    assert first["conversation_initiation_source"] == ["sip_trunk"]
    assert first["exclude_statuses"] == ["initiated", "in-progress", "processing", "done"]
    assert first["page_size"] == ["100"]
    assert "cursor" not in first
    assert int(first["call_start_after_unix"][0]) > 1_700_000_000
    agent_0 = [parse_qs(r.url.query.decode()) for r in asked if "agent-0" in str(r.url)]
    assert [q.get("cursor") for q in agent_0] == [None, ["c1"], ["c2"]]


def test_est_lists_are_read_page_by_page_until_the_total() -> None:
    world = World(4, endpoints=1201, page_cap=500)
    evidence, _ = run(gather(world))
    assert evidence.sinch is not None and evidence.sinch.endpoints is not None
    assert len(evidence.sinch.endpoints.items) == 1201 and evidence.sinch.endpoints.complete
    pages = world.paths(EST, f"{TRUNK_PATH}/endpoints")
    assert pages == [f"{TRUNK_PATH}/endpoints?page={p}&size={PAGE_SIZE}" for p in (1, 2, 3)]


def test_a_server_capping_the_page_below_ours_is_still_read_whole() -> None:
    world = World(40, ai_every=1, page_cap=7)  # 40 numbers on the trunk, 7 a page
    evidence, _ = run(gather(world))
    assert evidence.sinch is not None and evidence.sinch.trunk_numbers is not None
    assert len(evidence.sinch.trunk_numbers.items) == 40
    assert len(world.paths(EST, f"{EST_BASE}/phoneNumbers?")) == 6
    assert evidence.sinch.est_numbers == {}  # every AI-on number was in the list


def test_paths_escape_identifiers_and_keep_the_plus_of_a_number() -> None:
    world = World(2, ai_every=1, off_trunk=frozenset({number(0), number(1)}))
    tether = dataclasses.replace(world.tether, trunk_id="../trunks/other", project_id="p/1")
    run(gather(world, tether=tether))
    est = world.paths(EST)
    assert "/v1/projects/p%2F1/trunks/..%2Ftrunks%2Fother" in est
    assert f"/v1/projects/p%2F1/phoneNumbers/{number(0)}" in est
    assert f"/v1/projects/p%2F1/activeNumbers/{number(1)}" in world.paths(NUMBERS)
    assert any(
        p.endswith("phoneNumbers?sipTrunkId=..%2Ftrunks%2Fother&page=1&size=500") for p in est
    )


def test_a_partial_trunk_list_sends_every_ai_number_to_its_own_lookup() -> None:
    world = World(6, ai_every=1, page_cap=2)  # three pages of two
    world.blocked = {f"{EST_BASE}/phoneNumbers?sipTrunkId={TRUNK}&page=2&size={PAGE_SIZE}"}
    evidence, _ = run(gather(world))
    sinch = evidence.sinch
    assert sinch is not None and sinch.trunk_numbers is not None
    assert not sinch.trunk_numbers.complete and len(sinch.trunk_numbers.items) == 2
    # The rules trust only a whole list: each number gets EST's own answer.
    assert sorted(sinch.est_numbers) == sorted(world.ai_on)


def test_a_trunk_list_refused_outright_is_not_asked_again_number_by_number() -> None:
    world = World(6, ai_every=1)
    world.overrides[(EST, f"{EST_BASE}/phoneNumbers")] = lambda r: httpx.Response(
        403, json={"code": 403, "status": "PERMISSION_DENIED"}
    )
    evidence, calls = run(gather(world))
    assert evidence.sinch is not None and evidence.sinch.trunk_numbers is not None
    assert evidence.sinch.trunk_numbers.failure is not None
    assert evidence.sinch.est_numbers == {}
    assert world.paths(EST, f"{EST_BASE}/phoneNumbers/") == []
    assert len(calls) == 7


def test_a_numbered_list_cut_at_the_cap_says_what_was_not_read() -> None:
    asked: list[str] = []

    async def endless(path: str) -> Reply:
        asked.append(path)
        return Reply(200, {"totalItems": 10_000, "things": [1, 2]})

    listing = run(numbered_pages(endless, "/things", "things", size=2, max_pages=3))
    assert listing.items == (1, 2, 1, 2, 1, 2) and listing.truncated
    assert isinstance(listing.failure, Unreached) and not listing.complete
    assert "first 6" in listing.failure.detail
    assert asked == [f"/things?page={p}&size=2" for p in (1, 2, 3)]


def test_a_cursor_the_issuer_already_gave_ends_the_paging() -> None:
    asked: list[str] = []

    async def circular(path: str) -> Reply:
        asked.append(path)
        return Reply(200, {"secrets": [len(asked)], "next_cursor": "same"})

    listing = run(cursor_pages(circular, "/v1/convai/secrets", "secrets", max_pages=10))
    assert asked == ["/v1/convai/secrets", "/v1/convai/secrets?cursor=same"]
    assert listing.items == (1, 2) and listing.truncated and listing.complete


def test_the_gate_serves_the_organization_before_the_numbers() -> None:
    order: list[str] = []

    async def scenario() -> None:
        gate = Gate(1)
        release = asyncio.Event()

        async def hold() -> None:
            async with gate.slot():
                await release.wait()

        async def one(name: str, priority: int) -> None:
            async with gate.slot(priority):
                order.append(name)

        holder = asyncio.ensure_future(hold())
        await asyncio.sleep(0)
        waiters = [
            asyncio.ensure_future(one("number-1", NUMBER)),
            asyncio.ensure_future(one("number-2", NUMBER)),
            asyncio.ensure_future(one("org", ORGANIZATION)),
        ]
        gone = asyncio.ensure_future(one("cancelled", ORGANIZATION))
        await asyncio.sleep(0)
        gone.cancel()
        release.set()
        await asyncio.gather(holder, *waiters)
        async with gate.slot():  # every slot came back
            pass

    run(scenario())
    assert order == ["org", "number-1", "number-2"]


# --- bounds -----------------------------------------------------------------------------------


def test_never_more_than_four_requests_in_flight_per_issuer() -> None:
    world = World(60, ai_every=1, off_trunk=frozenset(number(i) for i in range(0, 60, 3)))
    world.hold = 0.002  # each answer takes a moment, so requests overlap
    run(gather(world))
    assert world.most_in_flight["elevenlabs"] == 4  # reached, never passed
    assert world.most_in_flight["sinch"] == 4


def test_a_request_that_never_answers_leaves_every_other_answer() -> None:
    world = World(4, ai_every=1)
    world.blocked = {
        f"{EST_BASE}/activeNumbers/{number(2)}",
        f"{TRUNK_PATH}/credentialLists?page=1&size=500",
    }
    evidence, calls = run(gather(world))
    sinch = evidence.sinch
    assert sinch is not None and sinch.credential_lists is not None
    stuck = sinch.active_numbers[number(2)]
    assert isinstance(stuck, Unreached) and stuck.kind == "timeout"
    assert isinstance(sinch.credential_lists.failure, Unreached)
    assert sinch.credential_lists.failure.kind == "timeout"
    assert all(isinstance(sinch.active_numbers[n], Reply) for n in world.ai_on if n != number(2))
    assert isinstance(sinch.trunk, Reply) and sinch.endpoints is not None
    assert sinch.endpoints.complete
    assert sorted(calls[1:]) == sorted(n.phone_number for n in world.numbers)
    assert Counter(world.sent())[f"GET {EST_BASE}/activeNumbers/{number(2)}"] == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout])
def test_a_host_never_reached_is_not_asked_for_every_number(
    failure: type[httpx.TransportError],
) -> None:
    world = World(40, ai_every=1)
    world.unreachable = {NUMBERS}
    world.connect_failure = failure
    evidence, _ = run(gather(world))
    assert evidence.sinch is not None
    answers = evidence.sinch.active_numbers
    assert len(answers) == 40 and all(isinstance(a, Unreached) for a in answers.values())
    assert len(world.paths(NUMBERS)) <= 4  # the ones in flight when the first failed
    skipped = [a for a in answers.values() if a.kind == "not sent"]
    assert len(skipped) >= 36 and "could not reach" in skipped[0].detail
    assert Counter(world.sent(NUMBERS)).most_common(1)[0][1] == 1
    assert isinstance(evidence.sinch.trunk, Reply)  # EST, another host, is unaffected


# --- secrets ------------------------------------------------------------------------------------


def _haystack(request: httpx.Request) -> str:
    """Everything a request carries, Basic credentials decoded."""
    parts = [str(request.url), request.content.decode("latin-1")]
    for name, value in request.headers.items():
        parts.append(f"{name}: {value}")
        if value.startswith("Basic "):
            parts.append(base64.b64decode(value[6:]).decode("latin-1"))
    return "\n".join(parts)


def test_each_secret_goes_only_to_its_issuer() -> None:
    world = World(6, off_trunk=frozenset({number(2)}))
    run(gather(world))
    where: dict[str, set[str]] = {EL_KEY: set(), KEY_SECRET: set(), TOKEN: set()}
    for request in world.requests:
        text = _haystack(request)
        for secret in where:
            if secret in text:
                where[secret].add(request.url.host)
    assert where == {EL_KEY: {EL}, KEY_SECRET: {AUTH}, TOKEN: {EST, NUMBERS}}
    for request in world.requests:  # and every request of those hosts carries its own
        if request.url.host in (EST, NUMBERS):
            assert request.headers["authorization"] == f"Bearer {TOKEN}"
        if request.url.host == EL:
            assert request.headers["xi-api-key"] == EL_KEY


def test_an_issuer_echoing_a_secret_is_masked_and_the_token_is_never_kept() -> None:
    world = World(2, ai_every=1)
    echo = f"bad request for key {EL_KEY} and token {TOKEN}"
    world.overrides[(EST, TRUNK_PATH)] = lambda r: httpx.Response(400, json={"message": echo})
    world.overrides[(EL, "/v1/convai/phone-numbers")] = lambda r: httpx.Response(
        401, json={"detail": {"message": f"key {EL_KEY} refused"}}
    )
    evidence, _ = run(gather(world))
    assert evidence.sinch is not None and evidence.elevenlabs is not None
    everything = repr(evidence) + "".join(
        outcome.text
        for outcome in (
            evidence.sinch.token,
            evidence.sinch.trunk,
            evidence.elevenlabs.phone_numbers,
        )
        if isinstance(outcome, Reply)
    )
    payloads = (evidence.sinch.token, evidence.sinch.trunk)
    everything += "".join(str(o.payload) for o in payloads if isinstance(o, Reply))
    for secret in (EL_KEY, KEY_SECRET, TOKEN):
        assert secret not in everything
    assert evidence.sinch.token.payload["access_token"] != TOKEN  # type: ignore[union-attr]
    assert sent_secrets(world.inputs()) == [EL_KEY, KEY_SECRET]


# --- what stops what ----------------------------------------------------------------------------


def test_a_refused_sinch_token_stops_the_sinch_side() -> None:
    world = World(4)
    world.token_status = 401
    evidence, calls = run(gather(world))
    sinch = evidence.sinch
    assert sinch is not None and isinstance(sinch.token, Reply) and sinch.token.status == 401
    assert (sinch.trunk, sinch.endpoints, sinch.trunk_numbers) == (None, None, None)
    assert sinch.active_numbers == {} and sinch.est_numbers == {}
    assert world.paths(EST) == [] and world.paths(NUMBERS) == []
    assert evidence.elevenlabs is not None and isinstance(evidence.elevenlabs.phone_numbers, Reply)
    assert calls[0] == "org" and len(calls) == 5


def test_missing_keys_and_identifiers_say_why_a_side_was_not_asked() -> None:
    world = World(3)
    evidence, calls = run(gather(world, elevenlabs_key=None, sinch_key_secret=None))
    assert (evidence.elevenlabs, evidence.sinch) == (None, None)
    assert evidence.elevenlabs_missing == "no ElevenLabs key given"
    assert evidence.sinch_missing == "no Sinch key ID and secret given"
    assert world.requests == [] and calls == ["org", *(n.phone_number for n in world.numbers)]
    no_trunk = dataclasses.replace(world.tether, trunk_id="")
    evidence, _ = run(gather(world, tether=no_trunk, elevenlabs_key=SecretStr("")))
    assert evidence.sinch is None and evidence.sinch_missing == "no trunk ID stored in Tether"
    assert evidence.elevenlabs_missing == "no ElevenLabs key given"


def test_a_key_that_cannot_go_into_a_header_is_never_sent() -> None:
    world = World(2)
    evidence, _ = run(gather(world, elevenlabs_key=SecretStr("sk bad\nkey")))
    assert evidence.elevenlabs is not None
    refused = evidence.elevenlabs.phone_numbers
    assert isinstance(refused, Unreached) and refused.kind == "unsendable"
    assert "sk bad" not in refused.detail
    assert world.paths(EL) == []


def test_only_limits_the_per_number_requests_and_callbacks() -> None:
    world = World(10, ai_every=1, off_trunk=frozenset({number(3), number(4)}))
    evidence, calls = run(gather(world, only=frozenset({number(3), number(5)})))
    assert evidence.sinch is not None and evidence.elevenlabs is not None
    assert sorted(evidence.sinch.active_numbers) == [number(3), number(5)]
    assert list(evidence.sinch.est_numbers) == [number(3)]
    assert sorted(world.paths(NUMBERS)) == [
        f"{EST_BASE}/activeNumbers/{number(3)}",
        f"{EST_BASE}/activeNumbers/{number(5)}",
    ]
    assert calls[0] == "org" and sorted(calls[1:]) == [number(3), number(5)]
    # The organization's requests are made all the same.
    assert world.paths(EL, "/v1/convai/phone-numbers") == ["/v1/convai/phone-numbers"]
    assert sorted(evidence.elevenlabs.agents) == ["agent-1"]  # number(3) and number(5): odd


def test_callbacks_fire_once_for_the_organization_then_once_per_number() -> None:
    world = World(7, ai_every=3)
    seen: list[tuple[str, int]] = []

    def on_org(evidence: Evidence) -> None:
        assert evidence.sinch is not None and evidence.sinch.trunk is not None
        seen.append(("org", len(evidence.sinch.active_numbers)))

    def on_number(evidence: Evidence, phone: str) -> None:
        assert evidence.sinch is not None
        if phone in world.ai_on:  # its own answers are in by now
            assert phone in evidence.sinch.active_numbers
        seen.append((phone, 0))

    evidence = run(
        gather_evidence(
            world.inputs(),
            SETTINGS,
            on_org=on_org,
            on_number=on_number,
            transport=world.transport(),
        )
    )
    assert seen[0][0] == "org" and [s for s, _ in seen].count("org") == 1
    assert sorted(s for s, _ in seen[1:]) == sorted(n.phone_number for n in world.numbers)
    assert sorted(evidence.sinch.active_numbers) == sorted(world.ai_on)  # type: ignore[union-attr]


def test_a_failing_callback_does_not_stop_the_run() -> None:
    world = World(3, ai_every=1)

    def broken(*args: object) -> None:
        raise RuntimeError("the app's bug")

    evidence = run(
        gather_evidence(
            world.inputs(), SETTINGS, on_org=broken, on_number=broken, transport=world.transport()
        )
    )
    assert evidence.sinch is not None and len(evidence.sinch.active_numbers) == 3


def test_a_bug_reading_an_answer_becomes_an_answer_naming_only_its_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.api import wiring_reads

    def boom(agent: object) -> list[str]:
        raise ValueError(f"quoting {EL_KEY}")

    monkeypatch.setattr(wiring_reads, "tool_ids", boom)
    world = World(4)
    evidence, calls = run(gather(world))
    el = evidence.elevenlabs
    assert el is not None and el.secrets is not None
    failure = el.secrets.failure
    assert isinstance(failure, Unreached) and failure.detail == "the check failed (ValueError)"
    assert sorted(el.agents) == ["agent-0", "agent-1"]
    assert EL_KEY not in repr(evidence)
    assert evidence.sinch is not None and isinstance(evidence.sinch.trunk, Reply)
    assert calls[0] == "org" and len(calls) == 5


# --- cancellation ---------------------------------------------------------------------------------


def test_cancelling_cancels_every_request_and_closes_every_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[httpx.AsyncClient] = []
    real_open = issuers.open_client

    def recording(*args: Any, **kwargs: Any) -> httpx.AsyncClient:
        client = real_open(*args, **kwargs)
        opened.append(client)
        return client

    monkeypatch.setattr(issuers, "open_client", recording)
    world = World(8, ai_every=1)
    world.blocked = {f"{EST_BASE}/activeNumbers/{number(i)}" for i in range(8)} | {
        "/v1/convai/phone-numbers"
    }
    slow = dataclasses.replace(SETTINGS, deadline=60.0)

    async def scenario() -> None:
        task = asyncio.ensure_future(gather(world, slow))
        for _ in range(500):
            if world.waiting >= 4:
                break
            await asyncio.sleep(0.01)
        assert world.waiting >= 4
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(scenario())
    assert world.cancelled == world.waiting
    assert len(opened) >= 4 and all(client.is_closed for client in opened)


# --- against the demo stack's stand-ins -------------------------------------------------------


def _stack_inputs(stack: DemoStack, **changes: Any) -> WiringInputs:
    """Tether's side as the app loads it from the demo Tether, and the good demo keys."""
    config = VoiceAiConfig.model_validate(stack.tether.state.public_config())
    values: dict[str, Any] = {
        "tether": tether_side(config, stack.tether.url),
        "elevenlabs_key": SecretStr(demo_el.GOOD_KEY),
        "sinch_key_id": demo_sinch.GOOD_KEY_ID,
        "sinch_key_secret": SecretStr(demo_sinch.GOOD_KEY_SECRET),
    }
    values.update(changes)
    return WiringInputs(**values)


def _decoded(request: RecordedRequest) -> str:
    """What a server received, Basic credentials decoded."""
    parts = [request.path, request.query, request.body.decode("latin-1")]
    for name, value in request.headers:
        parts.append(f"{name}: {value}")
        if value.startswith("Basic "):
            parts.append(base64.b64decode(value[6:]).decode("latin-1"))
    return "\n".join(parts)


def test_the_stand_ins_answer_every_number_once_and_each_secret_reaches_only_its_issuer(
    demo_stack: DemoStack,
) -> None:
    tether_before = len(demo_stack.tether.requests)
    inputs = _stack_inputs(demo_stack)
    calls: list[str] = []
    evidence = run(
        gather_evidence(
            inputs,
            demo_stack.check_settings(),
            on_org=lambda ev: calls.append("org"),
            on_number=lambda ev, n: calls.append(n),
        )
    )
    el, sinch = evidence.elevenlabs, evidence.sinch
    assert el is not None and sinch is not None
    assert isinstance(el.phone_numbers, Reply) and el.phone_numbers.status == 200
    assert el.agents and all(isinstance(a, Reply) for a in el.agents.values())
    assert el.tools and el.secrets is not None and el.secrets.complete
    assert isinstance(sinch.trunk, Reply) and sinch.trunk.status == 200
    for listing in (sinch.endpoints, sinch.credential_lists, sinch.acl_ids, sinch.trunk_numbers):
        assert listing is not None and listing.complete
    numbers = inputs.tether.numbers
    ai_on = {n.phone_number for n in numbers if n.ai_enabled}
    assert set(sinch.active_numbers) == ai_on
    assert all(isinstance(a, Reply) for a in sinch.active_numbers.values())
    listed = {item["phoneNumber"] for item in sinch.trunk_numbers.items}  # type: ignore[union-attr]
    assert set(sinch.est_numbers) == ai_on - listed
    assert calls[0] == "org" and sorted(calls[1:]) == sorted({n.phone_number for n in numbers})

    servers = {name: s for name, s in demo_stack.servers.items() if name != "tether"}
    token = next(
        value.partition(" ")[2]
        for request in demo_stack.sinch_est.requests
        for name, value in request.headers
        if name.lower() == "authorization"
    )
    owners = {
        demo_el.GOOD_KEY: {"elevenlabs"},
        demo_sinch.GOOD_KEY_SECRET: {"sinch-auth"},
        token: {"sinch-est", "sinch-numbers"},
    }
    for secret, allowed in owners.items():
        reached = {
            name
            for name, server in servers.items()
            if any(secret in _decoded(request) for request in server.requests)
        }
        assert reached == allowed, secret[:6]
    for name, server in servers.items():
        asked = Counter((r.method, r.path, r.query) for r in server.requests)
        assert [key for key, times in asked.items() if times > 1] == [], name
        methods = {method for method, _, _ in asked}
        assert methods == ({"POST"} if name == "sinch-auth" else {"GET"}), name
    assert len(demo_stack.tether.requests) == tether_before  # the runner never asks Tether


def test_the_stand_ins_with_one_number_asked_for(demo_stack: DemoStack) -> None:
    inputs = _stack_inputs(demo_stack)
    chosen = next(n.phone_number for n in inputs.tether.numbers if n.ai_enabled)
    only = dataclasses.replace(inputs, only=frozenset({chosen}))
    evidence = run(gather_evidence(only, demo_stack.check_settings()))
    assert evidence.sinch is not None and list(evidence.sinch.active_numbers) == [chosen]
    asked = [r.path for r in demo_stack.sinch_numbers.requests]
    assert [unquote(p).rsplit("/", 1)[1] for p in asked] == [chosen]
