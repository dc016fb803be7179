"""Transport safety: which URLs may carry a token, and which certificates are trusted.

Why these rules:

- A bearer token or a password sent over plain ``http://`` can be read and replaced by
  anyone on the network path (a hotel Wi-Fi, a shared bastion's LAN, a proxy). Loopback
  never leaves the machine, so ``http://127.0.0.1:2212`` (the reference's local API
  service) is allowed; anything else over ``http://`` needs ``--allow-insecure-http``.
- TLS verification is never switched off. A private CA is trusted by *adding* its
  bundle (``--ca-bundle``, a profile's ``ca_bundle``, or the standard ``SSL_CERT_FILE``
  / ``SSL_CERT_DIR``), not by disabling checks.
- Proxies come from the standard environment variables (``HTTPS_PROXY``, ``NO_PROXY``,
  ...) through httpx's ``trust_env``, so a bastion's proxy setup works unchanged; but
  never for loopback (:func:`proxies_apply`): a proxy on another machine cannot reach
  this one's ``127.0.0.1``, so ``--demo`` and a local API would fail with "Connection
  refused" wherever ``HTTP_PROXY`` is set and ``NO_PROXY`` does not name them.

Also here: whether a token can go into an ``Authorization`` header at all, so a pasted
token with a space or a typographic quote is refused with a reason, not a traceback.

Only the standard library is imported at module level: the command line checks a URL
before anything heavy (httpx, Textual) is loaded.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import os
import re
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pydantic import SecretStr

log = logging.getLogger(__name__)

LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
"""Host names that always mean this machine. Other names are not trusted to resolve to
loopback: ``/etc/hosts`` or DNS could send them anywhere."""


class TransportConfigError(ValueError):
    """The TLS configuration cannot be used (a CA bundle that is missing or not PEM)."""


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8, ``::1`` and IPv4-mapped loopback (``::ffff:127.x``)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def proxies_apply(url: str) -> bool:
    """Whether the proxy variables of the environment may route ``url``: never for a
    loopback host (see the module's docstring), whatever ``NO_PROXY`` says."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return True
    return not (host and is_loopback_host(host))


def insecure_url_reason(url: str, allow_insecure_http: bool) -> str | None:
    """Why the app must not send a token to ``url``, or None when it may.

    The reason is a full sentence naming the fix, ready for the command line's stderr
    or a sign-in screen.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 -- urlsplit checks the port only when it is read
    except ValueError as exc:
        return (
            f"The instance URL {url!r} is not a valid URL ({exc}). Give it as https://HOST[:PORT]."
        )
    scheme = parts.scheme.lower()
    if not scheme or not host:
        return (
            f"The instance URL {url!r} has no scheme or host. "
            "Give it in full, e.g. https://tether.example.com."
        )
    if scheme not in ("http", "https"):
        return (
            f"The instance URL {url!r} uses {scheme}://; only https:// is supported "
            "(and http:// to this machine)."
        )
    if parts.username is not None or parts.password is not None:
        return (
            "The instance URL contains a user name or password, which would be sent to the "
            "server and kept in shell history. Remove it: sign in with the token instead."
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(host):
        return (
            f"Refusing http:// to {host}: the token (and a password at sign-in) would cross "
            "the network unencrypted, readable and changeable by anyone on the way. "
            "Use https://, or pass --allow-insecure-http (or allow_insecure_http = true in "
            "the profile) if this network is trusted."
        )
    return None


def issuer_url_reason(url: str, setting: str) -> str | None:
    """Why a credential check must not send a third party's secret to ``url``, or None.

    Stricter than :func:`insecure_url_reason`: plain ``http://`` only to this machine,
    with no override, because an ElevenLabs or Sinch secret has no business crossing a
    network unencrypted (``--allow-insecure-http`` is about the Tether instance only).
    ``setting`` names where the URL came from, for the fix.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 -- urlsplit checks the port only when it is read
    except ValueError as exc:
        return f"{setting} {url!r} is not a valid URL ({exc}): give it as https://HOST."
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        return f"{setting} {url!r} is not an https:// URL with a host."
    if parts.username is not None or parts.password is not None:
        return f"{setting} contains a user name or password: remove it."
    if scheme == "http" and not is_loopback_host(host):
        return (
            f"{setting} {url!r} is plain http:// to another machine: the secret would cross "
            "the network unencrypted. Use https:// (http:// is for this machine only)."
        )
    return None


def build_verify(
    ca_bundle: Path | None, environ: Mapping[str, str] | None = None, *, url: str | None = None
) -> ssl.SSLContext:
    """The ``verify=`` argument for httpx: an ``SSLContext`` that verifies, never False.

    Trust, as httpx would choose it with ``verify=True``: the ``ca_bundle`` (it replaces
    the public roots), else ``SSL_CERT_FILE``, else ``SSL_CERT_DIR``, else certifi.
    ``SSL_CERT_FILE`` naming a missing file is reported here, because httpx would raise a
    bare ``FileNotFoundError`` while constructing its client.

    Each context is built once per process and shared by every client (config, sign-in,
    profile): loading certifi's roots takes about 17 ms, which each new client would
    otherwise pay again, on the UI's thread.

    With ``url`` a plain ``http://`` URL (allowed only to loopback) and no proxy in the
    environment, no TLS handshake can happen (redirects are not followed), so the roots
    are not loaded at all: the context returned trusts no certificate, and any TLS
    connection made through it would fail closed.

    Raises:
        TransportConfigError: the bundle is missing, unreadable or holds no certificate.
    """
    env = os.environ if environ is None else environ
    if ca_bundle is not None:
        log.debug("TLS: trusting the CA bundle %s only (--ca-bundle or profile)", ca_bundle)
        return _bundle_context(ca_bundle.expanduser())
    cert_file = env.get("SSL_CERT_FILE") or None
    if cert_file and not Path(cert_file).is_file():
        raise TransportConfigError(
            f"SSL_CERT_FILE names {cert_file}, which is not a file. "
            "Point it at a PEM bundle, or unset it to use the built-in roots."
        )
    if url is not None and _never_uses_tls(url, env):
        log.debug("TLS: none needed (plain http to this machine, no proxy)")
        return _trusting_nothing()
    cert_dir = env.get("SSL_CERT_DIR") or None
    if cert_file:
        log.debug("TLS: trusting SSL_CERT_FILE %s", cert_file)
    elif cert_dir:
        log.debug("TLS: trusting SSL_CERT_DIR %s", cert_dir)
    else:
        log.debug("TLS: trusting the built-in roots (certifi)")
    return _default_context(cert_file, cert_dir)


def _never_uses_tls(url: str, env: Mapping[str, str]) -> bool:
    """A plain-http URL reached directly; a proxy URL could itself be https://."""
    if urlsplit(url.strip()).scheme.lower() != "http":
        return False
    if not proxies_apply(url):
        return True
    proxies = {"http_proxy", "all_proxy"}
    return not any(name.lower() in proxies and value for name, value in env.items())


@functools.cache
def _trusting_nothing() -> ssl.SSLContext:
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verification on, no roots loaded


@functools.cache
def _default_context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    if cert_file:
        return ssl.create_default_context(cafile=cert_file)
    if cert_dir:
        return ssl.create_default_context(capath=cert_dir)
    import httpx  # its default roots (certifi); imported only when a context needs them

    return httpx.create_ssl_context(trust_env=False)


@functools.cache
def _bundle_context(path: Path) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=os.fspath(path))
    except FileNotFoundError:
        problem = "does not exist"
    except IsADirectoryError:
        problem = "is a folder, not a PEM file"
    except PermissionError:
        problem = "cannot be read (permission denied)"
    except ssl.SSLError:  # before OSError, of which it is a subclass
        problem = "holds no PEM certificate"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or type(exc).__name__})"
    raise TransportConfigError(
        f"The CA bundle {path} {problem}. Give --ca-bundle (or the profile's ca_bundle) "
        "a PEM file with your private CA's certificate(s)."
    )


def describe_proxy(url: str) -> str:
    """How a request to ``url`` goes, as httpx reads the environment: for the debug log.

    A proxy URL's user name and password are never shown: only its scheme, host and port.
    """
    from urllib.request import getproxies, proxy_bypass_environment

    if not proxies_apply(url):
        return "direct (this machine: loopback never goes through a proxy)"
    proxies = getproxies()
    parts = urlsplit(url.strip())
    proxy = proxies.get(parts.scheme.lower()) or proxies.get("all")
    if not proxy:
        return "direct (no proxy in the environment)"
    host = parts.hostname or ""
    if proxies.get("no") and proxy_bypass_environment(host, proxies):
        return f"direct (NO_PROXY covers {host})"
    shown = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    try:
        port = f":{shown.port}" if shown.port else ""
    except ValueError:
        port = ""
    hidden = " (its credentials not shown)" if shown.username or shown.password else ""
    return f"through the proxy {shown.scheme}://{shown.hostname or '?'}{port}{hidden}"


def tls_failure_reason(exc: BaseException) -> str | None:
    """A readable reason when ``exc`` (or its cause) is a TLS failure, else None.

    Needed because an ``ssl.SSLError`` carries ``errno`` 1, which ``os.strerror`` would
    render as "Operation not permitted"; the verify message is what the user needs.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            detail = seen.verify_message or seen.reason or "certificate verify failed"
            return (
                f"the server's TLS certificate is not trusted ({detail}); "
                "for a private CA, give --ca-bundle"
            )
        if isinstance(seen, ssl.SSLError):
            return f"the TLS handshake failed ({seen.reason or type(seen).__name__})"
        seen = seen.__cause__ or seen.__context__
    return None


_SENDABLE = re.compile(r"[\x21-\x7e]+")
"""Visible ASCII: what an ``Authorization`` header can carry (a JWT is base64url and dots)."""


def token_problem(token: SecretStr) -> str | None:
    """Why ``token`` cannot be a bearer token, or None; never quotes the token.

    Catches the usual paste accidents (a space, a "Bearer " prefix, a line break, a
    typographic quote) before httpx would raise ``UnicodeEncodeError`` building headers.
    """
    value = token.get_secret_value()
    if not value:
        return "the token is empty"
    if _SENDABLE.fullmatch(value):
        return None
    if value.lower().startswith("bearer "):
        return "the token starts with 'Bearer ': give the token alone"
    if any(character.isspace() for character in value):
        return "the token contains a space or line break"
    return "the token contains characters that are not plain ASCII (a typographic quote?)"
