"""The interpreters a run compares: this one, and throwaway venvs without and with bytecode.

Each yields an ``Interpreter``: the commands that start the app, the baseline and the
stack floor with it, and a note on how it was made (bytecode or not), which the report
prints beside the numbers.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .records import Interpreter, MeasurementError

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
"""The project: two folders up from ``scripts/benchkit/``."""


# --- interpreters and venvs ---------------------------------------------------------------


def console_script(python: str) -> list[str]:
    """``tether-voice`` beside `python` when installed (what users run), else ``-m tui``."""
    script = Path(python).parent / "tether-voice"
    return [str(script)] if script.exists() else [python, "-m", "tui"]


def _has_bytecode(package_dir: Path) -> bool:
    """Whether the package's ``__init__`` has an up-to-date ``.pyc`` beside it."""
    source = package_dir / "__init__.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    return cached.exists() and cached.stat().st_mtime >= source.stat().st_mtime


def current_interpreter(baseline: Path) -> Interpreter:
    site = next(Path(sys.prefix).glob("lib/python*/site-packages"), Path(sys.prefix))
    textual_pyc = _has_bytecode(site / "textual")
    # An editable install runs the project from its source tree; with no bytecode cache
    # written there (PYTHONDONTWRITEBYTECODE=1), every start compiles the app's modules.
    tui_pyc = _has_bytecode(PROJECT_DIR / "tui")
    note = (
        f"this interpreter (`sys.executable`, Python {platform.python_version()}); "
        f"Textual {'has' if textual_pyc else 'has no'} compiled bytecode here, "
        f"the app's own modules {'have' if tui_pyc else 'have none (compiled at each start)'}"
    )
    return Interpreter(
        "current",
        sys.executable,
        console_script(sys.executable),
        [sys.executable, str(baseline)],
        note,
        floor_argv=[sys.executable, str(baseline.with_name("floor.py"))],
    )


def run_checked(
    argv: Sequence[str],
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """Run a setup command with a deadline; its stderr goes into the error if it fails."""
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise MeasurementError(f"{argv[0]} {argv[1]} took over {timeout:.0f} s") from error
    if done.returncode != 0:
        raise MeasurementError(f"{' '.join(argv[:3])} failed: {done.stderr.strip()[-500:]}")
    return done.stdout


def build_venv(name: str, root: Path, baseline: Path, compile_bytecode: bool) -> Interpreter:
    """A throwaway venv with the project installed (not editable) at the locked versions."""
    uv = shutil.which("uv")
    if uv is None:
        raise MeasurementError("--venvs needs uv on PATH")
    venv = root / name
    root.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "UV_COMPILE_BYTECODE")}
    started = time.monotonic()
    requirements = root / "requirements.txt"
    if not requirements.exists():
        locked = run_checked(
            [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--quiet"],
            timeout=120,
            env=env,
            cwd=PROJECT_DIR,
        )
        requirements.write_text(locked, encoding="utf-8")
    run_checked(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], timeout=120, env=env
    )
    python = str(venv / "bin" / "python")
    install = [uv, "pip", "install", "--quiet", "--python", python, "-r", str(requirements)]
    install.append(str(PROJECT_DIR))
    # --no-config: no uv setting from the user's or the project's configuration may make
    # the "plain" venv compiled too (UV_COMPILE_BYTECODE is dropped from env above).
    install.insert(3, "--no-config")
    if compile_bytecode:
        install.append("--compile-bytecode")
    run_checked(install, timeout=600, env=env)
    how = "with `--compile-bytecode`" if compile_bytecode else "without bytecode (uv's default)"
    interp = Interpreter(
        name,
        python,
        console_script(python),
        [python, str(baseline)],
        f"throwaway `uv venv` + `uv pip install` {how}",
        floor_argv=[python, str(baseline.with_name("floor.py"))],
    )
    interp.build_seconds = time.monotonic() - started
    return interp
