"""The status panel keeps what happened and what to do next in view, however long the
server's words between them are."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tui.widgets.status_panel import fit_lines, rows_of

WORDS = st.text(alphabet="abc xyz\\-", min_size=1, max_size=300)


def test_a_long_server_message_does_not_push_the_next_step_out() -> None:
    lines = [
        "✗ Save failed: HTTP 400 Bad Request",
        "Server said: " + "word " * 120,
        "Error code: VALIDATION_ERROR",
        "Next: The server refused the request: correct the values named above.",
    ]
    fitted = fit_lines(lines, 76, 8)
    assert fitted[0] == lines[0] and fitted[-1] == lines[-1]
    assert fitted[1].startswith("Server said: word") and fitted[1].endswith("…")
    assert sum(rows_of(line, 76) for line in fitted) <= 8
    assert len(fitted) == 3  # the code, after the cut, is left out


def test_lines_that_fit_are_returned_as_they_are() -> None:
    lines = ["✗ Load failed", "Server said: no", "Next: retry (ctrl+r)."]
    assert fit_lines(lines, 76, 8) == lines
    assert fit_lines(lines, 0, 8) == lines  # not laid out yet: no width known
    assert fit_lines(["a" * 1000], 10, 2) == ["a" * 1000]  # one line: nothing to choose


@given(
    st.lists(WORDS, min_size=3, max_size=12),
    st.integers(min_value=10, max_value=120),
    st.integers(min_value=1, max_value=12),
)
def test_the_first_and_last_lines_stay_and_the_rest_fits(
    lines: list[str], width: int, rows: int
) -> None:
    fitted = fit_lines(lines, width, rows)
    assert fitted[0] == lines[0] and fitted[-1] == lines[-1]
    total = sum(rows_of(line, width) for line in lines)
    if total <= rows:
        assert fitted == lines
    else:
        ends = rows_of(lines[0], width) + rows_of(lines[-1], width)
        assert sum(rows_of(line, width) for line in fitted) <= max(rows, ends)
        for kept, original in zip(fitted[1:-1], lines[1:-1], strict=False):
            assert kept == original or (kept.endswith("…") and original.startswith(kept[:-1]))
