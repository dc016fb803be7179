"""Second-look warnings: they flag likely mistakes and never change or refuse a value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.form.fields import FIELDS, FIELDS_BY_NAME
from tui.form.warnings import is_hostname, value_warnings

KEY = FIELDS_BY_NAME["elevenlabsApiKey"]
DOMAIN = FIELDS_BY_NAME["sinchEstTrunkDomain"]
PROJECT = FIELDS_BY_NAME["sinchEstProjectId"]
SECRET = FIELDS_BY_NAME["sinchEstKeySecret"]


@pytest.mark.parametrize(
    "host",
    ["example.sip.sinch.com", "a.elastic-sip.sinch.com", "x.pstn.sinch.com", "localhost", "a-b.c."],
)
def test_valid_host_names(host: str) -> None:
    assert is_hostname(host)
    assert value_warnings(DOMAIN, host) == []


@pytest.mark.parametrize(
    "host", ["sip://x.com", "x..com", "-x.com", "x-.com", "has space.com", "x_y.com", "a" * 64]
)
def test_invalid_host_names_warn(host: str) -> None:
    assert not is_hostname(host)
    assert "is not a valid host name" in value_warnings(DOMAIN, host)


def test_whitespace_is_flagged_on_any_text_field() -> None:
    for spec in FIELDS:
        if spec.kind.value in ("secret", "identifier", "write_only"):
            assert any("whitespace" in w for w in value_warnings(spec, " value"))
            assert any("whitespace" in w for w in value_warnings(spec, "value\t"))


def test_control_characters_are_named() -> None:
    (warning,) = [w for w in value_warnings(SECRET, "ab\x00c\x1b") if "control" in w]
    assert "'\\x00'" in warning and "'\\x1b'" in warning


def test_elevenlabs_key_shape() -> None:
    assert value_warnings(KEY, "sk_abcdef") == []
    assert value_warnings(KEY, "a" * 32) == []  # the older 32-character keys
    assert value_warnings(KEY, "hello") == [
        "unlike an ElevenLabs key (those start with sk_)"
    ]


def test_project_id_should_be_a_uuid() -> None:
    assert value_warnings(PROJECT, "3f2b9c1e-8d4a-4c6b-9e1f-2a7d5b8c0e91") == []
    assert value_warnings(PROJECT, "sinch-est-project-abc") == [
        "Sinch project IDs are UUIDs; this is not one"
    ]


def test_long_and_non_ascii_values() -> None:
    assert any("very long" in w for w in value_warnings(SECRET, "x" * 5000))
    assert any("non-ASCII" in w for w in value_warnings(SECRET, "clé"))


def test_empty_values_and_the_provider_never_warn() -> None:
    assert value_warnings(SECRET, "") == []
    assert value_warnings(FIELDS_BY_NAME["aiVoiceProvider"], " odd ") == []
    assert value_warnings(FIELDS_BY_NAME["generateToolSecret"], True) == []


@settings(max_examples=300)
@given(st.sampled_from(FIELDS), st.text(max_size=300))
def test_warnings_never_raise_and_are_one_line_each(spec, value: str) -> None:
    for warning in value_warnings(spec, value):
        assert "\n" not in warning and warning
