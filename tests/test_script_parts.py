"""The scripted commands' pure parts: field names, the review's layout, failure wording."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from tui.api.failures import (
    ApiFailure,
    FailureKind,
    Operation,
    network_hint,
    status_hint,
    timeout_hint,
)
from tui.api.models import VoiceAiConfig
from tui.form.fields import FIELDS, FieldKind, FieldSpec
from tui.form.state import FormState
from tui.script.exit_codes import ExitCode, for_failure
from tui.script.fields_arg import FieldArgError, find_field, kebab, parse_field_args
from tui.script.render import failure_lines, review_lines, wrap

SETTABLE = [spec for spec in FIELDS if spec.kind is not FieldKind.ACTION]


@pytest.mark.parametrize("spec", SETTABLE, ids=lambda spec: spec.wire_name)
def test_every_field_of_the_table_has_its_names(spec: FieldSpec) -> None:
    for name in (spec.wire_name, kebab(spec.wire_name), kebab(spec.wire_name).upper()):
        assert find_field(name) is spec
    assert find_field(kebab(spec.wire_name).replace("-", "_")) is spec


def test_kebab_aliases() -> None:
    assert kebab("elevenlabsApiKey") == "elevenlabs-api-key"
    assert kebab("sinchEstTrunkDomain") == "sinch-est-trunk-domain"


def test_secrets_are_wrapped_as_soon_as_they_are_read() -> None:
    (arg,) = parse_field_args(
        ["sinchEstKeySecret=@env:S"], stdin=io.StringIO(""), environ={"S": "s3cr3t-value"}
    )
    assert isinstance(arg.value, SecretStr)
    assert "s3cr3t" not in repr(arg)


def test_a_windows_line_ending_counts_as_one_newline() -> None:
    (arg,) = parse_field_args(["elevenlabsApiKey=-"], stdin=io.StringIO("k\r\n"), environ={})
    assert isinstance(arg.value, SecretStr)
    assert arg.value.get_secret_value() == "k"


def test_only_one_trailing_newline_is_removed() -> None:
    (arg,) = parse_field_args(["sinchEstTrunkId=-"], stdin=io.StringIO("t\n\n"), environ={})
    assert arg.value == "t\n"


def test_an_unquotable_field_name_is_not_quoted() -> None:
    with pytest.raises(FieldArgError) as refused:
        find_field("sk_live key with spaces")
    assert "sk_live" not in str(refused.value)


# --- the review -----------------------------------------------------------------------


@given(
    st.text(min_size=1, max_size=400),
    st.text(min_size=1, max_size=400),
    st.sampled_from([40, 80, 132]),
)
def test_review_lines_never_exceed_the_width(before: str, after: str, width: int) -> None:
    loaded = VoiceAiConfig.model_validate({"sinchEstTrunkDomain": before})
    form = FormState.from_loaded(loaded).with_value("sinchEstTrunkDomain", after + "x")
    changes = form.changes(whole=True)
    lines = review_lines(changes, "https://tether.example.com", width)
    assert all(len(line) <= width for line in lines)
    assert all("\n" not in line for line in lines)
    # Every character of both values is there (spaces aside: a line's indent is ours).
    shown = "".join("".join(lines[1:]).split())
    for change in changes:
        for value in (change.before, change.after):
            assert "".join(value.split()) in shown


def test_a_long_change_takes_two_lines() -> None:
    loaded = VoiceAiConfig.model_validate({"sinchEstTrunkDomain": "a" * 50})
    form = FormState.from_loaded(loaded).with_value("sinchEstTrunkDomain", "b" * 50)
    lines = review_lines(form.changes(), "https://t", 80)
    assert lines[1] == f'  sinchEstTrunkDomain  "{"a" * 50}"'
    assert lines[2] == f'{" " * 23}→ "{"b" * 50}"'


def test_wrap_keeps_short_lines_and_indents_continuations() -> None:
    assert wrap(["  a  b"], 80) == ["  a  b"]
    wrapped = wrap(["  " + "word " * 40], 80)
    assert all(len(line) <= 80 for line in wrapped)
    assert wrapped[1].startswith("    word")


# --- failures -------------------------------------------------------------------------


def _hints() -> list[tuple[Operation, str]]:
    hints = []
    for operation in (Operation.LOAD, Operation.SAVE):
        hints += [(operation, status_hint(s, operation)) for s in (400, 401, 403, 404, 429, 500)]
        hints += [(operation, network_hint(operation)), (operation, timeout_hint(operation))]
    return hints


@pytest.mark.parametrize(("operation", "hint"), _hints())
def test_no_hint_tells_a_script_to_press_a_key(operation: Operation, hint: str) -> None:
    failure = ApiFailure(FailureKind.HTTP_STATUS, operation, "summary", hint, status=500)
    lines = failure_lines(failure, "Save failed: ")
    text = " ".join(lines)
    assert "ctrl+" not in text
    assert "edits are kept" not in text
    assert lines[0] == "Save failed: summary"
    assert lines[-1].startswith("Next: ")
    assert "  " not in lines[-1], "no gap where a key name was"


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (FailureKind.HTTP_STATUS, ExitCode.REFUSED),
        (FailureKind.REDIRECT, ExitCode.REFUSED),
        (FailureKind.BAD_RESPONSE, ExitCode.REFUSED),
        (FailureKind.NETWORK, ExitCode.NETWORK),
        (FailureKind.TIMEOUT, ExitCode.NETWORK),
        (FailureKind.NOT_SENT, ExitCode.USAGE),
    ],
)
def test_exit_code_by_failure_kind(kind: FailureKind, code: ExitCode) -> None:
    assert for_failure(ApiFailure(kind, Operation.SAVE, "s", "h")) is code


def test_exit_codes_are_distinct_and_documented() -> None:
    assert [int(code) for code in ExitCode] == [0, 1, 2, 3, 4, 5, 6, 130]
    assert all(code.__doc__ for code in ExitCode)
