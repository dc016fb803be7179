"""Connection settings: profiles in a TOML file, then environment, then flags.

Precedence, for every setting: command-line flag > environment variable > the selected
profile in the config file > built-in default. Each resolved value remembers where it
came from (``ResolvedSettings.sources``), so ``--show-settings`` and error messages can
say *why* a value is what it is.

The config file lives in the user's config directory (``platformdirs``; on Linux
``$XDG_CONFIG_HOME/tether-voice/config.toml``), or wherever ``TETHER_VOICE_CONFIG``
points. It never holds a token: tokens live in the OS keyring or in ``TETHER_TOKEN``.
Example::

    default_profile = "prod"

    [profiles.prod]
    url = "https://tether.example.com"

    [profiles.local]
    url = "http://127.0.0.1:2212"
    timeout = 30

A broken file is a :class:`ConfigError` naming the file and the line or key at fault,
never a traceback.

The docstring under each model field is its documentation. The models neither turn those
into descriptions (``use_attribute_docstrings`` reads this file's source at import, ~7 ms
of every start, for text nothing displays) nor build their validators before a config
file is actually read (``defer_build``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from tui.api.answer_body import DEFAULT_MAX_ANSWER_MB
from tui.checks.settings import (
    DEFAULT_ELEVENLABS_URL,
    DEFAULT_SINCH_AUTH_URL,
    DEFAULT_SINCH_EST_URL,
    DEFAULT_SINCH_NUMBERS_URL,
)
from tui.config_errors import describe_error, quote_line

if TYPE_CHECKING:
    from pydantic import SecretStr

    from tui.api.client import ConnectionSettings
    from tui.checks.settings import CheckSettings

APP_NAME = "tether-voice"
CONFIG_ENV = "TETHER_VOICE_CONFIG"
URL_ENV = "TETHER_URL"
PROFILE_ENV = "TETHER_PROFILE"
ELEVENLABS_URL_ENV = "TETHER_VOICE_ELEVENLABS_URL"
SINCH_AUTH_URL_ENV = "TETHER_VOICE_SINCH_AUTH_URL"
SINCH_EST_URL_ENV = "TETHER_VOICE_SINCH_EST_URL"
SINCH_NUMBERS_URL_ENV = "TETHER_VOICE_SINCH_NUMBERS_URL"
MAX_ANSWER_MB_ENV = "TETHER_VOICE_MAX_ANSWER_MB"
MAX_ANSWER_MB_LIMIT = 1024
"""The highest --max-answer-mb accepted: past a GB an answer is not a configuration."""
DEFAULT_ENTRY = "default"
"""The keyring entry when no URL is known at all (nothing is ever stored under it)."""


class ConfigError(Exception):
    """A setting cannot be used; the message names the file, line or key, and the fix."""


class Profile(BaseModel):
    """One Tether instance, as a ``[profiles.NAME]`` table in the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    url: str
    """Base URL of the Tether API, e.g. "https://tether.example.com". Plain http:// is
    accepted only to this machine (localhost, 127.0.0.0/8, ::1) unless
    allow_insecure_http is set."""

    timeout: float = Field(default=15.0, gt=0)
    """Seconds a whole request may take: connecting, sending it and reading the whole
    answer. A server that answers slowly, even a byte at a time, is given up on then,
    with the reason. Raise it for a very large organization over a slow link."""

    connect_timeout: float = Field(default=5.0, gt=0)
    """Seconds to wait for the connection (TCP and TLS) to be set up, within timeout."""

    max_answer_mb: int = Field(default=DEFAULT_MAX_ANSWER_MB, ge=1, le=MAX_ANSWER_MB_LIMIT)
    """The largest answer accepted from the Tether API, in MB once decompressed. The
    default takes an organization of about 250,000 phone numbers; a larger answer is
    refused, saying so, before it can fill the memory."""

    ca_bundle: Path | None = None
    """A PEM file of the private CA(s) this instance's certificate chains to. A relative
    path is relative to the config file. Replaces the public roots for this profile; unset,
    SSL_CERT_FILE / SSL_CERT_DIR or the built-in roots are used."""

    allow_insecure_http: bool = False
    """Allow http:// to a host that is not this machine. The token then crosses the
    network unencrypted: only for a trusted lab network."""

    check_credentials: bool = True
    """Before a save, check newly typed credentials with ElevenLabs and Sinch (from this
    machine), and after it, ElevenLabs' post-call webhook. false: never contact them."""

    probe_write_permissions: bool = False
    """Also check that the ElevenLabs key may write agents and webhooks, with two POSTs
    that ElevenLabs refuses before creating anything (observed behaviour, not
    documented: hence off unless asked for)."""

    elevenlabs_url: str = DEFAULT_ELEVENLABS_URL
    """The ElevenLabs API the checks ask; e.g. https://api.eu.residency.elevenlabs.io for
    EU data-residency keys."""

    sinch_auth_url: str = DEFAULT_SINCH_AUTH_URL
    """Sinch's OAuth server, which gets the EST key ID and secret."""

    sinch_est_url: str = DEFAULT_SINCH_EST_URL
    """Sinch's Elastic SIP Trunking API, asked about the trunk with a short-lived token."""

    sinch_numbers_url: str = DEFAULT_SINCH_NUMBERS_URL
    """Sinch's Numbers API, asked (with the same token) where each number's calls are
    routed: to the EST trunk, or elsewhere."""

    @field_validator(
        "url", "elevenlabs_url", "sinch_auth_url", "sinch_est_url", "sinch_numbers_url"
    )
    @classmethod
    def _clean_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value:
            raise ValueError("the URL is empty")
        return value


class ConfigFile(BaseModel):
    """The whole config file."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    profiles: dict[str, Profile] = Field(default_factory=dict)
    """The instances you work with, by name: ``[profiles.prod]``, ``[profiles.staging]``."""

    default_profile: str | None = None
    """The profile used when neither --profile nor TETHER_PROFILE names one."""

    @field_validator("default_profile")
    @classmethod
    def _names_a_profile(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "profiles" not in info.data:  # the profiles are broken: that error is enough
            return value
        profiles = info.data["profiles"]
        if value is not None and value not in profiles:
            raise ValueError(f"names no profile in this file (known: {_names(profiles)})")
        return value


class Origin(StrEnum):
    """Where a resolved value came from."""

    FLAG = "flag"
    ENV = "env"
    PROFILE = "profile"
    DEFAULT = "default"


@dataclass(frozen=True)
class Flags:
    """What the command line said; None (or False) means "not given"."""

    url: str | None = None
    profile: str | None = None
    timeout: float | None = None
    connect_timeout: float | None = None
    ca_bundle: Path | None = None
    allow_insecure_http: bool = False
    check_credentials: bool | None = None
    probe_write_permissions: bool | None = None
    elevenlabs_url: str | None = None
    sinch_auth_url: str | None = None
    sinch_est_url: str | None = None
    sinch_numbers_url: str | None = None
    max_answer_mb: int | None = None


_FLAG_NAMES = {
    "url": "--url",
    "profile": "--profile",
    "timeout": "--timeout",
    "connect_timeout": "--connect-timeout",
    "ca_bundle": "--ca-bundle",
    "allow_insecure_http": "--allow-insecure-http",
    "check_credentials": "--check / --no-check",
    "probe_write_permissions": "--probe-write-permissions",
    "elevenlabs_url": "--elevenlabs-url",
    "sinch_auth_url": "--sinch-auth-url",
    "sinch_est_url": "--sinch-est-url",
    "sinch_numbers_url": "--sinch-numbers-url",
    "max_answer_mb": "--max-answer-mb",
}
_ENV_NAMES = {
    "url": URL_ENV,
    "profile": PROFILE_ENV,
    "elevenlabs_url": ELEVENLABS_URL_ENV,
    "sinch_auth_url": SINCH_AUTH_URL_ENV,
    "sinch_est_url": SINCH_EST_URL_ENV,
    "sinch_numbers_url": SINCH_NUMBERS_URL_ENV,
    "max_answer_mb": MAX_ANSWER_MB_ENV,
}
_ISSUER_URLS = {
    "elevenlabs_url": "The ElevenLabs URL",
    "sinch_auth_url": "The Sinch auth URL",
    "sinch_est_url": "The Sinch EST URL",
    "sinch_numbers_url": "The Sinch Numbers URL",
}


@dataclass(frozen=True)
class ResolvedSettings:
    """The settings in force, and where each came from."""

    url: str | None
    profile: str | None
    timeout: float
    connect_timeout: float
    ca_bundle: Path | None
    allow_insecure_http: bool
    sources: Mapping[str, Origin] = field(default_factory=dict)
    config_path: Path | None = None
    check_credentials: bool = True
    probe_write_permissions: bool = False
    elevenlabs_url: str = DEFAULT_ELEVENLABS_URL
    sinch_auth_url: str = DEFAULT_SINCH_AUTH_URL
    sinch_est_url: str = DEFAULT_SINCH_EST_URL
    sinch_numbers_url: str = DEFAULT_SINCH_NUMBERS_URL
    max_answer_mb: int = DEFAULT_MAX_ANSWER_MB

    @property
    def token_entry(self) -> str:
        """The keyring entry (user name) for this instance's token.

        The profile's name when the URL is that profile's; otherwise the normalized URL.
        Not a shared "default" entry: a token must only ever be sent to the instance it
        was issued for, and ``--url http://127.0.0.1:2212`` must not pick up the
        production token saved during an earlier ``--url https://tether.example.com``.
        """
        if self.profile and self.sources.get("url") is Origin.PROFILE:
            return self.profile
        if self.url:
            return normalized_url(self.url)
        return DEFAULT_ENTRY

    def connection(self, token: SecretStr) -> ConnectionSettings:
        """The client's settings with ``token``; requires a URL."""
        from tui.api.client import ConnectionSettings

        if not self.url:
            raise ConfigError("no instance URL")
        return ConnectionSettings(
            self.url,
            token,
            connect_timeout=self.connect_timeout,
            read_timeout=self.timeout,
            ca_bundle=self.ca_bundle,
            max_answer_mb=self.max_answer_mb,
        )

    def checks(self) -> CheckSettings:
        """The credential checks' settings: on or off, write probes, the issuers' URLs."""
        from tui.checks.settings import CheckSettings

        source = self.describe_source("check_credentials")
        return CheckSettings(
            enabled=self.check_credentials,
            probe_writes=self.probe_write_permissions,
            elevenlabs_url=self.elevenlabs_url,
            sinch_auth_url=self.sinch_auth_url,
            sinch_est_url=self.sinch_est_url,
            sinch_numbers_url=self.sinch_numbers_url,
            off_note=f"Credential checks are off ({source}): nothing was asked.",
        )

    def issuer_url_problem(self) -> str | None:
        """Why an issuer URL cannot be used, naming where it came from; None when the
        URLs are fine or the checks are off (then nothing is sent to them)."""
        if not self.check_credentials:
            return None
        from tui.api.transport import issuer_url_reason

        for name, what in _ISSUER_URLS.items():
            problem = issuer_url_reason(
                getattr(self, name), f"{what} (from {self.describe_source(name)})"
            )
            if problem:
                return problem
        return None

    def describe_source(self, name: str) -> str:
        """Where setting ``name`` came from, in words (``--url``, ``TETHER_URL``, ...)."""
        origin = self.sources.get(name, Origin.DEFAULT)
        if origin is Origin.FLAG:
            return _FLAG_NAMES[name]
        if origin is Origin.ENV:
            return _ENV_NAMES[name]
        if origin is Origin.PROFILE:
            where = f" in {self.config_path}" if self.config_path else ""
            if name == "profile":
                return f"default_profile{where}"
            return f"profile '{self.profile}'{where}"
        return "built-in default"

    def rows(self) -> list[tuple[str, str, str]]:
        """(setting, value, source) for every setting: the ``--show-settings`` table."""
        values: dict[str, Any] = {
            "profile": self.profile or "(none)",
            "url": self.url or "(none)",
            "timeout": f"{self.timeout:g} s",
            "connect_timeout": f"{self.connect_timeout:g} s",
            "max_answer_mb": f"{self.max_answer_mb} MB",
            "ca_bundle": self.ca_bundle or "(SSL_CERT_FILE, SSL_CERT_DIR or built-in roots)",
            "allow_insecure_http": "yes" if self.allow_insecure_http else "no",
            "check_credentials": "yes" if self.check_credentials else "no",
            "probe_write_permissions": "yes" if self.probe_write_permissions else "no",
            "elevenlabs_url": self.elevenlabs_url,
            "sinch_auth_url": self.sinch_auth_url,
            "sinch_est_url": self.sinch_est_url,
            "sinch_numbers_url": self.sinch_numbers_url,
        }
        return [(name, str(value), self.describe_source(name)) for name, value in values.items()]


def given_issuer_urls(flags: Flags, environ: Mapping[str, str]) -> list[str]:
    """The issuer URLs given on the command line or in the environment, each named as it
    was given (``--elevenlabs-url``, ``TETHER_VOICE_SINCH_AUTH_URL``; both when both were).

    For ``--demo``, which asks its own stand-ins and reads no profile: a URL given to be
    checked against must be said to be ignored, not silently replaced (issue: ``check
    --demo --elevenlabs-url X`` answered ✓ from the stand-in)."""
    given: list[str] = []
    for setting in _ISSUER_URLS:
        if (getattr(flags, setting) or "").strip():
            given.append(_FLAG_NAMES[setting])
        if environ.get(_ENV_NAMES[setting], "").strip():
            given.append(_ENV_NAMES[setting])
    return given


def normalized_url(url: str) -> str:
    """``url`` with a lower-case scheme and host and no trailing slash."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def config_path(environ: Mapping[str, str]) -> Path:
    """``TETHER_VOICE_CONFIG`` if set, else ``config.toml`` in the user's config directory."""
    override = environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def load_config_file(path: Path, *, required: bool = False) -> ConfigFile | None:
    """The parsed file, or None when it does not exist and was not asked for by name.

    ``required``: the path came from ``TETHER_VOICE_CONFIG``, so a missing file is a
    mistake worth reporting rather than the normal "no profiles yet".

    Raises:
        ConfigError: missing (when required), unreadable, not TOML, or not a valid config.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if not required:
            return None
        raise ConfigError(
            f"{CONFIG_ENV} names {path}, which does not exist. "
            f"Create it, or unset {CONFIG_ENV} to use the default location."
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(
            f"Cannot read the config file {path}: {reason}. Fix its permissions, "
            f"or point {CONFIG_ENV} at another file."
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not UTF-8 text (byte {exc.start}). Save it as UTF-8."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML: {exc}{quote_line(raw, str(exc))}. "
            "Fix that line."
        ) from None
    try:
        config = ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            describe_error(error, Profile.model_fields) for error in exc.errors()[:5]
        )
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise ConfigError(
            f"The config file {path} has an error: {problems}{more}. Fix the key named."
        ) from None
    return _anchor_paths(config, path.parent)


def resolve_settings(
    flags: Flags,
    *,
    environ: Mapping[str, str],
    config: ConfigFile | None,
    config_path: Path | None = None,
) -> ResolvedSettings:
    """Apply flags > environment > profile > defaults, recording each value's origin.

    Empty environment variables count as unset.

    Raises:
        ConfigError: the profile asked for (by flag, env or default_profile) is unknown.
    """
    sources: dict[str, Origin] = {}
    name, sources["profile"] = _pick(
        flags.profile, environ.get(PROFILE_ENV), config.default_profile if config else None
    )
    profile = _find_profile(name, sources["profile"], config, config_path)
    given = profile.model_fields_set if profile else set()

    def from_profile(key: str) -> Any:
        return getattr(profile, key) if profile and key in given else None

    url, sources["url"] = _pick(flags.url, environ.get(URL_ENV), from_profile("url"))
    defaults = Profile.model_fields
    timeout, sources["timeout"] = _pick(flags.timeout, None, from_profile("timeout"))
    connect, sources["connect_timeout"] = _pick(
        flags.connect_timeout, None, from_profile("connect_timeout")
    )
    ca_bundle, sources["ca_bundle"] = _pick(
        flags.ca_bundle.expanduser() if flags.ca_bundle else None,
        None,
        from_profile("ca_bundle"),
    )
    insecure, sources["allow_insecure_http"] = _pick(
        True if flags.allow_insecure_http else None, None, from_profile("allow_insecure_http")
    )
    check, sources["check_credentials"] = _pick(
        flags.check_credentials, None, from_profile("check_credentials")
    )
    probe, sources["probe_write_permissions"] = _pick(
        flags.probe_write_permissions, None, from_profile("probe_write_permissions")
    )
    max_mb, sources["max_answer_mb"] = _pick(
        flags.max_answer_mb,
        _megabytes_from_env(environ.get(MAX_ANSWER_MB_ENV)),
        from_profile("max_answer_mb"),
    )
    issuer_urls: dict[str, str] = {}
    for setting in _ISSUER_URLS:
        value, sources[setting] = _pick(
            getattr(flags, setting), environ.get(_ENV_NAMES[setting]), from_profile(setting)
        )
        if value:
            issuer_urls[setting] = value.strip().rstrip("/")
    return ResolvedSettings(
        url=url.strip().rstrip("/") if url else None,
        profile=name,
        timeout=timeout if timeout is not None else defaults["timeout"].default,
        connect_timeout=connect if connect is not None else defaults["connect_timeout"].default,
        ca_bundle=ca_bundle,
        allow_insecure_http=bool(insecure),
        sources=sources,
        config_path=config_path,
        check_credentials=check if check is not None else defaults["check_credentials"].default,
        probe_write_permissions=bool(probe),
        max_answer_mb=max_mb if max_mb is not None else defaults["max_answer_mb"].default,
        **issuer_urls,
    )


def megabytes_problem(text: str) -> str | None:
    """Why ``text`` is not a --max-answer-mb value, or None: a whole number of MB."""
    value = text.strip()
    digits = value.isascii() and value.isdigit() and len(value) <= 4
    if not digits or not 1 <= int(value) <= MAX_ANSWER_MB_LIMIT:
        return f"must be a whole number of MB from 1 to {MAX_ANSWER_MB_LIMIT}"
    return None


def _megabytes_from_env(text: str | None) -> int | None:
    """``TETHER_VOICE_MAX_ANSWER_MB`` as a number; empty counts as unset.

    Raises:
        ConfigError: it is set to something else than a whole number of MB in range.
    """
    if text is None or not text.strip():
        return None
    problem = megabytes_problem(text)
    if problem:
        raise ConfigError(
            f"{MAX_ANSWER_MB_ENV} {problem}, not {text.strip()[:20]!r}: fix or unset it."
        )
    return int(text.strip())


def load_settings(flags: Flags, environ: Mapping[str, str]) -> ResolvedSettings:
    """Find and read the config file, then resolve: what the CLI and the UI call."""
    path = config_path(environ)
    config = load_config_file(path, required=bool(environ.get(CONFIG_ENV, "").strip()))
    return resolve_settings(flags, environ=environ, config=config, config_path=path)


def _pick(flag: Any, env: Any, profile: Any) -> tuple[Any, Origin]:
    """The first given of flag, environment, profile; empty strings count as not given."""
    for value, origin in ((flag, Origin.FLAG), (env, Origin.ENV), (profile, Origin.PROFILE)):
        if value is not None and value != "":
            return value, origin
    return None, Origin.DEFAULT


def _find_profile(
    name: str | None, origin: Origin, config: ConfigFile | None, path: Path | None
) -> Profile | None:
    if name is None:
        return None
    asked_by = {Origin.FLAG: "--profile", Origin.ENV: PROFILE_ENV}.get(origin, "default_profile")
    if config is None:
        raise ConfigError(
            f"Profile '{name}' was asked for by {asked_by}, but there is no config file at "
            f'{path}. Create it with a [profiles.{name}] table holding url = "https://...".'
        )
    if name not in config.profiles:
        raise ConfigError(
            f"Profile '{name}' (from {asked_by}) is not in {path}; known profiles: "
            f"{_names(config.profiles)}. Use one of those, or add [profiles.{name}]."
        )
    return config.profiles[name]


def _names(profiles: Mapping[str, Any]) -> str:
    return ", ".join(sorted(profiles)) or "none"


def _anchor_paths(config: ConfigFile, base: Path) -> ConfigFile:
    """Make each profile's relative ``ca_bundle`` relative to the config file's folder."""
    profiles = {}
    for name, profile in config.profiles.items():
        if profile.ca_bundle is not None:
            bundle = profile.ca_bundle.expanduser()
            # model_copy keeps fields_set, so the bundle still counts as given by the profile.
            profile = profile.model_copy(update={"ca_bundle": base / bundle})
        profiles[name] = profile
    return config.model_copy(update={"profiles": profiles})
