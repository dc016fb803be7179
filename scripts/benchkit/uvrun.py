"""What ``uv run tether-voice …`` costs before Python starts the app.

``uv run`` checks the project environment against the lock before it runs anything,
and with uv's ``compile-bytecode`` setting it also compiles every file of the
environment's site-packages on every run (saying "Bytecode compiled N files"). Both are
measured here as the wall time of ``--help`` (which exits right after parsing its
arguments) run three ways, round-robin: through ``uv run`` from the project, through
``uv run --no-sync`` (uv without its environment check), and as the installed script of
the same environment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .interpreters import PROJECT_DIR
from .measure import child_env
from .records import CommandCost, MeasurementError

COMPILED_LINE = "Bytecode compiled"


def uv_run_commands(script: str) -> list[CommandCost]:
    """The commands compared: uv run, uv run --no-sync, and the installed script."""
    uv = shutil.which("uv")
    if uv is None:
        raise MeasurementError("uv is not on PATH")
    return [
        CommandCost([uv, "run", "tether-voice", "--help"]),
        CommandCost([uv, "run", "--no-sync", "tether-voice", "--help"]),
        CommandCost([script, "--help"]),
    ]


def time_command(cost: CommandCost, cwd: Path, timeout: float = 60.0) -> None:
    """Run once from ``cwd``; a failure is recorded, not raised."""
    env = child_env()
    # As a user's shell would have it: no venv activated by the bench's own `uv run`.
    for name in ("VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT", "UV_COMPILE_BYTECODE", "UV_NO_SYNC"):
        env.pop(name, None)
    started = time.monotonic()
    try:
        done = subprocess.run(
            cost.argv,
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        cost.failures.append(f"{' '.join(cost.argv[:3])}: {error}")
        return
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        cost.failures.append(f"{' '.join(cost.argv[:3])} exited {done.returncode}")
        return
    cost.seconds.append(elapsed)
    cost.printed.append(COMPILED_LINE in done.stderr)


def measure_uv_run(script: str, runs: int, cwd: Path = PROJECT_DIR) -> list[CommandCost]:
    """Every command ``runs`` times, round-robin, after one discarded warm-up each."""
    costs = uv_run_commands(script)
    for index in range(-1, runs):
        for cost in costs:
            target = cost if index >= 0 else CommandCost(cost.argv)
            time_command(target, cwd)
    print(f"[uv run] {runs} runs of {len(costs)} commands", file=sys.stderr)
    return costs


def project_script() -> str:
    """The ``tether-voice`` script of the project's own environment (what uv run starts)."""
    venv = Path(os.environ.get("UV_PROJECT_ENVIRONMENT", PROJECT_DIR / ".venv"))
    return str(venv / "bin" / "tether-voice")
