"""How secret values are shown when they must be mentioned at all.

The mask has a fixed width: a mask as long as the secret would leak the secret's
length, which narrows a brute-force search and tells an onlooker whether a key
is an old 32-character ElevenLabs key or a newer ``sk_`` one.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = "••••••••"

MIN_MASKED = 8
"""The shortest value masked inside a text: shorter, it is no real key (an ElevenLabs
key runs to 32 characters and more, Sinch's key IDs are UUIDs, a tool secret is 64)."""


def masked_in(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret (as typed, and without the spaces
    around it, as an issuer would echo it) replaced by :data:`MASK`.

    Only values of :data:`MIN_MASKED` characters or more: a one-letter "key" masked in
    "ElevenLabs does not know this key" gave "El••••••••v••••••••nLabs do••••••••s…",
    our own words unreadable and the secret spelled out by where the masks fell, and a
    key of one space emptied the message. A value that short is wrong anyway, and shown
    only if an issuer quotes it back.
    """
    for secret in _maskable(secrets):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _maskable(secrets: Iterable[str]) -> list[str]:
    """Each secret as typed and stripped, long enough to mask, the longest first (so a
    value that contains another is masked whole)."""
    found = {form for secret in secrets for form in (secret, secret.strip())}
    return sorted((form for form in found if len(form) >= MIN_MASKED), key=len, reverse=True)
