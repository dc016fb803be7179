"""Form state: what was loaded plus what the user typed, and what that adds up to.

This module is pure (no Textual, no HTTP) so that the rules deciding what is sent
can be tested exhaustively. The UI feeds raw widget values in through
:meth:`FormState.with_value` and reads everything it shows back out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pydantic import SecretStr

from tui.api.models import VoiceAiConfig
from tui.form.fields import FIELDS, FIELDS_BY_NAME, FieldKind, FieldSpec
from tui.form.masking import MASK
from tui.form.warnings import value_warnings
from tui.printable import printable

DISPLAY_LIMIT = 80
"""Longest non-secret value the review shows whole; a long paste is shortened there."""

FieldValue = str | bool | SecretStr | None
"""Provider: ``str | None``; identifiers and key ID: ``str``; secrets: ``SecretStr``;
the action switch: ``bool``."""


def configured_status(loaded: VoiceAiConfig, spec: FieldSpec) -> str:
    """The server's word on whether a write-only field holds a value."""
    if spec.configured_flag is None:
        return "n/a"
    flag = loaded.wire_value(spec.configured_flag)
    if flag is None:
        return "unknown"
    return "configured" if flag else "not set"


def initial_value(loaded: VoiceAiConfig, spec: FieldSpec) -> FieldValue:
    """The value a field shows right after a load: the server's value, or empty."""
    match spec.kind:
        case FieldKind.PROVIDER:
            return loaded.wire_value(spec.wire_name)
        case FieldKind.IDENTIFIER:
            return loaded.wire_value(spec.wire_name) or ""
        case FieldKind.SECRET:
            return SecretStr("")
        case FieldKind.ACTION:
            return False
        case FieldKind.WRITE_ONLY:
            return ""


def _coerce(spec: FieldSpec, raw: FieldValue) -> FieldValue:
    """Normalise a raw widget value to the field's type, keeping secrets wrapped."""
    match spec.kind:
        case FieldKind.SECRET:
            return raw if isinstance(raw, SecretStr) else SecretStr(str(raw or ""))
        case FieldKind.ACTION:
            return bool(raw)
        case FieldKind.PROVIDER:
            return None if raw is None or raw == "" else str(raw)
        case _:
            return "" if raw is None else str(raw)


def _plain(value: FieldValue) -> FieldValue:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@dataclass(frozen=True)
class Change:
    """One line of the review: a field that will be sent, old → new, safe to display."""

    spec: FieldSpec
    before: str
    after: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reread:
    """What the re-read after a save shows about the changes sent (labels)."""

    confirmed: tuple[str, ...] = ()
    """Read back as sent (an identifier), or a "configured" flag that only this save
    can have turned on."""
    differs: tuple[str, ...] = ()
    """Read back otherwise: normalised by the server, or changed by someone else."""
    unseen: tuple[str, ...] = ()
    """Sent, but nothing Tether returns can show it (a secret whose flag was already
    on, the Sinch key ID without its secret, a fresh tool secret)."""
    still_unset: tuple[str, ...] = ()
    """Of ``unseen``: those whose "configured" flag still reads false (the Sinch key ID
    sent without a secret, with none stored)."""

    def lines(self) -> list[str]:
        """The re-read's words for the status panel and ``set``: what it confirmed, and
        plainly what it cannot show, never counted as confirmed."""
        lines: list[str] = []
        count = len(self.confirmed)
        if count:
            lines.append(
                f"Re-read from the server: {count} change{'s' if count != 1 else ''} confirmed."
            )
        if self.unseen:
            lines.append(
                "Not shown by the re-read (Tether never returns secrets): "
                + ", ".join(self.unseen)
                + "."
            )
        if self.still_unset:
            lines.append(
                "Tether still reports " + ", ".join(self.still_unset) + " as not configured: "
                "the Sinch key ID and key secret count only together."
            )
        return lines


@dataclass(frozen=True)
class FormState:
    """An immutable snapshot of the form. Every edit makes a new one."""

    loaded: VoiceAiConfig
    values: Mapping[str, FieldValue] = field(repr=False)

    @classmethod
    def from_loaded(cls, loaded: VoiceAiConfig) -> FormState:
        values = {spec.wire_name: initial_value(loaded, spec) for spec in FIELDS}
        return cls(loaded, MappingProxyType(values))

    def with_value(self, wire_name: str, raw: FieldValue) -> FormState:
        spec = FIELDS_BY_NAME[wire_name]
        values = dict(self.values)
        values[wire_name] = _coerce(spec, raw)
        return FormState(self.loaded, MappingProxyType(values))

    def reverted(self, wire_name: str) -> FormState:
        """This field back to its value as loaded; every other edit stays."""
        values = dict(self.values)
        values[wire_name] = initial_value(self.loaded, FIELDS_BY_NAME[wire_name])
        return FormState(self.loaded, MappingProxyType(values))

    def value(self, wire_name: str) -> FieldValue:
        return self.values[wire_name]

    def plain_value(self, wire_name: str) -> FieldValue:
        """The value with any secret unwrapped, for handing back to a widget."""
        return _plain(self.values[wire_name])

    def is_changed(self, wire_name: str) -> bool:
        """Whether this field will be part of the POST body."""
        spec = FIELDS_BY_NAME[wire_name]
        value = _plain(self.values[wire_name])
        match spec.kind:
            case FieldKind.ACTION:
                return value is True
            case FieldKind.SECRET | FieldKind.WRITE_ONLY:
                return value != ""
            case _:
                return value != initial_value(self.loaded, spec)

    def changed_specs(self) -> Iterator[FieldSpec]:
        return (spec for spec in FIELDS if self.is_changed(spec.wire_name))

    @property
    def change_count(self) -> int:
        return sum(1 for _ in self.changed_specs())

    def changes(self, now: VoiceAiConfig | None = None, *, whole: bool = False) -> list[Change]:
        """The review's rows, in form order. Secrets only ever appear as :data:`MASK`.

        ``now``: the server's state as re-read just before the review. The rows stay this
        form's changes (what is sent), but their "now on server" value is the re-read's,
        so one field never shows two current values on one screen. ``whole``: no value
        shortened (:func:`describe_plain`), for a review that wraps instead (scripts).
        """
        base = self if now is None else FormState.from_loaded(now)
        limit = None if whole else DISPLAY_LIMIT
        return [
            Change(
                spec,
                base._describe_before(spec, limit),
                self._describe_after(spec, limit),
                tuple(self.warnings(spec.wire_name)),
            )
            for spec in self.changed_specs()
        ]

    def warnings(self, wire_name: str) -> list[str]:
        """Second-look warnings for a field the user changed (never for untouched ones)."""
        if not self.is_changed(wire_name):
            return []
        return value_warnings(FIELDS_BY_NAME[wire_name], self.plain_value(wire_name))

    def after_save(self) -> FormState:
        """The form once the server accepted its changes: what was sent becomes the baseline.

        Shown until the re-read answers, and kept if the re-read fails, so that a saved
        change never stays "unsaved" and is never sent twice. A "configured" flag turns on
        only when every field behind it was sent (Sinch EST needs key ID and secret).
        """
        sent = {spec.wire_name for spec in self.changed_specs()}
        update: dict[str, FieldValue] = {
            name: self.plain_value(name) for name in sent if FIELDS_BY_NAME[name].loaded_from_server
        }
        for flag in {spec.configured_flag for spec in FIELDS if spec.configured_flag}:
            behind = {spec.wire_name for spec in FIELDS if spec.configured_flag == flag}
            if behind <= sent:
                update[flag] = True
        loaded = VoiceAiConfig.model_validate({**self.loaded.model_dump(by_alias=True), **update})
        return FormState.from_loaded(loaded)

    def unconfirmed_after_save(self, reloaded: VoiceAiConfig) -> list[str]:
        """Labels of sent changes that the re-read does not show (normalised, or overwritten).

        Identifiers must read back as sent; a secret's "configured" flag must not read
        back as false (None means the server did not say, which proves nothing).
        """
        return list(self.reread_after_save(reloaded).differs)

    def reread_after_save(self, reloaded: VoiceAiConfig) -> Reread:
        """What the re-read proves about each sent change, and what it cannot show.

        An identifier is confirmed when it reads back as sent. A secret never reads back:
        its change is confirmed only by its "configured" flag turning (or staying) true
        when every field behind the flag was sent; the Sinch key ID alone (or the secret
        alone) leaves the flag saying nothing about it, and a fresh tool secret cannot be
        told from the old one. Those are ``unseen``: said plainly, never counted as
        confirmed.
        """
        expected = self.after_save().loaded
        sent = {spec.wire_name for spec in self.changed_specs()}
        confirmed: list[str] = []
        differs: list[str] = []
        unseen: list[str] = []
        still_unset: list[str] = []
        for spec in self.changed_specs():
            if spec.loaded_from_server:
                same = expected.wire_value(spec.wire_name) == reloaded.wire_value(spec.wire_name)
                (confirmed if same else differs).append(spec.label)
                continue
            flag = spec.configured_flag
            now = reloaded.wire_value(flag) if flag else None
            if flag and expected.wire_value(flag) and now is False:
                differs.append(spec.label)
                continue
            behind = {f.wire_name for f in FIELDS if flag and f.configured_flag == flag}
            was = self.loaded.wire_value(flag) if flag else None
            proves = (
                spec.kind is not FieldKind.ACTION
                and bool(flag)
                and behind <= sent
                and now is True
                and was is not True
            )
            label = "the new tool secret" if spec.kind is FieldKind.ACTION else spec.label
            (confirmed if proves else unseen).append(label)
            if not proves and now is False:
                still_unset.append(label)
        return Reread(tuple(confirmed), tuple(differs), tuple(unseen), tuple(still_unset))

    def _describe_before(self, spec: FieldSpec, limit: int | None) -> str:
        if spec.loaded_from_server:
            return describe_plain(spec, initial_value(self.loaded, spec), limit)
        return configured_status(self.loaded, spec)

    def _describe_after(self, spec: FieldSpec, limit: int | None) -> str:
        if spec.kind is FieldKind.SECRET:
            return MASK
        if spec.kind is FieldKind.ACTION:
            return "generate a new secret"
        return describe_plain(spec, _plain(self.values[spec.wire_name]), limit)


def describe_plain(spec: FieldSpec, value: FieldValue, limit: int | None = DISPLAY_LIMIT) -> str:
    """A non-secret value as the review shows it: quoted, so whitespace is visible, with
    control characters escaped and long pastes shortened past ``limit`` (None: never),
    so one value stays one line."""
    if spec.kind is FieldKind.PROVIDER and value is None:
        return "none"
    if value == "":
        return "(empty)"
    text = str(value)
    if spec.kind is FieldKind.PROVIDER:
        return text
    if limit is None or len(text) <= limit:
        return f'"{printable(text)}"'
    return f'"{printable(text[:limit])}" … ({len(text):,} characters)'
