"""The command line in-process: exits, messages and wiring, without starting the TUI."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from tests.keyrings import MemoryKeyring, use_keyring
from tui.api.client import ConnectionSettings
from tui.auth.token_store import SERVICE
from tui.cli import main

TOKEN = "cli-test-token-5d8e0b1c"


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No TETHER_* from the developer's shell, and an empty config directory."""
    for name in ("TETHER_URL", "TETHER_TOKEN", "TETHER_PROFILE", "TETHER_VOICE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "config.toml"
    config.write_text(
        '[profiles.prod]\nurl = "https://tether.example.com"\n'
        '[profiles.lan]\nurl = "http://10.0.0.5:2212"\n'
    )
    monkeypatch.setenv("TETHER_VOICE_CONFIG", str(config))
    return config


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the app with a recorder: what the CLI would have started, and with what.

    The requests sent at launch are recorded too (``prefetched``), not sent: these tests
    name hosts such as tether.example.com, which must never be contacted.
    """
    import tui.api.prefetch
    import tui.app

    runs: list[dict[str, Any]] = []
    prefetched: list[str] = []

    def record_prefetch(client: Any, token: Any) -> None:
        prefetched.append(client.settings.base_url)

    monkeypatch.setattr(tui.api.prefetch, "start_prefetch", record_prefetch)

    class FakeApp:
        return_code = 0  # Textual's: 1 when the app failed to start or crashed

        def __init__(
            self, settings: ConnectionSettings, *, demo: bool = False, **options: Any
        ) -> None:
            runs.append(
                {"settings": settings, "demo": demo, "prefetched": list(prefetched), **options}
            )

        def run(self) -> None:
            client = runs[-1].get("client")
            if client is not None:
                runs[-1]["network_alive_in_run"] = client.network.thread.is_alive()

        def exit(self) -> None:
            pass

        def exit_when_drawn(self) -> None:
            pass

        def activity(self) -> str:
            return "running the app"

    monkeypatch.setattr(tui.app, "VoiceConfigApp", FakeApp)
    return runs


def exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    return int(stopped.value.code or 0)


# --- logout ---------------------------------------------------------------------------


def test_logout_on_a_host_without_a_keyring(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    assert main(["logout", "--profile", "prod"]) == 0
    out = capsys.readouterr().out
    assert "No keyring backend here: nothing was stored for 'prod'." in out


def test_logout_removes_the_stored_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = use_keyring(monkeypatch, MemoryKeyring())
    backend.set_password(SERVICE, "prod", TOKEN)
    assert main(["logout", "--profile", "prod"]) == 0
    assert "Removed the token stored for 'prod'" in capsys.readouterr().out
    assert backend.get_password(SERVICE, "prod") is None

    assert main(["logout", "--profile", "prod"]) == 0
    assert "No token is stored for 'prod'" in capsys.readouterr().out


def test_logout_names_the_entry_from_the_environment_or_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    backend = use_keyring(monkeypatch, MemoryKeyring())
    backend.set_password(SERVICE, "https://other.example.com", TOKEN)
    assert main(["logout", "--url", "https://Other.example.com/"]) == 0
    assert "Removed the token stored for 'https://other.example.com'" in capsys.readouterr().out
    monkeypatch.setenv("TETHER_PROFILE", "prod")
    assert main(["logout"]) == 0
    assert "No token is stored for 'prod'" in capsys.readouterr().out


def test_logout_reminds_that_tether_token_is_untouched(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    assert main(["--profile", "prod", "logout"]) == 0, "--profile before the command works too"
    out = capsys.readouterr().out
    assert "TETHER_TOKEN is still set" in out
    assert TOKEN not in out


def test_logout_without_a_target_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    assert exit_code(["logout"]) == 2
    assert "logout --profile NAME" in capsys.readouterr().err


# --- refusals -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["--url", "http://tether.example.com"], ["--profile", "lan"]],
    ids=["flag", "profile"],
)
def test_http_to_another_host_exits_2_and_says_why(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    started: list[dict[str, Any]],
) -> None:
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    assert exit_code(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("tether-voice: error: Refusing http://")
    assert "--allow-insecure-http" in err
    assert "Traceback" not in err
    assert TOKEN not in err
    assert started == []


def test_allow_insecure_http_lets_it_start(
    monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    assert main(["--profile", "lan", "--allow-insecure-http"]) == 0
    assert started[0]["settings"].base_url == "http://10.0.0.5:2212"


def test_a_broken_config_file_exits_2_naming_file_and_line(
    clean_env: Path, capsys: pytest.CaptureFixture[str], started: list[dict[str, Any]]
) -> None:
    clean_env.write_text('[profiles.prod]\nurl = "https://tether.example.com"\ntimeout = \n')
    assert exit_code(["--profile", "prod"]) == 2
    err = capsys.readouterr().err
    assert str(clean_env) in err
    assert "line 3" in err
    assert "Traceback" not in err
    assert started == []


def test_an_unknown_profile_exits_2_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exit_code(["--profile", "staging"]) == 2
    assert "known profiles: lan, prod" in capsys.readouterr().err


def test_a_missing_ca_bundle_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "corp-ca.pem"
    assert exit_code(["--profile", "prod", "--ca-bundle", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"The CA bundle {missing} does not exist" in err


def test_no_token_starts_the_app_on_its_sign_in_screen(
    monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    assert main(["--profile", "prod"]) == 0
    (run,) = started
    assert run["prefetched"] == []  # nothing was sent at launch: there is no token to send
    assert run["settings"].token.get_secret_value() == ""  # the app asks to sign in
    assert run["token_entry"] == "prod" and run["verify_first"] is False
    assert run["look_in_keyring"] is True


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_timeouts_must_be_positive_numbers(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert exit_code(["--timeout", value]) == 2
    assert "--timeout" in capsys.readouterr().err


# --- wiring ---------------------------------------------------------------------------


def test_flags_reach_the_client_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    import certifi

    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    bundle = certifi.where()
    argv = ["--profile", "prod", "--timeout", "3", "--connect-timeout", "1.5"]
    assert main([*argv, "--ca-bundle", bundle]) == 0
    settings: ConnectionSettings = started[0]["settings"]
    assert settings.base_url == "https://tether.example.com"
    assert settings.token.get_secret_value() == TOKEN
    assert (settings.read_timeout, settings.connect_timeout) == (3.0, 1.5)
    assert settings.ca_bundle == Path(bundle)
    (run,) = started
    assert run["prefetched"] == ["https://tether.example.com"]  # a token at hand
    assert run["demo"] is False
    assert run["client"].settings == settings  # the session's client, already at work
    assert run["network_alive_in_run"] is True
    assert not run["client"].network.thread.is_alive()  # closed once the app ended


def test_without_tether_token_the_app_looks_in_the_keyring_after_it_starts(
    monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    """The keyring may hang: it is not read before the first frame, but by the app."""
    monkeypatch.setattr(keyring, "get_keyring", _must_not_be_called)
    assert main(["--profile", "prod"]) == 0
    (run,) = started
    assert run["prefetched"] == []  # nothing sent at launch: no token yet
    assert run["settings"].token.get_secret_value() == ""
    assert run["look_in_keyring"] is True and run["token_entry"] == "prod"
    assert run["store"] is not None


def test_demo_ignores_profiles_and_tokens(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    from tui.demo.server import SUPERADMIN_TOKEN

    clean_env.write_text("this is not toml")
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    monkeypatch.setenv("TETHER_PROFILE", "nope")
    monkeypatch.setattr(keyring, "get_keyring", _must_not_be_called)
    assert main(["--demo"]) == 0
    (run,) = started
    settings: ConnectionSettings = run["settings"]
    assert run["prefetched"] == [settings.base_url]
    assert settings.token.get_secret_value() == SUPERADMIN_TOKEN
    assert settings.base_url.startswith("http://127.0.0.1:")
    assert settings.read_timeout == 15.0
    assert run["demo"] is True


def test_with_tether_token_set_the_keyring_is_never_touched(
    monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    monkeypatch.setattr(keyring, "get_keyring", _must_not_be_called)
    assert main(["--profile", "prod"]) == 0


def _must_not_be_called() -> None:
    raise AssertionError("the keyring was consulted")


def test_an_app_that_failed_to_start_or_crashed_exits_1(
    monkeypatch: pytest.MonkeyPatch, started: list[dict[str, Any]]
) -> None:
    """Textual prints the error and returns from run() with return code 1, no exception:
    the exit status is how a script (or the release's smoke test) can tell."""
    import tui.app

    monkeypatch.setattr(tui.app.VoiceConfigApp, "return_code", 1)
    assert main(["--demo"]) == 1
    assert len(started) == 1


def test_a_missing_stylesheet_makes_textual_return_1() -> None:
    """What the CLI relies on, in Textual itself: a stylesheet it cannot read (a broken
    install) ends run() with return code 1."""
    from textual.app import App

    class Broken(App[None]):
        CSS_PATH = "no-such-file.tcss"

    app = Broken()
    app.run(headless=True)
    assert app.return_code == 1


def test_show_settings_prints_sources_and_never_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    monkeypatch.setenv("TETHER_TOKEN", TOKEN)
    monkeypatch.setenv("TETHER_PROFILE", "prod")
    assert main(["--show-settings", "--timeout", "4"]) == 0
    out = capsys.readouterr().out
    assert "https://tether.example.com  (profile 'prod' in" in out
    assert "4 s  (--timeout)" in out
    assert "profile                  prod  (TETHER_PROFILE)" in out
    assert "found  (TETHER_TOKEN)" in out
    assert "(none on this host)" in out
    assert TOKEN not in out


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://tether.example.com", "through the proxy http://proxy.corp:3128"),
        ("http://127.0.0.1:2212", "direct (this machine: loopback never goes through a proxy)"),
    ],
)
def test_show_settings_says_how_a_request_to_the_url_leaves(
    url: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, "http://someone:pw-8c1f@proxy.corp:3128")
    assert main(["--show-settings", "--url", url]) == 0
    out = capsys.readouterr().out
    # A row too long for the line goes on under its value (rows start two in): join it.
    # The config file's path may take a line of its own (80 columns): rows start after.
    joined = re.sub(r"\n {4,}", " ", out)
    rows = [line.split(None, 1) for line in joined[joined.index("\n  profile ") :].split("\n")]
    rows = [row for row in rows if row]
    names = [name for name, _rest in rows]
    assert names[names.index("url") + 1] == "proxy", "the proxy row follows the URL's"
    assert dict(rows)["proxy"].startswith(said)
    assert "pw-8c1f" not in out


HOSTILE = "\x1b]52;c;Y3VybCB8IHNo\x07\x1b[2J\u202e"
SHOWN_HOSTILE = "\\x1b]52;c;Y3VybCB8IHNo\\x07\\x1b[2J\\u202e"


def test_an_error_quoting_what_was_typed_shows_it_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """argparse and our own errors quote the argument: shown, never obeyed."""
    assert exit_code(["--profile", HOSTILE]) == 2
    err = capsys.readouterr().err
    assert SHOWN_HOSTILE in err
    assert "\x1b" not in err and "\u202e" not in err
    assert exit_code(["--timeout", HOSTILE]) == 2
    err = capsys.readouterr().err
    assert "\\x1b]52" in err and "\x1b" not in err


def test_show_settings_escapes_a_value_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    monkeypatch.setenv("TETHER_URL", f"https://tether.example.com/{HOSTILE}")
    assert main(["--show-settings"]) == 0
    out = capsys.readouterr().out
    assert SHOWN_HOSTILE in out
    assert "\x1b" not in out and "\u202e" not in out


def test_show_settings_with_demo_says_what_demo_puts_in_place(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Issue 18, item 26: --demo --show-settings showed no URL and probing off."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("TETHER_URL", raising=False)
    assert main(["--demo", "--show-settings"]) == 0
    out = capsys.readouterr().out
    assert "a free loopback port, chosen at start  (--demo)" in out
    assert "probe_write_permissions  yes  (--demo)" in out
    assert "the Sinch Numbers stand-in on loopback  (--demo)" in out
    assert "warning:" not in out
