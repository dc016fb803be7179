"""The bench's ``--wiring`` scenario: its organization, one small measurement, its table.

As for the bench's other parts, nothing here asserts a speed: the figures come from the
script. One small run proves the plumbing (the stack, the proxies, the child, the counts
at the stand-ins) and that no request repeats.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    # scripts/ is not a package: import its benchkit as bench.py does.
    sys.path.insert(0, str(SCRIPTS))

from benchkit import wiring  # noqa: E402


def test_the_organization_has_exactly_the_ai_on_numbers_asked_for() -> None:
    state = wiring.organization(1000, 400)
    rows = state.public_config()["phoneNumbers"]
    on = [row for row in rows if row["aiEnabled"]]
    assert len(rows) == 1000 and len(on) == 400
    assert all(row["aiAgentId"] for row in on)
    from tui.demo.state import DemoState

    seeded = DemoState.seeded().public_config()["phoneNumbers"]
    assert rows[: len(seeded)] == seeded  # the seeded numbers, and their planted problems


def test_an_impossible_share_is_refused() -> None:
    rows = [{"aiEnabled": False} for _ in range(10)]
    with pytest.raises(wiring.MeasurementError):
        wiring.spread_ai_on(rows, 11, ["agent"], seeded=2)
    wiring.spread_ai_on(rows, 5, ["agent"], seeded=2)
    assert sum(row["aiEnabled"] for row in rows) == 5 and not any(
        row["aiEnabled"] for row in rows[:2]
    )


@pytest.mark.skipif(
    importlib.util.find_spec("cryptography") is None, reason="needs cryptography for the CA"
)
def test_one_small_measurement_on_both_networks(tmp_path: Path) -> None:
    result = wiring.measure_wiring(40, 12, 0.0, runs=1, scratch=tmp_path, warm_up=False)
    for network in result.networks:
        assert network.failures == []
        assert network.repeated == [0]
        assert network.unanswered == [0] and network.answers[0] > 12
        assert network.per_server("sinch-numbers") == [12.0]  # one per AI-on number
        assert network.per_server("sinch-auth") == [1.0]
        assert network.per_issuer("ElevenLabs")[0] > 0
        assert network.gather_seconds[0] > 0
    assert result.network(None).handshakes == []
    assert result.network(0.0).handshakes[0] >= 4  # one per host at least
    text = "\n".join(wiring.wiring_markdown(result))
    assert "| repeated requests | 0 | 0 |" in text
    assert "| … of which auth / EST / Numbers | 1 / " in text
    assert "repeated requests: 0." in text


def test_the_table_shows_each_figure_the_target_and_failures() -> None:
    result = wiring.WiringBench(1000, 400, 50.0, runs=2)
    for rtt, seconds in ((None, [0.5, 0.7]), (50.0, [6.0, 16.0])):
        network = wiring.WiringNetwork(rtt)
        network.gather_seconds += seconds
        network.rules_seconds += [0.03, 0.04]
        network.requests += [
            {"elevenlabs": 19, "sinch-auth": 1, "sinch-est": 6, "sinch-numbers": 400}
        ] * 2
        network.repeated += [0, 0]
        network.answers += [425, 425]
        network.unanswered += [0, 1]
        if rtt is not None:
            network.handshakes += [14, 14]
        result.networks.append(network)
    result.network(50.0).failures.append("the gathering took more than 300 s")
    text = "\n".join(wiring.wiring_markdown(result))
    assert (
        "| gathering every answer | 600 ms [500 ms, 700 ms] | 11000 ms [6000 ms, 16000 ms] |"
        in text
    )
    assert "| requests to Sinch (auth + EST + Numbers) | 407 | 407 |" in text
    assert "| … of which auth / EST / Numbers | 1 / 6 / 400 | 1 / 6 / 400 |" in text
    assert "| TLS handshakes | — | 14 |" in text
    assert "| answers held / of which no answer | 425 / 0 [0, 1] | 425 / 0 [0, 1] |" in text
    assert "median ✓, slowest ✗ (16000 ms); repeated requests: 0." in text
    assert "- RTT 50 ms: the gathering took more than 300 s" in text


def test_wiring_options() -> None:
    bench = importlib.import_module("bench")
    args = bench.parse_args(["--wiring"])
    assert (args.wiring, args.wiring_numbers, args.wiring_ai_on, args.wiring_rtt) == (
        True,
        1000,
        400,
        50.0,
    )
    args = bench.parse_args(["--wiring", "--wiring-rtt", "150", "--wiring-only"])
    assert (args.wiring_rtt, args.wiring_only) == (150.0, True)
    for wrong in (
        ["--wiring-only"],
        ["--wiring", "--wiring-rtt=-1"],
        ["--wiring", "--wiring-ai-on", "1001"],
        ["--wiring", "--wiring-ai-on", "-1"],
    ):
        with pytest.raises(SystemExit):
            bench.parse_args(wrong)
