"""What changed on the server between loading the form and saving it.

The API has no version or ETag, so the only defence against overwriting someone
else's change is to read again just before sending and compare. Untouched fields
are never sent, so drift there cannot be overwritten — but the user is still
looking at a stale value and deserves to know; drift under a field the user *did*
change means the save would overwrite someone else's value.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.api.models import VoiceAiConfig
from tui.form.fields import FIELDS, FLAG_LABELS
from tui.form.state import FormState, configured_status, describe_plain, initial_value


@dataclass(frozen=True)
class Drift:
    """One value that differs between the form's baseline and the server now."""

    label: str
    when_loaded: str
    now: str
    yours: bool
    """The user changed this field: the save would overwrite the newer server value."""


def detect_drift(form: FormState, fresh: VoiceAiConfig) -> list[Drift]:
    """Differences in what the form shows (values and "configured" flags), in form order.

    A regenerated tool secret or a replaced key whose flag stays "configured" cannot
    be seen: the GET never returns secret values.
    """
    drifts: list[Drift] = []
    flags_seen: set[str] = set()
    for spec in FIELDS:
        if spec.loaded_from_server:
            old, new = initial_value(form.loaded, spec), initial_value(fresh, spec)
            if old != new:
                drifts.append(
                    Drift(
                        spec.label,
                        describe_plain(spec, old),
                        describe_plain(spec, new),
                        form.is_changed(spec.wire_name),
                    )
                )
            continue
        flag = spec.configured_flag
        if flag is None or flag in flags_seen:
            continue
        flags_seen.add(flag)
        old_status, new_status = (
            configured_status(form.loaded, spec),
            configured_status(fresh, spec),
        )
        if old_status != new_status:
            behind = [s.wire_name for s in FIELDS if s.configured_flag == flag]
            drifts.append(
                Drift(
                    FLAG_LABELS.get(flag, spec.label),
                    old_status,
                    new_status,
                    any(form.is_changed(name) for name in behind),
                )
            )
    return drifts


def rebase(form: FormState, fresh: VoiceAiConfig) -> FormState:
    """The form on top of the newer server state: edits kept, untouched fields refreshed."""
    rebased = FormState.from_loaded(fresh)
    for spec in form.changed_specs():
        rebased = rebased.with_value(spec.wire_name, form.value(spec.wire_name))
    return rebased
