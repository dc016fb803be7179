"""A command's wall time and peak RSS from spawn to exit, each its own.

``getrusage(RUSAGE_CHILDREN)`` and ``wait4`` give a child's ``ru_maxrss``, but Linux
counts in it the memory of the process that spawned it: the child starts as a copy of
its parent (fork), or borrows the parent's memory until ``exec`` (vfork, posix_spawn),
and the kernel keeps the larger figure across ``exec``. Spawned straight from the bench,
which holds a demo server with 100,000 numbers, a 40 MB ``tether-voice show`` would be
reported at the bench's size. So a small helper (Python without ``site``: about 10 MB)
spawns the command and reports what ``wait4`` says: the command's own peak whenever it
is larger than the helper, which a Python program with httpx and pydantic always is.
The helper also times the command itself, from its spawn to its exit, so the helper's
own start is not in the figure.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .records import MeasurementError

HELPER_SOURCE = '''"""Spawn argv[2:], wait for it, write its wall time and ru_maxrss (kB) to argv[1].

The command's ru_maxrss counts this helper's memory (its VmHWM) and its own, not the
bench's: the helper is a small process of its own, and the command borrows only it.
"""

import json
import os
import re
import sys
import time

report, *command = sys.argv[1:]
started = time.monotonic()
pid = os.posix_spawnp(command[0], command, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.monotonic() - started
# Not this helper's own ru_maxrss: Linux counts the bench that spawned it in that.
with open("/proc/self/status", encoding="ascii") as file:
    helper = int(re.search(r"^VmHWM:\\s+(\\d+) kB", file.read(), re.MULTILINE).group(1))
result = {
    "seconds": seconds,
    "maxrss_kb": usage.ru_maxrss,
    "exit": os.waitstatus_to_exitcode(status),
    "helper_maxrss_kb": helper,
}
with open(report, "w", encoding="ascii") as file:
    json.dump(result, file)
'''


@dataclass(frozen=True)
class ChildCost:
    """One command from spawn to exit."""

    seconds: float
    maxrss_kb: float
    exit_code: int
    output_bytes: int
    """What it wrote to stdout."""
    helper_maxrss_kb: float
    """The helper's own peak: a command's figure at or under it is the helper's, not its."""
    stderr_tail: str


def run_measured(
    argv: Sequence[str],
    env: dict[str, str],
    cwd: Path,
    scratch: Path,
    timeout: float = 120.0,
) -> ChildCost:
    """Run ``argv`` through the helper, stdout and stderr to files in ``scratch``.

    Raises MeasurementError when the command outlives ``timeout`` (its process group is
    killed) or the helper reports nothing.
    """
    helper = scratch / "child_rss_helper.py"
    if not helper.exists():
        helper.write_text(HELPER_SOURCE, encoding="utf-8")
    report, out_path, err_path = (scratch / name for name in ("rss.json", "out.txt", "err.txt"))
    report.unlink(missing_ok=True)
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(helper), str(report), *argv],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            start_new_session=True,  # the helper and the command: one group to kill
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise MeasurementError(f"{' '.join(argv[-2:])} took over {timeout:.0f} s") from None
    stderr_tail = err_path.read_text(encoding="utf-8", errors="replace")[-300:].strip()
    try:
        result = json.loads(report.read_text(encoding="ascii"))
    except (OSError, ValueError):
        raise MeasurementError(f"the helper reported nothing: {stderr_tail!r}") from None
    return ChildCost(
        seconds=float(result["seconds"]),
        maxrss_kb=float(result["maxrss_kb"]),
        exit_code=int(result["exit"]),
        output_bytes=out_path.stat().st_size,
        helper_maxrss_kb=float(result["helper_maxrss_kb"]),
        stderr_tail=stderr_tail,
    )
