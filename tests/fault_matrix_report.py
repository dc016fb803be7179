"""Collects the fault matrix's outcomes and renders them as a table for the test output."""

from __future__ import annotations

RESULTS: dict[tuple[str, str], str] = {}
"""(fault, phase) → one-line outcome, filled in by tests/test_fault_matrix.py."""


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
