"""The one rule for outside text: every unsafe character escaped visibly, never markup."""

from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.printable import UNSAFE, printable, printable_lines, safe_json
from tui.widgets.shown import shown, shown_line

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def test_the_fixed_list_covers_every_unsafe_character_of_this_python() -> None:
    """UNSAFE is written out (building it at import costs startup); a newer Unicode
    database that adds a format character makes this fail until the list is extended."""
    missing = [
        f"U+{code:04X} {unicodedata.category(chr(code))}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in UNSAFE_CATEGORIES and not UNSAFE.match(chr(code))
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b]52;c;Y3VybCB8IHNo\x07", "\\x1b]52;c;Y3VybCB8IHNo\\x07"),  # OSC 52 clipboard
        ("\x1b[2J", "\\x1b[2J"),
        ("\x9b31m", "\\x9b31m"),  # C1 CSI: one byte on terminals that honour C1
        ("a\u202eb", "a\\u202eb"),  # right-to-left override
        ("a\u2066b\u2069", "a\\u2066b\\u2069"),  # isolates
        ("ab\u200bc", "ab\\u200bc"),  # zero-width space
        ("\ufeffx", "\\ufeffx"),
        ("one\u2028two", "one\\u2028two"),  # line separator
        ("one\ntwo\r", "one\\ntwo\\r"),
        ("\ud800", "\\ud800"),  # a lone surrogate, as JSON's escapes produce
        ("tag\U000e0041", "tag\\U000e0041"),
        ("\x7f", "\\x7f"),
        ("Zoë Ünal — café 東京 🙂", "Zoë Ünal — café 東京 🙂"),  # letters stay as they are
        ("[b]x[/b] {reload}", "[b]x[/b] {reload}"),  # markup-looking text is just text
        ("", ""),
    ],
)
def test_printable_escapes_what_acts_and_keeps_what_reads(raw: str, expected: str) -> None:
    assert printable(raw) == expected


@given(st.text())
def test_printable_output_is_safe_and_stable(text: str) -> None:
    once = printable(text)
    assert not UNSAFE.search(once)
    assert printable(once) == once  # escaping twice changes nothing


@given(st.text())
def test_printable_lines_keeps_only_the_line_breaks(text: str) -> None:
    result = printable_lines(text)
    assert result.split("\n") == [printable(line) for line in text.split("\n")]


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda inner: (
    st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4)
)))
def test_safe_json_reads_back_to_the_same_value_and_carries_nothing_unsafe(value: object) -> None:
    for options in ({}, {"indent": 2}):
        written = safe_json(value, **options)
        assert json.loads(written) == value
        assert not UNSAFE.search(written.replace("\n", ""))


def test_safe_json_keeps_letters_readable() -> None:
    assert safe_json({"name": "Zoë\x9b\u202e"}) == '{"name": "Zoë\\u009b\\u202e"}'


@given(st.text())
def test_shown_is_never_markup(text: str) -> None:
    """A Rich Text is never parsed as markup: ``[/x]`` cannot raise, ``[@click]`` is text."""
    assert shown(text).plain == printable_lines(text)
    assert shown_line(text, (text, "bold")).plain == printable_lines(text) * 2


def test_shown_carries_no_action_or_style_from_the_value() -> None:
    text = shown("[@click=app.quit]q[/] [b]x[/b] [/x]")
    assert text.plain == "[@click=app.quit]q[/] [b]x[/b] [/x]"
    assert text.spans == []
