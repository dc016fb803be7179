"""How long a scripted command's lines may be: the reader's width, decided once.

A fixed width (it was 100) wraps lines a second time in an 80-column terminal, each
of our lines broken again by the terminal mid-word, and wastes a wide one. So the width
is the reader's:

1. ``COLUMNS``, when it holds a sane whole number: an explicit choice (``COLUMNS=120
   tether-voice doctor | less``), and how a test or a runbook pins the output. Bash keeps
   ``COLUMNS`` as a shell variable without exporting it, so it is only seen here when
   someone exported it. Python's ``argparse`` (our ``--help``) honours it the same way.
2. The terminal's width, when the stream the line goes to is a terminal: stdout's lines
   follow stdout's terminal, stderr's lines stderr's (``show 2>/dev/null`` or
   ``show > file`` in a terminal: each stream is measured on its own). This is why
   :func:`shutil.get_terminal_size` is not used: it measures ``sys.__stdout__`` only.
3. 80 otherwise (a pipe, a file, a CI log): the conventional width, the same on every
   machine, so two runs' transcripts diff line by line.

Never under :data:`MIN_WIDTH`: a narrow split pane would otherwise set one word per
line, and the review's name column alone takes 23. Decided once per process
(:func:`line_width`): a terminal resized while ``numbers set`` runs does not change
the width halfway down its review.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from typing import TextIO

DEFAULT_WIDTH = 80
"""Without a terminal or ``COLUMNS``."""

MIN_WIDTH = 40
"""The narrowest width used, whatever ``COLUMNS`` or the terminal say."""

MAX_COLUMNS = 10_000
"""A larger ``COLUMNS`` is taken for a mistake (a pixel count, a typo) and ignored."""


def decide(stream: TextIO | None, environ: Mapping[str, str] = os.environ) -> int:
    """The width for lines written to ``stream``: ``COLUMNS``, else the terminal's, else
    80; never under :data:`MIN_WIDTH`. Pure but for asking the terminal its size."""
    explicit = _columns(environ.get("COLUMNS"))
    if explicit is not None:
        return max(MIN_WIDTH, explicit)
    measured = terminal_columns(stream)
    if measured is None:
        return DEFAULT_WIDTH
    return max(MIN_WIDTH, measured)


def _columns(value: str | None) -> int | None:
    """``COLUMNS`` as a number of columns, or None when unset, empty, not a whole
    number, zero or absurd (then the terminal, or 80, decides)."""
    if value is None or not value.strip().isdigit():
        return None
    columns = int(value.strip())
    return columns if 0 < columns <= MAX_COLUMNS else None


def terminal_columns(stream: TextIO | None) -> int | None:
    """The width of the terminal ``stream`` writes to, or None when it is not one (a
    pipe, a file, a test's capture) or the terminal reports no size (a pty nobody sized
    reports 0 columns)."""
    if stream is None:  # no console at all (pythonw)
        return None
    try:
        if not stream.isatty():
            return None
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):  # closed, no descriptor, not a tty
        return None
    return columns if columns > 0 else None


@functools.cache
def line_width(err: bool = False) -> int:
    """The width of stdout's lines (stderr's with ``err``), decided on first use."""
    return decide(sys.stderr if err else sys.stdout)


def forget() -> None:
    """Decide again on next use, as a new process would: for tests, which run many
    commands in one process with the streams captured and ``COLUMNS`` set per test."""
    line_width.cache_clear()
