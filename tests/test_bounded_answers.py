"""Every answer is read within bounds: depth, size across compression, a total deadline.

Against a server on loopback that sends exactly the bytes of each case
(:mod:`tests.hostile_http`): what no honest server sends, but a broken proxy or a
compromised one can. Each case must end as an :class:`ApiFailure` (or a check's "not
checked"), never as an exception, a hang, or gigabytes of memory; and no failure may
quote a header (the token) or run a server's text as a format string.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from tests.hostile_http import NESTED, Canned, HostileServer, gzip_bomb, json_answer
from tests.script_support import isolate, run_cli
from tui.api import bounded_json
from tui.api.auth import SignedIn, fetch_profile, login, verify_token
from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.exchange import Answer, AnswerLimits, exchange, open_client
from tui.api.failures import (
    APP_WORDING,
    CODE_LIMIT,
    DETAILS_LIMIT,
    SAID_LIMIT,
    SCRIPT_WORDING,
    ApiFailure,
    FailureKind,
    Operation,
    from_error_status,
    redirect_failure,
    retry_after_seconds,
    status_hint,
)
from tui.api.issuers import IssuerClient
from tui.api.number_models import ToggleRequest
from tui.checks.replies import Reply, Unreached
from tui.cli import main
from tui.script.exit_codes import ExitCode
from tui.settings import ConfigError, ConfigFile, Flags, Origin, resolve_settings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "tok-bounded-answers-0123456789"
CONFIG = {"success": True, "aiVoiceProvider": "elevenlabs", "phoneNumbers": []}
CONFIG_BYTES = json.dumps(CONFIG).encode()


def settings_for(server: HostileServer, **extra: Any) -> ConnectionSettings:
    extra.setdefault("read_timeout", 5.0)
    return ConnectionSettings(server.url, SecretStr(TOKEN), **extra)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


async def with_client(
    settings: ConnectionSettings, call: Callable[[VoiceConfigClient], Awaitable[Any]]
) -> Any:
    client = VoiceConfigClient(settings)
    try:
        return await call(client)
    finally:
        await client.aclose()


def toggle_request() -> ToggleRequest:
    return ToggleRequest(userId="u1", phoneNumber="+15550100", aiEnabled=False)


def save_request() -> Any:
    from tui.api.models import SaveRequest

    return SaveRequest(sinchEstTrunkId="trunk-1")


CALLS: dict[str, Callable[[ConnectionSettings], Awaitable[Any]]] = {
    "GET config": lambda s: with_client(s, lambda c: c.load()),
    "POST save": lambda s: with_client(s, lambda c: c.save(save_request())),
    "GET agents": lambda s: with_client(s, lambda c: c.load_agents()),
    "POST toggle": lambda s: with_client(s, lambda c: c.toggle(toggle_request())),
    "GET verify-token": lambda s: verify_token(s),
    "GET profile": lambda s: fetch_profile(s),
    "GET profile (session)": lambda s: with_client(s, lambda c: fetch_profile(s, client=c)),
    "POST login": lambda s: login(s.base_url, "a@b.test", SecretStr("pw"), read_timeout=5.0),
}
WRITES = {"POST save", "POST toggle"}


def text_of(failure: ApiFailure) -> str:
    return "\n".join(failure.lines(APP_WORDING) + failure.lines(SCRIPT_WORDING))


# --- depth --------------------------------------------------------------------------


def test_the_parser_refuses_depth_past_the_limit_and_keeps_it_up_to() -> None:
    limit = bounded_json.MAX_DEPTH
    assert bounded_json.loads("[" * limit + "]" * limit) is not None
    for deep in (
        "[" * (limit + 1) + "]" * (limit + 1),
        '{"a":' * (limit + 1) + "1" + "}" * (limit + 1),
    ):
        with pytest.raises(bounded_json.TooDeep):
            bounded_json.loads(deep)
    with pytest.raises(bounded_json.TooDeep):
        bounded_json.loads(NESTED)  # json.loads itself raises RecursionError on it
    with pytest.raises(ValueError):
        bounded_json.loads("not json")
    wide = {"phoneNumbers": [{"a": [1, {"b": 2}]} for _ in range(10_000)]}
    assert not bounded_json.too_deep(wide)


@pytest.mark.parametrize("body", [NESTED, b"[" * 900 + b"]" * 900], ids=["200000", "900"])
@pytest.mark.parametrize("call", list(CALLS))
async def test_a_deeply_nested_answer_is_a_failure_on_every_call(
    server: HostileServer, call: str, body: bytes
) -> None:
    server.default = json_answer(body)
    failure = await CALLS[call](settings_for(server))
    assert isinstance(failure, ApiFailure), failure
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert "nested more than 64 levels deep" in failure.summary
    if call in WRITES:
        assert "may have been applied" in failure.hint, "a sent POST's outcome is unknown"


def test_a_reply_or_answer_read_by_hand_is_parsed_within_the_limit_too() -> None:
    assert Reply.of(200, NESTED.decode()).payload is None
    answer = Answer(200, "application/json", NESTED.decode(), None, None)
    assert answer.json() is None


# --- a POST whose answer cannot be read: outcome unknown, never an exception ---------


@pytest.mark.parametrize(
    "canned",
    [
        json_answer(b'{"success": true, "message": 5}'),
        json_answer(b'{"success": true'),
        Canned(headers=(("Content-Type", b"text/html"),), body=b"<html>proxy</html>"),
        json_answer(b""),
        json_answer(b'{"success": true, "junk": "' + b"x" * (2 * 1024 * 1024) + b'"}'),
        Canned(raw=b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\x00\r\n\r\n{}"),
    ],
    ids=["malformed-success", "truncated", "html", "empty", "over-the-cap", "not-http"],
)
@pytest.mark.parametrize("call", sorted(WRITES))
async def test_an_unreadable_answer_to_a_write_says_it_may_have_been_applied(
    server: HostileServer, canned: Canned, call: str
) -> None:
    server.default = canned
    failure = await CALLS[call](settings_for(server, max_answer_mb=1))
    assert isinstance(failure, ApiFailure), failure
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert "may have been applied" in failure.hint


# --- size across content-encodings -----------------------------------------------


def _deflate(data: bytes, wbits: int) -> bytes:
    squeeze = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return squeeze.compress(data) + squeeze.flush()


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        (b"gzip", gzip.compress(CONFIG_BYTES)),
        (b"x-gzip", gzip.compress(CONFIG_BYTES)),
        (b"deflate", _deflate(CONFIG_BYTES, zlib.MAX_WBITS)),
        (b"deflate", _deflate(CONFIG_BYTES, -zlib.MAX_WBITS)),  # raw, as some servers send
        (b"gzip", gzip.compress(CONFIG_BYTES[:20]) + gzip.compress(CONFIG_BYTES[20:])),
        (b"identity", CONFIG_BYTES),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "gzip-two-members", "identity"],
)
async def test_each_encoding_asked_for_is_decoded(
    server: HostileServer, coding: bytes, body: bytes
) -> None:
    server.default = json_answer(body, ("Content-Encoding", coding))
    config = await CALLS["GET config"](settings_for(server))
    assert not isinstance(config, ApiFailure), config
    assert config.ai_voice_provider == "elevenlabs"
    assert server.seen[-1].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("coding", "words"),
    [
        (b"gzip, gzip", "compressed more than once (gzip, gzip)"),
        (b"br", "encoded as 'br'"),
        (b"zstd", "encoded as 'zstd'"),
        (b"gzip\x1b[2J", "encoded as 'gzip\\x1b[2j'"),
    ],
)
async def test_stacked_or_unknown_encodings_are_refused(
    server: HostileServer, coding: bytes, words: str
) -> None:
    server.default = json_answer(
        gzip.compress(gzip.compress(CONFIG_BYTES)), ("Content-Encoding", coding)
    )
    failure = await CALLS["GET config"](settings_for(server))
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert words in failure.summary
    assert "\x1b" not in text_of(failure)


async def test_broken_compression_is_a_bad_response(server: HostileServer) -> None:
    server.default = json_answer(
        b"\x1f\x8b\x08\x00garbage-not-deflate", ("Content-Encoding", b"gzip")
    )
    failure = await CALLS["GET config"](settings_for(server))
    assert isinstance(failure, ApiFailure)
    assert "gzip compression is broken" in failure.summary


async def test_a_gzip_bomb_stops_at_the_cap(server: HostileServer) -> None:
    server.default = json_answer(gzip_bomb(64), ("Content-Encoding", b"gzip"))
    failure = await CALLS["GET config"](settings_for(server, max_answer_mb=2))
    assert isinstance(failure, ApiFailure)
    assert failure.summary.startswith("The server's answer was larger than 2 MB")


BOMB_SCRIPT = textwrap.dedent(
    """
    import asyncio, gzip, resource, sys, zlib
    from pydantic import SecretStr
    from tests.hostile_http import Canned, HostileServer
    from tui.api.client import ConnectionSettings, VoiceConfigClient

    def bomb(megabytes):
        # Zeros, one MB per full-flush block: every block after the first is the same
        # bytes, so a 1 GB bomb is built in milliseconds (its CRC is wrong: never reached).
        zeros = bytes(1 << 20)
        squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
        first = squeeze.compress(zeros) + squeeze.flush(zlib.Z_FULL_FLUSH)
        block = squeeze.compress(zeros) + squeeze.flush(zlib.Z_FULL_FLUSH)
        return first + block * (megabytes - 1) + squeeze.flush()

    stacked = sys.argv[1] == "stacked"
    body = gzip.compress(bomb(1024), 9) if stacked else bomb(1024)
    coding = b"gzip, gzip" if stacked else b"gzip"
    canned = Canned(headers=(("Content-Encoding", coding),), body=body)

    async def load(url):
        client = VoiceConfigClient(ConnectionSettings(url, SecretStr("t"), read_timeout=30))
        try:
            return await client.load()
        finally:
            await client.aclose()

    with HostileServer(canned) as server:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        failure = asyncio.run(load(server.url))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(len(body), before // 1024, peak // 1024, failure.summary)
    """
)


@pytest.mark.parametrize("kind", ["stacked", "single"])
def test_a_gigabyte_bomb_keeps_peak_memory_near_the_cap(kind: str) -> None:
    """1 GB of zeros behind ``gzip, gzip`` (2.5 KB on the wire) took the old reader to
    1 GB of memory (2 GB of zeros: 2.1 GB), and a single gzip layer to the cap plus a
    64 KB chunk's full expansion; now the peak stays near the 32 MB cap."""
    done = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    size, before_mb, peak_mb, summary = done.stdout.split(" ", 3)
    expected = "compressed more than once" if kind == "stacked" else "larger than 32 MB"
    assert expected in summary
    assert int(size) < (5_000 if kind == "stacked" else 1_100_000)
    assert int(peak_mb) - int(before_mb) < 100, f"grew {before_mb} MB -> {peak_mb} MB"
    assert int(peak_mb) < 300


async def test_a_declared_length_past_the_cap_is_refused_unread(server: HostileServer) -> None:
    server.default = json_answer(b"x" * (3 * 1024 * 1024))
    started = time.monotonic()
    failure = await CALLS["GET config"](settings_for(server, max_answer_mb=1))
    assert isinstance(failure, ApiFailure)
    assert "larger than 1 MB" in failure.summary
    assert time.monotonic() - started < 2


# --- the cap: large enough for a large organization, and named when met ----------


def large_org(numbers: int) -> bytes:
    rows = [
        {
            "userId": f"64f0c2a1b2c3d4e5f6a7{i % 10_000:04d}",
            "phoneNumber": f"+1555{i:07d}",
            "aiEnabled": i % 3 == 0,
            "aiAgentId": f"64f0c2a1b2c3d4e5f6a8{i % 50:04d}" if i % 3 == 0 else None,
        }
        for i in range(numbers)
    ]
    return json.dumps({**CONFIG, "phoneNumbers": rows}).encode()


async def test_100000_numbers_load_with_the_default_cap(server: HostileServer) -> None:
    body = large_org(100_000)
    assert len(body) > 8 * 1024 * 1024  # past the old 2 MiB cap, four times over
    server.default = json_answer(body)
    config = await CALLS["GET config"](settings_for(server, read_timeout=30.0))
    assert not isinstance(config, ApiFailure), config
    assert len(config.phone_numbers) == 100_000


async def test_past_the_cap_the_failure_names_the_setting_not_the_url(
    server: HostileServer,
) -> None:
    server.default = json_answer(large_org(20_000))
    failure = await CALLS["GET config"](settings_for(server, max_answer_mb=1))
    assert isinstance(failure, ApiFailure)
    assert failure.summary == (
        "The server's answer was larger than 1 MB, the limit set by --max-answer-mb"
    )
    hint = failure.hint_in(SCRIPT_WORDING)
    assert "--max-answer-mb" in hint and "TETHER_VOICE_MAX_ANSWER_MB" in hint
    assert "max_answer_mb in the profile" in hint
    assert "points at the Tether API" not in hint


def test_the_cap_is_a_setting_from_flag_env_or_profile() -> None:
    env = {"TETHER_VOICE_MAX_ANSWER_MB": "64"}
    config = ConfigFile.model_validate(
        {"profiles": {"big": {"url": "https://t.example", "max_answer_mb": 100}}}
    )
    default = resolve_settings(Flags(url="https://t.example"), environ={}, config=None)
    assert (default.max_answer_mb, default.sources["max_answer_mb"]) == (32, Origin.DEFAULT)
    assert ("max_answer_mb", "32 MB", "built-in default") in default.rows()
    from_env = resolve_settings(Flags(url="https://t.example"), environ=env, config=None)
    assert (from_env.max_answer_mb, from_env.sources["max_answer_mb"]) == (64, Origin.ENV)
    assert from_env.connection(SecretStr("t")).limits.max_bytes == 64 * 1024 * 1024
    from_flag = resolve_settings(
        Flags(url="https://t.example", max_answer_mb=200), environ=env, config=None
    )
    assert (from_flag.max_answer_mb, from_flag.sources["max_answer_mb"]) == (200, Origin.FLAG)
    from_profile = resolve_settings(Flags(profile="big"), environ={}, config=config)
    assert (from_profile.max_answer_mb, from_profile.describe_source("max_answer_mb")) == (
        100,
        "profile 'big'",
    )
    for bad in ("0", "abc", "1e3", "2000", "-5", "9" * 5000):
        with pytest.raises(ConfigError, match="TETHER_VOICE_MAX_ANSWER_MB"):
            resolve_settings(
                Flags(url="https://t.example"),
                environ={"TETHER_VOICE_MAX_ANSWER_MB": bad},
                config=None,
            )


def test_show_settings_lists_the_cap_and_a_bad_flag_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolate(monkeypatch, tmp_path)
    assert main(["--url", "https://t.example", "--max-answer-mb", "48", "--show-settings"]) == 0
    out = capsys.readouterr().out
    assert any(
        line.split() == ["max_answer_mb", "48", "MB", "(--max-answer-mb)"]
        for line in out.splitlines()
    ), out
    with pytest.raises(SystemExit) as refused:
        main(["--max-answer-mb", "0", "--show-settings"])
    assert refused.value.code == 2
    assert "whole number of MB" in capsys.readouterr().err


def test_show_past_the_cap_exits_1_naming_the_setting(
    server: HostileServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    isolate(monkeypatch, tmp_path)
    monkeypatch.setenv("TETHER_VOICE_MAX_ANSWER_MB", "1")
    server.default = json_answer(large_org(20_000))
    result = run_cli(capsys, ["show", "--url", server.url])
    assert result.code == ExitCode.REFUSED
    assert "larger than 1 MB" in result.said
    assert "--max-answer-mb" in result.said
    monkeypatch.delenv("TETHER_VOICE_MAX_ANSWER_MB")
    raised = run_cli(capsys, ["show", "--url", server.url, "--max-answer-mb", "3"])
    assert raised.code == ExitCode.OK, raised.err
    assert "larger than" not in raised.both


# --- a total deadline ---------------------------------------------------------------

DRIP = Canned(headers=(("Content-Type", b"application/json"),), body=b" " * 60 + b"{}", drip=0.25)
"""A byte every 0.25 s: no read ever waits long, the whole answer takes 15 s."""


@pytest.mark.parametrize("call", ["GET config", "POST save", "GET profile"])
async def test_a_dripping_answer_ends_at_the_deadline(server: HostileServer, call: str) -> None:
    server.default = DRIP
    started = time.monotonic()
    failure = await CALLS[call](settings_for(server, read_timeout=1.5))
    took = time.monotonic() - started
    assert isinstance(failure, ApiFailure), failure
    assert failure.kind is FailureKind.TIMEOUT
    assert failure.summary == f"The answer from {server.url[7:]} did not complete in 1.5 s"
    assert 1.4 < took < 3.0, took
    if call == "POST save":
        assert "may or may not have been applied" in failure.hint


async def test_no_answer_at_all_says_so_at_the_deadline(server: HostileServer) -> None:
    # The status line and a header, a byte at a time: the headers never complete.
    server.default = Canned(raw=b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100, drip=0.2)
    started = time.monotonic()
    failure = await CALLS["GET config"](settings_for(server, read_timeout=1.0))
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.TIMEOUT
    assert failure.summary == f"No answer from {server.url[7:]} in time (1 s)"
    assert time.monotonic() - started < 2.5


async def test_an_issuer_dripping_its_answer_ends_at_its_deadline(server: HostileServer) -> None:
    server.default = DRIP
    started = time.monotonic()
    async with IssuerClient(
        server.url, "The test URL", headers={}, connect_timeout=1, read_timeout=1.0
    ) as client:
        outcome = await client.ask("GET", "/v1/convai/agents")
    assert isinstance(outcome, Unreached), outcome
    assert outcome.kind == "timeout"
    assert time.monotonic() - started < 2.5


async def test_an_issuer_answer_nested_or_too_large_is_a_bad_response(
    server: HostileServer,
) -> None:
    for canned in (json_answer(NESTED), json_answer(b'"' + b"x" * (3 * 1024 * 1024) + b'"')):
        server.default = canned
        async with IssuerClient(
            server.url, "The test URL", headers={}, connect_timeout=1, read_timeout=5
        ) as client:
            outcome = await client.ask("GET", "/v1/convai/agents")
        assert isinstance(outcome, Unreached), outcome
        assert outcome.kind == "bad response"


def test_show_against_a_drip_exits_3_with_the_reason(
    server: HostileServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    isolate(monkeypatch, tmp_path)
    server.default = DRIP
    started = time.monotonic()
    result = run_cli(capsys, ["show", "--url", server.url, "--timeout", "1.5"])
    assert result.code == ExitCode.NETWORK
    assert "did not complete in 1.5 s" in result.said
    assert time.monotonic() - started < 4


async def test_a_cancelled_request_raises_cancelled_not_a_failure(server: HostileServer) -> None:
    server.default = DRIP
    http = open_client(
        server.url, connect_timeout=1, limits=AnswerLimits(deadline=10), ca_bundle=None
    )
    async with http:
        task = asyncio.ensure_future(exchange(http, "GET", "/x", Operation.LOAD))
        await asyncio.sleep(0.5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    client = VoiceConfigClient(settings_for(server, read_timeout=10))
    try:
        loading = asyncio.ensure_future(client.load())
        await asyncio.sleep(0.5)
        started = time.monotonic()
        loading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loading
        assert time.monotonic() - started < 1
    finally:
        await client.aclose()


# --- Retry-After: a number or a date, never a format string ----------------------


@pytest.mark.parametrize(
    "header",
    [
        "{reload:x>100000000}",
        "{reload:>99999999999999}",
        "{reload.__class__.__mro__}",
        "{0}",
        "{",
        "1e3",
        "\u0661\u0662\u0660",  # Arabic-Indic digits: str.isdigit() would say yes
        "86401",
        "x" * 10_000,
    ],
)
async def test_a_hostile_retry_after_is_ignored(server: HostileServer, header: str) -> None:
    server.default = json_answer(
        b'{"success": false, "error": "slow down"}', ("Retry-After", header.encode()), status=429
    )
    for operation in ("GET config", "POST login"):
        failure = await CALLS[operation](settings_for(server))
        assert isinstance(failure, ApiFailure)
        for wording in (APP_WORDING, SCRIPT_WORDING):
            hint = failure.hint_in(wording)
            assert "wait a moment" in hint
            assert len(hint) < 300
            assert "class" not in hint and "{" not in hint


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    now = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds(" 5 ", now) == 5
    assert retry_after_seconds("86400", now) == 86_400
    assert retry_after_seconds("86401", now) is None
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90
    assert retry_after_seconds(format_datetime(now - timedelta(days=3), usegmt=True), now) == 0
    assert retry_after_seconds(format_datetime(now + timedelta(days=2), usegmt=True), now) is None
    assert retry_after_seconds("Someday, 99 Foo 2026", now) is None
    assert "wait 120 s" in status_hint(429, Operation.LOAD, "120")
    assert "wait a moment" in status_hint(429, Operation.LOAD, "0")


def test_a_next_step_fills_only_its_placeholders_literally() -> None:
    failure = ApiFailure(
        FailureKind.HTTP_STATUS,
        Operation.LOAD,
        "HTTP 429",
        "Wait {reload:x>100000000} {reload.__class__} {nope}, then {reload}.{kept}",
    )
    assert failure.hint == (
        "Wait {reload:x>100000000} {reload.__class__} {nope}, then reload (ctrl+r). "
        "Your edits are kept."
    )


# --- a login answer's token; header values never shown ----------------------------


@pytest.mark.parametrize(
    "token",
    [
        "t\u00f6k-\u2019quoted",
        "abc\r\nX-Evil: 1",
        "two words",
        "tab\tbed",
        "x" * 20_000,
        "\x1b]52;c;Y3VybA==\x07",
    ],
    ids=["non-ascii", "crlf", "space", "tab", "too-long", "osc52"],
)
async def test_a_login_answers_unusable_token_is_refused_without_quoting_it(
    server: HostileServer, token: str
) -> None:
    user = {"id": "u1", "email": "a@b.test", "accessRole": "SUPERADMIN"}
    server.default = json_answer(json.dumps({"token": token, "user": user}).encode())
    for settings in (settings_for(server),):
        failure = await CALLS["POST login"](settings)
        assert isinstance(failure, ApiFailure), "an unusable token must not be signed in with"
        assert failure.kind is FailureKind.BAD_RESPONSE
        assert "the login answer's token" in failure.summary
        shown = text_of(failure)
        assert token[:12] not in shown and "Bearer" not in shown
        session = await with_client(
            settings, lambda c: login(server.url, "a@b.test", SecretStr("pw"), client=c)
        )
        assert isinstance(session, ApiFailure)


async def test_a_usable_login_token_signs_in(server: HostileServer) -> None:
    user = {"id": "u1", "email": "a@b.test", "accessRole": "SUPERADMIN"}
    server.default = json_answer(json.dumps({"token": "eyJ.a-b_c.d", "user": user}).encode())
    signed = await CALLS["POST login"](settings_for(server))
    assert isinstance(signed, SignedIn)


@pytest.mark.parametrize("token", ["abc\r\nX-Evil: 1", "t\u00f6k", "abc\x00def"])
async def test_a_token_http_cannot_carry_is_not_sent_nor_shown(
    server: HostileServer, token: str
) -> None:
    settings = ConnectionSettings(server.url, SecretStr(token), read_timeout=5.0)
    for call in ("GET config", "POST save"):
        failure = await CALLS[call](settings)
        assert isinstance(failure, ApiFailure), failure
        assert failure.kind is FailureKind.NOT_SENT
        shown = text_of(failure)
        assert token[:3] not in shown and "Bearer" not in shown and "Illegal" not in shown
    assert server.seen == [], "nothing went on the wire"


# --- an answer that is not HTTP is not a dropped connection ------------------------


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (
            b"HTTP/1.1 302 Found\r\nLocation: https://x.example/\x1b]0;pwned\x07\r\n\r\n",
            "invalid URL in location header",
        ),
        (b"HELLO \x1b[2J\r\n\r\n", "illegal status line"),
        (b"HTTP/1.1 200 OK\r\nBad Header\x1b[31m\r\n\r\n", "illegal header line"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\x1b[2J\r\n",
            "illegal chunk header",
        ),
    ],
    ids=["location-esc", "status-line", "header-line", "chunk"],
)
@pytest.mark.parametrize("call", ["GET config", "POST save"])
async def test_a_malformed_answer_is_a_bad_response_without_its_bytes(
    server: HostileServer, raw: bytes, reason: str, call: str
) -> None:
    server.default = Canned(raw=raw)
    failure = await CALLS[call](settings_for(server))
    assert isinstance(failure, ApiFailure), failure
    assert failure.kind is FailureKind.BAD_RESPONSE
    assert failure.summary.endswith(f"the answer was not valid HTTP ({reason})")
    shown = text_of(failure)
    assert "\x1b" not in shown and "pwned" not in shown and "x.example" not in shown
    if call == "POST save":
        assert "may have been applied" in failure.hint


@pytest.mark.parametrize(
    "raw",
    [b"", b"HTTP/1.1 200 OK\r\nContent-Le", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"],
    ids=["hang-up", "mid-headers", "mid-body"],
)
async def test_a_server_that_hangs_up_is_still_a_dropped_connection(
    server: HostileServer, raw: bytes
) -> None:
    server.default = Canned(raw=raw)
    failure = await CALLS["GET config"](settings_for(server))
    assert isinstance(failure, ApiFailure)
    assert failure.kind is FailureKind.NETWORK
    assert "dropped before the answer" in failure.summary


def test_show_against_a_location_with_esc_exits_1_not_3(
    server: HostileServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    isolate(monkeypatch, tmp_path)
    server.default = Canned(
        raw=b"HTTP/1.1 302 Found\r\nLocation: /\x1b[2Jx\r\nContent-Length: 0\r\n\r\n"
    )
    result = run_cli(capsys, ["show", "--url", server.url, "--timeout", "5"])
    assert result.code == ExitCode.REFUSED
    assert "not valid HTTP" in result.said
    assert "\x1b" not in result.both


async def test_a_charset_that_is_no_text_encoding_is_read_as_utf8(server: HostileServer) -> None:
    server.default = Canned(
        headers=(("Content-Type", b"application/json; charset=rot13"),), body=CONFIG_BYTES
    )
    config = await CALLS["GET config"](settings_for(server))
    assert not isinstance(config, ApiFailure), config
    assert config.ai_voice_provider == "elevenlabs"


# --- a server's words, quoted in a failure, stay short ----------------------------------


def test_a_servers_words_in_a_failure_are_bounded() -> None:
    """A megabyte of message, code or details would push the next step off the panel."""
    payload = {
        "error": {
            "code": "C" * 10_000,
            "message": "m" * 1_000_000,
            "details": [{"field": "f", "message": "d" * 5_000}] * 1_000,
        },
        "code": "E" * 10_000,
    }
    failure = from_error_status(400, Operation.SAVE, payload, "", "application/json")
    assert failure.error is not None and len(failure.error) == SAID_LIMIT
    assert failure.error.endswith("…")
    assert failure.error_code is not None and len(failure.error_code) == CODE_LIMIT
    assert failure.code is not None and len(failure.code) == CODE_LIMIT
    assert len(failure.details) == DETAILS_LIMIT + 1
    assert failure.details[-1] == f"… and {1_000 - DETAILS_LIMIT} more"
    assert sum(len(line) for line in failure.lines()) < 5_000
    plain = from_error_status(500, Operation.LOAD, {"error": "x" * 50_000}, "", "application/json")
    assert plain.error is not None and len(plain.error) == SAID_LIMIT
    moved = redirect_failure(Operation.LOAD, 302, "https://elsewhere/" + "p" * 50_000)
    assert len(moved.summary) < SAID_LIMIT + 50
