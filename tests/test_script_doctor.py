"""``tether-voice doctor``: every hop of every number, against the demo stack over real HTTP.

The demo's planted problems (README, "The demo server") are the table these tests read:
each planted number must come out with its finding, the healthy ones folded away, and
the exit status must say what a runbook needs (5 a problem, 6 not everything checked).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.script_support import Cli, Result, isolate, run_cli
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.stack import DemoStack
from tui.script.exit_codes import ExitCode

KEYS = ["elevenlabsApiKey=@env:EL_KEY", f"sinchEstKeyId={sinch.GOOD_KEY_ID}", "sinchEstKeySecret=-"]

PLANTED = {
    # number: (verdict, {check id: verdict} that must be among its findings)
    "+14165550101": ("ok", {}),
    "+14165550103": ("ok", {}),
    "+14165550102": ("ok", {"elevenlabs.leftover": "ok"}),
    "+14165550104": ("warning", {"elevenlabs.leftover": "warning"}),
    "+14165550105": ("problem", {"elevenlabs.imported": "problem"}),
    "+14165550106": ("problem", {"elevenlabs.agent": "problem"}),
    "+14165550107": ("problem", {"elevenlabs.agent": "problem"}),
    "+14165550108": (
        "problem",
        {"elevenlabs.outbound": "problem", "elevenlabs.inbound": "warning"},
    ),
    "+14165550109": ("problem", {"sinch.on_trunk": "problem"}),
    "+14165550110": ("problem", {"sinch.voice_config": "problem"}),
    "+14165550111": ("warning", {"sinch.voice_config": "warning"}),
    "+14165550112": ("warning", {"elevenlabs.imported": "warning"}),
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("EL_KEY", el.GOOD_KEY)


@pytest.fixture
def stack() -> Iterator[DemoStack]:
    with DemoStack(webhook_attached=True) as started:
        yield started


@pytest.fixture
def cli(
    stack: DemoStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    def run(*args: str, stdin: str | None = sinch.GOOD_KEY_SECRET) -> Result:
        argv = [
            "doctor",
            "--url",
            stack.tether.url,
            "--elevenlabs-url",
            stack.elevenlabs.url,
            "--sinch-auth-url",
            stack.sinch_auth.url,
            "--sinch-est-url",
            stack.sinch_est.url,
            "--sinch-numbers-url",
            stack.sinch_numbers.url,
            *args,
        ]
        return run_cli(capsys, argv, stdin=io.StringIO(stdin or ""), monkeypatch=monkeypatch)

    return run


def by_number(report: dict) -> dict[str, dict]:
    return {n["phoneNumber"]: n for n in report["numbers"]}


def test_every_planted_problem_is_named_with_its_number(cli: Cli) -> None:
    result = cli(*KEYS, "--json")
    assert result.code == ExitCode.CHECK_PROBLEM, result.err
    assert result.err == ""
    report = json.loads(result.out)
    assert report["ok"] is False
    numbers = by_number(report)
    assert set(numbers) == set(PLANTED)
    for phone, (verdict, checks) in PLANTED.items():
        found = {c["id"]: c["verdict"] for c in numbers[phone]["checks"]}
        assert numbers[phone]["verdict"] == verdict, (phone, found)
        for check, expected in checks.items():
            assert found[check] == expected, (phone, check, found)
        assert numbers[phone]["aiEnabled"] == ("elevenlabs.leftover" not in found)
    org = {c["id"]: c for c in report["checks"]}
    assert list(org) == [
        "elevenlabs.key",
        "elevenlabs.webhook",
        "elevenlabs.tools",
        "elevenlabs.recent_calls",
        "sinch.token",
        "sinch.trunk",
        "sinch.endpoints",
        "sinch.outbound_auth",
        "drift",
    ]
    assert org["elevenlabs.key"]["verdict"] == "ok"
    assert org["elevenlabs.webhook"]["verdict"] == "ok"
    assert org["elevenlabs.tools"]["verdict"] == "problem"
    assert org["elevenlabs.recent_calls"]["verdict"] == "warning"
    assert org["sinch.endpoints"]["verdict"] == "ok"
    assert org["drift"]["verdict"] == "problem"
    assert any("+14165550199" in d for d in org["drift"]["details"])
    for check in report["checks"]:
        assert check["basis"] in ("documented", "observed", "inferred")
        assert check["line"]


def test_the_text_report_puts_problems_first_and_folds_healthy_numbers(cli: Cli) -> None:
    result = cli(*KEYS)
    assert result.code == ExitCode.CHECK_PROBLEM
    out = result.out
    assert out.index("Organization:") < out.index("Numbers (problems first):")
    numbers = out[out.index("Numbers (problems first):") :]
    assert numbers.index("✗ +14165550105") < numbers.index("⚠ +14165550111")
    assert "+14165550101" not in numbers and "+14165550103" not in numbers
    assert "✓ 3 more number(s): every check ok (--all lists them)" in numbers
    assert out.split("\n\n")[-1].startswith("some calls will fail:"), "the last paragraph"
    every = cli(*KEYS, "--all").out
    assert "✓ +14165550101" in every and "✓ Imported" in every


def test_one_number_on_its_own(cli: Cli, stack: DemoStack) -> None:
    result = cli(*KEYS, "--number", "+1 416 555 0101", "--json")
    report = json.loads(result.out)
    assert [n["phoneNumber"] for n in report["numbers"]] == ["+14165550101"]
    assert report["numbers"][0]["verdict"] == "ok"
    # The organization still has its planted problems: the exit says so.
    assert result.code == ExitCode.CHECK_PROBLEM
    asked = [r.path for r in stack.sinch_numbers.requests]
    assert asked == [f"/v1/projects/{sinch.DEMO_PROJECT_ID}/activeNumbers/+14165550101"]


def test_a_number_that_is_not_the_organizations_is_a_usage_error(cli: Cli) -> None:
    result = cli(*KEYS, "--number", "+19995550000")
    assert result.code == ExitCode.USAGE
    assert "is not one of the organization's 12 numbers" in result.said


def test_without_sinch_keys_its_lines_are_unknown_and_the_exit_says_so(cli: Cli) -> None:
    result = cli("elevenlabsApiKey=@env:EL_KEY", "--number", "+14165550101", "--json", stdin=None)
    report = json.loads(result.out)
    org = {c["id"]: c for c in report["checks"]}
    assert org["sinch.token"]["verdict"] == "unknown"
    assert "no Sinch key" in org["sinch.token"]["line"]
    checks = {c["id"]: c["verdict"] for c in report["numbers"][0]["checks"]}
    assert checks["elevenlabs.imported"] == "ok" and checks["sinch.on_trunk"] == "unknown"
    # Sales Line's tools are fine; only its agent is in scope with --number, so nothing
    # is definitely wrong, and the Sinch side could not be checked: 6.
    org_tools = org["elevenlabs.tools"]
    assert org_tools["verdict"] == "ok", org_tools
    assert result.code == ExitCode.NOT_ALL_CHECKED


def test_another_trunk_shows_its_routing_and_auth_problems(cli: Cli) -> None:
    result = cli(
        *KEYS,
        "sinchEstTrunkId=trunk-demo-002",
        "sinchEstTrunkDomain=demo-org-2.pstn.sinch.com",
        "--json",
    )
    org = {c["id"]: c for c in json.loads(result.out)["checks"]}
    assert org["sinch.endpoints"]["verdict"] == "problem"
    assert "Office PBX" in org["sinch.endpoints"]["line"]
    assert org["sinch.outbound_auth"]["verdict"] == "problem"
    assert "no credential list and no enabled ACL" in org["sinch.outbound_auth"]["line"]


def test_secrets_are_never_inline_never_echoed_and_only_at_their_issuer(
    cli: Cli, stack: DemoStack
) -> None:
    inline = cli(f"elevenlabsApiKey={el.GOOD_KEY}")
    assert inline.code == ExitCode.USAGE
    assert el.GOOD_KEY not in inline.both
    result = cli(*KEYS, "--all")
    assert el.GOOD_KEY not in result.both and sinch.GOOD_KEY_SECRET not in result.both
    for name, server in stack.servers.items():
        seen = "\n".join(f"{r.path}?{r.query} {r.headers} {r.body!r}" for r in server.requests)
        assert (el.GOOD_KEY in seen) == (name == "elevenlabs"), name
        assert sinch.GOOD_KEY_SECRET not in seen, name  # Basic: base64, never plain
        writes = [r for r in server.requests if r.method != "GET"]
        if name == "sinch-auth":
            assert [r.path for r in writes] == ["/oauth2/token"]
        else:
            assert writes == [], name  # read only: nothing written anywhere


def test_tether_unreachable_is_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, ["doctor", "--url", "http://127.0.0.1:9"])
    assert result.code == ExitCode.NETWORK
    assert "Could not read the configuration" in result.err


def test_demo_without_keys_uses_the_published_demo_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, ["doctor", "--demo", "--json"])
    assert result.code == ExitCode.CHECK_PROBLEM, result.err
    report = json.loads(result.out)
    assert "using the demo's published good keys" in " ".join(report["notices"])
    assert by_number(report)["+14165550106"]["verdict"] == "problem"


def test_hostile_answers_are_shown_as_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every string the hostile stand-ins answer (escape sequences, bidi overrides,
    markup, format fields) reaches the report escaped, in text and in JSON."""
    with DemoStack(hostile=True) as hostile:
        argv = [
            "doctor",
            "--url",
            hostile.tether.url,
            "--elevenlabs-url",
            hostile.elevenlabs.url,
            "--sinch-auth-url",
            hostile.sinch_auth.url,
            "--sinch-est-url",
            hostile.sinch_est.url,
            "--sinch-numbers-url",
            hostile.sinch_numbers.url,
            *KEYS,
            "--all",
        ]
        for extra in ([], ["--json"]):
            result = run_cli(
                capsys,
                [*argv, *extra],
                stdin=io.StringIO(sinch.GOOD_KEY_SECRET),
                monkeypatch=monkeypatch,
            )
            assert result.code in (ExitCode.CHECK_PROBLEM, ExitCode.NOT_ALL_CHECKED), result.err
            for char in ("\x1b", "\x9b", "\u202e", "\x07", "\r"):
                assert char not in result.both, repr(char)
            assert "PWN-" in result.out  # the hostile strings are there, as text
