"""``FIELD=VALUE`` arguments of ``tether-voice set``: which field, and where its value is.

Field names come from the one field table (:data:`tui.form.fields.FIELDS`): the wire
name (``elevenlabsApiKey``) or its kebab-case alias (``elevenlabs-api-key``); case and
``-``/``_`` do not matter, so a new field in the table is a new name here for free.

Why secret values are never taken from the command line: an argument lands in the
shell's history file and, while the command runs, in ``ps`` output that every user of
a shared bastion can read. A secret field (kind SECRET) therefore accepts only

- ``FIELD=-``: the value is read from standard input (once per command; one trailing
  newline is removed, because ``my-secret-tool get x |`` and ``echo`` add one), or
- ``FIELD=@env:NAME``: the value is the environment variable ``NAME``.

Both forms work for every field. An empty value from either is refused: it almost
always means the command before the pipe failed, and sending nothing is the safe side.
No message here ever quotes a value, so a secret typed by mistake is not echoed back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from tui.form.fields import FIELDS, FieldKind, FieldSpec

if TYPE_CHECKING:
    from pydantic import SecretStr

STDIN = "-"
ENV_PREFIX = "@env:"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
"""What a field name may look like to be quoted back in an error message."""


class FieldArgError(ValueError):
    """An argument that cannot be used; the message names the fix (exit 2)."""


@dataclass(frozen=True)
class FieldArg:
    """One parsed ``FIELD=VALUE``: the field, its value (secrets wrapped), and notes."""

    spec: FieldSpec
    value: str | SecretStr = field(repr=False)
    source: str
    """Where the value came from, in words: "the command line", "standard input", ..."""
    notes: tuple[str, ...] = ()
    """Things to tell the user on stderr (a newline removed, an empty identifier)."""


def kebab(wire_name: str) -> str:
    """``elevenlabsApiKey`` → ``elevenlabs-api-key``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", wire_name).lower()


def _key(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


_BY_KEY: dict[str, FieldSpec] = {_key(spec.wire_name): spec for spec in FIELDS}


def settable_fields() -> list[FieldSpec]:
    """The fields ``FIELD=VALUE`` can name (the action switch has its own flag)."""
    return [spec for spec in FIELDS if spec.kind is not FieldKind.ACTION]


def field_help() -> str:
    """One line per settable field, for ``set --help``."""
    lines = []
    for spec in settable_fields():
        secret = "(secret: - or @env:NAME only)" if spec.masked else ""
        lines.append(f"  {spec.wire_name:<20} {kebab(spec.wire_name):<24}{secret}".rstrip())
    return "\n".join(lines)


def find_field(name: str) -> FieldSpec:
    """The field called ``name`` (wire name or alias, any case).

    Raises:
        FieldArgError: unknown name, or the action field (it has a flag).
    """
    spec = _BY_KEY.get(_key(name))
    shown = repr(name) if _SAFE_NAME.fullmatch(name) else "that name"
    if spec is None:
        known = ", ".join(s.wire_name for s in settable_fields())
        raise FieldArgError(f"unknown field {shown}; known fields: {known}.")
    if spec.kind is FieldKind.ACTION:
        raise FieldArgError(
            f"{spec.wire_name} is an action, not a value: pass --generate-tool-secret."
        )
    return spec


def parse_field_args(
    items: Sequence[str], *, stdin: TextIO, environ: Mapping[str, str]
) -> list[FieldArg]:
    """Parse every ``FIELD=VALUE``, reading standard input and the environment as asked.

    Raises:
        FieldArgError: the first argument that cannot be used.
    """
    parsed: list[FieldArg] = []
    seen: set[str] = set()
    stdin_used_by: str | None = None
    for position, item in enumerate(items, start=1):
        name, equals, raw = item.partition("=")
        if not equals or not name:
            # Not quoted: a key pasted without "FIELD=" in front would be echoed.
            raise FieldArgError(
                f"argument {position} is not FIELD=VALUE (e.g. sinchEstTrunkId=trunk-7, "
                "elevenlabsApiKey=-)."
            )
        spec = find_field(name)
        if spec.wire_name in seen:
            raise FieldArgError(f"{spec.wire_name} is given more than once.")
        seen.add(spec.wire_name)
        if raw == STDIN:
            if stdin_used_by is not None:
                raise FieldArgError(
                    f"standard input is already read for {stdin_used_by}; give "
                    f"{spec.wire_name} as {spec.wire_name}=@env:NAME instead."
                )
            stdin_used_by = spec.wire_name
            parsed.append(_from_stdin(spec, stdin))
        elif raw.startswith(ENV_PREFIX):
            parsed.append(_from_env(spec, raw.removeprefix(ENV_PREFIX), environ))
        else:
            parsed.append(_inline(spec, raw))
    return parsed


def _wrap(spec: FieldSpec, value: str) -> str | SecretStr:
    if spec.masked:
        from pydantic import SecretStr

        return SecretStr(value)
    return value


def _from_stdin(spec: FieldSpec, stdin: TextIO) -> FieldArg:
    if stdin.isatty():
        raise FieldArgError(
            f"{spec.wire_name}=- reads the value from standard input, which is a terminal "
            "here: pipe it in, e.g. `my-secret-tool get KEY | tether-voice set "
            f"{spec.wire_name}=- ...`, or use {spec.wire_name}=@env:NAME."
        )
    try:
        text = stdin.read()
    except UnicodeDecodeError:
        raise FieldArgError(
            f"standard input for {spec.wire_name} is not text in this locale's encoding."
        ) from None
    newline = "\r\n" if text.endswith("\r\n") else "\n" if text.endswith("\n") else ""
    stripped = text.removesuffix(newline) if newline else text
    if stripped == "":
        raise FieldArgError(
            f"standard input was empty, so there is no value for {spec.wire_name} (did the "
            "command before the pipe fail?). Nothing was sent."
        )
    note = "value read from standard input"
    if newline:
        note += " (one trailing newline removed)"
    return FieldArg(spec, _wrap(spec, stripped), "standard input", (note,))


def _from_env(spec: FieldSpec, name: str, environ: Mapping[str, str]) -> FieldArg:
    if not _ENV_NAME.fullmatch(name):
        raise FieldArgError(
            f"{spec.wire_name}=@env:NAME needs an environment variable name after "
            "'@env:' (letters, digits and _)."
        )
    value = environ.get(name)
    if value is None:
        raise FieldArgError(f"{spec.wire_name}: the environment variable {name} is not set.")
    if value == "":
        raise FieldArgError(
            f"{spec.wire_name}: the environment variable {name} is empty. Nothing was sent."
        )
    source = f"the environment variable {name}"
    return FieldArg(spec, _wrap(spec, value), source, (f"value read from {source}",))


def _inline(spec: FieldSpec, raw: str) -> FieldArg:
    name = spec.wire_name
    if spec.masked:
        raise FieldArgError(
            f"{name} is a secret and is not taken from the command line, where it would "
            "land in the shell history and in `ps` output visible to other users. Give it "
            f"as {name}=- (read from standard input) or {name}=@env:NAME. If that was a "
            "real key, remove it from the shell history and consider rotating it."
        )
    if raw == "" and spec.kind is FieldKind.PROVIDER:
        raise FieldArgError(f"{name}= is empty: to clear the provider, pass --clear-provider.")
    if raw == "" and spec.kind is FieldKind.WRITE_ONLY:
        raise FieldArgError(
            f"{name}= is empty, which would keep the stored value and send nothing: "
            f"leave {name} out to keep it."
        )
    notes: tuple[str, ...] = ()
    if raw == "":
        notes = ("empty value: the server's value will be replaced by an empty string",)
    return FieldArg(spec, raw, "the command line", notes)
