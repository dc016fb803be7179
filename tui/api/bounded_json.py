"""JSON from a server, parsed with a depth limit: the one parser every answer goes through.

Why a limit at all: ``json.loads`` recurses once per ``[`` or ``{``. 200,000 of them
(400 KB, well under any size cap) raise ``RecursionError``, which no caller expects:
before this module it crashed the app and, on a save's answer, hid that the POST had
been sent. A value a few hundred levels deep parses, but then recurses again wherever it
goes next (``repr``, ``str``, pydantic's errors, a comparison). The contract's shapes are
at most six levels deep, so anything deeper than :data:`MAX_DEPTH` is refused before
anyone else sees it, with the same words as an answer too deep to parse at all.

The check walks the parsed value level by level (no recursion of its own) and looks only
at containers: on 100,000 phone numbers (13 MB) it adds ~25 ms to json.loads' ~70 ms.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting accepted; the contract's answers need six levels."""


class TooDeep(Exception):
    """An answer nested more deeply than :data:`MAX_DEPTH` (or than Python can parse)."""

    def __init__(self) -> None:
        super().__init__(f"it is nested more than {MAX_DEPTH} levels deep")


def loads(text: str | bytes) -> Any:
    """``json.loads(text)``, refusing a value nested more than :data:`MAX_DEPTH` deep.

    Raises:
        TooDeep: nested too deeply, whether or not ``json.loads`` could parse it.
        ValueError: not JSON (``json.JSONDecodeError``, or bytes that are not UTF-8).
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep from None
    if too_deep(value):
        raise TooDeep
    return value


def loads_or_none(text: str | bytes) -> Any:
    """The parsed value, or None when ``text`` is not JSON or is nested too deeply.

    For readers that treat an unreadable body as "no JSON" (an issuer's reply); an
    answer read by :func:`tui.api.exchange.exchange` was refused earlier, with reasons.
    """
    try:
        return loads(text)
    except (TooDeep, ValueError):
        return None


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` holds lists or dicts nested more than ``limit`` levels deep.

    Breadth first, one level at a time, so a deep value costs no recursion, and a wide
    one costs one pass over its containers.
    """
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]
    return False
