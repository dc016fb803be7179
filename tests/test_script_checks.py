"""The credential checks from the shell: ``set`` checks before sending, ``check`` only checks.

Against the demo stack over real HTTP: the Tether demo server plus the ElevenLabs and
Sinch stand-ins, reached through the very flags a user would pass.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.script_support import Cli, Result, TerminalInput, isolate, run_cli
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.stack import WEBHOOK_URL, DemoStack
from tui.script.exit_codes import ExitCode


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def stack() -> Iterator[DemoStack]:
    with DemoStack() as started:
        yield started


def issuer_flags(stack: DemoStack) -> list[str]:
    return [
        "--elevenlabs-url",
        stack.elevenlabs.url,
        "--sinch-auth-url",
        stack.sinch_auth.url,
        "--sinch-est-url",
        stack.sinch_est.url,
    ]


@pytest.fixture
def cli(
    stack: DemoStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``cli(COMMAND, *args, stdin=...)`` against the demo stack, write probes on."""

    def run(command: str, *args: str, stdin: str | io.StringIO | None = None) -> Result:
        given = io.StringIO(stdin) if isinstance(stdin, str) else stdin
        argv = [command, "--url", stack.tether.url, "--probe-write-permissions"]
        argv += [*issuer_flags(stack), *args]
        return run_cli(capsys, argv, stdin=given, monkeypatch=monkeypatch)

    return run


def posts(stack: DemoStack) -> list[dict[str, object]]:
    return stack.tether.state.received_posts


def tether_requests(stack: DemoStack) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in stack.tether.requests]


# --- set ----------------------------------------------------------------------------------


def test_set_checks_then_saves_then_looks_at_the_webhook(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "elevenlabsApiKey=-", "--yes", stdin=el.GOOD_KEY)
    assert result.code == ExitCode.OK, result.err
    assert posts(stack) == [{"elevenlabsApiKey": el.GOOD_KEY}]
    out = result.out.splitlines()
    assert out[2] == "Checks (asked from this machine):"
    assert out[3].startswith("  ✓ ElevenLabs API key            ok: ElevenLabs accepts this key")
    # 80 columns (no terminal): the verdict wraps under its own column.
    row = out.index("  ✓ ElevenLabs webhooks: write    ok: the key may create webhooks")
    assert out[row + 1] == " " * 34 + "(webhooks_write)"
    assert " ".join(out[-2:]) == (
        f"✓ ElevenLabs post-call webhook: attached, delivering to   {WEBHOOK_URL}"
    )
    assert "Checking with ElevenLabs…" in result.err
    assert el.GOOD_KEY not in result.both


def test_a_definite_problem_sends_nothing_and_exits_5(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "elevenlabsApiKey=-", "--yes", stdin=el.UNKNOWN_KEY)
    assert result.code == ExitCode.CHECK_PROBLEM
    assert posts(stack) == []
    assert "  ✗ ElevenLabs API key            problem: ElevenLabs does not know this key" in (
        result.out
    )
    assert "Not sent: the checks found 1 definite problem (above)" in result.said
    assert "--send-anyway" in result.said
    assert "warning: not checked" not in result.err, "lines waiting on the key warn nothing"


def test_send_anyway_sends_and_says_so(cli: Cli, stack: DemoStack) -> None:
    result = cli(
        "set", "elevenlabsApiKey=-", "--yes", "--send-anyway", stdin=el.NO_WEBHOOKS_WRITE_KEY
    )
    assert result.code == ExitCode.OK
    assert posts(stack) == [{"elevenlabsApiKey": el.NO_WEBHOOKS_WRITE_KEY}]
    assert "warning: sending despite 1 problem(s) found (--send-anyway)" in result.err
    assert "warning: ✗ ElevenLabs post-call webhook: not attached — Tether logs why" in (
        result.said
    )


def test_not_checked_is_a_warning_and_the_save_goes_on(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "elevenlabsApiKey=-", "--yes", stdin=el.IP_ALLOWLISTED_KEY)
    assert result.code == ExitCode.OK
    assert len(posts(stack)) == 1
    assert (
        "warning: not checked: ElevenLabs API key: this key only accepts requests from "
        "allow-listed IPs: cannot verify from here"
    ) in result.said


def test_the_checks_come_before_the_question(
    cli: Cli, stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEW_KEY", el.GOOD_KEY)
    result = cli("set", "elevenlabsApiKey=@env:NEW_KEY", stdin=TerminalInput("n\n"))
    assert result.code == ExitCode.NOTHING_TO_CHANGE
    assert "✓ ElevenLabs API key" in result.out
    assert result.out.index("Checks") < result.out.index("Not sent.")
    assert posts(stack) == []


def test_dry_run_checks_too_and_exits_5_on_a_problem(cli: Cli, stack: DemoStack) -> None:
    bad = cli("set", "elevenlabsApiKey=-", "--dry-run", stdin=el.KEY_ID)
    assert bad.code == ExitCode.CHECK_PROBLEM
    assert "problem: this is the key's ID, not the key" in bad.out
    assert "Dry run: nothing was sent." in bad.out
    good = cli("set", "elevenlabsApiKey=-", "--dry-run", stdin=el.GOOD_KEY)
    assert good.code == ExitCode.OK
    assert posts(stack) == []


FIX_COMMAND = (
    f"tether-voice set sinchEstTrunkId={sinch.MISMATCHED_TRUNK_ID} "
    f"sinchEstTrunkDomain={sinch.MISMATCHED_TRUNK_DOMAIN}"
)
"""With the trunk ID given: the domain is that trunk's, not the stored trunk's."""


def as_pasted(out: str) -> str:
    """The output with backslash-continued lines joined and spaces collapsed, as a shell
    reads a command pasted from it."""
    return " ".join(out.replace("\\\n", " ").split())


def test_the_trunks_domain_is_offered_as_a_command(cli: Cli, stack: DemoStack) -> None:
    result = cli(
        "set",
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=-",
        f"sinchEstTrunkId={sinch.MISMATCHED_TRUNK_ID}",
        "--yes",
        stdin=sinch.GOOD_KEY_SECRET,
    )
    assert result.code == ExitCode.CHECK_PROBLEM
    assert f"to use it: {FIX_COMMAND}" in as_pasted(result.out)
    assert sinch.GOOD_KEY_SECRET not in result.both


def test_no_check_asks_no_issuer(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "--no-check", "elevenlabsApiKey=-", "--yes", stdin=el.UNKNOWN_KEY)
    assert result.code == ExitCode.OK
    assert "Checks" not in result.out and "post-call webhook" not in result.both
    # The only ElevenLabs requests are the demo Tether's own attempt to set up the webhook.
    assert {r.path for r in stack.elevenlabs.requests} <= {"/v1/workspace/webhooks"}


def test_set_json_reports_review_checks_and_outcome(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "elevenlabsApiKey=-", "--yes", "--json", stdin=el.GOOD_KEY)
    assert result.code == ExitCode.OK
    report = json.loads(result.out)
    assert report["url"] == stack.tether.url
    assert report["changes"] == [
        {"field": "elevenlabsApiKey", "before": "configured", "after": "••••••••", "warnings": []}
    ]
    assert report["body"] == {"elevenlabsApiKey": "••••••••"}
    assert [c["verdict"] for c in report["checks"]] == ["ok", "ok", "ok"]
    assert report["checks"][0]["basis"] == "observed"
    assert (report["sent"], report["serverMessage"], report["confirmed"]) == (
        True,
        "Configuration saved",
        True,
    )
    assert report["webhook"]["reason"] == "attached"
    assert report["notices"] == ["elevenlabsApiKey: value read from standard input"]
    assert result.err == "", "--json: stderr is for the one JSON error object only"
    assert el.GOOD_KEY not in result.both


def test_set_json_with_a_problem(cli: Cli, stack: DemoStack) -> None:
    result = cli("set", "elevenlabsApiKey=-", "--yes", "--json", stdin=el.UNKNOWN_KEY)
    assert result.code == ExitCode.CHECK_PROBLEM
    report = json.loads(result.out)
    assert report["sent"] is False
    assert report["checks"][0]["reason"] == "invalid_api_key"
    error = json.loads(result.err)["error"]  # all of stderr: no progress line before it
    assert (error["exitCode"], error["kind"]) == (5, "check problem")


def test_set_json_usage_error_is_json_on_stderr(cli: Cli) -> None:
    result = cli("set", "elevenlabsApiKey=sk_inline", "--json")
    assert result.code == ExitCode.USAGE
    assert result.out == ""
    error = json.loads(result.err)["error"]
    assert error["kind"] == "usage"
    assert "sk_inline" not in result.err


# --- check --------------------------------------------------------------------------------


def test_check_a_key_without_touching_tether(cli: Cli, stack: DemoStack) -> None:
    result = cli("check", "elevenlabsApiKey=-", stdin=el.GOOD_KEY + "\n")
    assert result.code == ExitCode.OK
    assert result.out.splitlines()[0] == "Checks (asked from this machine):"
    assert "✓ ElevenLabs API key" in result.out
    assert tether_requests(stack) == []
    assert el.GOOD_KEY not in result.both


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (el.UNKNOWN_KEY, ExitCode.CHECK_PROBLEM),
        (el.NO_CONVAI_WRITE_KEY, ExitCode.CHECK_PROBLEM),
        (el.IP_ALLOWLISTED_KEY, ExitCode.NOT_ALL_CHECKED),
        (el.EU_KEY, ExitCode.NOT_ALL_CHECKED),
        (el.BUSY_KEY, ExitCode.NOT_ALL_CHECKED),
    ],
)
def test_check_exit_codes(cli: Cli, key: str, code: ExitCode) -> None:
    assert cli("check", "elevenlabsApiKey=-", stdin=key).code == code


@pytest.mark.parametrize(
    ("args", "stdin", "next_step"),
    [
        (
            ["sinchEstTrunkId=trunk-demo-002"],
            None,
            "give both to check this trunk and its domain: sinchEstKeyId=… sinchEstKeySecret=-",
        ),
        (["sinchEstKeySecret=-"], "s3cret-typed", "give both to check the pair:"),
        (["elevenlabsApiKey=-"], el.BUSY_KEY, "run it again in a moment"),
    ],
    ids=["trunk, keys stored", "secret without its ID", "busy"],
)
def test_scripts_word_next_steps_as_arguments_and_commands(
    cli: Cli, stack: DemoStack, args: list[str], stdin: str | None, next_step: str
) -> None:
    """Not the app's "type it again" or "review again": a script user gives arguments
    and runs the command again."""
    result = cli("check", *args, stdin=stdin)
    assert f"→ {next_step}" in " ".join(result.out.split()), "as words: wrapped at 80"
    assert not re.search(r"\btype (it|both|the)\b|review again", result.both)
    if stdin:
        assert stdin not in result.both


def test_check_takes_missing_identifiers_from_tether(
    cli: Cli, stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EST_SECRET", sinch.GOOD_KEY_SECRET)
    result = cli(
        "check",
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
        f"sinchEstTrunkId={sinch.MISMATCHED_TRUNK_ID}",
    )
    assert result.code == ExitCode.CHECK_PROBLEM
    assert tether_requests(stack) == [("GET", "/api/calls/voice-ai/config")]
    assert f"the ones stored at {stack.tether.url}" in result.said
    assert f"to use it: {FIX_COMMAND}" in as_pasted(result.out)
    assert posts(stack) == []


def test_the_fix_names_only_the_domain_when_the_stored_trunk_was_checked(
    cli: Cli, stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong domain typed for the stored trunk: setting the domain alone is the fix, and
    following it makes the next check pass."""
    monkeypatch.setenv("EST_SECRET", sinch.GOOD_KEY_SECRET)
    given = [
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
    ]
    result = cli("check", *given, "sinchEstTrunkDomain=wrong.pstn.sinch.com", "--json")
    assert result.code == ExitCode.CHECK_PROBLEM
    fixes = [c["fix"] for c in json.loads(result.out)["checks"] if c["fix"]]
    assert len(fixes) == 1
    (fix,) = fixes
    assert list(fix) == ["sinchEstTrunkDomain"]
    assert cli("check", *given, f"sinchEstTrunkDomain={fix['sinchEstTrunkDomain']}").code == (
        ExitCode.OK
    )


def test_check_with_every_identifier_given_never_asks_tether(
    cli: Cli, stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EST_SECRET", sinch.GOOD_KEY_SECRET)
    result = cli(
        "check",
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
        f"sinchEstProjectId={sinch.DEMO_PROJECT_ID}",
        f"sinchEstTrunkId={sinch.MATCHING_TRUNK_ID}",
        "sinchEstTrunkDomain=demo-org.elastic-sip.sinch.com",
    )
    assert result.code == ExitCode.OK, result.out
    assert tether_requests(stack) == []


def test_check_without_a_tether_instance_says_what_it_could_not_check(
    stack: DemoStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EST_SECRET", sinch.GOOD_KEY_SECRET)
    argv = [
        "check",
        *issuer_flags(stack),
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
    ]
    result = run_cli(capsys, argv)
    assert result.code == ExitCode.NOT_ALL_CHECKED
    assert "notice: no Tether instance (URL and token) to read the project ID" in result.said
    assert "✓ Sinch EST key" in result.out
    assert "? Sinch EST trunk not checked: no project ID and trunk ID" in " ".join(
        result.out.split()
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "nothing to check"),
        (("elevenlabsApiKey=sk_inline",), "is a secret and is not taken from the command line"),
        (("aiVoiceProvider=elevenlabs",), "aiVoiceProvider is not a credential"),
        (("--elevenlabs-url", "http://elevenlabs.example", "elevenlabsApiKey=-"), "plain http"),
    ],
)
def test_check_usage_errors(cli: Cli, args: tuple[str, ...], words: str) -> None:
    result = cli("check", *args, stdin="sk_x")
    assert result.code == ExitCode.USAGE
    assert words in result.said
    assert "sk_inline" not in result.both


def test_no_check_before_check_is_a_usage_error(
    stack: DemoStack, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, ["--no-check", "check", "sinchEstTrunkId=x"])
    assert result.code == ExitCode.USAGE
    assert "--no-check leaves check nothing to do" in result.err


def test_check_json(cli: Cli) -> None:
    result = cli("check", "elevenlabsApiKey=-", "--json", stdin=el.NO_WEBHOOKS_WRITE_KEY)
    assert result.code == ExitCode.CHECK_PROBLEM
    report = json.loads(result.out)
    assert report["summary"] == {"ok": 2, "problem": 1, "notChecked": 0}
    assert report["tether"] is None
    assert [c["check"] for c in report["checks"]] == [
        "elevenlabsApiKey",
        "elevenlabsConvaiWrite",
        "elevenlabsWebhooksWrite",
    ]
    assert report["checks"][2]["reason"] == "missing_permissions"


def test_check_demo_runs_against_its_own_stand_ins(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(
        capsys,
        ["check", "--demo", "elevenlabsApiKey=-"],
        stdin=io.StringIO(el.NO_CONVAI_WRITE_KEY),
        monkeypatch=monkeypatch,
    )
    assert result.code == ExitCode.CHECK_PROBLEM
    assert "✗ ElevenLabs agents: write" in result.out


def test_from_the_shell_too_each_secret_reaches_only_its_issuer(
    cli: Cli, stack: DemoStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_secret_leaks import TETHER_POST, where_each_secret_went
    from tui.demo.server import SUPERADMIN_TOKEN

    monkeypatch.setenv("EST_SECRET", sinch.GOOD_KEY_SECRET)
    checked = cli(
        "check",
        "elevenlabsApiKey=-",
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
        stdin=el.GOOD_KEY,
    )
    assert checked.code == ExitCode.OK
    saved = cli(
        "set",
        "elevenlabsApiKey=-",
        f"sinchEstKeyId={sinch.GOOD_KEY_ID}",
        "sinchEstKeySecret=@env:EST_SECRET",
        "--yes",
        stdin=el.GOOD_KEY,
    )
    assert saved.code == ExitCode.OK
    went = where_each_secret_went(
        stack,
        {
            "key": el.GOOD_KEY,
            "secret": sinch.GOOD_KEY_SECRET,
            "token": SUPERADMIN_TOKEN,
        },
    )
    assert went["key"] == {"elevenlabs", TETHER_POST}
    assert went["secret"] == {"sinch-auth", TETHER_POST}
    assert {where.split(" ")[0] for where in went["token"]} == {"tether"}
    for secret in (el.GOOD_KEY, sinch.GOOD_KEY_SECRET, SUPERADMIN_TOKEN):
        assert secret not in checked.both + saved.both
