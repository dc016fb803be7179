"""The banner ``demo-server`` prints: 80 columns, the accounts, the faults, shell lines that paste."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess

import pytest

from tui import settings
from tui.auth import token_source
from tui.demo import banner as b
from tui.demo import elevenlabs, sinch, wiring_world
from tui.demo.accounts import DEMO_USERS
from tui.demo.faults import Fault, PendingFault, parse_fault_request
from tui.demo.loopback import CONTROL_FAULTS_PATH
from tui.demo.stack import SERVER_NAMES, DemoStack
from tui.demo.state import DemoState

PREFIXES = {
    "tether": "/api/",
    "elevenlabs": "/v1/",
    "sinch-auth": "/oauth2/",
    "sinch-est": "/v1/",
    "sinch-numbers": "/v1/",
}


def widest_facts(host: str = "127.255.255.254", **kwargs: object) -> b.BannerFacts:
    """The longest loopback URLs there are, and every fault kind on the longest server
    name, with a method and a count: the widest rows the banner can have."""
    bracketed = f"[{host}]" if ":" in host else host
    urls = {name: f"http://{bracketed}:{65531 + n}" for n, name in enumerate(SERVER_NAMES)}
    faults = tuple(
        b.Waiting("sinch-numbers", PendingFault(fault, "DELETE", 12.5, 99)) for fault in Fault
    )
    return b.BannerFacts(urls, PREFIXES, faults, **kwargs)  # type: ignore[arg-type]


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def line_with(text: str, *words: str) -> str:
    found = [line for line in lines_of(text) if all(word in line for word in words)]
    assert found, f"no line with {words}:\n{text}"
    return found[0]


def shell_lines(text: str, first_word: str) -> list[str]:
    """The banner's commands starting with ``first_word``, continuation lines joined as
    a shell joins them (backslash-newline is removed)."""
    joined = text.replace("\\\n", "")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith(first_word)]


# --- width ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "known",
    [
        widest_facts(),
        widest_facts(hostile=True, seeded=False),
        widest_facts(host="::1"),
        b.BannerFacts({name: "http://127.0.0.1:2212" for name in SERVER_NAMES}, PREFIXES),
    ],
    ids=["every-fault", "hostile", "ipv6", "no-faults"],
)
def test_every_line_fits_in_80_columns(known: b.BannerFacts) -> None:
    text = b.render(known)
    too_long = [line for line in lines_of(text) if len(line) > b.WIDTH]
    assert too_long == []
    assert all(line.isprintable() for line in lines_of(text))
    assert text.endswith("Ctrl+C to stop.")


def test_a_started_stack_with_faults_fits_too(demo_stack: DemoStack) -> None:
    for name in SERVER_NAMES:
        demo_stack.servers[name].inject(Fault.SERVER_ERROR_STRUCTURED)
    text = b.banner(demo_stack)
    assert max(len(line) for line in lines_of(text)) <= b.WIDTH


def test_most_needed_first() -> None:
    text = b.render(widest_facts())
    assert lines_of(text)[0] == "Tether demo server on http://127.255.255.254:65531"
    order = ["token:", "export TETHER_TOKEN", "Sign-in accounts", "Faults injected"]
    order += ["Stand-ins", "ElevenLabs demo keys", "Sinch EST demo", "Wiring", "curl -X POST"]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions)


# --- what it lists -------------------------------------------------------------------------


def test_each_sign_in_account_is_listed_as_the_sign_in_screen_takes_it() -> None:
    text = b.render(widest_facts())
    rows = {line.split()[0]: line for line in lines_of(text) if "@" in line}
    assert set(rows) == {user.email for user in DEMO_USERS}
    for user in DEMO_USERS:
        assert rows[user.email].split()[1:3] == [user.password, user.access_role]
        assert user.token in text
        assert ("reads only" in rows[user.email]) == (user.access_role != "SUPERADMIN")


def test_each_injected_fault_is_listed_with_its_server(demo_stack: DemoStack) -> None:
    demo_stack.tether.inject(Fault.UNAVAILABLE_HTML)
    demo_stack.elevenlabs.inject(Fault.DELAY, delay_seconds=1.5)
    demo_stack.sinch_auth.inject(Fault.DROP_CONNECTION, method="post", times=2)
    text = b.banner(demo_stack)
    assert "none injected" not in text
    assert line_with(text, "tether", "503-html").endswith(
        "next /api/ request: 503 with an nginx HTML page"
    )
    assert "next /v1/ request: wait 1.5 s, then answer normally" in line_with(
        text, "elevenlabs", "delay"
    )
    assert "next 2 POST /oauth2/ requests" in line_with(text, "sinch-auth", "drop")
    assert "only the next request" in text  # a fault is used up, not sticky


def test_faults_are_listed_in_the_order_they_will_fire() -> None:
    faults = (
        b.Waiting("tether", PendingFault(Fault.RATE_LIMITED)),
        b.Waiting("tether", PendingFault(Fault.UNAVAILABLE_HTML)),
    )
    known = b.BannerFacts({name: "http://127.0.0.1:1" for name in SERVER_NAMES}, PREFIXES, faults)
    text = b.render(known)
    assert text.index("  tether  429") < text.index("  tether  503-html")


def test_no_faults_says_so(demo_stack: DemoStack) -> None:
    text = b.banner(demo_stack)
    assert "Faults: none injected" in text
    assert "Faults injected" not in text


def test_a_used_fault_is_no_longer_listed(demo_stack: DemoStack) -> None:
    """The banner reads what is pending: a fault spent on a request is gone from it."""
    demo_stack.tether.inject(Fault.NOT_FOUND)
    assert "404" in line_with(b.banner(demo_stack), "tether", "404")
    demo_stack.tether.faults.take("GET")
    assert "Faults: none injected" in b.banner(demo_stack)


def test_the_published_demo_values_are_there(demo_stack: DemoStack) -> None:
    text = b.banner(demo_stack)
    for demo in elevenlabs.DEMO_KEYS:
        assert line_with(text, demo.key).split()[0] == demo.key
    for value in (sinch.GOOD_KEY_SECRET, sinch.OTHER_KEY_SECRET, sinch.DEMO_PROJECT_ID):
        assert value in text
    assert sinch.MISMATCHED_TRUNK_DOMAIN in line_with(text, "trunk", sinch.MISMATCHED_TRUNK_ID)


def test_the_wiring_lines_only_where_the_seeded_numbers_are() -> None:
    with DemoStack() as seeded:
        assert wiring_world.STALE_IMPORT in b.banner(seeded)
    for other in (DemoStack(state=DemoState.empty()), DemoStack(hostile=True)):
        with other:
            text = b.banner(other)
        assert "Wiring" not in text and wiring_world.STALE_IMPORT not in text


def test_the_hostile_note_is_kept_and_refilled() -> None:
    text = b.render(widest_facts(hostile=True))
    assert "HOSTILE mode" in text and "a terminal you can close" in text
    assert "HOSTILE" not in b.render(widest_facts())


# --- shell lines -----------------------------------------------------------------------------


def test_the_export_lines_name_the_stacks_real_urls(demo_stack: DemoStack) -> None:
    exports = dict(
        shlex.split(line)[1].split("=", 1) for line in shell_lines(b.banner(demo_stack), "export ")
    )
    assert exports == {
        token_source.TOKEN_ENV: next(u.token for u in DEMO_USERS if u.access_role == "SUPERADMIN"),
        settings.ELEVENLABS_URL_ENV: demo_stack.elevenlabs.url,
        settings.SINCH_AUTH_URL_ENV: demo_stack.sinch_auth.url,
        settings.SINCH_EST_URL_ENV: demo_stack.sinch_est.url,
        settings.SINCH_NUMBERS_URL_ENV: demo_stack.sinch_numbers.url,
    }
    [app] = shell_lines(b.banner(demo_stack), "tether-voice ")
    assert shlex.split(app) == [
        "tether-voice",
        "--url",
        demo_stack.tether.url,
        "--probe-write-permissions",
    ]


def test_the_curl_lines_split_into_the_right_arguments(demo_stack: DemoStack) -> None:
    control = demo_stack.tether.url + CONTROL_FAULTS_PATH
    post, listing, clear = (shlex.split(line) for line in shell_lines(b.banner(demo_stack), "curl"))
    assert post[:4] == ["curl", "-X", "POST", control] and post[4] == "-d" and len(post) == 6
    assert parse_fault_request(post[5].encode()).fault is b.SAMPLE_FAULT
    assert shlex.split(" ".join(listing), comments=True) == ["curl", control]
    assert shlex.split(" ".join(clear), comments=True) == ["curl", "-X", "DELETE", control]


def test_an_ipv6_host_is_quoted_for_the_shell_and_globbing_is_off_for_curl() -> None:
    text = b.render(widest_facts(host="::1"))
    [post, *_rest] = shell_lines(text, "curl")
    assert shlex.split(post)[:5] == [
        "curl",
        "-g",
        "-X",
        "POST",
        f"http://[::1]:65531{CONTROL_FAULTS_PATH}",
    ]
    assert "'http://[::1]:65532'" in line_with(text, "export", settings.ELEVENLABS_URL_ENV)


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_a_shell_runs_the_lines_as_printed(demo_stack: DemoStack) -> None:
    """Pasted into sh as they are (indent, continuation, comments): the exports set the
    variables and curl (a stub here: no request is made) gets the same arguments."""
    text = b.banner(demo_stack)
    printed = [line for line in lines_of(text) if line.startswith("  ")]
    exports = [line for line in printed if line.strip().startswith("export ")]
    first_curl = next(i for i, line in enumerate(printed) if line.strip().startswith("curl"))
    curls = printed[first_curl : first_curl + 4]
    script = "\n".join(
        [
            "curl() { printf '%s\\n' \"$@\"; echo ---; }",
            *exports,
            'printf "%s\\n" "$TETHER_TOKEN" "$TETHER_VOICE_ELEVENLABS_URL"',
            *curls,
        ]
    )
    out = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True).stdout
    control = demo_stack.tether.url + CONTROL_FAULTS_PATH
    body = json.dumps({"fault": str(b.SAMPLE_FAULT)})
    assert out.split("\n---\n")[:3] == [
        "\n".join(
            ["demo-superadmin-token", demo_stack.elevenlabs.url, "-X", "POST", control, "-d", body]
        ),
        control,
        "\n".join(["-X", "DELETE", control]),
    ]


# --- the names kept in step with the app ------------------------------------------------------


def test_the_variable_names_are_the_ones_the_app_reads() -> None:
    assert [env for _name, _label, env in b.STAND_INS] == [
        settings.ELEVENLABS_URL_ENV,
        settings.SINCH_AUTH_URL_ENV,
        settings.SINCH_EST_URL_ENV,
        settings.SINCH_NUMBERS_URL_ENV,
    ]
    assert b.TOKEN_ENV == token_source.TOKEN_ENV
    assert {name for name, _label, _env in b.STAND_INS} | {"tether"} == set(SERVER_NAMES)
