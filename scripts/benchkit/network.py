"""A network to measure over: a throwaway CA and a TLS proxy that adds a round-trip time.

The demo server speaks plain HTTP on loopback, where a request costs well under a
millisecond and no TLS handshake happens: startup and the network can then never be
seen competing. This module puts a real-looking network in front of it:

- ``ThrowawayCA``: a private CA and a certificate for 127.0.0.1 signed by it, made on
  the spot with ``cryptography`` (in the lock already, as keyring's dependency); the
  programs measured trust it through ``--ca-bundle`` or ``verify=``, as a user of a
  private CA would.
- ``LatencyProxy``: what the programs connect to (``https://127.0.0.1:PORT``). Two
  stages on one asyncio loop of its own thread: a *wire* that holds every byte for
  RTT/2 in each direction, and behind it a TLS terminator that forwards plain HTTP to
  the demo server. The TLS handshake crosses the wire, so it pays its round trip like
  any other bytes.

The kernel completes a TCP handshake on loopback at once, which a user-space proxy
cannot slow down. The wire accounts for it instead: nothing the client sends is
delivered before one RTT after the connection was accepted, which is when a real
client's ``connect()`` would have returned and its first bytes would have left. A
fresh HTTPS request therefore costs 3 RTT (TCP, TLS 1.3, the request), as on a real
network, and a request on a kept-alive connection 1 RTT.

The proxy counts connections accepted and TLS handshakes completed: how many
handshakes a flow pays is one of the measurements.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 65536


# --- the throwaway CA ----------------------------------------------------------------------


@dataclass(frozen=True)
class ThrowawayCA:
    """PEM files in a scratch folder: the CA to trust, and the server's chain and key."""

    ca_pem: Path
    server_chain_pem: Path
    server_key_pem: Path

    @classmethod
    def create(cls, folder: Path) -> ThrowawayCA:
        """A CA valid for a day and a 127.0.0.1 certificate it signed (EC P-256: fast)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        now = datetime.datetime.now(datetime.UTC)
        valid = (now - datetime.timedelta(hours=1), now + datetime.timedelta(days=1))

        def name(common: str) -> x509.Name:
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name("tether-voice bench CA"))
            .issuer_name(name("tether-voice bench CA"))
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid[0])
            .not_valid_after(valid[1])
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        server_key = ec.generate_private_key(ec.SECP256R1())
        server_cert = (
            x509.CertificateBuilder()
            .subject_name(name("127.0.0.1"))
            .issuer_name(ca_cert.subject)
            .public_key(server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid[0])
            .not_valid_after(valid[1])
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        pem = serialization.Encoding.PEM
        ca_path = folder / "bench-ca.pem"
        chain_path = folder / "bench-server-chain.pem"
        key_path = folder / "bench-server-key.pem"
        ca_path.write_bytes(ca_cert.public_bytes(pem))
        chain_path.write_bytes(server_cert.public_bytes(pem) + ca_cert.public_bytes(pem))
        key_path.write_bytes(
            server_key.private_bytes(
                pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cls(ca_path, chain_path, key_path)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_chain_pem, self.server_key_pem)
        return context


# --- the delayed wire -----------------------------------------------------------------------


def release_time(arrived: float, previous: float, opened: float, delay: float) -> float:
    """When a chunk that ``arrived`` may be delivered, one way across the wire.

    ``opened``: the earliest time bytes may leave (the accept time plus one RTT for the
    client's direction: its ``connect()`` would only have returned then). Order is kept:
    a chunk never overtakes the one before it (``previous``).
    """
    return max(max(arrived, opened) + delay, previous)


async def _pump(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    delay: float,
    opened: float,
) -> None:
    """Copy one direction, each chunk held until its release time; EOF passes on in order."""
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                with contextlib.suppress(OSError, RuntimeError):
                    if writer.can_write_eof():
                        writer.write_eof()
                    else:
                        writer.close()
                return
            writer.write(data)
            await writer.drain()

    delivering = asyncio.ensure_future(deliver())
    previous = 0.0
    try:
        while True:
            try:
                data = await reader.read(CHUNK)
            except (OSError, ssl.SSLError):
                data = b""
            previous = release_time(time.monotonic(), previous, opened, delay)
            queue.put_nowait((previous, data))
            if not data:
                break
        await delivering
    except (OSError, ssl.SSLError):
        pass
    finally:
        delivering.cancel()


async def _splice(
    client: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    one_way: float,
    client_opens: float,
) -> None:
    """Both directions until both have ended; then both ends are closed."""
    try:
        await asyncio.gather(
            _pump(client[0], upstream[1], one_way, client_opens),
            _pump(upstream[0], client[1], one_way, 0.0),
            return_exceptions=True,
        )
    finally:
        for writer in (client[1], upstream[1]):
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)


# --- the proxy ------------------------------------------------------------------------------


class LatencyProxy:
    """``https://127.0.0.1:PORT`` in front of a plain-HTTP server, with a round-trip time.

    ``with LatencyProxy(ca, upstream_port, rtt_ms=150) as proxy: ... proxy.url``. Its
    own thread and event loop; ``stop()`` closes every connection and joins the thread.
    """

    def __init__(self, ca: ThrowawayCA, upstream_port: int, rtt_ms: float) -> None:
        self.ca = ca
        self.upstream_port = upstream_port
        self.rtt = rtt_ms / 1000
        self.connections = 0
        """TCP connections the clients opened (accepted by the wire)."""
        self.handshakes = 0
        """TLS handshakes completed behind the wire."""
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def counts(self) -> tuple[int, int]:
        """(connections, handshakes) so far."""
        return self.connections, self.handshakes

    def start(self) -> LatencyProxy:
        self._thread = threading.Thread(
            target=self._run, name=f"bench-latency-proxy-{self.rtt * 1000:.0f}ms", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(10) or self._error is not None:
            raise RuntimeError(f"the latency proxy did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and self._stopped is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._stopped.set)
        if thread is not None:
            thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported by start(); the thread must not die silently
            self._error = error
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()

        def tracked(handler: Callable[..., Awaitable[None]]) -> Callable[..., None]:
            def start(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                task = asyncio.ensure_future(handler(reader, writer))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

            return start

        async def terminate_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.handshakes += 1  # asyncio completed the handshake before calling this
            try:
                upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            except OSError:
                writer.close()
                return
            await _splice((reader, writer), upstream, 0.0, 0.0)

        terminator = await asyncio.start_server(
            tracked(terminate_tls), "127.0.0.1", 0, ssl=self.ca.server_context()
        )
        terminator_port = terminator.sockets[0].getsockname()[1]

        async def wire(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            accepted = time.monotonic()
            try:
                upstream = await asyncio.open_connection("127.0.0.1", terminator_port)
            except OSError:
                writer.close()
                return
            await _splice((reader, writer), upstream, self.rtt / 2, accepted + self.rtt)

        front = await asyncio.start_server(tracked(wire), "127.0.0.1", 0)
        self.port = front.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            for server in (front, terminator):
                server.close()
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
