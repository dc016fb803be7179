"""End to end against the hostile demo stack (issue 16): every string Tether, ElevenLabs
and Sinch answer is an attack, and nothing of it may act.

Three ways in, each through the same screens:

- the real app in a pseudo-terminal at 80x24, every byte it writes collected: no
  sequence the servers sent (OSC 52, a window title, a cursor move, C1, bidi) may be
  among them, and it exits cleanly without a traceback;
- the scripts (``show``, ``show --json``, ``check``, ``numbers``, ``numbers set``,
  ``set``): no unsafe character on stdout or stderr but newlines, exit codes as an
  ordinary server would give, ``--json`` that reads back to the server's exact strings;
- the app in-process (Textual's pilot): no crash, and typed edits survive a hostile
  refusal, a hostile redirect and a hostile ``Retry-After``.

The first section checks the hostile servers themselves: the contract's shapes hold
(so the client reaches every screen) and the attacks are where they say.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual.pilot import Pilot

from tests.hostile_strings import NEEDLES, leaks, markers, unsafe_chars
from tests.processes import LIMIT, Terminal, clean_env, strip_ansi, tether_voice
from tests.screen_text import screen_text
from tests.test_editor_flows import editor, widget_values
from tui.api.client import ConnectionSettings
from tui.api.models import SignedInUser, VoiceAiConfig
from tui.api.number_models import Prompt
from tui.app import VoiceConfigApp
from tui.demo import elevenlabs as el
from tui.demo import sinch
from tui.demo.faults import Fault
from tui.demo.hostile import OSC52_PAYLOAD, PHONE_PLAIN, REFUSED_FIELD, Hostility
from tui.demo.numbers_routes import PROMPTS_PATH, TOGGLE_PATH
from tui.demo.numbers_steps import choose_agent
from tui.demo.scenarios import paste_into, press_and_settle, settle, type_into
from tui.demo.server import CONFIG_PATH, SUPERADMIN_TOKEN
from tui.demo.stack import DemoStack
from tui.screens.confirm import ConfirmScreen
from tui.screens.review import ReviewScreen

H = Hostility()
BEARER = {"Authorization": f"Bearer {SUPERADMIN_TOKEN}"}
TYPED_DOMAIN = "X[/x]{0}[b]typed[/b].example"
"""What the user types into the trunk domain: markup and a format field of their own."""
TYPED_TRUNK = "X[/x]{reload}"


@pytest.fixture
def hostile_stack() -> Iterator[DemoStack]:
    with DemoStack(hostile=True) as stack:
        yield stack


def strings(value: Any) -> Iterator[str]:
    """Every string in a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def attacks(text: str) -> bool:
    """Whether ``text`` carries each kind of attack the hostile mode promises."""
    return all(
        part in text
        for part in (
            "[@click=app.quit]",
            "[/x]",
            "\x1b]52;c;" + OSC52_PAYLOAD,
            "\x1b]0;PWNED",
            "\x1b[6;66HSPOOFED",
            "\x9b31m",
            "\u202e",
            "\u2028",
            "\r",
            "\n",
            "{reload.__class__.__mro__}",
            "{0:>99999999}",
        )
    )


# --- the hostile servers ---------------------------------------------------------------------


def test_the_hostile_tether_keeps_the_contracts_shapes_and_attacks_in_every_string(
    hostile_stack: DemoStack,
) -> None:
    with httpx.Client(base_url=hostile_stack.tether.url, headers=BEARER) as api:
        config = api.get(CONFIG_PATH).json()
        profile = api.get("/api/user/profile").json()
        prompts = api.get(PROMPTS_PATH).json()
    loaded = VoiceAiConfig.model_validate(config)  # the client's own models take it all
    user = SignedInUser.model_validate(profile["user"])
    agents = [Prompt.model_validate(prompt) for prompt in prompts]
    assert loaded.success is True and loaded.sinch_est_configured is True
    for value in (
        loaded.ai_voice_provider,
        loaded.sinch_est_project_id,
        loaded.sinch_est_trunk_id,
        loaded.sinch_est_trunk_domain,
        user.full_name,
        user.email,
        user.access_role,
        user.id,
        *(agent.name for agent in agents),
        *(agent.description for agent in agents),
        *(number.user_id for number in loaded.phone_numbers),
    ):
        assert value is not None and attacks(value), value
    extras = list(loaded.unknown_fields)
    assert sum(attacks(name) for name in extras) == 2, "two unknown fields, hostile names"
    assert {n.phone_number for n in loaded.phone_numbers} >= set(PHONE_PLAIN)
    assert sum(attacks(n.phone_number or "") for n in loaded.phone_numbers) == 2
    assert {"provider", "trunkId", "extra-name", "agent-2-id"} <= markers(json.dumps(config))


def test_the_hostile_tether_refuses_and_answers_with_hostile_errors_and_headers(
    hostile_stack: DemoStack,
) -> None:
    tether = hostile_stack.tether
    with httpx.Client(base_url=tether.url, headers=BEARER) as api:
        refused = api.post(CONFIG_PATH, json={REFUSED_FIELD: "t-1"})
        saved = api.post(CONFIG_PATH, json={"sinchEstProjectId": "p-1"})
        rows = {n["phoneNumber"]: n for n in api.get(CONFIG_PATH).json()["phoneNumbers"]}

        def toggle(number: str, on: bool, agent: str | None = None) -> httpx.Response:
            body = {"userId": rows[number]["userId"], "phoneNumber": number, "aiEnabled": on}
            if agent:
                body["aiAgentId"] = agent
            return api.post(TOGGLE_PATH, json=body)

        phone_3, phone_4 = H.text("phone-3"), H.text("phone-4")
        applied = toggle(PHONE_PLAIN[0], False)
        limited = toggle(PHONE_PLAIN[1], True)
        in_flight = toggle(phone_3, False)
        not_on_trunk = toggle(phone_4, True, "64f0a1b2c3d4e5f6a7b8cc01")
        tether.inject(Fault.RATE_LIMITED, method="GET")
        rate_limited = api.get(CONFIG_PATH)
        tether.inject(Fault.BAD_GATEWAY_HTML, method="GET")
        html = api.get(CONFIG_PATH)
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert all(attacks(error[name]) for name in ("code", "message"))
    assert all(attacks(detail["field"]) for detail in error["details"])
    assert saved.status_code == 200 and attacks(saved.json()["message"])
    assert tether.state.public_config()["sinchEstProjectId"] == "p-1"
    assert applied.status_code == 200 and attacks(applied.json()["message"])
    assert limited.status_code == 429 and attacks(limited.json()["error"])
    assert "{reload.__class__.__mro__}" in limited.headers["retry-after"]
    assert in_flight.status_code == 409 and attacks(in_flight.json()["code"])
    assert not_on_trunk.status_code == 400
    assert not_on_trunk.json()["code"] == "NUMBER_NOT_ON_TRUNK", "a code the app knows"
    assert attacks(not_on_trunk.json()["error"])
    assert rate_limited.status_code == 429
    assert "\x1b]0;PWNED PWN-retry-after" in rate_limited.headers["retry-after"]
    assert html.status_code == 502 and "PWN-html-title" in html.text
    # A redirect, read with a client that does not look at the Location itself.
    tether.redirect_next(method="GET")
    connection = http.client.HTTPConnection("127.0.0.1", tether.port, timeout=5)
    try:
        connection.request("GET", CONFIG_PATH, headers=BEARER)
        answer = connection.getresponse()
        location = answer.getheader("Location") or ""
        answer.read()
    finally:
        connection.close()
    assert answer.status == 307
    assert "\x1b]52;c;" in location and "PWN-location" in location
    assert "\r" not in location and "\n" not in location, "one header line"


def test_the_hostile_issuers_answer_with_hostile_strings(hostile_stack: DemoStack) -> None:
    stack = hostile_stack
    unknown = httpx.get(stack.elevenlabs.url + "/v1/convai/agents", headers={"xi-api-key": "x"})
    busy = httpx.get(
        stack.elevenlabs.url + "/v1/convai/agents", headers={"xi-api-key": el.BUSY_KEY}
    )
    token = httpx.post(
        stack.sinch_auth.url + "/oauth2/token",
        auth=(sinch.GOOD_KEY_ID, sinch.GOOD_KEY_SECRET),
        data={"grant_type": "client_credentials"},
    )
    refused = httpx.post(
        stack.sinch_auth.url + "/oauth2/token",
        auth=(sinch.GOOD_KEY_ID, "wrong"),
        data={"grant_type": "client_credentials"},
    )
    trunks = f"{stack.sinch_est.url}/v1/projects/{sinch.DEMO_PROJECT_ID}/trunks/"
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    trunk = httpx.get(trunks + sinch.MATCHING_TRUNK_ID, headers=bearer)
    missing = httpx.get(trunks + "nope", headers=bearer)
    assert unknown.status_code == 401
    assert unknown.json()["detail"]["status"] == "invalid_api_key"
    assert attacks(unknown.json()["detail"]["message"])
    assert busy.status_code == 429 and "PWN-retry-after" in busy.headers["retry-after"]
    assert token.status_code == 200 and token.json()["access_token"].isprintable()
    assert attacks(refused.json()["error_description"])
    assert trunk.status_code == 200 and trunk.json()["id"] == sinch.MATCHING_TRUNK_ID
    assert all(attacks(trunk.json()[name]) for name in ("domain", "name", "hostName"))
    assert missing.status_code == 404 and attacks(missing.json()["message"])


def test_kinds_pick_what_a_hostile_string_carries() -> None:
    escapes = Hostility.of("escapes").text("x")
    assert "\x1b]52" in escapes and "[b]" not in escapes and "{reload}" not in escapes
    assert "\ud83d" not in H.text("x"), "half a surrogate only when asked"
    assert "\ud83d" in Hostility.of("surrogate").text("x")
    with pytest.raises(ValueError):
        Hostility.of("nope")


def test_the_ordinary_demo_is_not_hostile(demo_stack: DemoStack) -> None:
    with httpx.Client(base_url=demo_stack.tether.url, headers=BEARER) as api:
        answers = [api.get(path).json() for path in (CONFIG_PATH, "/api/user/profile")]
    assert not any("PWN-" in text for text in strings(answers))
    assert all(text.isprintable() for text in strings(answers))


def serve_in_background(code: str) -> tuple[subprocess.Popen[str], str]:
    """Start ``code`` (a demo-server entry point) and read its banner."""
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    banner = ""
    while "Ctrl+C to stop." not in banner:
        line = process.stdout.readline()
        if not line:
            process.kill()
            raise AssertionError(f"no banner: {banner}{process.communicate()[1]}")
        banner += line
    return process, banner


@pytest.mark.parametrize(
    "entry",
    [
        "from tui.demo.stack import serve_stack_cli as s; s('127.0.0.1', 0, [], 3.0, False, 0, True)",
        "from tui.demo.server import serve_forever_cli as s; s('127.0.0.1', 0, [], 3.0, False, 0, True)",
    ],
    ids=["stack", "tether-only"],
)
def test_the_demo_servers_command_line_serves_the_hostile_organization(entry: str) -> None:
    process, banner = serve_in_background(entry)
    try:
        url = re.search(r"Tether demo server on (\S+)", banner)
        assert url is not None, banner
        answer = httpx.get(url.group(1) + CONFIG_PATH, headers=BEARER, timeout=5)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
    assert attacks(answer.json()["sinchEstTrunkId"])
    assert "HOSTILE mode" in banner
    assert all(text.isprintable() for text in banner.splitlines()), "the banner is ours"


def test_hostile_with_empty_or_numbers_is_refused() -> None:
    from tui.demo.stack import serve_stack_cli

    with pytest.raises(SystemExit, match="--hostile serves its own organization"):
        serve_stack_cli("127.0.0.1", 0, [], 3.0, True, 0, hostile=True)


# --- the app in a terminal ----------------------------------------------------------------

CTRL_N, CTRL_Q, CTRL_S, TAB, ENTER, ESCAPE = b"\x0e", b"\x11", b"\x13", b"\t", b"\r", b"\x1b"
DOWN = b"\x1b[B"


def issuer_env(stack: DemoStack, env: dict[str, str]) -> dict[str, str]:
    """The superadmin's token and the stand-ins as the issuers, as the demo's banner says."""
    env.update(
        TETHER_TOKEN=SUPERADMIN_TOKEN,
        TETHER_VOICE_ELEVENLABS_URL=stack.elevenlabs.url,
        TETHER_VOICE_SINCH_AUTH_URL=stack.sinch_auth.url,
        TETHER_VOICE_SINCH_EST_URL=stack.sinch_est.url,
    )
    return env


class Drive:
    """Keys into the terminal, each followed by a wait for the screen to go quiet; a
    step that does not happen is noted and the drive goes on, so the raw bytes of
    everything reached are still checked."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.missed: list[str] = []

    def quiet(self, quiet: float = 0.8, cap: float = 10.0) -> None:
        terminal = self.terminal
        start = last = time.monotonic()
        size = len(terminal.raw)
        while time.monotonic() - start < cap and time.monotonic() - last < quiet:
            if not terminal.read(0.05) and terminal.proc.poll() is not None:
                return
            if len(terminal.raw) != size:
                size, last = len(terminal.raw), time.monotonic()

    def keys(self, *keys: bytes, quiet: float = 0.8) -> None:
        for key in keys:
            if self.terminal.proc.poll() is not None or self.terminal.master is None:
                self.missed.append(f"key {key!r}: the app had already exited")
                return
            os.write(self.terminal.master, key)
            self.quiet(quiet)

    def since(self, mark: int) -> str:
        """The text a person would read in what was written after ``mark`` bytes."""
        return strip_ansi(bytes(self.terminal.raw[mark:]).decode("utf-8", "replace"))

    def until(self, words: str, what: str, mark: int = 0, limit: float = LIMIT) -> bool:
        """Read until ``words`` is on screen (written after ``mark``); False, noted, if not."""
        deadline = time.monotonic() + limit
        while words not in self.since(mark):
            if time.monotonic() > deadline or not self.terminal.read(0.1):
                if words in self.since(mark):
                    break
                self.missed.append(f"{what}: {words!r} not seen")
                return False
        return True


def drive_every_screen(drive: Drive) -> None:
    """Load, type (markup of the user's own too), review with the checks, send anyway
    (refused: the trunk), the numbers (three toggles sent one by one), quit."""
    if not drive.until("Loaded the configuration", "the load", limit=30):
        return
    drive.quiet()
    # From the provider: the API key, (the tool secret), the Sinch pair, (the project ID:
    # the stored, hostile one, which Sinch refuses with a hostile message), the trunk ID
    # (Tab selects the field's text, typing replaces it).
    drive.keys(TAB, el.UNKNOWN_KEY.encode())
    drive.keys(TAB * 2, sinch.GOOD_KEY_ID.encode(), TAB, sinch.GOOD_KEY_SECRET.encode())
    drive.keys(TAB * 2, TYPED_TRUNK.encode())
    mark = len(drive.terminal.raw)
    drive.keys(CTRL_S)
    if drive.until("Review", "the review", mark):
        drive.quiet(quiet=1.5)  # the checks' answers
        mark = len(drive.terminal.raw)
        drive.keys(ENTER, quiet=1.5)
        if "anyway" in drive.since(mark):
            drive.keys(b"y", quiet=1.5)
    drive.keys(CTRL_N, quiet=1.5)
    drive.keys(b" ", DOWN, b" ", DOWN)  # 101 off, phone-3 off
    drive.keys(ENTER, quiet=1.5)  # phone-4: the agent list
    drive.keys(b"agent-1", ENTER)  # narrowed by (hostile) name, picked
    drive.keys(DOWN, b" ")  # 102 on
    drive.keys(CTRL_S, quiet=1.5)
    drive.keys(ENTER, quiet=2.0)  # send one by one
    drive.keys(ENTER, ESCAPE, quiet=1.0)  # close the results, then the numbers
    mark = len(drive.terminal.raw)
    drive.keys(CTRL_Q, quiet=1.0)
    if drive.terminal.proc.poll() is None and "?" in drive.since(mark):
        drive.keys(b"y")  # discard the pending edits


@pytest.mark.parametrize(
    "hostility",
    [Hostility(), Hostility.of("escapes")],
    ids=["every-attack", "escapes-only"],
)
def test_nothing_the_servers_send_reaches_the_terminal(
    hostility: Hostility, tmp_path: Path
) -> None:
    """Escapes alone too: a crash on markup must not hide what the escapes would do."""
    with DemoStack(hostile=hostility) as stack:
        env = issuer_env(stack, clean_env(tmp_path))
        terminal = Terminal(tether_voice("--url", stack.tether.url), env, size=(80, 24))
        drive = Drive(terminal)
        try:
            drive_every_screen(drive)
            code = terminal.finish()
        finally:
            terminal.close()
        posted = stack.tether.state.received_posts
        toggled = [r for r in stack.tether.requests if r.path == TOGGLE_PATH]
        issuers = {
            "ElevenLabs": stack.elevenlabs.requests,
            "Sinch EST": stack.sinch_est.requests,
        }
    raw = bytes(terminal.raw)
    problems = [f"leaked {leak}" for leak in leaks(raw)]
    if "Traceback" in terminal.text:
        problems.append("a traceback: " + terminal.text[terminal.text.find("Traceback") :][-1500:])
    if code != 0:
        problems.append(f"exit status {code}")
    problems += drive.missed
    if not any(post.get(REFUSED_FIELD) == TYPED_TRUNK for post in posted):
        problems.append(f"the typed trunk ID was not sent (posts: {len(posted)})")
    if not toggled:
        problems.append("no toggle was sent")
    problems += [f"{name} was never asked" for name, asked in issuers.items() if not asked]
    shown = markers(terminal.text)
    if not {"trunkId", "provider"} <= shown:
        problems.append(f"the hostile configuration was never on screen (markers: {shown})")
    assert not problems, "\n".join(problems)


# --- the scripts ----------------------------------------------------------------------------


def run_script(stack: DemoStack, env: dict[str, str], *args: str) -> tuple[int, str, str, bytes]:
    """One command as a user runs it, in pipes; stdout and stderr decoded (undecodable
    bytes as \\x escapes, so they count as unsafe)."""
    result = subprocess.run(
        tether_voice("--url", stack.tether.url, *args),
        env=env,
        capture_output=True,
        timeout=LIMIT * 4,
    )
    out = result.stdout.decode("utf-8", "backslashreplace")
    err = result.stderr.decode("utf-8", "backslashreplace")
    return result.returncode, out, err, result.stdout + result.stderr


@pytest.fixture
def script_env(tmp_path: Path) -> dict[str, str]:
    env = clean_env(tmp_path)
    env.update(EL_KEY=el.UNKNOWN_KEY, SK_ID=sinch.GOOD_KEY_ID, SK_SECRET=sinch.GOOD_KEY_SECRET)
    return env


CHECK_STORED = (
    "elevenlabsApiKey=@env:EL_KEY",
    "sinchEstKeyId=@env:SK_ID",
    "sinchEstKeySecret=@env:SK_SECRET",
)
CHECK_GIVEN = (
    "sinchEstKeyId=@env:SK_ID",
    "sinchEstKeySecret=@env:SK_SECRET",
    f"sinchEstProjectId={sinch.DEMO_PROJECT_ID}",
    f"sinchEstTrunkId={sinch.MATCHING_TRUNK_ID}",
    "sinchEstTrunkDomain=demo-org.elastic-sip.sinch.com",
)
SCRIPTS = {
    # name: (arguments, exit status against the hostile stack, and why)
    "show": (("show",), 0),
    "show --json": (("show", "--json"), 0),
    "numbers": (("numbers",), 0),
    "numbers --json": (("numbers", "--json"), 0),
    # The unknown key is refused by ElevenLabs (5, as on the ordinary demo); Sinch is
    # asked for the hostile project ID read from Tether, and refuses it.
    "check, identifiers from Tether": (("check", *CHECK_STORED), 5),
    # The trunk's domain (hostile) is not the one given: a definite problem (5).
    "check, identifiers given": (("check", *CHECK_GIVEN), 5),
    "check --json": (("check", "--json", *CHECK_STORED), 5),
    # The hostile server refuses a save of the trunk ID with a hostile 400: 1.
    "set, refused": (("set", f"{REFUSED_FIELD}=trunk-x", "--yes"), 1),
    "set --json, refused": (("set", "--json", f"{REFUSED_FIELD}=trunk-x", "--yes"), 1),
    # Saved, with a hostile success message: 0.
    "set, saved": (("set", "sinchEstProjectId=proj-x", "--yes"), 0),
    # 101 off is applied (hostile message), 102 is rate limited (hostile Retry-After): 1.
    "numbers set": (
        ("numbers", "set", f"{PHONE_PLAIN[0]}=off", f"{PHONE_PLAIN[1]}=on", "--yes"),
        1,
    ),
}


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_scripts_print_nothing_unsafe_and_exit_as_usual(
    name: str, script_env: dict[str, str], hostile_stack: DemoStack
) -> None:
    args, expected = SCRIPTS[name]
    code, out, err, raw = run_script(hostile_stack, issuer_env(hostile_stack, script_env), *args)
    assert "Traceback" not in err, err[-2000:]
    assert not unsafe_chars(out + err), "\n".join(unsafe_chars(out + err)[:10])
    assert not leaks(raw), leaks(raw)
    assert code == expected, f"exit {code}, expected {expected}: {err[-800:]}"
    assert markers(out + err), "the hostile strings were printed (escaped), not dropped"
    assert len(out) + len(err) < 64 * 1024, f"{len(out) + len(err)} characters"


def test_show_json_reads_back_to_the_servers_exact_strings(
    script_env: dict[str, str], hostile_stack: DemoStack
) -> None:
    code, out, err, _raw = run_script(
        hostile_stack, issuer_env(hostile_stack, script_env), "show", "--json"
    )
    assert code == 0, err
    shown = json.loads(out)
    stored = hostile_stack.tether.state.public_config()
    for name in ("aiVoiceProvider", "sinchEstProjectId", "sinchEstTrunkId", "sinchEstTrunkDomain"):
        assert shown[name] == stored[name], name


@pytest.mark.parametrize("answer", ["429 with Retry-After", "redirect"])
def test_show_after_a_hostile_header_is_bounded_clean_and_refused(
    answer: str, script_env: dict[str, str], hostile_stack: DemoStack
) -> None:
    """A format field in ``Retry-After`` must not be formatted (nor blow up), and a
    ``Location`` holding ESC is a redirect (1), not a dropped connection (3)."""
    if answer == "redirect":
        hostile_stack.tether.redirect_next(method="GET")
    else:
        hostile_stack.tether.inject(Fault.RATE_LIMITED, method="GET")
    code, out, err, raw = run_script(hostile_stack, issuer_env(hostile_stack, script_env), "show")
    assert "Traceback" not in err, err[-2000:]
    assert not unsafe_chars(out + err), "\n".join(unsafe_chars(out + err)[:10])
    assert not leaks(raw), leaks(raw)
    assert "<class " not in err, "a format field in the header was formatted"
    assert len(out) + len(err) < 16 * 1024, f"{len(out) + len(err)} characters"
    assert code == 1, f"exit {code}: {err[-800:]}"


# --- the app in-process ---------------------------------------------------------------------

SMALL = (80, 24)


def hostile_app(stack: DemoStack) -> VoiceConfigApp:
    settings = ConnectionSettings(stack.tether.url, SecretStr(SUPERADMIN_TOKEN), read_timeout=5.0)
    return VoiceConfigApp(settings, checks=stack.check_settings(probe_writes=True))


async def type_the_edits(pilot: Pilot) -> dict[str, str]:
    """The credentials and identifiers a user would type: the Sinch pair for the demo
    project, its trunk, and a domain holding markup of the user's own."""
    await paste_into(pilot, "elevenlabsApiKey", el.UNKNOWN_KEY)
    await paste_into(pilot, "sinchEstKeyId", sinch.GOOD_KEY_ID)
    await paste_into(pilot, "sinchEstKeySecret", sinch.GOOD_KEY_SECRET)
    await paste_into(pilot, "sinchEstProjectId", sinch.DEMO_PROJECT_ID, replace=True)
    await paste_into(pilot, "sinchEstTrunkId", sinch.MATCHING_TRUNK_ID, replace=True)
    await type_into(pilot, "sinchEstTrunkDomain", TYPED_DOMAIN, replace=True)
    await settle(pilot)
    return {
        "field-sinchEstProjectId": sinch.DEMO_PROJECT_ID,
        "field-sinchEstTrunkId": sinch.MATCHING_TRUNK_ID,
        "field-sinchEstTrunkDomain": TYPED_DOMAIN,
        "field-elevenlabsApiKey": el.UNKNOWN_KEY,
        "field-sinchEstKeyId": sinch.GOOD_KEY_ID,
        "field-sinchEstKeySecret": sinch.GOOD_KEY_SECRET,
    }


def kept(pilot: Pilot, typed: dict[str, str]) -> dict[str, tuple[object, str]]:
    """The typed values the form no longer holds: {field: (now, typed)}."""
    now = widget_values(pilot)
    return {name: (now.get(name), value) for name, value in typed.items() if now.get(name) != value}


async def test_every_screen_in_process_keeps_the_typed_edits(hostile_stack: DemoStack) -> None:
    """Load, review with the checks' hostile answers, send anyway (refused with a hostile
    400), a hostile redirect and a hostile Retry-After on the review's re-read, the
    numbers (applied, rate limited, refused), quit: no crash, the edits kept."""
    tether = hostile_stack.tether
    app = hostile_app(hostile_stack)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "PWN-trunkId" in screen_text(app), "the hostile configuration is on screen"
        typed = await type_the_edits(pilot)
        assert not kept(pilot, typed), "typed as meant"

        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.pause(0.5)
        await settle(pilot)  # the checks' answers: invalid key, another domain
        await press_and_settle(pilot, "enter")
        assert isinstance(app.screen, ConfirmScreen), "a definite problem: send anyway?"
        await press_and_settle(pilot, "y")
        assert tether.state.received_posts[-1][REFUSED_FIELD] == sinch.MATCHING_TRUNK_ID
        assert not kept(pilot, typed), "kept after the hostile refusal"

        # The review's re-read answered with a hostile redirect, then a hostile 429: the
        # review opens with a warning (the recheck failed); back to the form each time.
        for spoil in (
            lambda: tether.redirect_next(method="GET"),
            lambda: tether.inject(Fault.RATE_LIMITED, method="GET"),
        ):
            spoil()
            await press_and_settle(pilot, "ctrl+s")
            assert not tether.pending_faults(), "the re-read met the hostile answer"
            if isinstance(app.screen, ReviewScreen):
                await press_and_settle(pilot, "escape")
            assert not kept(pilot, typed), "kept after a hostile header"

        # 101 off, phone-3 off, phone-4 on with an agent picked by (hostile) name, 102 on.
        await press_and_settle(pilot, "ctrl+n", "space", "down", "space", "down")
        await choose_agent(pilot, "agent-1")
        await press_and_settle(pilot, "down", "space")
        await press_and_settle(pilot, "ctrl+s", "enter")
        await pilot.pause(0.5)
        await settle(pilot)
        toggled = [r.status for r in tether.requests if r.path == TOGGLE_PATH]
        assert toggled == [200, 409, 400, 429], "each outcome, in order"
        await press_and_settle(pilot, "enter", "escape")
        assert not kept(pilot, typed), "kept after the numbers"

        await press_and_settle(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmScreen), "edits pending: asked before quitting"
        await press_and_settle(pilot, "y")
    assert app.return_code in (0, None)


async def test_a_hostile_success_and_webhook_in_process(hostile_stack: DemoStack) -> None:
    """A save the hostile server accepts (hostile message), then the after-save webhook
    check reads hostile webhook names and URLs: no crash, the key stored."""
    app = hostile_app(hostile_stack)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await paste_into(pilot, "elevenlabsApiKey", el.GOOD_KEY)
        await press_and_settle(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.pause(0.5)
        await settle(pilot)
        await press_and_settle(pilot, "enter")
        await pilot.pause(1.0)  # the webhook check polls
        await settle(pilot)
        assert hostile_stack.tether.state.secret("elevenlabsApiKey") == el.GOOD_KEY
        asked = [(r.method, r.path) for r in hostile_stack.elevenlabs.requests]
        assert ("GET", "/v1/workspace/webhooks") in asked, "the hostile webhooks were read"
        assert not editor(pilot).unsaved_count, "saved: nothing left to send"
        await press_and_settle(pilot, "ctrl+q")
    assert app.return_code in (0, None)


def test_the_needles_are_the_servers_own() -> None:
    """Each needle is in what the hostile servers send, so finding none means something."""
    sent = H.text("x").encode() + H.header("x").encode("latin-1")
    assert all(needle in sent for needle in NEEDLES.values())
