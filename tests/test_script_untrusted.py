"""Scripts print a hostile server's words as text: no escape sequence reaches the terminal.

Tether, ElevenLabs and Sinch are stood in for by one scripted loopback server whose every
string is hostile: an OSC 52 clipboard write, a screen clear, a cursor move, a one-byte
CSI (U+009B), a bidi override, a zero-width space, a line separator, a lone CR, a
newline that would forge a line, Rich markup and a format field. ``show``, ``set``,
``check``, ``numbers`` and ``numbers set`` are run against it, in text and ``--json``;
every byte they write is searched for a character :data:`tui.printable.UNSAFE` matches
(our own line breaks aside), the escaped form must be there to read, and ``--json``
must parse back to exactly what the server said.

Before the one sink (``tui.script.render.emit``/``emit_json``), each of these printed
the server's ESC, U+009B and U+202E raw (``--json`` too, for the last two).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.script_support import Result, isolate, run_cli
from tui.printable import UNSAFE, printable, safe_json
from tui.script.exit_codes import ExitCode
from tui.script.render import emit, emit_json
from tui.script.width import line_width

CLIPBOARD = "\x1b]52;c;Y3VybCB4fHNo\x07"
"""OSC 52: puts ``curl x|sh`` (base64) into the terminal's clipboard."""
CLEAR = "\x1b[2J"
MOVE = "\x1b[6;66H"
C1_CSI = "\x9b31m"
BIDI = "\u202e"
ZERO_WIDTH = "\u200b"
LINE_SEPARATOR = "\u2028"
LONE_CR = "\r"
MARKUP = "[b]x[/b]"
FORMAT_FIELD = "{reload:>99999}"
FORGED = "\nFORGED: Saved OK"
"""A newline and the start of a line this program never writes."""

HOSTILE = (
    f"A{CLIPBOARD}B{CLEAR}C{MOVE}D{C1_CSI}E{BIDI}F{ZERO_WIDTH}G{LINE_SEPARATOR}H"
    f"{LONE_CR}I{MARKUP}J{FORMAT_FIELD}K{FORGED}"
)
"""Every hostile piece in one string (a long one: lines wrap at the width, 80 here)."""

SHORT = {
    "clipboard": CLIPBOARD,
    "screen": CLEAR + MOVE,
    "c1": C1_CSI + BIDI + "x",
    "rest": ZERO_WIDTH + LINE_SEPARATOR + LONE_CR + MARKUP + FORMAT_FIELD,
}
"""Short hostile values, each whole within one line, so its escaped form can be read."""

CONFIG_PATH = "/api/calls/voice-ai/config"
PROMPTS_PATH = "/api/prompts/user"
TOGGLE_PATH = "/api/calls/voice-ai/phone-number/toggle"

NUMBER_ON = "+14165550101"
NUMBER_REFUSED = "+14165550102"


def hostile_config() -> dict[str, Any]:
    return {
        "aiVoiceProvider": SHORT["rest"],
        "elevenlabsApiKeyConfigured": True,
        "elevenlabsToolSecretConfigured": True,
        "sinchEstConfigured": True,
        "sinchEstProjectId": SHORT["screen"],
        "sinchEstTrunkId": SHORT["clipboard"],
        "sinchEstTrunkDomain": SHORT["c1"],
        "phoneNumbers": [
            {
                "userId": "user-1",
                "phoneNumber": NUMBER_ON,
                "aiEnabled": False,
                "aiAgentId": "agent-1",
            },
            {
                "userId": "user-2",
                "phoneNumber": NUMBER_REFUSED,
                "aiEnabled": False,
                "aiAgentId": None,
            },
            {
                "userId": SHORT["c1"],
                "phoneNumber": SHORT["clipboard"],
                "aiEnabled": True,
                "aiAgentId": SHORT["screen"],
            },
        ],
        HOSTILE: HOSTILE,
    }


HOSTILE_AGENTS = [
    {"_id": "agent-1", "name": SHORT["clipboard"], "description": HOSTILE},
    {"_id": "agent-2", "name": SHORT["c1"]},
]


def refusal(status: int = 400) -> tuple[int, dict[str, str], Any]:
    """A structured error whose every string is hostile."""
    return (
        status,
        {},
        {
            "success": False,
            "error": {"code": SHORT["c1"], "message": HOSTILE, "details": [HOSTILE, SHORT]},
            "code": SHORT["clipboard"],
        },
    )


Answer = tuple[int, dict[str, str], Any]
"""(status, extra headers, JSON body or raw bytes)."""


@dataclass
class Scripted:
    """A loopback server answering each (method, path) as told; any path when told "*"."""

    answers: dict[tuple[str, str], Answer | Callable[[bytes], Answer]] = field(default_factory=dict)
    received: list[tuple[str, str, bytes]] = field(default_factory=list)
    url: str = ""

    def answer(self, method: str, path: str, body: bytes) -> Answer:
        self.received.append((method, path, body))
        found = self.answers.get((method, path)) or self.answers.get((method, "*"))
        if found is None:
            return 404, {}, {"success": False, "error": "no such route here"}
        return found(body) if callable(found) else found


@pytest.fixture
def scripted() -> Iterator[Callable[[], Scripted]]:
    """``scripted()``: a new scripted server, stopped after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start() -> Scripted:
        script = Scripted()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = script.answer(self.command, self.path, body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    # Latin-1 on the wire, as http.server writes headers: a value holding
                    # non-ASCII arrives as its UTF-8 bytes, which is what a server sends.
                    self.send_header(name, value.encode().decode("latin-1"))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        script.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        return script

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def tether(scripted: Callable[[], Scripted]) -> Scripted:
    """Tether, every string hostile; a save and a toggle answered as each test says."""
    server = scripted()
    server.answers[("GET", CONFIG_PATH)] = (200, {}, hostile_config())
    server.answers[("GET", PROMPTS_PATH)] = (200, {}, HOSTILE_AGENTS)
    return server


# --- what is checked in every output ------------------------------------------------------


def unsafe_in(text: str) -> list[str]:
    """Every character UNSAFE matches, but the newline that ends our own lines."""
    return [match.group() for match in UNSAFE.finditer(text) if match.group() != "\n"]


def assert_clean(result: Result) -> None:
    """No control, format, separator character reaches stdout or stderr; no line is one
    the server forged; nothing was padded to a server's width."""
    for name, text in (("stdout", result.out), ("stderr", result.err)):
        assert unsafe_in(text) == [], f"{name}: {text!r}"
        assert not any(line.startswith("FORGED") for line in text.splitlines()), name
        assert " " * 200 not in text, f"{name}: a format field was applied"


def unwrapped(text: str) -> str:
    """``text`` with each line break and the indent after it taken out: a word longer
    than a line is broken (the width is a promise), and this puts it together again."""
    return re.sub(r"\n *", "", text)


def squeezed(text: str) -> str:
    """``text`` without any whitespace: for a phrase that may wrap at one of its spaces
    as well as inside a long word."""
    return "".join(text.split())


def assert_escaped(text: str, *pieces: str) -> None:
    """Each piece shows as its escaped form, e.g. ``\\x1b]52;c;…\\x07``."""
    for piece in pieces:
        assert printable(piece) in unwrapped(text), f"{printable(piece)!r} not in {text!r}"


def cli(capsys: pytest.CaptureFixture[str], server: Scripted, *argv: str) -> Result:
    command, *rest = argv
    return run_cli(capsys, [*command.split(), "--url", server.url, "--timeout", "5", *rest])


# --- show ---------------------------------------------------------------------------------


def test_show_text_escapes_every_server_string(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(capsys, tether, "show")
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    assert_escaped(result.out, *SHORT.values())
    assert r"\x1b]52;c;Y3VybCB4fHNo\x07" in result.out, "the escape shows as text"
    assert MARKUP in result.out and FORMAT_FIELD in result.out, "shown literally"


@pytest.mark.parametrize("command", ["show", "numbers"])
def test_at_40_columns_every_server_string_is_still_escaped_and_whole(
    tether: Scripted,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """A narrow terminal wraps the hostile values (run_cli checks every line is at most
    40): escaped, never cut, and no wrap splits an escape into raw characters."""
    monkeypatch.setenv("COLUMNS", "40")
    result = cli(capsys, tether, command)
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    shown = SHORT.values() if command == "show" else (CLIPBOARD, SHORT["screen"], SHORT["c1"])
    assert_escaped(result.out, *shown)
    assert "…" not in result.out, "nothing cut"


def test_show_json_parses_back_to_what_the_server_said(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(capsys, tether, "show", "--json")
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    shown = json.loads(result.out)
    config = hostile_config()
    for key in ("aiVoiceProvider", "sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain"):
        assert shown[key] == config[key]
    assert shown["phoneNumbers"] == config["phoneNumbers"]
    assert shown["unknownFields"] == {HOSTILE: HOSTILE}
    assert "\\u001b]52;c;Y3VybCB4fHNo\\u0007" in result.out
    assert "\\u009b31m\\u202e" in result.out, "C1 and bidi as \\u escapes, not raw"


def test_a_load_failure_escapes_message_code_and_details(
    scripted: Callable[[], Scripted], capsys: pytest.CaptureFixture[str]
) -> None:
    server = scripted()
    server.answers[("GET", CONFIG_PATH)] = refusal(500)
    result = cli(capsys, server, "show")
    assert result.code == ExitCode.REFUSED
    assert_clean(result)
    assert_escaped(result.err, CLIPBOARD, SHORT["c1"])
    assert r"\x1b]52;c;Y3VybCB4fHNo\x07" in unwrapped(result.err)

    result = cli(capsys, server, "show", "--json")
    assert_clean(result)
    error = json.loads(result.err)["error"]
    assert error["serverError"] == HOSTILE
    assert error["errorCode"] == SHORT["c1"]
    assert CLIPBOARD in error["details"][0]


def test_a_redirect_location_is_shown_escaped(
    scripted: Callable[[], Scripted], capsys: pytest.CaptureFixture[str]
) -> None:
    """U+009B and U+202E travel as UTF-8 bytes in a header (ESC itself is refused by the
    HTTP parser before it gets this far)."""
    server = scripted()
    location = f"https://elsewhere.example/{C1_CSI}{BIDI}{ZERO_WIDTH}{MARKUP}{FORMAT_FIELD}"
    server.answers[("GET", CONFIG_PATH)] = (302, {"Location": location}, {})
    for extra in ((), ("--json",)):
        result = cli(capsys, server, "show", *extra)
        assert result.code == ExitCode.REFUSED, result.err
        assert_clean(result)
        if extra:
            assert location in json.dumps(json.loads(result.err), ensure_ascii=False)
        else:
            assert_escaped(result.err, location)


# --- set ----------------------------------------------------------------------------------


def test_set_escapes_the_servers_success_message(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    tether.answers[("POST", CONFIG_PATH)] = (200, {}, {"success": True, "message": HOSTILE})
    result = cli(capsys, tether, "set", "sinchEstProjectId=project-2", "--yes", "--no-check")
    assert result.code == ExitCode.OK, result.err
    assert [m for m, p, _ in tether.received if m == "POST"] == ["POST"]
    assert_clean(result)
    assert r"Saved — server said: A\x1b]52;c;Y3VybCB4fHNo\x07B" in unwrapped(result.out)
    assert_escaped(result.out, SHORT["screen"])  # the review's "before"

    result = cli(
        capsys, tether, "set", "sinchEstProjectId=project-2", "--yes", "--no-check", "--json"
    )
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    report = json.loads(result.out)
    assert report["serverMessage"] == HOSTILE
    assert report["changes"][0]["field"] == "sinchEstProjectId"


def test_set_escapes_a_refusal(tether: Scripted, capsys: pytest.CaptureFixture[str]) -> None:
    tether.answers[("POST", CONFIG_PATH)] = refusal()
    result = cli(capsys, tether, "set", "sinchEstProjectId=project-2", "--yes", "--no-check")
    assert result.code == ExitCode.REFUSED, result.err
    assert_clean(result)
    assert_escaped(result.err, CLIPBOARD, SHORT["c1"])

    result = cli(
        capsys, tether, "set", "sinchEstProjectId=project-2", "--yes", "--no-check", "--json"
    )
    assert result.code == ExitCode.REFUSED
    assert_clean(result)
    error = json.loads(result.err)["error"]
    assert (error["serverError"], error["errorCode"]) == (HOSTILE, SHORT["c1"])


def test_set_dry_run_body_and_review_are_escaped(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    """The value given is the user's, the value replaced the server's: both escaped."""
    result = cli(capsys, tether, "set", f"sinchEstTrunkId=new{C1_CSI}", "--dry-run", "--no-check")
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    assert_escaped(result.out, CLIPBOARD)
    assert '"sinchEstTrunkId": "new\\u009b31m"' in result.out


# --- check --------------------------------------------------------------------------------


def test_check_escapes_an_issuers_reason(
    scripted: Callable[[], Scripted],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ElevenLabs' reason and Sinch's trunk domain, quoted in the check lines."""
    elevenlabs, sinch = scripted(), scripted()
    elevenlabs.answers[("GET", "*")] = (
        401,
        {},
        {"detail": {"status": "strange_reason", "message": HOSTILE}},
    )
    sinch.answers[("POST", "/oauth2/token")] = (200, {}, {"access_token": "token-1"})
    sinch.answers[("GET", "*")] = (200, {}, {"domain": SHORT["c1"]})
    monkeypatch.setenv("TV_TEST_EL_KEY", "sk_hostile_test_key")
    monkeypatch.setenv("TV_TEST_KEY_ID", "key-id-1")
    monkeypatch.setenv("TV_TEST_KEY_SECRET", "key-secret-1")
    argv = [
        "check",
        "--elevenlabs-url",
        elevenlabs.url,
        "--sinch-auth-url",
        sinch.url,
        "--sinch-est-url",
        sinch.url,
        "elevenlabsApiKey=@env:TV_TEST_EL_KEY",
        "sinchEstKeyId=@env:TV_TEST_KEY_ID",
        "sinchEstKeySecret=@env:TV_TEST_KEY_SECRET",
        "sinchEstProjectId=project-1",
        "sinchEstTrunkId=trunk-1",
        "sinchEstTrunkDomain=ours.example.com",
    ]
    result = run_cli(capsys, argv)
    assert result.code in (ExitCode.CHECK_PROBLEM, ExitCode.NOT_ALL_CHECKED), result.both
    assert_clean(result)
    assert r"\x1b]52;c;Y3VybCB4fHNo\x07" in unwrapped(result.both), "ElevenLabs' reason"
    assert r"\x9b31m\u202ex" in result.out, "Sinch's domain, escaped"

    result = run_cli(capsys, [*argv, "--json"])
    assert_clean(result)
    report = json.loads(result.out)
    summaries = " ".join(str(check) for check in report["checks"])
    assert "Y3VybCB4fHNo" in summaries
    fixes = [check["fix"] for check in report["checks"] if check["fix"]]
    assert fixes and fixes[0]["sinchEstTrunkDomain"] == SHORT["c1"]


# --- numbers ------------------------------------------------------------------------------


def test_numbers_listing_escapes_numbers_agents_and_names(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    result = cli(capsys, tether, "numbers")
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    assert_escaped(result.out, CLIPBOARD, SHORT["screen"], SHORT["c1"])

    result = cli(capsys, tether, "numbers", "--json")
    assert result.code == ExitCode.OK, result.err
    assert_clean(result)
    listing = json.loads(result.out)
    assert [a["name"] for a in listing["agents"]] == [SHORT["clipboard"], SHORT["c1"]]
    assert listing["agents"][0]["description"] == HOSTILE
    assert listing["phoneNumbers"][2]["phoneNumber"] == SHORT["clipboard"]


def _toggle(body: bytes) -> Answer:
    """Applied with a hostile message for one number, refused with hostile words for
    the other."""
    sent = json.loads(body)
    if sent["phoneNumber"] == NUMBER_ON:
        return 200, {}, {"success": True, "message": HOSTILE}
    return (
        400,
        {},
        {"success": False, "error": HOSTILE, "code": SHORT["clipboard"]},
    )


def test_numbers_set_escapes_results_and_agent_names(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    tether.answers[("POST", TOGGLE_PATH)] = _toggle
    args = ["numbers set", f"{NUMBER_ON}=on:agent-1", f"{NUMBER_REFUSED}=on:agent-2", "--yes"]
    result = cli(capsys, tether, *args)
    assert result.code == ExitCode.REFUSED, result.both
    assert len([m for m, p, _ in tether.received if p == TOGGLE_PATH]) == 2
    assert_clean(result)
    assert_escaped(result.out, CLIPBOARD, SHORT["c1"])  # the agents' names
    said = r"applied (server said: A\x1b]52;c;Y3VybCB4fHNo\x07B"
    assert squeezed(said) in squeezed(result.out), "wrapped at a space, or in the escape"

    result = cli(capsys, tether, *args, "--json")
    assert result.code == ExitCode.REFUSED
    assert_clean(result)
    toggles = json.loads(result.out)["toggles"]
    assert toggles[0]["serverMessage"] == HOSTILE
    assert toggles[0]["after"]["agentName"] == SHORT["clipboard"]
    assert toggles[1]["error"]["serverError"] == HOSTILE


def test_numbers_set_dry_run_escapes_the_review(
    tether: Scripted, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["numbers set", f"{NUMBER_ON}=on:agent-1", "--dry-run"]
    for extra in ((), ("--json",)):
        result = cli(capsys, tether, *args, *extra)
        assert result.code == ExitCode.OK, result.both
        assert_clean(result)
        if not extra:
            assert_escaped(result.out, CLIPBOARD)
    assert result.err == ""  # --json: the review is the object's, never text on stderr
    assert json.loads(result.out)["toggles"][0]["after"]["agentName"] == SHORT["clipboard"]


# --- the sinks themselves -----------------------------------------------------------------


def written_by(call: Callable[[], None]) -> tuple[str, str]:
    """(stdout, stderr) of ``call``, caught without a fixture (hypothesis runs a test
    many times in one fixture's life)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        call()
    return out.getvalue(), err.getvalue()


ANY_TEXT = st.text(st.characters(exclude_categories=()))
"""Any text, lone surrogates included (which a JSON ``\\ud800`` escape produces)."""


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(ANY_TEXT, max_size=4), err=st.booleans())
def test_emit_writes_no_unsafe_character(lines: list[str], err: bool) -> None:
    out, error = written_by(lambda: emit(*lines, err=err))
    written, other = (error, out) if err else (out, error)
    assert other == ""
    assert unsafe_in(written) == []
    written.encode("utf-8")  # no lone surrogate left to crash a UTF-8 terminal
    width = line_width(err)
    assert all(len(line) <= width for line in written.splitlines())
    # Our line breaks only: as many lines as given, or more where a long one wrapped.
    assert written.count("\n") >= max(len(lines), 1)
    if all(len(printable(line)) <= width for line in lines):
        assert written == "\n".join(printable(line) for line in lines) + "\n"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_emit_json_round_trips_and_writes_no_unsafe_character(value: Any) -> None:
    written, _ = written_by(lambda: emit_json(value))
    assert unsafe_in(written) == []
    assert json.loads(written) == value
    assert written == safe_json(value, indent=2) + "\n"


def test_emit_is_unchanged_for_ordinary_lines_and_idempotent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A value a caller already escaped is not escaped twice; accents stay letters."""
    emit("Saved — server said: Konfiguration gespeichert (café)", printable(HOSTILE))
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Saved — server said: Konfiguration gespeichert (café)"
    emit(HOSTILE)
    assert capsys.readouterr().out == out.split("\n", 1)[1]


def test_the_interrupted_line_names_an_activity_escaped() -> None:
    """The line a signal prints ("interrupted while loading from URL") names a URL from
    the configuration: escaped when the activity is named, not in the signal handler."""
    from tui import shutdown

    with shutdown.doing(f"loading the numbers from https://x.example/{CLIPBOARD}{BIDI}"):
        assert shutdown.current_activity() == (
            r"loading the numbers from https://x.example/\x1b]52;c;Y3VybCB4fHNo\x07\u202e"
        )
    assert shutdown.current_activity() is None


def test_no_script_module_writes_but_through_the_sink() -> None:
    """One sink, so none is forgotten: in ``tui/script`` no ``print``, no write to
    ``sys.stdout``/``sys.stderr`` and no ``json.dumps`` outside ``render._write``."""
    import ast

    import tui.script

    found = []
    for path in sorted(Path(tui.script.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sink = {
            id(node)
            for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name == "_write"
            for node in ast.walk(function)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or id(node) in sink:
                continue
            called = ast.unparse(node.func)
            if called == "print" or called.endswith(("stdout.write", "stderr.write", ".dumps")):
                found.append(f"{path.name}:{node.lineno}: {called}")
    assert found == []
