"""An answer's body, read and decoded within a size cap that holds across compression.

Why not httpx's own decoding: it counts nothing. Reading ``aiter_bytes()`` and counting
the decoded chunks afterwards let each chunk expand in full first, so a 1.9 KB body sent
with ``Content-Encoding: gzip, gzip`` (a bomb inside a bomb) took the process to 2.1 GB
before the first count. Here the raw bytes are read (``aiter_raw``) and inflated with
``zlib``'s ``max_length``, asking for at most one byte more than the room left under the
cap: memory stays bounded by the cap, whatever the compression ratio.

What is decoded: identity, ``gzip`` / ``x-gzip`` and ``deflate`` (zlib-wrapped or raw,
as servers send both), which is all the requests ask for (:data:`ACCEPT_ENCODING`).
Anything else is refused as an answer not understood: an encoding never asked for
(``br``, ``zstd``), and more than one layer ("compressed twice"), which no server has a
reason to send.

Standard library only: :mod:`tui.settings` reads :data:`DEFAULT_MAX_ANSWER_MB` at start.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from tui.printable import printable

if TYPE_CHECKING:
    import httpx

MIB = 1024 * 1024

DEFAULT_MAX_ANSWER_MB = 32
"""Largest answer accepted from the Tether API, in MB (``--max-answer-mb`` raises it).

A configuration is a few KB; 100,000 phone numbers are 8 to 13 MB, so an organization
of 250,000 numbers still loads. A 50 MB answer (a runaway proxy page) is refused."""

ACCEPT_ENCODING = "gzip, deflate"
"""What every request asks for: the encodings :func:`read_body` can decode in bounds.
httpx would also offer ``br`` and ``zstd`` when their packages happen to be installed."""

STEP = MIB
"""The most inflated at once: pieces this small keep the peak near the cap itself."""

_GZIP = 16 + zlib.MAX_WBITS
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS


class TooLarge(Exception):
    """The answer, decoded, is larger than the cap."""


class Unreadable(Exception):
    """The body cannot be decoded; ``str(exc)`` says why, in words for a failure."""


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, inflated a bounded amount at a time."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._wbits = _GZIP if name == "gzip" else _ZLIB
        self._inflate = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> list[bytes]:
        """``data`` inflated, in pieces of at most :data:`STEP` bytes; at most ``room + 1``
        bytes in all, the one more saying "too large".

        Never asks zlib for 0 bytes, which would mean "no limit".
        """
        out: list[bytes] = []
        size = 0
        while data:
            try:
                piece = self._inflate.decompress(data, min(STEP, room + 1 - size))
            except zlib.error:
                if self._name == "deflate" and not self._started and self._wbits == _ZLIB:
                    # "deflate" is meant zlib-wrapped; some servers send raw deflate.
                    self._wbits = _RAW_DEFLATE
                    self._inflate = zlib.decompressobj(self._wbits)
                    continue
                raise Unreadable(f"its {self._name} compression is broken") from None
            self._started = True
            out.append(piece)
            size += len(piece)
            if size > room:
                return out
            if self._inflate.eof:
                data = self._inflate.unused_data
                if not data or self._name != "gzip":
                    return out  # bytes after the end of a deflate stream are ignored
                # gzip allows members one after another: each is inflated in turn.
                self._inflate = zlib.decompressobj(self._wbits)
                continue
            # What zlib could not inflate within the piece's length, to go on with.
            data = self._inflate.unconsumed_tail
        return out


def layers(response: httpx.Response) -> list[str]:
    """The answer's content codings, outermost last, ``identity`` left out."""
    names = response.headers.get_list("content-encoding", split_commas=True)
    found = [name.strip().lower() for name in names]
    return [name for name in found if name and name != "identity"]


def _decoder(response: httpx.Response) -> _Inflater | None:
    """The one layer to undo, None for none.

    Raises:
        Unreadable: more than one layer, or a coding this app does not decode.
    """
    names = layers(response)
    if not names:
        return None
    if len(names) > 1:
        shown = printable(", ".join(names)[:60])
        raise Unreadable(f"it is compressed more than once ({shown}), which is not decoded")
    name = {"x-gzip": "gzip"}.get(names[0], names[0])
    if name not in ("gzip", "deflate"):
        raise Unreadable(f"it is encoded as '{printable(name[:30])}', which is not decoded")
    return _Inflater(name)


async def read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The whole body, decoded; never more than ``max_bytes`` decoded bytes in memory.

    Raises:
        TooLarge: the decoded body is larger than ``max_bytes``.
        Unreadable: an encoding that is not decoded, or broken compression.
        httpx.TransportError: the connection failed while reading.
    """
    if response.is_stream_consumed:
        # A response built in memory (httpx reads a MockTransport's bytes at once): no
        # network stream to bound, only its size to check.
        if len(response.content) > max_bytes:
            raise TooLarge
        return response.content
    decoder = _decoder(response)
    declared = response.headers.get("content-length", "")
    if decoder is None and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge  # said so up front: not a byte of it is read
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        pieces = [raw] if decoder is None else decoder.feed(raw, max_bytes - size)
        size += sum(len(piece) for piece in pieces)
        if size > max_bytes:
            raise TooLarge
        chunks.extend(pieces)
    # No flush: fed in bounds, zlib holds no output back, and a stream cut short is read
    # as far as it goes (as httpx does); its JSON then fails to parse.
    return b"".join(chunks)


def body_text(body: bytes, response: httpx.Response) -> str:
    """The body as text, in its declared charset when that is a text encoding, else UTF-8.

    httpx accepts any codec name it can look up, ``rot13`` and ``zlib_codec`` included,
    which ``bytes.decode`` then refuses with ``LookupError``.
    """
    try:
        return body.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
