"""How secret values are shown when they must be mentioned at all.

The mask has a fixed width: a mask as long as the secret would leak the secret's
length, which narrows a brute-force search and tells an onlooker whether a key
is an old 32-character ElevenLabs key or a newer ``sk_`` one.
"""

from __future__ import annotations

MASK = "••••••••"
