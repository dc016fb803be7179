"""Transport safety: no token over plain http to another host, TLS always verified."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import httpcore
import httpx
import pytest
from pydantic import SecretStr

from tests.tls_server import https_server
from tui.api.auth import verify_token
from tui.api.client import ConnectionSettings, VoiceConfigClient
from tui.api.failures import ApiFailure, FailureKind
from tui.api.models import VoiceAiConfig
from tui.api.transport import (
    TransportConfigError,
    build_verify,
    describe_proxy,
    insecure_url_reason,
    is_loopback_host,
    proxies_apply,
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:2212",
        "http://127.1.2.3",
        "http://localhost:2212/",
        "http://LOCALHOST",
        "http://[::1]:2212",
        "http://[::ffff:127.0.0.1]:2212",
        "https://tether.example.com",
        "https://10.0.0.5:8443/api-prefix",
        "HTTPS://Tether.Example.com",
    ],
)
def test_allowed(url: str) -> None:
    assert insecure_url_reason(url, allow_insecure_http=False) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://tether.example.com",
        "http://10.0.0.5:2212",
        "http://0.0.0.0:2212",
        "http://[::2]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ],
)
def test_http_to_another_host_is_refused_and_says_why(url: str) -> None:
    reason = insecure_url_reason(url, allow_insecure_http=False)
    assert reason is not None
    assert "unencrypted" in reason
    assert "https://" in reason
    assert "--allow-insecure-http" in reason
    assert insecure_url_reason(url, allow_insecure_http=True) is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("tether.example.com", "no scheme or host"),
        ("", "no scheme or host"),
        ("https://", "no scheme or host"),
        ("ftp://tether.example.com", "only https://"),
        ("file:///etc/passwd", "no scheme or host"),
        ("http://localhost:99999", "not a valid URL"),
        ("https://admin:hunter2@tether.example.com", "user name or password"),
    ],
)
def test_malformed_urls_are_refused_even_when_insecure_is_allowed(url: str, words: str) -> None:
    reason = insecure_url_reason(url, allow_insecure_http=True)
    assert reason is not None
    assert words in reason


def test_loopback_hosts() -> None:
    assert is_loopback_host("127.255.255.254")
    assert is_loopback_host("::1")
    assert is_loopback_host("[::1]")
    assert not is_loopback_host("128.0.0.1")
    assert not is_loopback_host("localhost.localdomain")


# --- certificates --------------------------------------------------------------------


def test_no_bundle_means_the_public_roots_with_verification_on() -> None:
    context = build_verify(None, {}, url="https://tether.example.com")
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 100


def test_one_context_per_trust_source_is_shared_by_every_client(tmp_path: Path) -> None:
    first = build_verify(None, url="https://a.example.com")  # from os.environ, as clients do
    assert build_verify(None, url="https://b.example.com") is first
    assert build_verify(None) is first
    bundle = Path(certifi.where())
    assert build_verify(bundle) is build_verify(bundle)
    assert build_verify(bundle) is not first
    settings = ConnectionSettings("https://a.example.com", SecretStr("t"))
    assert VoiceConfigClient(settings)._http._transport._pool._ssl_context is first


@pytest.mark.parametrize("url", ["http://127.0.0.1:2212", "HTTP://localhost"])
def test_plain_http_loads_no_roots_and_any_tls_fails_closed(url: str) -> None:
    context = build_verify(None, {}, url=url)
    assert context.cert_store_stats()["x509_ca"] == 0
    assert context.verify_mode is ssl.CERT_REQUIRED  # nothing is trusted, nothing skipped
    assert context.check_hostname


@pytest.mark.parametrize("proxy", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_plain_http_through_a_proxy_keeps_the_roots(proxy: str) -> None:
    """The proxy itself may be https://, and is verified like any server."""
    env = {proxy: "https://proxy.example.com:3128"}
    context = build_verify(None, env, url="http://10.0.0.5:2212")
    assert context.cert_store_stats()["x509_ca"] > 100


def test_plain_http_to_loopback_needs_no_roots_whatever_the_proxy() -> None:
    """Loopback never goes through the proxy, so no TLS can happen on the way."""
    context = build_verify(None, {"HTTP_PROXY": "https://p.example.com"}, url="http://localhost")
    assert context.cert_store_stats()["x509_ca"] == 0


def test_a_bundle_is_checked_even_for_plain_http(tmp_path: Path) -> None:
    with pytest.raises(TransportConfigError, match="does not exist"):
        build_verify(tmp_path / "missing.pem", {}, url="http://127.0.0.1:2212")


def test_a_bad_ssl_cert_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(TransportConfigError, match=r"SSL_CERT_FILE names .*nope\.pem"):
        build_verify(None, {"SSL_CERT_FILE": str(missing)})


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: tmp / "missing.pem", "does not exist"),
        (lambda tmp: tmp, "is a folder"),
        (lambda tmp: _write(tmp / "junk.pem", "not a certificate\n"), "holds no PEM certificate"),
    ],
    ids=["missing", "folder", "not-pem"],
)
def test_an_unusable_bundle_is_a_clear_error(tmp_path: Path, make, words: str) -> None:
    path = make(tmp_path)
    with pytest.raises(TransportConfigError) as error:
        build_verify(path)
    assert str(path) in str(error.value)
    assert words in str(error.value)
    assert "--ca-bundle" in str(error.value)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_bundle_becomes_an_ssl_context_trusting_it() -> None:
    context = build_verify(Path(certifi.where()))
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 100


async def test_the_bundle_is_what_makes_a_private_ca_trusted(tmp_path: Path) -> None:
    with https_server(tmp_path) as (url, ca_bundle):
        token = SecretStr("any")
        trusted = ConnectionSettings(url, token, read_timeout=5.0, ca_bundle=ca_bundle)
        assert await verify_token(trusted) is True

        untrusted = await verify_token(ConnectionSettings(url, token, read_timeout=5.0))
        assert isinstance(untrusted, ApiFailure)
        assert untrusted.kind is FailureKind.NETWORK
        assert "TLS certificate is not trusted" in untrusted.summary
        assert "--ca-bundle" in untrusted.summary

        client = VoiceConfigClient(trusted)
        try:
            loaded = await client.load()
        finally:
            await client.aclose()
        assert isinstance(loaded, VoiceAiConfig), "the config client uses the bundle too"


async def test_ssl_cert_file_makes_a_private_ca_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with https_server(tmp_path) as (url, ca_bundle):
        monkeypatch.setenv("SSL_CERT_FILE", str(ca_bundle))
        assert await verify_token(ConnectionSettings(url, SecretStr("any"), read_timeout=5.0))


def test_the_config_client_refuses_a_missing_bundle_clearly(tmp_path: Path) -> None:
    settings = ConnectionSettings(
        "https://127.0.0.1:1", SecretStr("t"), ca_bundle=tmp_path / "missing.pem"
    )
    with pytest.raises(TransportConfigError, match="does not exist"):
        VoiceConfigClient(settings)


# --- proxies: from the environment, never for loopback -----------------------------------

DEAD_PROXY = "http://127.0.0.1:9"
"""The discard port, where nothing listens: a request sent through it is refused."""


@pytest.fixture
def dead_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every proxy variable set, as on a bastion, and none of them able to answer."""
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, DEAD_PROXY)


@pytest.mark.parametrize(
    ("url", "applies"),
    [
        ("http://127.0.0.1:2212", False),
        ("http://127.9.9.9", False),
        ("https://localhost:8443/api", False),
        ("http://[::1]:2212", False),
        ("http://[::ffff:127.0.0.1]", False),
        ("https://tether.example.com", True),
        ("http://10.0.0.5:2212", True),
        ("https://localhost.example.com", True),
        ("not a url", True),
    ],
)
def test_proxies_apply_to_every_host_but_this_machine(url: str, applies: bool) -> None:
    assert proxies_apply(url) is applies


@pytest.mark.usefixtures("dead_proxies")
async def test_loopback_is_reached_directly_whatever_the_proxy_variables_say(
    superadmin: ConnectionSettings,
) -> None:
    """--demo and a local API: before, every request went to the proxy and was refused."""
    client = VoiceConfigClient(superadmin)
    try:
        loaded = await client.load()
    finally:
        await client.aclose()
    assert isinstance(loaded, VoiceAiConfig)
    assert describe_proxy(superadmin.base_url) == (
        "direct (this machine: loopback never goes through a proxy)"
    )


@pytest.mark.usefixtures("dead_proxies")
async def test_another_host_still_goes_through_the_proxy() -> None:
    """The proxy is still used for real hosts: here it is dead, so the load fails there,
    and the failure says to check the proxy settings."""
    settings = ConnectionSettings("https://tether.example.com", SecretStr("t"), read_timeout=5.0)
    client = VoiceConfigClient(settings)
    try:
        # Checked before any request: were the proxy ignored, the name would be looked up.
        transport = client._http._transport_for_url(httpx.URL(settings.base_url))
        assert isinstance(transport._pool, httpcore.AsyncHTTPProxy)
        loaded = await client.load()
    finally:
        await client.aclose()
    assert isinstance(loaded, ApiFailure)
    assert loaded.kind is FailureKind.NETWORK
    assert "proxy" in loaded.summary + loaded.hint
