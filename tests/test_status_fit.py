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
    assert fitted[2] == "Error code: VALIDATION_ERROR"  # its row is kept for it


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


def test_a_verdict_after_a_long_line_keeps_its_beginning() -> None:
    """The webhook's verdict came after the re-read's two-row line, and 5 rows left it
    out entirely (issue 18, item 19): every line now shows at least how it starts."""
    lines = [
        "! Saved — server said: Configuration saved",
        "Not shown by the re-read (Tether returns no secret values, only whether they "
        "are configured): ElevenLabs API key.",
        "✗ ElevenLabs post-call webhook: not attached — Tether logs why (the save itself "
        "succeeded)",
        "Next: usually the key lacks webhooks_write (or is not a workspace admin's); "
        "Tether's server log has the reason. Fix the key, then save it again.",
    ]
    fitted = fit_lines(lines, 78, 5)
    assert len(fitted) == 4
    assert fitted[2].startswith("✗ ElevenLabs post-call webhook: not attached")
    assert sum(rows_of(line, 78) for line in fitted) == 5


def test_rows_are_counted_in_cells() -> None:
    """A server's CJK text takes two cells a character: counted by characters, 50 of
    them looked like one row of 78 and pushed the next step out."""
    assert rows_of("漢" * 50, 78) == 2
    assert rows_of("a" * 78, 78) == 1
