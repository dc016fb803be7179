"""``tether-voice show [--json]``: the configuration as the GET returns it.

Secrets appear only as "configured", "not set" or "unknown" (the server never returns
a secret value, and ``unknown`` means it did not say). The rows come from the field
table, so a new field shows up here with no change to this module.

The ``--json`` shape is an interface for other tools and documented in the README:
one key per row (``aiVoiceProvider``, ``elevenlabsApiKey``, ``elevenlabsToolSecret``,
``sinchEst``, ``sinchEstProjectId``, ``sinchEstTrunkId``, ``sinchEstTrunkDomain``),
plus ``url``, ``phoneNumbers`` and ``unknownFields``. Keys are only ever added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.form.fields import FIELDS, FLAG_LABELS
from tui.printable import printable
from tui.script.exit_codes import ExitCode, for_failure
from tui.script.layout import labelled, table
from tui.script.render import (
    emit,
    emit_json,
    failure_lines,
    json_error,
    json_failure,
    usage_error,
    wrap,
)
from tui.script.width import line_width

if TYPE_CHECKING:
    from tui.api.models import VoiceAiConfig
    from tui.script.session import Target

_FLAG_SUFFIX = "Configured"


@dataclass(frozen=True)
class Row:
    """One line of ``show``: a JSON key, a label, and the value (None: not set)."""

    key: str
    label: str
    value: str | None
    secret: bool


def config_rows(config: VoiceAiConfig) -> list[Row]:
    """Every field of the table in table order; fields behind one "configured" flag
    (Sinch EST key ID and secret) share one row named after the flag."""
    from tui.form.state import configured_status

    rows: list[Row] = []
    flags_seen: set[str] = set()
    for spec in FIELDS:
        if spec.loaded_from_server:
            value = config.wire_value(spec.wire_name)
            rows.append(Row(spec.wire_name, spec.label, value, secret=False))
            continue
        flag = spec.configured_flag
        if flag is None or flag in flags_seen:
            continue
        flags_seen.add(flag)
        status = configured_status(config, spec)
        rows.append(Row(flag.removesuffix(_FLAG_SUFFIX), FLAG_LABELS[flag], status, secret=True))
    return rows


def as_json(config: VoiceAiConfig, url: str) -> dict[str, Any]:
    """The documented ``show --json`` object."""
    shape: dict[str, Any] = {"url": url}
    shape.update({row.key: row.value for row in config_rows(config)})
    shape["phoneNumbers"] = [
        number.model_dump(by_alias=True, mode="json") for number in config.phone_numbers
    ]
    shape["unknownFields"] = config.unknown_fields
    return shape


def as_text(config: VoiceAiConfig, url: str, width: int | None = None) -> list[str]:
    """Label/value lines, then the phone numbers as a table, then unknown fields; in
    ``width`` (stdout's unless given), a value too long for its column under its label."""
    from tui.form.summary import phone_summary, unknown_items

    width = width or line_width()
    rows = config_rows(config)
    column = max(len(row.label) for row in rows) + 2
    lines = wrap([f"Voice AI configuration at {printable(url)}"], width)
    for row in rows:
        if row.value is None:
            shown = "none" if row.key == "aiVoiceProvider" else "not set"
        else:
            shown = printable(row.value) or "(empty)"
        lines.extend(labelled(f"  {row.label:<{column}}", shown, width))
    lines.append("")
    lines.append(f"Phone numbers: {phone_summary(config)}")
    if config.phone_numbers:
        cells = [("NUMBER", "AI", "AGENT", "USER")]
        for number in config.phone_numbers:
            enabled = number.ai_enabled
            ai = "unknown" if enabled is None else "on" if enabled else "off"
            cells.append(
                (
                    printable(number.phone_number or "-"),
                    ai,
                    printable(number.ai_agent_id or "-"),
                    printable(number.user_id or "-"),
                )
            )
        lines.extend(wrap(table(cells, width), width))
    unknown = unknown_items(config)
    if unknown:
        lines.append("")
        lines.append("Other fields from the server (read-only):")
        lines.extend(wrap([f"  {printable(item)}" for item in unknown], width))
    return lines


def run_show(connect: Callable[[], Target], *, json_output: bool) -> ExitCode:
    """Connect, load and print; on failure, the app's explanation on stderr (JSON with
    ``--json``, so a tool reading the output never has to parse prose)."""
    from tui.api.failures import ApiFailure
    from tui.script.session import UsageError, load

    try:
        target = connect()
    except UsageError as exc:
        if json_output:
            json_error(ExitCode.USAGE, "usage", [str(exc)])
        else:
            usage_error("show", str(exc))
        return ExitCode.USAGE
    try:
        config = load(target.settings)
    finally:
        target.close()
    if isinstance(config, ApiFailure):
        code = for_failure(config)
        lines = failure_lines(config, "Load failed: ")
        if json_output:
            json_failure(config, code, lines)
        else:
            emit(*lines, err=True)
        return code
    if json_output:
        emit_json(as_json(config, target.label))
    else:
        emit(*as_text(config, target.label))
    return ExitCode.OK
