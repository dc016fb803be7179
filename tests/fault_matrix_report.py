"""Collects the fault matrix's outcomes and renders them as a table for the test output.

The tests run in several worker processes (pytest-xdist), so an outcome travels as a
test report's user property (``record_outcome``) and is gathered where the reports are
read, in the process that prints the summary (``conftest.pytest_runtest_logreport``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

PROPERTY = "fault_matrix"

RESULTS: dict[tuple[str, str], str] = {}
"""(fault, phase) → one-line outcome, gathered from the reports of tests/test_fault_matrix.py."""


def record_outcome(
    record_property: Callable[[str, object], None], fault: str, phase: str, outcome: str
) -> None:
    """Attach one cell of the matrix to the running test's report."""
    record_property(PROPERTY, [fault, phase, outcome])


def gather(user_properties: Iterable[tuple[str, object]]) -> None:
    """Keep the cells a test report carries (called for every report, in any process)."""
    for name, value in user_properties:
        if name == PROPERTY and isinstance(value, list | tuple) and len(value) == 3:
            fault, phase, outcome = value
            RESULTS[(str(fault), str(phase))] = str(outcome)


def render(phases: list[str]) -> list[str]:
    faults = sorted({fault for fault, _ in RESULTS}, key=str)
    width = max((len(RESULTS.get((f, p), "")) for f in faults for p in phases), default=10)
    width = min(max(width, 10), 40)
    header = f"| {'fault':<16} | " + " | ".join(f"{p:<{width}}" for p in phases) + " |"
    rule = "|" + "-" * 18 + "|" + "|".join("-" * (width + 2) for _ in phases) + "|"
    rows = [
        f"| {fault:<16} | "
        + " | ".join(f"{RESULTS.get((fault, p), 'not run')[:width]:<{width}}" for p in phases)
        + " |"
        for fault in faults
    ]
    return [header, rule, *rows]
