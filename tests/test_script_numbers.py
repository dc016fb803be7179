"""``tether-voice numbers`` and ``numbers set``: the table without the screen, same rules."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.script_support import Cli, Result, TerminalInput, isolate, run_cli
from tui.demo.faults import Fault
from tui.demo.loopback import JsonHandler
from tui.demo.numbers_routes import PROMPTS_PATH, TOGGLE_PATH, toggle_number
from tui.demo.server import ADMIN_TOKEN, DemoServer
from tui.script.exit_codes import ExitCode

SALES, SUPPORT, RECEPTION, AFTER, BILLING, RECEPTION_COPY = (
    f"64f0a1b2c3d4e5f6a7b8cc0{n}" for n in range(1, 7)
)
USER = {n: f"64f0a1b2c3d4e5f6a7b8c9d{n}" for n in range(1, 5)}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)


@pytest.fixture
def cli(
    demo_server: DemoServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """``cli(*args, stdin=...)``: run ``numbers ...`` against the demo server."""

    def run(*args: str, stdin: str | io.StringIO | None = None) -> Result:
        given = io.StringIO(stdin) if isinstance(stdin, str) else stdin
        argv = ["numbers", *args, "--url", demo_server.url, "--timeout", "5"]
        return run_cli(capsys, argv, stdin=given, monkeypatch=monkeypatch)

    return run


def toggles(server: DemoServer) -> list[dict[str, object]]:
    return server.state.numbers.received_toggles


def listed(server: DemoServer) -> dict[str, tuple[bool, str | None]]:
    numbers = server.state.public_config()["phoneNumbers"]
    return {n["phoneNumber"]: (n["aiEnabled"], n["aiAgentId"]) for n in numbers}


# --- numbers ------------------------------------------------------------------------------


def test_the_list_shows_agent_names_then_the_agents(cli: Cli, demo_server: DemoServer) -> None:
    result = cli()
    assert result.code == ExitCode.OK, result.err
    lines = result.out.splitlines()
    assert lines[:6] == [
        f"Phone numbers at {demo_server.url}: 12 (10 AI on, 2 off)",
        "  NUMBER        AI   AGENT         USER",
        f"  +14165550101  on   Sales Line    {USER[1]}",
        f"  +14165550102  off  —             {USER[2]}",
        f"  +14165550103  on   Reception     {USER[3]}",
        f"  +14165550104  off  After Hours   {USER[4]}",
    ]
    assert "  +14165550105  on   Support Desk  64f0a1b2c3d4e5f6a7b8c9d5" in lines
    assert "Agents (numbers set takes a name or an ID):" in lines
    assert f"  {RECEPTION_COPY}  Reception (hidden)" in lines
    assert result.err == ""


def test_the_list_as_json(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("--json")
    assert result.code == ExitCode.OK
    shown = json.loads(result.out)
    assert list(shown) == ["url", "phoneNumbers", "agents", "agentsError"]
    assert shown["phoneNumbers"][0] == {
        "userId": USER[1],
        "phoneNumber": "+14165550101",
        "aiEnabled": True,
        "aiAgentId": SALES,
        "agentName": "Sales Line",
    }
    assert shown["phoneNumbers"][1]["agentName"] is None
    assert shown["agents"][4] == {
        "id": BILLING,
        "name": "Billing (draft)",
        "description": "Not published yet: never synced to ElevenLabs",
        "hidden": False,
    }
    assert shown["agentsError"] is None


def without_agents(server: DemoServer) -> None:
    """The prompts route answers 404, as on an instance without it (the config GET works)."""

    def not_found(request: JsonHandler, _body: bytes) -> None:
        request.send_json(404, {"success": False, "error": "Not found"})

    server.routes.exact[PROMPTS_PATH] = {"GET": not_found}


def test_without_the_agent_list_ids_are_shown_and_it_says_why(
    cli: Cli, demo_server: DemoServer
) -> None:
    without_agents(demo_server)
    result = cli("--json")
    assert result.code == ExitCode.OK
    shown = json.loads(result.out)
    assert shown["agents"] is None
    assert shown["agentsError"] == "HTTP 404 Not Found"
    assert shown["phoneNumbers"][0]["agentName"] is None
    assert result.err == ""  # --json: stderr carries only an error object, and this is none
    text = cli()
    assert "agent names unavailable" in text.err
    assert f"  +14165550101  on   {SALES}  {USER[1]}" in text.out.splitlines()


def test_without_the_agent_list_an_agent_id_still_works(cli: Cli, demo_server: DemoServer) -> None:
    without_agents(demo_server)
    by_name = cli("set", "+14165550104=on:Support Desk", "--yes")
    assert by_name.code == ExitCode.REFUSED
    assert "the agent list could not be read (HTTP 404 Not Found)" in by_name.said
    assert toggles(demo_server) == []
    by_id = cli("set", f"+14165550104=on:{SUPPORT}", "--yes")
    assert by_id.code == ExitCode.OK, by_id.err
    assert toggles(demo_server)[0]["aiAgentId"] == SUPPORT


def test_a_failed_load_is_explained(cli: Cli, demo_server: DemoServer) -> None:
    demo_server.inject(Fault.UNAVAILABLE_HTML, method="GET", times=2)
    result = cli()
    assert result.code == ExitCode.REFUSED
    assert "Load failed: HTTP 503" in result.err
    assert result.out == ""


# --- numbers set: what is sent --------------------------------------------------------------


def test_on_with_an_agent_name_off_and_a_switch(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550104=on:support desk", "+14165550101=off", "--yes")
    assert result.code == ExitCode.OK, result.err
    assert toggles(demo_server) == [
        {"userId": USER[1], "phoneNumber": "+14165550101", "aiEnabled": False},
        {
            "userId": USER[4],
            "phoneNumber": "+14165550104",
            "aiEnabled": True,
            "aiAgentId": SUPPORT,
        },
    ]
    assert result.out.splitlines() == [  # at 80 columns (no terminal)
        f"Will send 2 toggles to {demo_server.url}, one by one (each touches",
        "  ElevenLabs and Sinch):",
        f"  +14165550101   user {USER[1]}  on, agent Sales Line → off",
        f"  +14165550104   user {USER[4]}  off → on, agent Support Desk",
        "✓ +14165550101  on → off: applied (server said: Toggle applied)",
        "✓ +14165550104  off → on, agent Support Desk: applied (server said: Toggle",
        "                applied)",
        "Re-read from the server: 2 of 2 applied toggles confirmed.",
    ]
    assert listed(demo_server)["+14165550104"] == (True, SUPPORT)


def test_three_numbers_the_middle_one_refused(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550101=off", f"+14165550102=on:{SALES}", "+14165550104=on", "--yes")
    assert result.code == ExitCode.REFUSED
    assert [t["phoneNumber"] for t in toggles(demo_server)] == [
        "+14165550101",
        "+14165550102",
        "+14165550104",
    ]
    out = " ".join(result.out.split())
    assert (
        "✗ +14165550102 off → on, agent Sales Line: NUMBER_NOT_ON_TRUNK: this number is not on "
        "the Sinch trunk trunk-demo-001: add it there first." in out
    )
    assert "✓ +14165550104 off → on, agent After Hours: applied" in out
    assert "2 of 2 applied toggles confirmed" in out


def test_json_gives_each_numbers_outcome(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550103=off", f"+14165550104=on:{BILLING}", "--yes", "--json")
    assert result.code == ExitCode.REFUSED
    shown = json.loads(result.out)
    assert shown["exitCode"] == 1
    first, second = shown["toggles"]
    assert (first["phoneNumber"], first["outcome"]) == ("+14165550103", "refused")
    assert first["error"]["code"] == "OUTBOUND_IN_FLIGHT"
    assert first["error"]["explanation"].endswith("a call is in progress: try again when it ends")
    assert second["error"]["code"] == "AGENT_NOT_SYNCED"
    assert second["after"] == {
        "aiEnabled": True,
        "aiAgentId": BILLING,
        "agentName": "Billing (draft)",
    }
    # --json: stdout is the object, stderr only ever an error object (none here): the
    # review and the progress lines are the object's, "Stopped:"-style words its notices.
    assert result.err == ""
    assert shown["notices"] == []


def test_numbers_are_matched_by_digits_and_sent_as_listed(
    cli: Cli, demo_server: DemoServer
) -> None:
    result = cli("set", "+1 (416) 555-0101=off", "--yes")
    assert result.code == ExitCode.OK
    assert toggles(demo_server)[0]["phoneNumber"] == "+14165550101"


def test_on_without_an_agent_keeps_the_numbers_agent(cli: Cli, demo_server: DemoServer) -> None:
    assert cli("set", "+14165550104=on", "--yes").code == ExitCode.OK
    assert toggles(demo_server)[0]["aiAgentId"] == AFTER


def test_already_as_asked_is_not_sent(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550101=on:Sales Line", "+14165550102=off", "--yes")
    assert result.code == ExitCode.NOTHING_TO_CHANGE
    assert "unchanged, not sent: +14165550101 (already on, agent Sales Line)" in result.err
    assert toggles(demo_server) == []


def test_dry_run_prints_the_bodies_and_sends_nothing(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550101=off", "--dry-run")
    assert result.code == ExitCode.OK
    assert json.loads(result.out.split("sent:\n", 1)[1].rsplit("Dry run", 1)[0]) == [
        {"userId": USER[1], "phoneNumber": "+14165550101", "aiEnabled": False}
    ]
    assert "Dry run: nothing was sent." in result.out
    assert toggles(demo_server) == []


def test_a_terminal_is_asked_and_no_means_nothing_sent(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550101=off", stdin=TerminalInput("n\n"))
    assert result.code == ExitCode.NOTHING_TO_CHANGE
    assert "Send 1 toggle to" in result.err
    assert toggles(demo_server) == []
    yes = cli("set", "+14165550101=off", stdin=TerminalInput("y\n"))
    assert yes.code == ExitCode.OK
    assert len(toggles(demo_server)) == 1


# --- numbers set: usage errors (exit 2, nothing sent) ----------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["+14165550101"], "expected NUMBER=on:AGENT"),
        (["+14165550101=maybe"], "must be on, on:AGENT or off"),
        (["+14165550101=off:Sales"], "an agent only goes with on"),
        (["+14165550101=on:"], "no agent after 'on:'"),
        (["+14165550101=off", "+1 416 555 0101=on"], "is given twice"),
        (["+14165550101=off"], "standard input is not a terminal"),  # no --yes, no tty
    ],
)
def test_malformed_arguments_make_no_request(
    cli: Cli, demo_server: DemoServer, args: list[str], words: str
) -> None:
    result = cli("set", *args)
    assert result.code == ExitCode.USAGE
    assert words in result.said
    assert demo_server.state.request_log == []


@pytest.mark.parametrize(
    ("arg", "words"),
    [
        ("+14165550199=off", "is not one of the organization's phone numbers"),
        ("+14165550101=on:Nobody", "no agent named 'Nobody'"),
        ("+14165550101=on:recep", "fits 2 agents"),
        ("+14165550102=on", "has no agent to keep"),
        (f"{USER[2]}/+14165550101=off", f"no number +14165550101 is listed for user {USER[2]}"),
    ],
)
def test_unknown_numbers_and_agents_are_usage_errors(
    cli: Cli, demo_server: DemoServer, arg: str, words: str
) -> None:
    result = cli("set", "+14165550104=on", arg, "--yes")
    assert result.code == ExitCode.USAGE
    assert words in result.said
    assert "Nothing was sent" in result.said
    assert toggles(demo_server) == []


# --- numbers set: agents sharing a name (the demo's Reception and its hidden copy) ----------


def planned_agent(cli: Cli, agent: str) -> str:
    """The agent ``+14165550104=on:AGENT`` would link (a dry run), failing the test if the
    script does not take ``agent``."""
    result = cli("set", f"+14165550104=on:{agent}", "--dry-run", "--json")
    assert result.code == ExitCode.OK, (agent, result.err)
    return str(json.loads(result.out)["toggles"][0]["after"]["aiAgentId"])


def offered(words: str) -> list[tuple[str, str]]:
    """What a message offers to give instead: ``'text' or ID`` pairs, and each ID alone."""
    pairs = re.findall(r"'([^']*)' or ([0-9a-f]{24})", words)
    return pairs + [(agent_id, agent_id) for agent_id in re.findall(r"[0-9a-f]{24}", words)]


def test_the_bare_shared_name_picks_the_visible_agent_and_says_so(
    cli: Cli, demo_server: DemoServer
) -> None:
    result = cli("set", "+14165550104=on:Reception", "--dry-run")
    assert result.code == ExitCode.OK, result.err
    assert "off → on, agent Reception" in result.out
    assert f'"aiAgentId": "{RECEPTION}"' in result.out
    assert (
        f"'+14165550104=on:Reception': 'Reception' picked the visible agent Reception "
        f"({RECEPTION}); a hidden agent has the same name (a copy, most likely): to pick it "
        f"instead, give 'Reception (hidden)' or {RECEPTION_COPY}" in result.said
    )
    as_json = cli("set", "+14165550104=on:Reception", "--dry-run", "--json")
    assert "picked the visible agent" in json.loads(as_json.out)["notices"][0]


def test_every_agent_advice_printed_works_when_followed(cli: Cli, demo_server: DemoServer) -> None:
    """Each name and ID `numbers` lists, each text an ambiguity or a notice offers, and
    each agent an unknown name's refusal lists: given as printed, the script takes it and
    links the agent it was printed for. ("Reception" was refused as ambiguous with the
    advice "give the whole name", and "Reception (hidden)", as listed, as unknown.)"""
    listing = cli().out.splitlines()
    agents = listing[listing.index("Agents (numbers set takes a name or an ID):") + 1 :]
    assert f"  {RECEPTION_COPY}  Reception (hidden)" in agents
    for line in agents:
        agent_id, name = line.strip().split("  ", 1)
        assert planned_agent(cli, name) == agent_id, line
        assert planned_agent(cli, agent_id) == agent_id, line

    ambiguous = cli("set", "+14165550104=on:recep", "--yes")
    assert ambiguous.code == ExitCode.USAGE
    choices = offered(ambiguous.said)
    assert ("Reception", RECEPTION) in choices and ("Reception (hidden)", RECEPTION_COPY) in choices
    notice = cli("set", "+14165550104=on:reception", "--dry-run")
    choices += offered(notice.said)
    assert ("Reception (hidden)", RECEPTION_COPY) in offered(notice.said)
    for text, agent_id in choices:
        assert planned_agent(cli, text) == agent_id, text

    unknown = cli("set", "+14165550104=on:Nobody", "--yes")
    listed = unknown.said.split("(agents: ", 1)[1].split("). Nothing was sent.", 1)[0]
    assert listed.split(", ") == [
        "After Hours",
        "Billing (draft)",
        "Reception",
        "Sales Line",
        "Support Desk",
        "Reception (hidden)",
    ]
    for name in listed.split(", "):
        planned_agent(cli, name)
    assert toggles(demo_server) == []


# --- numbers set: stops ---------------------------------------------------------------------


def test_a_401_midway_stops_and_says_what_was_not_sent(cli: Cli, demo_server: DemoServer) -> None:
    demo_server.inject(Fault.DELAY, method="POST", delay_seconds=0)  # the first goes through
    demo_server.inject(Fault.UNAUTHORIZED, method="POST")
    result = cli("set", "+14165550101=off", "+14165550103=off", "+14165550104=on", "--yes")
    assert result.code == ExitCode.REFUSED
    out = result.out
    assert "✓ +14165550101" in out
    assert "✗ +14165550103  on → off: HTTP 401 Unauthorized." in out
    assert "- +14165550104  off → on, agent After Hours: not sent" in out
    assert "Stopped: HTTP 401 Unauthorized" in result.err
    assert "1 toggle not sent" in result.said
    assert "1 of 1 applied toggle confirmed" in out
    assert len(toggles(demo_server)) == 1  # the 401 came before the route


def test_no_answer_is_exit_3_and_the_reread_tells(cli: Cli, demo_server: DemoServer) -> None:
    demo_server.inject(Fault.DROP_CONNECTION, method="POST")
    result = cli("set", "+14165550101=off", "+14165550104=on", "--yes")
    assert result.code == ExitCode.NETWORK
    assert "? +14165550101" in result.out
    assert "- +14165550104" in result.out
    assert toggles(demo_server) == []
    assert (  # the "?" line promised the re-read would tell: it does
        "✗ +14165550101 on → off: not applied (no answer, and the re-read shows it as it "
        "was: on, agent Sales Line); send it again" in " ".join(result.out.split())
    )


def behind_the_gateway(server: DemoServer, *, then: Callable[[], None] = lambda: None) -> None:
    """The next toggle is applied, but a gateway answers 502 for it (as when it gave up
    waiting on Tether); ``then`` runs before that answer goes out."""
    route = server.routes.exact[TOGGLE_PATH]
    applied = route["POST"]

    def gateway(request: JsonHandler, body: bytes) -> None:
        route["POST"] = applied  # once
        state = server.state
        state.edit_phone_numbers(
            lambda rows: toggle_number(state.numbers, rows, json.loads(body), None)
        )
        then()
        request.send_json(502, {"error": "Bad Gateway"})

    route["POST"] = gateway


def unwrapped(text: str) -> list[str]:
    """The lines of ``text`` with each wrapped line joined again (a line that starts with
    a space continues the one before) and runs of spaces made one."""
    return [" ".join(line.split()) for line in text.replace("\n ", " ").splitlines()]


def test_a_502_that_was_not_applied_is_said_after_the_reread(
    cli: Cli, demo_server: DemoServer
) -> None:
    """The brief's case: the "?" line said "the re-read will tell", and nothing did."""
    demo_server.inject(Fault.BAD_GATEWAY_HTML, method="POST")
    result = cli("set", "+14165550104=on", "+14165550101=off", "--yes")
    assert result.code == ExitCode.NETWORK
    lines = unwrapped(result.out)
    assert lines[-3].startswith("? +14165550101 on → off: no answer (HTTP 502 Bad Gateway")
    assert lines[-3].endswith("the re-read will tell")
    assert lines[-2] == "- +14165550104 off → on, agent After Hours: not sent"
    assert lines[-1] == (
        "✗ +14165550101 on → off: not applied (no answer, and the re-read shows it as it "
        "was: on, agent Sales Line); send it again"
    )
    assert "1 toggle not sent" in result.said
    assert listed(demo_server)["+14165550101"] == (True, SALES)

    demo_server.inject(Fault.BAD_GATEWAY_HTML, method="POST")
    shown = json.loads(cli("set", "+14165550104=on", "+14165550101=off", "--yes", "--json").out)
    assert shown["exitCode"] == ExitCode.NETWORK
    first, second = shown["toggles"]
    assert (first["outcome"], first["confirmed"], first["noAnswer"]) == (
        "unanswered",
        False,
        "not applied",
    )
    assert first["reread"] == {"aiEnabled": True, "aiAgentId": SALES, "agentName": "Sales Line"}
    assert first["error"]["status"] == 502
    assert (second["outcome"], second["noAnswer"], second["reread"]) == ("not sent", None, None)


def test_a_502_that_was_applied_behind_it_is_applied_after_all(
    cli: Cli, demo_server: DemoServer
) -> None:
    behind_the_gateway(demo_server)
    result = cli("set", "+14165550101=off", "--yes")
    assert result.code == ExitCode.OK, result.both  # every toggle asked for is applied
    out = " ".join(result.out.split())
    assert "? +14165550101 on → off: no answer (HTTP 502" in out
    assert (
        "✓ +14165550101 on → off: applied after all (no answer, but the re-read shows it) "
        "Re-read from the server: 1 of 1 applied toggle confirmed." in out
    )
    assert listed(demo_server)["+14165550101"] == (False, SALES)

    behind_the_gateway(demo_server)
    shown = json.loads(cli("set", "+14165550101=on", "--yes", "--json").out)
    assert shown["exitCode"] == ExitCode.OK
    (toggle,) = shown["toggles"]
    assert (toggle["outcome"], toggle["confirmed"], toggle["noAnswer"]) == (
        "applied",
        True,
        "applied",
    )
    assert toggle["reread"] == {"aiEnabled": True, "aiAgentId": SALES, "agentName": "Sales Line"}


def test_no_answer_for_a_number_the_reread_no_longer_lists_is_unknown(
    cli: Cli, demo_server: DemoServer
) -> None:
    def unlisted() -> None:
        demo_server.state.edit_phone_numbers(
            lambda rows: rows.__setitem__(
                slice(None), [r for r in rows if r["phoneNumber"] != "+14165550101"]
            )
        )

    behind_the_gateway(demo_server, then=unlisted)
    shown = json.loads(cli("set", "+14165550101=off", "--yes", "--json").out)
    assert shown["exitCode"] == ExitCode.NETWORK
    (toggle,) = shown["toggles"]
    assert (toggle["outcome"], toggle["noAnswer"]) == ("unanswered", "unknown")  # not "not sent"


def test_no_answer_and_a_failed_reread_is_said_to_be_unknown(
    cli: Cli, demo_server: DemoServer
) -> None:
    def reread_fails() -> None:
        demo_server.inject(Fault.UNAVAILABLE_HTML, method="GET", times=5)

    behind_the_gateway(demo_server, then=reread_fails)
    result = cli("set", "+14165550101=off", "--yes")
    assert result.code == ExitCode.NETWORK
    assert (
        "? +14165550101 on → off: applied or not is still unknown (the re-read failed); "
        "check with `tether-voice numbers`" in " ".join(result.out.split())
    )
    assert "re-reading the configuration to confirm the toggles failed" in result.said

    demo_server.clear_faults()
    behind_the_gateway(demo_server, then=reread_fails)
    shown = json.loads(cli("set", "+14165550101=on", "--yes", "--json").out)
    assert shown["exitCode"] == ExitCode.NETWORK
    (toggle,) = shown["toggles"]
    assert (toggle["outcome"], toggle["confirmed"], toggle["noAnswer"], toggle["reread"]) == (
        "unanswered",
        None,
        "unknown",
        None,
    )
    assert any("re-reading the configuration" in notice for notice in shown["notices"])


def test_a_non_superadmin_is_refused_by_the_server(
    cli: Cli, demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_TOKEN", ADMIN_TOKEN)
    result = cli("set", "+14165550101=off", "--yes")
    assert result.code == ExitCode.REFUSED
    assert "Server said: Superadmin access required" in result.err


# --- numbers set: one number listed for two users ---------------------------------------------


def listed_twice(server: DemoServer) -> str:
    """+14165550101 listed under a second user too (nothing in the contract forbids it)."""
    other = "64f0a1b2c3d4e5f6a7b8c9e0"
    row = {"userId": other, "phoneNumber": "+14165550101", "aiEnabled": False, "aiAgentId": None}
    server.state.edit_phone_numbers(lambda rows: rows.append(row))
    return other


def test_one_listing_named_twice_is_a_usage_error(cli: Cli, demo_server: DemoServer) -> None:
    result = cli("set", "+14165550101=off", f"{USER[1]}/+1 416 555 0101=on", "--yes")
    assert result.code == ExitCode.USAGE
    assert "+14165550101 is given twice" in result.said
    assert toggles(demo_server) == []


def test_a_number_listed_for_two_users_needs_the_user(cli: Cli, demo_server: DemoServer) -> None:
    other = listed_twice(demo_server)
    result = cli("set", "+14165550101=off", "--yes")
    assert result.code == ExitCode.USAGE
    assert f"is listed for 2 users ({USER[1]}, {other}); say which: {USER[1]}/" in result.said
    assert toggles(demo_server) == []


def test_user_slash_number_toggles_that_users_listing(cli: Cli, demo_server: DemoServer) -> None:
    other = listed_twice(demo_server)
    result = cli("set", f"{other}/+1 416 555 0101=on:support desk", "--yes")
    assert result.code == ExitCode.OK, result.said
    assert toggles(demo_server) == [
        {"userId": other, "phoneNumber": "+14165550101", "aiEnabled": True, "aiAgentId": SUPPORT}
    ]
    numbers = demo_server.state.public_config()["phoneNumbers"]
    mine = [n for n in numbers if n["phoneNumber"] == "+14165550101" and n["userId"] == USER[1]]
    assert (mine[0]["aiEnabled"], mine[0]["aiAgentId"]) == (True, SALES)  # the other listing


def test_json_errors_have_the_one_documented_shape(cli: Cli, demo_server: DemoServer) -> None:
    """A usage error with --json: one object on stderr with every documented key, and
    nothing else on stderr (issue 18, item 22)."""
    from tui.script.render import ERROR_KEYS

    result = cli("set", "+14165550199=off", "--yes", "--json")
    assert result.code == ExitCode.USAGE
    assert result.out == ""
    error = json.loads(result.err)["error"]
    assert tuple(error) == ERROR_KEYS
    assert error["kind"] == "usage" and error["exitCode"] == 2
    assert error["details"] == [] and error["summary"] == error["lines"][0]
    assert "(above)" not in result.err
