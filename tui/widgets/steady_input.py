"""Textual's one-line input, with a cursor that does not blink."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Input


class SteadyInput(Input):
    """A blinking cursor redraws its row twice a second, for as long as the app sits idle.

    Over SSH that is a stream of bytes nobody asked for (``scripts/bench.py`` measures it
    as idle output per second), and it makes a screenshot depend on when it was taken.
    A steady cursor is as easy to find and costs nothing while the user reads.
    """

    cursor_blink = reactive(False, init=False)
