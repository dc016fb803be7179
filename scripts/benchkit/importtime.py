"""The ``--importtime`` report: where the startup path spends its import time.

One ``python -X importtime`` run per interpreter, parsed into records and ranked by
cumulative time; the report renders the top of each.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .measure import child_env
from .records import ImportCost, ImportReport, Interpreter, MeasurementError


def parse_importtime(stderr: str) -> list[ImportCost]:
    """The ``-X importtime`` lines as records; indentation of the name is the depth."""
    pattern = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S.*)$")
    costs = []
    for line in stderr.splitlines():
        match = pattern.match(line)
        if match:
            self_us, cumulative_us, indent, name = match.groups()
            depth = max(0, (len(indent) - 1) // 2)
            costs.append(ImportCost(name.strip(), int(self_us), int(cumulative_us), depth))
    return costs


def import_costs(interp: Interpreter, cwd: Path, top: int = 15) -> ImportReport:
    """The top cumulative imports of ``import tui.cli; import tui.app``, and the total.

    Run from `cwd` (not the project) so a venv imports its installed copy of tui.
    """
    argv = [interp.python, "-X", "importtime", "-c", "import tui.cli; import tui.app"]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=120,
            env=child_env(),
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MeasurementError("python -X importtime took over 120 s") from error
    costs = parse_importtime(done.stderr)
    if done.returncode != 0 or not costs:
        raise MeasurementError(f"python -X importtime failed: {done.stderr.strip()[-300:]}")
    total = sum(cost.self_us for cost in costs)
    ranked = sorted(costs, key=lambda c: c.cumulative_us, reverse=True)[:top]
    return ImportReport(interp.name, total, ranked)
