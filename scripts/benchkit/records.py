"""What a run collects: the samples per command, interaction and interpreter, and imports.

Plain dataclasses, filled by the measurements and read by the report (the JSON output
is their ``asdict``); and the error that drops one run without stopping the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class MeasurementError(RuntimeError):
    """A child did not show what was awaited in time (or exited): that run is dropped."""


@dataclass(frozen=True)
class ImportCost:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


@dataclass(frozen=True)
class ImportReport:
    """The top of one interpreter's ``-X importtime`` output."""

    interpreter: str
    total_us: int
    top: list[ImportCost]


@dataclass
class Startup:
    """Samples of measurement 1 and 2 (and the first frame's size) for one command."""

    seconds: list[float] = field(default_factory=list)
    first_output_seconds: list[float] = field(default_factory=list)
    """Until the first byte on the terminal: interpreter, imports, driver start."""
    hwm_kb: list[float] = field(default_factory=list)
    frame_bytes: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class Interaction:
    """Samples of measurements 3 and 4, pooled over the app's runs."""

    key_bytes: list[float] = field(default_factory=list)
    key_rows: list[float] = field(default_factory=list)
    tab_bytes: list[float] = field(default_factory=list)
    tab_rows: list[float] = field(default_factory=list)
    idle_bytes_per_s: list[float] = field(default_factory=list)
    save_seconds: list[float] = field(default_factory=list)


@dataclass
class Interpreter:
    """One way of running the app and the baseline, e.g. the current venv."""

    name: str
    python: str
    app_argv: list[str]
    baseline_argv: list[str]
    note: str
    floor_argv: list[str] = field(default_factory=list)
    """The stack's floor (FLOOR_SOURCE); the demo server's URL is appended."""
    app: Startup = field(default_factory=Startup)
    baseline: Startup = field(default_factory=Startup)
    floor: Startup = field(default_factory=Startup)
    build_seconds: float | None = None


@dataclass
class NetworkRow:
    """One round-trip time over the latency proxy: every program's startup, the app's flow."""

    rtt_ms: float
    app: Startup = field(default_factory=Startup)
    baseline: Startup = field(default_factory=Startup)
    bare: Startup = field(default_factory=Startup)
    """The network floor: a bare process making the one GET (BARE_GET_SOURCE)."""
    floor: Startup = field(default_factory=Startup)
    handshakes_at_frame: list[float] = field(default_factory=list)
    """TLS handshakes the app completed before its first useful frame."""
    flow_handshakes: list[float] = field(default_factory=list)
    """TLS handshakes in a whole load → review → save flow with pauses between steps."""
    review_seconds: list[float] = field(default_factory=list)
    """ctrl+s → the review on screen (the pre-save re-read included), after a pause."""
    save_seconds: list[float] = field(default_factory=list)
    """enter in the review → the final success message (POST and re-read), after a pause."""


@dataclass
class CommandCost:
    """Wall time of one command line from spawn to exit, and whether it printed a line."""

    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    printed: list[bool] = field(default_factory=list)
    """Whether the telltale line (e.g. uv's "Bytecode compiled") was in its stderr."""
    failures: list[str] = field(default_factory=list)
