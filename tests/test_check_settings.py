"""The credential checks' settings: same precedence as every setting, visible sources,
and no issuer URL that would carry a secret over plain http to another machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from tests.keyrings import use_keyring
from tui.checks.settings import (
    DEFAULT_ELEVENLABS_URL,
    DEFAULT_SINCH_AUTH_URL,
    DEFAULT_SINCH_EST_URL,
    DEFAULT_SINCH_NUMBERS_URL,
    CheckSettings,
)
from tui.cli import main
from tui.settings import ConfigError, ConfigFile, Flags, Origin, load_config_file, resolve_settings
from tui.startup import StartupError, startup_plan

PROFILE = {
    "url": "https://tether.example.com",
    "check_credentials": False,
    "probe_write_permissions": True,
    "elevenlabs_url": "https://api.eu.residency.elevenlabs.io/",
    "sinch_auth_url": "https://auth.example.com",
    "sinch_est_url": "https://est.example.com",
    "sinch_numbers_url": "https://numbers.example.com",
}


NO_FLAGS = Flags()


def resolve(flags: Flags = NO_FLAGS, env: dict[str, str] | None = None, profile: Any = None):  # type: ignore[no-untyped-def]
    config = ConfigFile.model_validate(
        {"default_profile": "p", "profiles": {"p": profile or {"url": "https://t.example.com"}}}
    )
    return resolve_settings(flags, environ=env or {}, config=config, config_path=Path("c.toml"))


def test_defaults() -> None:
    settings = resolve()
    assert settings.checks() == CheckSettings(
        enabled=True,
        probe_writes=False,
        elevenlabs_url=DEFAULT_ELEVENLABS_URL,
        sinch_auth_url=DEFAULT_SINCH_AUTH_URL,
        sinch_est_url=DEFAULT_SINCH_EST_URL,
        sinch_numbers_url=DEFAULT_SINCH_NUMBERS_URL,
        off_note="Credential checks are off (built-in default): nothing was asked.",
    )
    for name in ("check_credentials", "probe_write_permissions", "elevenlabs_url"):
        assert settings.sources[name] is Origin.DEFAULT


def test_the_profile_sets_every_check_setting() -> None:
    settings = resolve(profile=PROFILE)
    checks = settings.checks()
    assert (checks.enabled, checks.probe_writes) == (False, True)
    assert checks.elevenlabs_url == "https://api.eu.residency.elevenlabs.io"
    assert (checks.sinch_auth_url, checks.sinch_est_url, checks.sinch_numbers_url) == (
        "https://auth.example.com",
        "https://est.example.com",
        "https://numbers.example.com",
    )
    assert checks.off_note == (
        "Credential checks are off (profile 'p' in c.toml): nothing was asked."
    )


@pytest.mark.parametrize(
    ("name", "env_name", "flag"),
    [
        ("elevenlabs_url", "TETHER_VOICE_ELEVENLABS_URL", "--elevenlabs-url"),
        ("sinch_auth_url", "TETHER_VOICE_SINCH_AUTH_URL", "--sinch-auth-url"),
        ("sinch_est_url", "TETHER_VOICE_SINCH_EST_URL", "--sinch-est-url"),
        ("sinch_numbers_url", "TETHER_VOICE_SINCH_NUMBERS_URL", "--sinch-numbers-url"),
    ],
)
def test_issuer_urls_flag_over_env_over_profile(name: str, env_name: str, flag: str) -> None:
    env = {env_name: "https://env.example.com/"}
    from_env = resolve(env=env, profile=PROFILE)
    assert (getattr(from_env, name), from_env.sources[name]) == (
        "https://env.example.com",
        Origin.ENV,
    )
    assert from_env.describe_source(name) == env_name
    from_flag = resolve(Flags(**{name: "https://flag.example.com"}), env, PROFILE)
    assert (getattr(from_flag, name), from_flag.describe_source(name)) == (
        "https://flag.example.com",
        flag,
    )


def test_flags_switch_checks_and_probes_either_way() -> None:
    on = resolve(Flags(check_credentials=True), profile=PROFILE)
    assert (
        on.check_credentials and on.describe_source("check_credentials") == "--check / --no-check"
    )
    off = resolve(Flags(check_credentials=False, probe_write_permissions=False), profile=PROFILE)
    assert (off.check_credentials, off.probe_write_permissions) == (False, False)
    assert off.checks().off_note == (
        "Credential checks are off (--check / --no-check): nothing was asked."
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://elevenlabs.example.com", "plain http:// to another machine"),
        ("ftp://x", "is not an https:// URL"),
        ("https://user:pw@api.elevenlabs.io", "user name or password"),
        ("https://[::1", "is not a valid URL"),
    ],
)
def test_an_issuer_url_that_could_leak_is_refused_naming_its_source(url: str, words: str) -> None:
    settings = resolve(Flags(elevenlabs_url=url))
    problem = settings.issuer_url_problem()
    assert problem is not None
    assert words in problem
    assert "(from --elevenlabs-url)" in problem


def test_the_numbers_url_is_refused_like_the_others() -> None:
    problem = resolve(Flags(sinch_numbers_url="http://numbers.example.com")).issuer_url_problem()
    assert problem is not None
    assert "The Sinch Numbers URL (from --sinch-numbers-url)" in problem
    assert "plain http:// to another machine" in problem


def test_loopback_http_is_fine_and_checks_off_ask_nothing() -> None:
    assert resolve(Flags(sinch_est_url="http://127.0.0.1:2215")).issuer_url_problem() is None
    off = resolve(Flags(check_credentials=False, elevenlabs_url="http://elevenlabs.example.com"))
    assert off.issuer_url_problem() is None, "nothing is sent there when the checks are off"


def test_startup_refuses_an_unsafe_issuer_url(tmp_path: Path) -> None:
    from tests.keyrings import MemoryKeyring
    from tui.auth.token_store import TokenStore

    env = {"TETHER_VOICE_CONFIG": str(tmp_path / "none.toml"), "TETHER_TOKEN": "t"}
    (tmp_path / "none.toml").write_text("")
    flags = Flags(url="https://t.example.com", sinch_auth_url="http://auth.example.com")
    with pytest.raises(
        StartupError, match=r"The Sinch auth URL \(from --sinch-auth-url\) .* plain http://"
    ):
        startup_plan(flags, environ=env, store=TokenStore(backend=MemoryKeyring()))


def test_unknown_profile_keys_are_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[profiles.p]\nurl = "https://x.example.com"\nelevenlabs = "oops"\n')
    with pytest.raises(ConfigError, match="elevenlabs_url"):
        load_config_file(path)


def test_show_settings_lists_the_check_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    use_keyring(monkeypatch, fail.Keyring())
    monkeypatch.setenv("TETHER_VOICE_CONFIG", str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text("")
    monkeypatch.setenv("TETHER_VOICE_SINCH_AUTH_URL", "http://auth.example.com")
    for name in (
        "TETHER_VOICE_ELEVENLABS_URL",
        "TETHER_VOICE_SINCH_EST_URL",
        "TETHER_VOICE_SINCH_NUMBERS_URL",
        "TETHER_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    argv = ["--show-settings", "--url", "https://t.example.com", "--no-check"]
    assert main([*argv, "--elevenlabs-url", "https://api.eu.residency.elevenlabs.io"]) == 0
    out = capsys.readouterr().out
    assert "check_credentials        no  (--check / --no-check)" in out
    assert "probe_write_permissions  no  (built-in default)" in out
    # A row longer than 80 characters goes on under its value.
    under = "\n" + " " * 27
    assert (
        f"  elevenlabs_url           https://api.eu.residency.elevenlabs.io{under}"
        "(--elevenlabs-url)"
    ) in out
    assert (
        f"  sinch_auth_url           http://auth.example.com{under}(TETHER_VOICE_SINCH_AUTH_URL)"
        in out
    )
    assert f"sinch_est_url            {DEFAULT_SINCH_EST_URL}  (built-in{under}default)" in out
    assert f"sinch_numbers_url        {DEFAULT_SINCH_NUMBERS_URL}  (built-in default)" in out
    assert "warning:" not in out, "checks are off: the plain-http URL carries nothing"


def test_check_flags_after_the_command_win(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import _parser

    args = _parser().parse_args(["--no-check", "set", "--check", "x=1"])
    assert args.check_credentials is True
    args = _parser().parse_args(["--elevenlabs-url", "https://a.example", "set", "x=1"])
    assert args.elevenlabs_url == "https://a.example", "not hidden by the subcommand's default"
