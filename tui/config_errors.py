"""How a broken config file is explained: the line TOML stopped at, the key pydantic refused.

The user fixes the file by hand, over SSH, often in a plain editor: each message names the
line or the key in the file's own terms, never a Python type or a pydantic error code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_LINE = re.compile(r"at line (\d+)")


def quote_line(raw: bytes, message: str) -> str:
    """`` — line N reads `text``` for the line a TOML error names, so the user sees it at once."""
    found = _LINE.search(message)
    if not found:
        return ""
    lines = raw.decode("utf-8", errors="replace").splitlines()
    number = int(found.group(1))
    if not 1 <= number <= len(lines):
        return ""
    return f" — line {number} reads `{lines[number - 1].strip()[:80]}`"


def describe_error(error: Mapping[str, Any], profile_keys: Iterable[str]) -> str:
    """One pydantic error as ``key.path: what is wrong``, in the file's own terms.

    ``profile_keys``: what a ``[profiles.NAME]`` table may hold, named when a key is not.
    """
    loc = ".".join(str(part) for part in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = error["loc"][:-1]
        known = (
            ", ".join(profile_keys)
            if len(parent) == 2 and parent[0] == "profiles"
            else "default_profile, [profiles.NAME]"
        )
        return f"{loc}: unknown key (known here: {known})"
    if kind == "missing":
        return f"{loc}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{loc}: {message}"
