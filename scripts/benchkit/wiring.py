"""The wiring checks at scale: 1,000 numbers with 400 AI on, on loopback and over a WAN.

What ``tether-voice doctor`` and the health view wait for: every answer the wiring rules
read (:func:`tui.api.wiring.gather_evidence`), then the findings made from them
(:func:`tui.wiring.rules.build_report`). Measured against the demo stack (Tether and the
ElevenLabs, Sinch auth, EST and Numbers stand-ins) seeded with ``count`` numbers of which
``ai_on`` are AI on, twice per run, round-robin:

- on loopback (plain HTTP straight to the stand-ins);
- through one TLS + latency proxy (``benchkit.network``) in front of each stand-in, at
  ``rtt_ms`` (50 ms by default): every fresh connection pays TCP, TLS and the request
  (3 RTT), each request on a kept connection 1 RTT.

The stand-ins answer with Nagle's algorithm off while measured
(:func:`answers_without_delay`): otherwise each of their answers on a kept connection
waits ~40 ms for a delayed ACK, which no real API server makes a client pay.

Each gathering runs in a child process of its own (the stand-ins and the proxies are
threads of this one, and must not share its interpreter lock), which trusts the proxies'
throwaway CA through ``SSL_CERT_FILE``, as a user of a private CA would. Recorded per
run: the child's wall time for the gathering and for the rules, the requests each
stand-in answered (counted at the servers), how many of them repeated a request of the
same run (method, path and query), the TLS handshakes the proxies completed, and how
many answers the evidence holds and how many of them are no answer (timeout, refused):
a fast run that answered nothing would otherwise look good. The issue's target: at most
15 s at 50 ms, and no request repeated.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .measure import child_env
from .network import LatencyProxy, ThrowawayCA
from .records import MeasurementError
from .report import check, fmt_ms, fmt_spread, median

if TYPE_CHECKING:
    from tui.demo.stack import DemoStack
    from tui.demo.state import DemoState

DEFAULT_COUNT = 1000
DEFAULT_AI_ON = 400
DEFAULT_RTT_MS = 50.0
TARGET_SECONDS = 15.0
"""The issue's target for 1,000 numbers (400 AI on) at 50 ms RTT."""

SETTING_OF = {
    "elevenlabs": "elevenlabs_url",
    "sinch-auth": "sinch_auth_url",
    "sinch-est": "sinch_est_url",
    "sinch-numbers": "sinch_numbers_url",
}
"""Each stand-in of the demo stack, by its name there, and the setting pointing at it."""
ISSUER_OF = {
    "elevenlabs": "ElevenLabs",
    "sinch-auth": "Sinch",
    "sinch-est": "Sinch",
    "sinch-numbers": "Sinch",
}


# --- records ------------------------------------------------------------------------------


@dataclass
class WiringNetwork:
    """Every run on one network, pooled."""

    rtt_ms: float | None
    """None: loopback (plain HTTP); else through the TLS + latency proxies at this RTT."""
    gather_seconds: list[float] = field(default_factory=list)
    rules_seconds: list[float] = field(default_factory=list)
    requests: list[dict[str, int]] = field(default_factory=list)
    """Per run: stand-in name → requests it answered."""
    repeated: list[int] = field(default_factory=list)
    handshakes: list[int] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    unanswered: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def per_server(self, name: str) -> list[float]:
        return [float(run.get(name, 0)) for run in self.requests]

    def per_issuer(self, issuer: str) -> list[float]:
        names = [name for name, owner in ISSUER_OF.items() if owner == issuer]
        return [float(sum(run.get(name, 0) for name in names)) for run in self.requests]


@dataclass
class WiringBench:
    count: int
    ai_on: int
    rtt_ms: float
    runs: int
    networks: list[WiringNetwork] = field(default_factory=list)

    def network(self, rtt_ms: float | None) -> WiringNetwork:
        return next(n for n in self.networks if n.rtt_ms == rtt_ms)


# --- the organization -----------------------------------------------------------------------


def spread_ai_on(
    rows: list[dict[str, Any]], ai_on: int, agent_ids: Sequence[str], seeded: int
) -> None:
    """Make exactly ``ai_on`` of ``rows`` AI on, spread evenly over the generated ones.

    The first ``seeded`` rows (the seeded organization's, with the demo's planted
    problems) stay as they are; each generated number turned on keeps its agent when it
    has one, else takes the next of ``agent_ids`` (synced agents: a toggle to an
    unsynced one is refused). Done on the demo state's rows before the stack starts,
    which fills the stand-ins from them.
    """
    seeded_on = sum(1 for row in rows[:seeded] if row.get("aiEnabled"))
    generated = rows[seeded:]
    want = ai_on - seeded_on
    if not 0 <= want <= len(generated):
        raise MeasurementError(
            f"cannot have {ai_on} AI-on numbers among {len(rows)}: the seeded {seeded} "
            f"(with {seeded_on} AI on) stay as they are"
        )
    for index, row in enumerate(generated):
        on = (index * want) // len(generated) != ((index + 1) * want) // len(generated)
        row["aiEnabled"] = on
        if on and not row.get("aiAgentId"):
            row["aiAgentId"] = agent_ids[index % len(agent_ids)]


def organization(count: int, ai_on: int) -> DemoState:
    """The seeded organization with ``count`` numbers, ``ai_on`` of them AI on."""
    from tui.demo.state import DemoState

    seeded = len(DemoState.seeded().public_config()["phoneNumbers"])
    state = DemoState.with_numbers(count)
    synced = [agent.id for agent in state.numbers.agents if agent.synced and not agent.hidden]
    state.edit_phone_numbers(lambda rows: spread_ai_on(rows, ai_on, synced, seeded))
    return state


def child_spec(stack: DemoStack, urls: dict[str, str]) -> dict[str, Any]:
    """What the child needs: the stand-ins' URLs, the demo keys, and Tether's side as
    the app would load it (the demo Tether's configuration)."""
    from tui.demo import elevenlabs, sinch

    return {
        "urls": urls,
        "tether_url": stack.tether.url,
        "config": stack.tether.state.public_config(),
        "elevenlabs_key": elevenlabs.GOOD_KEY,
        "sinch_key_id": sinch.GOOD_KEY_ID,
        "sinch_key_secret": sinch.GOOD_KEY_SECRET,
    }


CHILD_SOURCE = '''"""One gathering of the wiring checks' evidence, then its findings; JSON on stdout."""

import asyncio
import dataclasses
import json
import sys
import time

from pydantic import SecretStr

from tui.api.models import VoiceAiConfig
from tui.api.wiring import WiringInputs, gather_evidence
from tui.checks.replies import Unreached
from tui.checks.settings import CheckSettings
from tui.wiring.evidence import Listing
from tui.wiring.rules import build_report
from tui.wiring.tether import tether_side

spec = json.loads(sys.stdin.read())
urls = spec["urls"]
settings = CheckSettings(
    elevenlabs_url=urls["elevenlabs"],
    sinch_auth_url=urls["sinch-auth"],
    sinch_est_url=urls["sinch-est"],
    sinch_numbers_url=urls["sinch-numbers"],
)
tether = tether_side(VoiceAiConfig.model_validate(spec["config"]), spec["tether_url"])
inputs = WiringInputs(
    tether=tether,
    elevenlabs_key=SecretStr(spec["elevenlabs_key"]),
    sinch_key_id=spec["sinch_key_id"],
    sinch_key_secret=SecretStr(spec["sinch_key_secret"]),
)
started = time.perf_counter()
evidence = asyncio.run(gather_evidence(inputs, settings))
gathered = time.perf_counter()
report = build_report(evidence, None)
done = time.perf_counter()


def outcomes(value):
    if isinstance(value, Listing):
        yield value.failure
    elif isinstance(value, dict):
        for each in value.values():
            yield from outcomes(each)
    elif value is not None and not isinstance(value, (str, bool)):
        yield value


answers = []
for side in (evidence.elevenlabs, evidence.sinch):
    if side is not None:
        for name in (f.name for f in dataclasses.fields(side) if f.name != "webhook"):
            answers.extend(outcomes(getattr(side, name)))
print(
    json.dumps(
        {
            "gather_seconds": gathered - started,
            "rules_seconds": done - gathered,
            "answers": len(answers),
            "unanswered": sum(isinstance(a, Unreached) for a in answers),
            "numbers_reported": len(report.numbers),
        }
    )
)
'''


# --- one run ----------------------------------------------------------------------------------


def run_child(spec: dict[str, Any], extra_env: dict[str, str], timeout: float) -> dict[str, Any]:
    """The child once; its JSON, or MeasurementError with the end of its stderr."""
    env = child_env({"NO_PROXY": "127.0.0.1,localhost", **extra_env})
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD_SOURCE],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise MeasurementError(f"the gathering took more than {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = " ".join(done.stderr.split())[-300:]
        raise MeasurementError(f"the child exited {done.returncode}: {tail!r}")
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise MeasurementError(f"the child printed no JSON: {done.stdout[-200:]!r}") from None


def measure_once(
    stack: DemoStack,
    urls: dict[str, str],
    proxies: Sequence[LatencyProxy],
    extra_env: dict[str, str],
    into: WiringNetwork,
    timeout: float = 300.0,
) -> None:
    """One gathering; its figures appended to ``into`` (or its failure)."""
    servers = {name: stack.servers[name] for name in SETTING_OF}
    before = {name: len(server.requests) for name, server in servers.items()}
    shaken = sum(proxy.counts()[1] for proxy in proxies)
    try:
        result = run_child(child_spec(stack, urls), extra_env, timeout)
    except (MeasurementError, OSError) as error:
        into.failures.append(str(error))
        print(f"    failed: {error}", file=sys.stderr)
        return
    seen: Counter[tuple[str, str, str, str]] = Counter()
    counts: dict[str, int] = {}
    for name, server in servers.items():
        fresh = server.requests[before[name] :]
        counts[name] = len(fresh)
        seen.update((name, r.method, r.path, r.query) for r in fresh)
    into.gather_seconds.append(float(result["gather_seconds"]))
    into.rules_seconds.append(float(result["rules_seconds"]))
    into.answers.append(int(result["answers"]))
    into.unanswered.append(int(result["unanswered"]))
    into.requests.append(counts)
    into.repeated.append(sum(times - 1 for times in seen.values() if times > 1))
    if proxies:
        into.handshakes.append(sum(proxy.counts()[1] for proxy in proxies) - shaken)


@contextlib.contextmanager
def answers_without_delay() -> Iterator[None]:
    """The demo servers' sockets with Nagle's algorithm off while measuring.

    A demo server writes an answer's headers and its body separately; with Nagle on,
    the body waits for the client's ACK of the headers, which Linux delays up to 40 ms
    on a kept connection: measured at 44 ms per request instead of 0.5 ms. Real API
    servers answer without that stall (nginx sets ``tcp_nodelay`` by default), and a
    measurement of the runner must not be one of the demo server's socket options.
    """
    from tui.demo.loopback import JsonHandler

    before = JsonHandler.disable_nagle_algorithm
    JsonHandler.disable_nagle_algorithm = True
    try:
        yield
    finally:
        JsonHandler.disable_nagle_algorithm = before


@contextlib.contextmanager
def wiring_stack(count: int, ai_on: int) -> Iterator[DemoStack]:
    from tui.demo.stack import DemoStack

    with answers_without_delay(), DemoStack(state=organization(count, ai_on)) as stack:
        missing = [name for name in SETTING_OF if name not in stack.servers]
        if missing:
            raise MeasurementError(f"the demo stack has no {', '.join(missing)} stand-in")
        yield stack


def measure_wiring(
    count: int, ai_on: int, rtt_ms: float, runs: int, scratch: Path, warm_up: bool = True
) -> WiringBench:
    """``runs`` gatherings on each network, round-robin; one discarded warm-up of each."""
    result = WiringBench(count, ai_on, rtt_ms, runs)
    loopback, wan = WiringNetwork(None), WiringNetwork(rtt_ms)
    result.networks += [loopback, wan]
    ca = ThrowawayCA.create(scratch)
    with wiring_stack(count, ai_on) as stack, contextlib.ExitStack() as proxies_open:
        direct = {name: stack.servers[name].url for name in SETTING_OF}
        proxies = {
            name: proxies_open.enter_context(LatencyProxy(ca, stack.servers[name].port, rtt_ms))
            for name in SETTING_OF
        }
        proxied = {name: proxy.url for name, proxy in proxies.items()}
        tls = {"SSL_CERT_FILE": str(ca.ca_pem)}
        plan = [(loopback, direct, [], {}), (wan, proxied, list(proxies.values()), tls)]
        for index in range(-1 if warm_up else 0, runs):
            for network, urls, through, env in plan:
                target = network if index >= 0 else WiringNetwork(network.rtt_ms)
                measure_once(stack, urls, through, env, target)
                if index < 0:
                    continue
                where = "loopback" if network.rtt_ms is None else f"RTT {network.rtt_ms:.0f} ms"
                last = fmt_ms(target.gather_seconds[-1]) if target.gather_seconds else "failed"
                print(
                    f"[wiring {count:,}/{ai_on:,}] run {index + 1}/{runs}, {where}: {last}",
                    file=sys.stderr,
                )
    return result


# --- the report -----------------------------------------------------------------------------


def _counts(values: Sequence[float]) -> str:
    """A count that should not vary: one figure, or its range when it did."""
    if not values:
        return "—"
    low, high = min(values), max(values)
    return f"{low:,.0f}" if low == high else f"{median(values):,.0f} [{low:,.0f}, {high:,.0f}]"


def wiring_markdown(result: WiringBench) -> list[str]:
    """The table: each figure on loopback and through the proxies, and the target."""
    nets = result.networks
    heads = ["loopback" if n.rtt_ms is None else f"RTT {n.rtt_ms:.0f} ms (TLS)" for n in nets]
    lines = [
        f"Wiring checks (`doctor`, the health view): {result.count:,} numbers, "
        f"{result.ai_on:,} AI on, {result.runs} runs per network, each gathering in a "
        "child process; requests counted at the stand-ins:",
        "",
        "| wiring checks (median [min, max]) | " + " | ".join(heads) + " |",
        "| --- |" + " --- |" * len(nets),
    ]
    rows: list[tuple[str, Any]] = [
        ("gathering every answer", lambda n: fmt_spread(n.gather_seconds, fmt_ms)),
        ("findings from the answers (the rules)", lambda n: fmt_spread(n.rules_seconds, fmt_ms)),
        ("requests to ElevenLabs", lambda n: _counts(n.per_issuer("ElevenLabs"))),
        ("requests to Sinch (auth + EST + Numbers)", lambda n: _counts(n.per_issuer("Sinch"))),
        (
            "… of which auth / EST / Numbers",
            lambda n: " / ".join(
                _counts(n.per_server(name)) for name in ("sinch-auth", "sinch-est", "sinch-numbers")
            ),
        ),
        ("repeated requests", lambda n: _counts([float(v) for v in n.repeated])),
        ("TLS handshakes", lambda n: _counts([float(v) for v in n.handshakes])),
        (
            "answers held / of which no answer",
            lambda n: (
                f"{_counts([float(v) for v in n.answers])} / "
                f"{_counts([float(v) for v in n.unanswered])}"
            ),
        ),
    ]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(n) for n in nets) + " |")
    wan = result.network(result.rtt_ms)
    slowest = max(wan.gather_seconds, default=None)
    repeats = sum(wan.repeated) + sum(result.network(None).repeated)
    lines += [
        "",
        f"Target at RTT {result.rtt_ms:.0f} ms: ≤ {TARGET_SECONDS:.0f} s — median "
        f"{check(median(wan.gather_seconds), TARGET_SECONDS)}, slowest "
        f"{check(slowest, TARGET_SECONDS)} ({fmt_ms(slowest)}); repeated requests: {repeats}.",
    ]
    failures = [
        f"- {'loopback' if n.rtt_ms is None else f'RTT {n.rtt_ms:.0f} ms'}: {failure}"
        for n in nets
        for failure in n.failures
    ]
    if failures:
        lines += ["", "Failed runs (left out of the figures):", *failures]
    return lines
