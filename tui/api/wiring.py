"""Gather what the wiring checks read: every answer, read-only, each request sent once.

The one place ``doctor`` and the health view ask ElevenLabs and Sinch about the
organization's wiring. The requests, their fields and sources are in the team's notes on
wiring checks; the rules (:mod:`tui.wiring`) turn what is gathered here
(:class:`~tui.wiring.evidence.Evidence`) into verdicts. Here: which requests, in what
order, how many at once, and what reaches whom.

- **Read-only.** Only GETs, plus Sinch's token POST. No write endpoint, never
  ElevenLabs' outbound-call API (it dials).
- **Each request once.** No retries, and each URL at most once per run: a paging
  cursor already seen ends the paging. (The one exception is below the runner: a GET
  that meets a kept connection the server closed while idle is sent once more on a
  new one, :mod:`tui.api.exchange`; the server never saw the first.)
- **Bounded.** At most :data:`SLOTS` requests in flight per issuer (ElevenLabs; Sinch's
  EST and Numbers APIs together), the organization's requests ahead of the numbers'
  (:mod:`tui.api.wiring_gate`); each request within the credential checks' deadline and
  connect timeout. A host that could not be reached at all for a request, and has not
  answered any, is not asked again in this run: each further answer from it says so.
- **One client per host and credential** for the whole run, closed at its end: a new
  TLS handshake per request would cost more than the request over a WAN. The ElevenLabs
  key goes only to the ElevenLabs URL, the Sinch key secret only to the auth URL (as
  :func:`tui.api.sinch.request_token` sends it), the bearer token only to EST and the
  Numbers API. Identifiers go into paths escaped whole (a ``../`` stays one segment).
- **Nothing raises** for what the network or an issuer does; a bug in reading an
  answer becomes an :class:`~tui.checks.replies.Unreached` naming only the exception's
  class (its message could quote a header, and a header here holds a secret).
- **Secrets stay out of the evidence.** An issuer's message may echo what it was sent,
  and the rules quote messages: every answer that contains a sent secret (the keys, and
  the bearer token, which only the runner knows) has it masked before it is kept, and
  the stored token answer has its ``access_token`` masked. The front ends mask
  :func:`sent_secrets` once more in every line they show, as the credential checks do
  (:func:`tui.checks.verdict.scrubbed`), for an echo the text search cannot see (JSON
  escapes).
- **Cancelling** the caller cancels every request and closes every client.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx
from pydantic import SecretStr

from tui.api import wiring_reads as read
from tui.api.answer_body import MIB
from tui.api.checks import check_webhook
from tui.api.elevenlabs import SETTING as ELEVENLABS_SETTING
from tui.api.issuers import MAX_ANSWER_BYTES, UNSENDABLE, IssuerClient, header_problem
from tui.api.sinch import EST_SETTING, request_token
from tui.api.wiring_gate import NUMBER, ORGANIZATION, Gate
from tui.api.wiring_pages import Ask, cursor_pages, numbered_pages
from tui.checks.replies import Outcome, Reply, Unreached
from tui.checks.settings import CheckSettings
from tui.checks.sinch import access_token
from tui.checks.verdict import CheckId, CheckResult, not_checked
from tui.form.masking import MASK, masked_in
from tui.wiring.evidence import (
    ElevenLabsSide,
    Evidence,
    Listing,
    SinchSide,
    TetherNumber,
    TetherSide,
)

log = logging.getLogger(__name__)

__all__ = ["WiringInputs", "gather_evidence", "sent_secrets"]

NUMBERS_SETTING = "The Sinch Numbers API URL (--sinch-numbers-url)"

SLOTS = 4
"""Requests in flight per issuer at most (the issue's bound; ElevenLabs' smallest plan
allows 2 concurrent requests, its usual ones 5 to 15 [documented])."""

LIST_ANSWER_BYTES = 32 * MIB
"""The answer cap of the clients that read whole lists (ElevenLabs' numbers come in one
bare array [documented]; a 1,000-number answer is a few MB), instead of the credential
checks' 2 MiB. Per client, so it covers that client's single-item answers too."""

CALLS_WINDOW_SECONDS = 7 * 24 * 3600
"""How far back failed calls are looked for: a week, as the issue asks."""
CALLS_PAGE_SIZE = 100
"""ElevenLabs' largest conversations page [documented: ``page_size`` ≤ 100]."""
CALLS_MAX_PAGES = 3
"""Pages of failed calls read per agent: evidence, never proof, so a count of "300 or
more" says enough."""
NOT_FAILED = ("initiated", "in-progress", "processing", "done")
"""Statuses excluded from the failed-calls listing: what remains is ``failed``
[documented status values]; excluding keeps the one status we want whatever else
ElevenLabs adds."""
SECRETS_MAX_PAGES = 20

OnOrg = Callable[[Evidence], None]
OnNumber = Callable[[Evidence, str], None]


@dataclass(frozen=True)
class WiringInputs:
    """What to check, and with which keys (each ``None`` when not given)."""

    tether: TetherSide
    elevenlabs_key: SecretStr | None = None
    sinch_key_id: str | None = None
    sinch_key_secret: SecretStr | None = None
    only: frozenset[str] | None = None
    """``--number``: the per-number requests are made only for these phone numbers
    (exactly as Tether lists them); the organization's requests are made all the same."""


def sent_secrets(inputs: WiringInputs) -> list[str]:
    """The secrets a run sends, for the front ends to mask in every line they show
    (:func:`tui.checks.verdict.scrubbed`). The bearer token is not among them: the
    runner masks it in the answers itself, and it is never shown."""
    found = [inputs.elevenlabs_key, inputs.sinch_key_secret]
    return [secret.get_secret_value() for secret in found if secret and secret.get_secret_value()]


async def gather_evidence(
    inputs: WiringInputs,
    settings: CheckSettings,
    *,
    on_org: OnOrg | None = None,
    on_number: OnNumber | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Evidence:
    """Ask everything the wiring checks need and return it.

    ``on_org`` is called once, when every organization-level answer is in, with the
    evidence the run will return; its per-number mappings then grow. ``on_number`` is
    called after it, once per phone number in scope (as Tether lists it), as soon as
    that number's own answers are in. Both run on this event loop; an exception in one
    is logged (its class only) and the run goes on. ``transport``: tests give one for
    every host.
    """
    return await _Run(inputs, settings, transport).run(on_org, on_number)


def _bug(exc: BaseException) -> Unreached:
    """A bug in reading an answer, as an answer: the exception's class, never its text."""
    log.debug("wiring check failed: %s", type(exc).__name__)
    return Unreached("bad response", f"the check failed ({type(exc).__name__})")


def _call(callback: Callable[..., None] | None, *args: Any) -> None:
    if callback is None:
        return
    try:
        callback(*args)
    except Exception as exc:  # the caller's bug must not stop the run; never its message
        log.debug("wiring callback failed: %s", type(exc).__name__)


class _Host:
    """One issuer host with one credential: its client, its gate, and whether it was
    ever reached (a host that never was is not asked again after it could not be)."""

    def __init__(self, client: IssuerClient, gate: Gate, scrub: Callable[[Outcome], Outcome]):
        self.client = client
        self.gate = gate
        self.scrub = scrub
        self.answered = False
        self.unreachable: Unreached | None = None

    async def get(self, path: str, priority: int = ORGANIZATION) -> Outcome:
        async with self.gate.slot(priority):
            if self.unreachable is not None:
                return self.unreachable
            try:
                outcome = await self.client.ask("GET", path)
            except Exception as exc:  # ask() maps the network and the issuer: this is a bug
                return _bug(exc)
        if isinstance(outcome, Reply):
            self.answered = True
        elif not self.answered and _never_connected(outcome):
            self.unreachable = Unreached(
                "not sent", f"not asked: an earlier request could not reach it ({outcome.detail})"
            )
        return self.scrub(outcome)

    def ask(self, priority: int = ORGANIZATION) -> Ask:
        """``get`` at one priority, as the pagers take it."""

        async def asked(path: str) -> Outcome:
            return await self.get(path, priority)

        return asked


def _never_connected(outcome: Unreached) -> bool:
    """Whether no connection could be made at all: refused, no route, no such host, or
    no connection within the connect timeout (:mod:`tui.api.exchange`'s words)."""
    return (outcome.kind == "network" and outcome.detail.startswith("Could not reach ")) or (
        outcome.kind == "timeout" and outcome.detail.endswith("(ConnectTimeout)")
    )


@dataclass
class _ElevenLabsParts:
    """ElevenLabs' answers as they arrive; the per-key dicts are the evidence's own."""

    phone_numbers: Outcome | None = None
    agent_ids: list[str] = field(default_factory=list)
    """The agents found in use, once the numbers are read: what a bug left unasked."""
    agents: dict[str, Outcome] = field(default_factory=dict)
    tools: dict[str, Outcome] = field(default_factory=dict)
    secrets: Listing | None = None
    failed_calls: dict[str, Listing] = field(default_factory=dict)
    webhook: CheckResult | None = None

    def side(self, bug: Unreached | None = None) -> ElevenLabsSide:
        """The side as gathered; after a bug, each answer it left unread says so."""
        if bug is not None:
            for agent_id in self.agent_ids:
                self.agents.setdefault(agent_id, bug)
                self.failed_calls.setdefault(agent_id, Listing(failure=bug))
            if self.secrets is None:
                self.secrets = Listing(failure=bug)
            if self.webhook is None:
                self.webhook = not_checked(CheckId.ELEVENLABS_WEBHOOK, bug.detail, "internal_error")
        return ElevenLabsSide(
            phone_numbers=self.phone_numbers or bug or Unreached("not sent", "not asked"),
            agents=self.agents,
            tools=self.tools,
            secrets=self.secrets,
            failed_calls=self.failed_calls,
            webhook=self.webhook,
        )


@dataclass
class _SinchParts:
    """Sinch's answers as they arrive; the per-key dicts are the evidence's own."""

    token: Outcome | None = None
    trunk: Outcome | None = None
    endpoints: Listing | None = None
    credential_lists: Listing | None = None
    acl_ids: Listing | None = None
    acls: dict[str, Outcome] = field(default_factory=dict)
    trunk_numbers: Listing | None = None
    est_numbers: dict[str, Outcome] = field(default_factory=dict)
    active_numbers: dict[str, Outcome] = field(default_factory=dict)

    def side(self, bug: Unreached | None = None) -> SinchSide:
        """The side as gathered; after a bug, each organization answer never read says so."""
        if bug is None or self.token is None:
            return SinchSide(
                token=self.token or bug or Unreached("not sent", "not asked"),
                **self._rest(),
            )
        failed = Listing(failure=bug)
        return SinchSide(
            token=self.token,
            trunk=self.trunk or bug,
            endpoints=self.endpoints or failed,
            credential_lists=self.credential_lists or failed,
            acl_ids=self.acl_ids or failed,
            acls=self.acls,
            trunk_numbers=self.trunk_numbers or failed,
            est_numbers=self.est_numbers,
            active_numbers=self.active_numbers,
        )

    def _rest(self) -> dict[str, Any]:
        names = [f.name for f in dataclasses.fields(self) if f.name != "token"]
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class _SinchHosts:
    est: _Host
    numbers: _Host
    base: str
    """``/v1/projects/{projectId}``, escaped."""


class _Run:
    """One gathering: its clients, gates, answers so far, and the order of callbacks."""

    def __init__(
        self,
        inputs: WiringInputs,
        settings: CheckSettings,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        self.inputs = inputs
        self.settings = settings
        self.transport = transport
        self.tether = inputs.tether
        self.scope = _in_scope(inputs.tether.numbers, inputs.only)
        self.secrets = sent_secrets(inputs)
        self.elevenlabs_gate = Gate(SLOTS)
        self.sinch_gate = Gate(SLOTS)
        self.el = _ElevenLabsParts()
        self.sinch = _SinchParts()
        self.el_missing = "" if _given(inputs.elevenlabs_key) else "no ElevenLabs key given"
        self.sinch_missing = _sinch_missing(inputs)
        self.since = int(time.time()) - CALLS_WINDOW_SECONDS
        self.stack = contextlib.AsyncExitStack()
        self.sinch_hosts: asyncio.Future[_SinchHosts | None] | None = None
        self.trunk_listing: asyncio.Future[tuple[Listing, set[str]] | None] | None = None
        """The trunk's number list and the numbers in it, once read (None: not read)."""
        self.org_ready = asyncio.Event()
        self.evidence: Evidence | None = None

    async def run(self, on_org: OnOrg | None, on_number: OnNumber | None) -> Evidence:
        loop = asyncio.get_running_loop()
        self.sinch_hosts = loop.create_future()
        self.trunk_listing = loop.create_future()
        async with self.stack, asyncio.TaskGroup() as tasks:
            for number, ai_on in self.scope.items():
                tasks.create_task(self._number(number, ai_on, on_number))
            el_side = tasks.create_task(self._elevenlabs())
            sinch_side = tasks.create_task(self._sinch())
            evidence = Evidence(
                tether=self.tether,
                elevenlabs=await el_side,
                sinch=await sinch_side,
                elevenlabs_missing=self.el_missing,
                sinch_missing=self.sinch_missing,
            )
            self.evidence = evidence
            _call(on_org, evidence)
            self.org_ready.set()
        return evidence

    # --- secrets ------------------------------------------------------------------------

    def scrub(self, outcome: Outcome) -> Outcome:
        """The answer with every sent secret masked, when it quotes one (rarely: a copy)."""
        if isinstance(outcome, Unreached):
            detail = masked_in(outcome.detail, self.secrets)
            return outcome if detail == outcome.detail else Unreached(outcome.kind, detail)
        text = masked_in(outcome.text, self.secrets)
        location = masked_in(outcome.location, self.secrets) if outcome.location else None
        if text == outcome.text and location == outcome.location:
            return outcome
        return Reply.of(outcome.status, text, location)

    def _host(self, url: str, setting: str, headers: dict[str, str], gate: Gate, cap: int) -> _Host:
        """A client for the whole run, closed at its end, behind the issuer's gate."""
        client = IssuerClient(
            url,
            setting,
            headers=headers,
            connect_timeout=self.settings.connect_timeout,
            read_timeout=self.settings.deadline,
            transport=self.transport,
            max_answer_bytes=cap,
        )
        self.stack.push_async_callback(client.aclose)
        return _Host(client, gate, self.scrub)

    # --- ElevenLabs ---------------------------------------------------------------------

    async def _elevenlabs(self) -> ElevenLabsSide | None:
        key = self.inputs.elevenlabs_key
        if key is None or self.el_missing:
            return None
        bug: Unreached | None = None
        try:
            await self._elevenlabs_asked(key)
        except* Exception as group:
            bug = _bug(group.exceptions[0])
        return self.el.side(bug)

    async def _elevenlabs_asked(self, key: SecretStr) -> None:
        """The numbers first (with the webhook beside them), then what they lead to: the
        agents assigned to Tether's numbers and their recent failed calls, then the
        agents' tools and the secrets their headers may name."""
        problem = header_problem(key, "ElevenLabs key")
        host = self._host(
            self.settings.elevenlabs_url,
            ELEVENLABS_SETTING,
            {} if problem else {"xi-api-key": key.get_secret_value()},
            self.elevenlabs_gate,
            LIST_ANSWER_BYTES,
        )
        if problem and host.client.refused is None:
            host.client.refused = Unreached(UNSENDABLE, problem)  # as ElevenLabsClient does
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._webhook(key))
            self.el.phone_numbers = await host.get("/v1/convai/phone-numbers")
            listed = read.answered_list(self.el.phone_numbers)
            agent_ids = self.el.agent_ids = read.agents_in_use(listed, self.scope)
            for agent_id in agent_ids:
                tasks.create_task(self._failed_calls(host, agent_id))
            await asyncio.gather(*(self._agent(host, agent_id) for agent_id in agent_ids))
            answers = [self.el.agents.get(agent_id) for agent_id in agent_ids]
            tools = list(dict.fromkeys(t for answer in answers for t in read.tool_ids(answer)))
            if tools or any(read.has_inline_tools(answer) for answer in answers):
                tasks.create_task(self._secrets(host))
            await asyncio.gather(*(self._tool(host, tool) for tool in tools))

    async def _webhook(self, key: SecretStr) -> None:
        """The credential checks' post-call webhook check, one look, in one of the slots."""
        try:
            async with self.elevenlabs_gate.slot():
                self.el.webhook = await check_webhook(
                    key,
                    dataclasses.replace(self.settings, webhook_polls=(0.0,)),
                    transport=self.transport,
                )
        except Exception as exc:  # a bug: the line says the check failed, never why in words
            log.debug("webhook check failed: %s", type(exc).__name__)
            self.el.webhook = not_checked(
                CheckId.ELEVENLABS_WEBHOOK,
                f"the check failed ({type(exc).__name__})",
                "internal_error",
            )

    async def _agent(self, host: _Host, agent_id: str) -> None:
        self.el.agents[agent_id] = await host.get(f"/v1/convai/agents/{quote(agent_id, safe='')}")

    async def _tool(self, host: _Host, tool_id: str) -> None:
        self.el.tools[tool_id] = await host.get(f"/v1/convai/tools/{quote(tool_id, safe='')}")

    async def _secrets(self, host: _Host) -> None:
        try:
            self.el.secrets = await cursor_pages(
                host.ask(), "/v1/convai/secrets", "secrets", max_pages=SECRETS_MAX_PAGES
            )
        except Exception as exc:
            self.el.secrets = Listing(failure=_bug(exc))

    async def _failed_calls(self, host: _Host, agent_id: str) -> None:
        query = urlencode(
            [
                ("agent_id", agent_id),
                ("conversation_initiation_source", read.SIP_TRUNK),
                ("call_start_after_unix", str(self.since)),
                *(("exclude_statuses", status) for status in NOT_FAILED),
                ("page_size", str(CALLS_PAGE_SIZE)),
            ]
        )
        try:
            listing = await cursor_pages(
                host.ask(),
                f"/v1/convai/conversations?{query}",
                "conversations",
                max_pages=CALLS_MAX_PAGES,
            )
        except Exception as exc:
            listing = Listing(failure=_bug(exc))
        self.el.failed_calls[agent_id] = listing

    # --- Sinch --------------------------------------------------------------------------

    async def _sinch(self) -> SinchSide | None:
        assert self.sinch_hosts is not None and self.trunk_listing is not None
        if self.sinch_missing:
            self.sinch_hosts.set_result(None)
            self.trunk_listing.set_result(None)
            return None
        bug: Unreached | None = None
        try:
            await self._sinch_asked()
        except* Exception as group:
            bug = _bug(group.exceptions[0])
        finally:  # the numbers wait on these: they must be settled whatever happened
            for pending in (self.sinch_hosts, self.trunk_listing):
                if not pending.done():
                    pending.set_result(None)
        return self.sinch.side(bug)

    async def _sinch_asked(self) -> None:
        """The token; with it, the trunk and its lists, and the hosts the numbers wait for."""
        assert self.sinch_hosts is not None
        key_id, secret = self.inputs.sinch_key_id or "", self.inputs.sinch_key_secret
        assert secret is not None
        async with self.sinch_gate.slot():
            answer = await request_token(
                self.settings.sinch_auth_url,
                key_id,
                secret,
                connect_timeout=self.settings.connect_timeout,
                read_timeout=self.settings.deadline,
                transport=self.transport,
            )
        token = access_token(answer)
        if token is not None:
            self.secrets.append(token)
        self.sinch.token = _token_masked(self.scrub(answer))
        if token is None:
            return
        bearer = {"Authorization": f"Bearer {token}"}
        gate = self.sinch_gate
        est = self._host(self.settings.sinch_est_url, EST_SETTING, bearer, gate, LIST_ANSWER_BYTES)
        numbers = self._host(
            self.settings.sinch_numbers_url, NUMBERS_SETTING, bearer, gate, MAX_ANSWER_BYTES
        )
        base = f"/v1/projects/{quote(self.tether.project_id, safe='')}"
        trunk = f"{base}/trunks/{quote(self.tether.trunk_id, safe='')}"
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._trunk_numbers(est, trunk, base))
            tasks.create_task(self._acls(est, trunk, base))
            endpoints = tasks.create_task(
                numbered_pages(est.ask(), f"{trunk}/endpoints", "endpoints")
            )
            credentials = tasks.create_task(
                numbered_pages(est.ask(), f"{trunk}/credentialLists", "credentialLists")
            )
            # Only now the numbers may queue: the trunk's requests above take the slots
            # first (they start in this order), and the numbers' wait behind them.
            self.sinch_hosts.set_result(_SinchHosts(est, numbers, base))
            self.sinch.trunk = await est.get(trunk)
            self.sinch.endpoints = await endpoints
            self.sinch.credential_lists = await credentials

    async def _trunk_numbers(self, est: _Host, trunk: str, base: str) -> None:
        """The trunk's numbers (every page); the per-number lookups wait for them."""
        assert self.trunk_listing is not None
        trunk_id = quote(self.tether.trunk_id, safe="")
        try:
            listing = await numbered_pages(
                est.ask(), f"{base}/phoneNumbers?sipTrunkId={trunk_id}", "phoneNumbers"
            )
        except Exception as exc:
            listing = Listing(failure=_bug(exc))
        self.sinch.trunk_numbers = listing
        self.trunk_listing.set_result((listing, read.listed_numbers(listing, self.tether.trunk_id)))

    async def _acls(self, est: _Host, trunk: str, base: str) -> None:
        ids = await numbered_pages(est.ask(), f"{trunk}/accessControlLists", "accessControlListIds")
        self.sinch.acl_ids = ids

        async def one(acl_id: str) -> None:
            path = f"{base}/accessControlLists/{quote(acl_id, safe='')}"
            self.sinch.acls[acl_id] = await est.get(path)

        await asyncio.gather(*(one(acl_id) for acl_id in read.listed_strings(ids)))

    # --- per number ---------------------------------------------------------------------

    async def _number(self, number: str, ai_on: bool, on_number: OnNumber | None) -> None:
        """This number's own requests (AI-on numbers only), then its callback, always
        after the organization's."""
        assert self.sinch_hosts is not None
        if ai_on and not self.sinch_missing:
            hosts = await self.sinch_hosts
            if hosts is not None:
                async with asyncio.TaskGroup() as tasks:
                    tasks.create_task(self._active_number(hosts, number))
                    tasks.create_task(self._est_number(hosts, number))
        await self.org_ready.wait()
        _call(on_number, self.evidence, number)

    async def _active_number(self, hosts: _SinchHosts, number: str) -> None:
        path = f"{hosts.base}/activeNumbers/{quote(number, safe='+')}"
        try:
            self.sinch.active_numbers[number] = await hosts.numbers.get(path, NUMBER)
        except Exception as exc:
            self.sinch.active_numbers[number] = _bug(exc)

    async def _est_number(self, hosts: _SinchHosts, number: str) -> None:
        """EST's own answer for a number the trunk's whole list does not hold (every
        number when the list is partial, unless its first page was refused)."""
        assert self.trunk_listing is not None
        read_list = await self.trunk_listing
        if read_list is None or number in read_list[1] or read.refused_outright(read_list[0]):
            return
        path = f"{hosts.base}/phoneNumbers/{quote(number, safe='+')}"
        try:
            self.sinch.est_numbers[number] = await hosts.est.get(path, NUMBER)
        except Exception as exc:
            self.sinch.est_numbers[number] = _bug(exc)


def _given(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value())


def _sinch_missing(inputs: WiringInputs) -> str:
    """Why Sinch is not asked, or "" when it is."""
    if not inputs.sinch_key_id or not _given(inputs.sinch_key_secret):
        return "no Sinch key ID and secret given"
    if not inputs.tether.project_id:
        return "no project ID stored in Tether"
    if not inputs.tether.trunk_id:
        return "no trunk ID stored in Tether"
    return ""


def _in_scope(numbers: Iterable[TetherNumber], only: frozenset[str] | None) -> dict[str, bool]:
    """Phone number → AI on, for the numbers checked one by one: each once (a number
    listed twice is AI-on when either entry is), ``only`` applied."""
    scope: dict[str, bool] = {}
    for number in numbers:
        if only is not None and number.phone_number not in only:
            continue
        scope[number.phone_number] = scope.get(number.phone_number, False) or number.ai_enabled
    return scope


def _token_masked(answer: Outcome) -> Outcome:
    """The token answer without the token (its text is scrubbed already): the rules need
    only to know that one came."""
    if not isinstance(answer, Reply) or not isinstance(answer.payload, dict):
        return answer
    if not answer.payload.get("access_token"):
        return answer
    payload = {**answer.payload, "access_token": MASK}
    return Reply(answer.status, payload, answer.text, answer.location)
