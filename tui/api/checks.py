"""Run the credential checks: every issuer at once, each line reported as it is known.

The one place the app's review, ``set`` and ``check`` run checks from. The plan
(:mod:`tui.checks.plan`) says what to ask; the issuer clients ask; the rules
(:mod:`tui.checks`) read the answers. Here: order, parallelism and deadlines.

- ElevenLabs and Sinch are asked at the same time; within each, the order is fixed
  (the key first, then what needs the key: write probes, the trunk).
- Each issuer's whole check has a deadline (:data:`~tui.checks.settings.DEADLINE`);
  a line still open when it passes says "not checked: no answer in time".
- Nothing here raises for what an issuer or the network does, and a bug in a rule
  becomes a "not checked" line naming only the exception's class (an httpx message can
  quote a header, and a header here holds a secret).
- Cancelling the caller (the review closes, the app quits) cancels every request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx
from pydantic import SecretStr

from tui.api.elevenlabs import ElevenLabsClient
from tui.api.sinch import get_trunk, request_token
from tui.checks import elevenlabs, sinch
from tui.checks.plan import CheckPlan, SinchInputs
from tui.checks.settings import CheckSettings
from tui.checks.verdict import CheckId, CheckResult, Verdict, not_checked, scrubbed
from tui.checks.webhook import WebhookReading, attached_id, read_webhook

log = logging.getLogger(__name__)

Report = Callable[[CheckResult], None]
Emit = Callable[[CheckResult], None]


async def run_checks(
    plan: CheckPlan,
    settings: CheckSettings,
    report: Report,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[CheckResult]:
    """Report the plan's decided lines, then ask the issuers; returns every line in order."""
    results: dict[CheckId, CheckResult] = {}
    sent = _secrets(plan)

    def emit(result: CheckResult) -> None:
        result = scrubbed(result, sent)
        results[result.check] = result
        report(result)

    for result in plan.decided:
        emit(result)
    jobs: list[Awaitable[None]] = []
    key = plan.elevenlabs_key
    if key is not None:
        ids = {CheckId.ELEVENLABS_KEY}
        if plan.probe_writes:
            ids |= {CheckId.ELEVENLABS_CONVAI_WRITE, CheckId.ELEVENLABS_WEBHOOKS_WRITE}
        jobs.append(
            _guarded(
                ids, settings, emit, lambda out: _elevenlabs(key, plan, settings, out, transport)
            )
        )
    inputs = plan.sinch
    if inputs is not None:
        ids = {CheckId.SINCH_KEY} | ({CheckId.SINCH_TRUNK} if inputs.trunk_known else set())
        jobs.append(
            _guarded(ids, settings, emit, lambda out: _sinch(inputs, settings, out, transport))
        )
    await asyncio.gather(*jobs)
    return [results[check] for check in plan.lines if check in results]


def _secrets(plan: CheckPlan) -> list[str]:
    """Every secret a check sends: none may come back onto a line."""
    found = [plan.elevenlabs_key.get_secret_value()] if plan.elevenlabs_key else []
    if plan.sinch is not None:
        found.append(plan.sinch.key_secret.get_secret_value())
    return found


async def _guarded(
    ids: set[CheckId],
    settings: CheckSettings,
    emit: Emit,
    job: Callable[[Emit], Awaitable[None]],
) -> None:
    """Run one issuer's job under the deadline; every line it leaves open gets a verdict."""
    done: set[CheckId] = set()

    def emit_once(result: CheckResult) -> None:
        done.add(result.check)
        emit(result)

    try:
        async with asyncio.timeout(settings.deadline):
            await job(emit_once)
    except TimeoutError:
        for check in sorted(ids - done, key=list(CheckId).index):
            emit(
                not_checked(
                    check,
                    f"no answer from {check.issuer} within {settings.deadline:g} s",
                    "timeout",
                    next_step="review again later, or check from a host that can reach it",
                )
            )
    except Exception as exc:  # a bug must not take the review down; never its message
        log.debug("credential check failed: %s", type(exc).__name__)
        for check in sorted(ids - done, key=list(CheckId).index):
            emit(not_checked(check, f"the check failed ({type(exc).__name__})", "internal_error"))


def _elevenlabs_client(
    key: SecretStr, settings: CheckSettings, transport: httpx.AsyncBaseTransport | None
) -> ElevenLabsClient:
    """A client for one ElevenLabs check, with the checks' URL and deadlines."""
    return ElevenLabsClient(
        settings.elevenlabs_url,
        key,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.deadline,
        transport=transport,
    )


async def _elevenlabs(
    key: SecretStr,
    plan: CheckPlan,
    settings: CheckSettings,
    emit: Emit,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    region = elevenlabs.key_region(key.get_secret_value())
    base = elevenlabs.base_region(settings.elevenlabs_url)
    async with _elevenlabs_client(key, settings, transport) as client:
        key_result = elevenlabs.classify_key(await client.agents_page(), region=region, base=base)
        emit(key_result)
        if not plan.probe_writes:
            return
        probes = (
            (CheckId.ELEVENLABS_CONVAI_WRITE, client.probe_convai_write),
            (CheckId.ELEVENLABS_WEBHOOKS_WRITE, client.probe_webhooks_write),
        )
        if key_result.verdict is not Verdict.OK:
            for check, _probe in probes:
                emit(elevenlabs.key_not_proven(check))
            return

        async def probe(check: CheckId, call: Callable[[], Awaitable[object]]) -> None:
            outcome = await call()
            emit(
                elevenlabs.classify_write_probe(check, outcome, region=region, base=base)  # type: ignore[arg-type]
            )

        await asyncio.gather(*(probe(check, call) for check, call in probes))


async def _sinch(
    inputs: SinchInputs,
    settings: CheckSettings,
    emit: Emit,
    transport: httpx.AsyncBaseTransport | None,
) -> None:
    timeouts = {"connect_timeout": settings.connect_timeout, "read_timeout": settings.deadline}
    token_outcome = await request_token(
        settings.sinch_auth_url, inputs.key_id, inputs.key_secret, transport=transport, **timeouts
    )
    key_result = sinch.classify_token(token_outcome)
    emit(key_result)
    if not inputs.trunk_known:
        return
    token = sinch.access_token(token_outcome)
    if token is None:
        emit(sinch.token_not_obtained())
        return
    trunk_outcome = await get_trunk(
        settings.sinch_est_url,
        SecretStr(token),
        inputs.project_id,
        inputs.trunk_id,
        transport=transport,
        **timeouts,
    )
    emit(
        sinch.classify_trunk(
            trunk_outcome,
            project_id=inputs.project_id,
            trunk_id=inputs.trunk_id,
            form_domain=inputs.domain,
        )
    )


async def check_webhook(
    key: SecretStr,
    settings: CheckSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CheckResult:
    """After a save: look at the post-call webhook at ``settings.webhook_polls`` seconds
    from now, stopping at the first settled reading; the last reading is the verdict."""
    region = elevenlabs.key_region(key.get_secret_value())
    base = elevenlabs.base_region(settings.elevenlabs_url)
    loop = asyncio.get_running_loop()
    started = loop.time()
    reading: WebhookReading | None = None
    async with _elevenlabs_client(key, settings, transport) as client:
        for at in settings.webhook_polls or (0.0,):
            wait = at - (loop.time() - started)
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                reading = await _look(client, settings, region, base)
            except Exception as exc:  # a bug must not leave "checking…" forever
                log.debug("webhook check failed: %s", type(exc).__name__)
                failed = f"the check failed ({type(exc).__name__})"
                reading = WebhookReading(
                    not_checked(CheckId.ELEVENLABS_WEBHOOK, failed, "internal_error"), True
                )
            if reading.settled:
                break
    assert reading is not None
    return scrubbed(reading.result, [key.get_secret_value()])


async def _look(
    client: ElevenLabsClient, settings: CheckSettings, region: str | None, base: str | None
) -> WebhookReading:
    try:
        async with asyncio.timeout(settings.deadline):
            current = await client.convai_settings()
            webhooks = await client.workspace_webhooks() if attached_id(current) else None
    except TimeoutError:
        result = not_checked(
            CheckId.ELEVENLABS_WEBHOOK,
            f"no answer from ElevenLabs within {settings.deadline:g} s",
            "timeout",
        )
        return WebhookReading(result, settled=False)
    return read_webhook(current, webhooks, region=region, base=base)
