"""Settings: flags > environment > profile > defaults, and config files that fail clearly."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tui.settings import (
    ConfigError,
    ConfigFile,
    Flags,
    Origin,
    Profile,
    ResolvedSettings,
    config_path,
    load_config_file,
    load_settings,
    resolve_settings,
)

CONFIG = ConfigFile.model_validate(
    {
        "default_profile": "prod",
        "profiles": {
            "prod": {
                "url": "https://prod.example.com/",
                "timeout": 30,
                "connect_timeout": 7,
                "ca_bundle": "/etc/tether/prod-ca.pem",
                "allow_insecure_http": True,
            },
            "staging": {"url": "https://staging.example.com"},
        },
    }
)


NO_FLAGS = Flags()


def resolve(
    flags: Flags = NO_FLAGS, env: dict[str, str] | None = None, config: Any = CONFIG
) -> ResolvedSettings:
    return resolve_settings(flags, environ=env or {}, config=config, config_path=Path("c.toml"))


# (setting, flags, environment, config, expected value, expected origin)
PRECEDENCE = [
    # url: --url > TETHER_URL > profile > none
    ("url", Flags(url="https://flag.example.com"), {"TETHER_URL": "https://env.example.com"}, CONFIG, "https://flag.example.com", Origin.FLAG),
    ("url", Flags(), {"TETHER_URL": "https://env.example.com/"}, CONFIG, "https://env.example.com", Origin.ENV),
    ("url", Flags(), {"TETHER_URL": ""}, CONFIG, "https://prod.example.com", Origin.PROFILE),
    ("url", Flags(), {"TETHER_PROFILE": "staging"}, CONFIG, "https://staging.example.com", Origin.PROFILE),
    ("url", Flags(), {}, None, None, Origin.DEFAULT),
    # profile: --profile > TETHER_PROFILE > default_profile > none
    ("profile", Flags(profile="staging"), {"TETHER_PROFILE": "prod"}, CONFIG, "staging", Origin.FLAG),
    ("profile", Flags(), {"TETHER_PROFILE": "staging"}, CONFIG, "staging", Origin.ENV),
    ("profile", Flags(), {}, CONFIG, "prod", Origin.PROFILE),
    ("profile", Flags(), {}, None, None, Origin.DEFAULT),
    # timeout (read): --timeout > profile > 15
    ("timeout", Flags(timeout=2.5), {}, CONFIG, 2.5, Origin.FLAG),
    ("timeout", Flags(), {}, CONFIG, 30.0, Origin.PROFILE),
    ("timeout", Flags(profile="staging"), {}, CONFIG, 15.0, Origin.DEFAULT),
    ("timeout", Flags(), {}, None, 15.0, Origin.DEFAULT),
    # connect_timeout: --connect-timeout > profile > 5
    ("connect_timeout", Flags(connect_timeout=1.0), {}, CONFIG, 1.0, Origin.FLAG),
    ("connect_timeout", Flags(), {}, CONFIG, 7.0, Origin.PROFILE),
    ("connect_timeout", Flags(profile="staging"), {}, CONFIG, 5.0, Origin.DEFAULT),
    # ca_bundle: --ca-bundle > profile > none (then SSL_CERT_FILE / built-in roots)
    ("ca_bundle", Flags(ca_bundle=Path("/flag-ca.pem")), {}, CONFIG, Path("/flag-ca.pem"), Origin.FLAG),
    ("ca_bundle", Flags(), {}, CONFIG, Path("/etc/tether/prod-ca.pem"), Origin.PROFILE),
    ("ca_bundle", Flags(profile="staging"), {}, CONFIG, None, Origin.DEFAULT),
    # allow_insecure_http: --allow-insecure-http > profile > False
    ("allow_insecure_http", Flags(profile="staging", allow_insecure_http=True), {}, CONFIG, True, Origin.FLAG),
    ("allow_insecure_http", Flags(), {}, CONFIG, True, Origin.PROFILE),
    ("allow_insecure_http", Flags(profile="staging"), {}, CONFIG, False, Origin.DEFAULT),
]  # fmt: skip


@pytest.mark.parametrize(
    ("setting", "flags", "env", "config", "value", "origin"),
    PRECEDENCE,
    ids=[f"{case[0]}-{case[5].value}-{i}" for i, case in enumerate(PRECEDENCE)],
)
def test_precedence(
    setting: str, flags: Flags, env: dict[str, str], config: Any, value: Any, origin: Origin
) -> None:
    settings = resolve(flags, env, config)
    assert getattr(settings, setting) == value
    assert settings.sources[setting] is origin


def test_a_flag_overrides_one_setting_and_the_profile_still_supplies_the_rest() -> None:
    settings = resolve(Flags(url="https://other.example.com"), {"TETHER_PROFILE": "prod"})
    assert settings.url == "https://other.example.com"
    assert settings.timeout == 30.0
    assert settings.describe_source("url") == "--url"
    assert settings.describe_source("timeout") == "profile 'prod' in c.toml"
    assert settings.describe_source("profile") == "TETHER_PROFILE"


def test_rows_name_every_setting_and_its_source() -> None:
    rows = {name: (value, source) for name, value, source in resolve().rows()}
    assert rows["url"] == ("https://prod.example.com", "profile 'prod' in c.toml")
    assert rows["profile"] == ("prod", "default_profile in c.toml")
    assert set(rows) == {
        "profile",
        "url",
        "timeout",
        "connect_timeout",
        "max_answer_mb",
        "ca_bundle",
        "allow_insecure_http",
        "check_credentials",
        "probe_write_permissions",
        "elevenlabs_url",
        "sinch_auth_url",
        "sinch_est_url",
        "sinch_numbers_url",
    }


@pytest.mark.parametrize(
    ("flags", "env", "asked_by"),
    [
        (Flags(profile="nope"), {}, "--profile"),
        (Flags(), {"TETHER_PROFILE": "nope"}, "TETHER_PROFILE"),
    ],
)
def test_an_unknown_profile_lists_the_known_ones(
    flags: Flags, env: dict[str, str], asked_by: str
) -> None:
    with pytest.raises(ConfigError) as error:
        resolve(flags, env)
    message = str(error.value)
    assert "'nope'" in message
    assert asked_by in message
    assert "known profiles: prod, staging" in message


def test_a_profile_without_a_config_file_says_how_to_create_it() -> None:
    with pytest.raises(ConfigError, match=r"no config file at c\.toml.*\[profiles\.prod\]"):
        resolve(Flags(profile="prod"), config=None)


# --- the keyring entry ---------------------------------------------------------------


def test_the_token_entry_is_the_profile_when_the_url_is_the_profiles() -> None:
    assert resolve().token_entry == "prod"
    assert resolve(Flags(profile="staging")).token_entry == "staging"


def test_the_token_entry_is_the_url_when_the_url_comes_from_elsewhere() -> None:
    """A token saved for one instance is never sent to another."""
    overridden = resolve(Flags(url="HTTPS://Other.Example.com/"), {"TETHER_PROFILE": "prod"})
    assert overridden.token_entry == "https://other.example.com"
    no_profile = resolve(env={"TETHER_URL": "http://127.0.0.1:2212"}, config=None)
    assert no_profile.token_entry == "http://127.0.0.1:2212"


def test_connection_settings_carry_the_timeouts_and_bundle() -> None:
    from pydantic import SecretStr

    connection = resolve().connection(SecretStr("t"))
    assert connection.base_url == "https://prod.example.com"
    assert (connection.connect_timeout, connection.read_timeout) == (7.0, 30.0)
    assert connection.ca_bundle == Path("/etc/tether/prod-ca.pem")


# --- the file ------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'default_profile = "local"\n'
        "[profiles.local]\n"
        'url = "http://127.0.0.1:2212"\n'
        'ca_bundle = "certs/ca.pem"\n'
        "[profiles.prod]\n"
        'url = "https://tether.example.com"\n'
        "timeout = 20\n",
    )
    config = load_config_file(path)
    assert config is not None
    assert config.default_profile == "local"
    assert config.profiles["prod"].timeout == 20.0
    assert config.profiles["local"].ca_bundle == tmp_path / "certs" / "ca.pem", (
        "a relative ca_bundle is relative to the config file"
    )
    settings = resolve_settings(Flags(), environ={}, config=config, config_path=path)
    assert settings.sources["ca_bundle"] is Origin.PROFILE


def test_a_missing_default_file_is_fine(tmp_path: Path) -> None:
    assert load_config_file(tmp_path / "config.toml") is None


def test_a_missing_file_named_by_the_environment_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"TETHER_VOICE_CONFIG names .*nope\.toml.*does not exist"
    ):
        load_config_file(tmp_path / "nope.toml", required=True)


def test_invalid_toml_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[profiles.prod]\ntimeout = 3\nurl = https://tether.example.com\n")
    with pytest.raises(ConfigError) as error:
        load_config_file(path)
    message = str(error.value)
    assert str(path) in message
    assert "line 3" in message
    assert "url = https://tether.example.com" in message


@pytest.mark.parametrize(
    ("text", "key", "what"),
    [
        (
            '[profiles.prod]\nurl = "https://x"\ntiemout = 3\n',
            "profiles.prod.tiemout",
            "unknown key",
        ),
        (
            '[profiles.prod]\nurl = "https://x"\ntimeout = "fast"\n',
            "profiles.prod.timeout",
            "number",
        ),
        (
            '[profiles.prod]\nurl = "https://x"\ntimeout = 0\n',
            "profiles.prod.timeout",
            "greater than 0",
        ),
        ("[profiles.prod]\ntimeout = 3\n", "profiles.prod.url", "required key is missing"),
        ('[profiles.prod]\nurl = "  "\n', "profiles.prod.url", "the URL is empty"),
        (
            'default_profile = "prd"\n[profiles.prod]\nurl = "https://x"\n',
            "default_profile",
            "known: prod",
        ),
        ('defaut_profile = "prod"\n', "defaut_profile", "unknown key"),
        ('[profiles]\nprod = "https://x"\n', "profiles.prod", "dictionary"),
    ],
)
def test_an_invalid_config_names_the_file_and_the_key(
    tmp_path: Path, text: str, key: str, what: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config_file(path)
    message = str(error.value)
    assert str(path) in message
    assert f"{key}:" in message
    assert what in message


def test_an_unreadable_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    with pytest.raises(ConfigError, match=r"Cannot read the config file"):
        load_config_file(folder)


def test_a_file_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[profiles.prod]\nurl = "https://t\xe9ther"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config_file(path)


def test_the_config_path_follows_xdg_and_the_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    import sys

    if sys.platform.startswith("linux"):
        assert config_path({}) == tmp_path / "tether-voice" / "config.toml"
    assert config_path({"TETHER_VOICE_CONFIG": "/etc/tv.toml"}) == Path("/etc/tv.toml")


def test_load_settings_reads_the_file_named_by_the_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.lab]\nurl = "http://10.0.0.5"\nallow_insecure_http = true\n')
    env = {"TETHER_VOICE_CONFIG": str(path), "TETHER_PROFILE": "lab"}
    settings = load_settings(Flags(), env)
    assert settings.url == "http://10.0.0.5"
    assert settings.allow_insecure_http
    assert settings.config_path == path


def _field_docstrings(model: type) -> dict[str, str]:
    """The string right under each annotated field of a class body, read from its source."""
    body = ast.parse(textwrap.dedent(inspect.getsource(model))).body[0].body
    docs = {}
    for node, following in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = following.value.value.strip()
    return docs


def test_every_setting_is_documented() -> None:
    """The field docstrings are the user documentation of the config file."""
    for model in (Profile, ConfigFile):
        docs = _field_docstrings(model)
        for name in model.model_fields:
            assert docs.get(name), f"{model.__name__}.{name} has no docstring"
