"""The offline release beside the installed venv, in the same run (``--release``).

``scripts/release`` builds both artifacts into the bench's scratch folder; the tarball
is installed with its ``install.sh`` (into a fresh prefix, timed, several times), the
pex is run from its own ``PEX_ROOT``. Both become interpreters of the round-robin
(``measure_all``), next to ``venv-compiled`` (``uv pip install --compile-bytecode``
of the same lock: the installed venv the ratios are taken against), so the first
useful frame of each is measured under the same drift. Then the pex's first run: each
from an empty ``PEX_ROOT``, where it unpacks itself before the app starts.

The pex's venv is bytecode-compiled once before the warm runs (``compileall``): pex
writes no bytecode when it unpacks, and the children run with
``PYTHONDONTWRITEBYTECODE=1``, so without it every warm run would compile the app and
its libraries again; compiled, it stands for a host whose first run could write them.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .interpreters import PROJECT_DIR, run_checked
from .measure import Limits, run_once
from .programs import APP_MARKER
from .records import Interpreter, MeasurementError, Startup
from .report import fmt_ms, fmt_ratio, fmt_spread, median, ratio

INSTALLS = 3
"""Fresh installs timed from the tarball (the last one is measured)."""


@dataclass
class ReleaseBench:
    """What ``--release`` found besides the round-robin's startup samples."""

    tarball: str = ""
    tarball_bytes: int = 0
    pex: str = ""
    pex_bytes: int = 0
    build_seconds: float = 0.0
    python: str = ""
    install_seconds: list[float] = field(default_factory=list)
    installed_bytes: int = 0
    pex_unpacked_bytes: int = 0
    pex_first_run: Startup = field(default_factory=Startup)
    """The app's first useful frame from an empty PEX_ROOT, one per run."""


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def prepare_release(
    scratch: Path, baseline: Path, python: str = sys.executable
) -> tuple[ReleaseBench, list[Interpreter]]:
    """Build, install and unpack the release: its two interpreters for the round-robin."""
    bench = ReleaseBench(python=python)
    dist = scratch / "release-dist"
    started = time.monotonic()
    print("[release] building (scripts/release)", file=sys.stderr)
    run_checked([sys.executable, str(PROJECT_DIR / "scripts" / "release"), "--out", str(dist)], 900)
    bench.build_seconds = time.monotonic() - started
    tarball = next(dist.glob("*-offline-linux-x86_64.tar.gz"))
    pex = next(dist.glob("*.pex"))
    bench.tarball, bench.tarball_bytes = tarball.name, tarball.stat().st_size
    bench.pex, bench.pex_bytes = pex.name, pex.stat().st_size
    unpacked = scratch / "release-unpacked"
    unpacked.mkdir()
    run_checked(["tar", "-xzf", str(tarball), "-C", str(unpacked)], 120)
    install_sh = next(unpacked.glob("*/install.sh"))
    prefix = scratch / "release-prefix"
    for index in range(INSTALLS):
        shutil.rmtree(prefix, ignore_errors=True)
        print(f"[release] install.sh {index + 1}/{INSTALLS}", file=sys.stderr)
        started = time.monotonic()
        run_checked(["sh", str(install_sh), "--prefix", str(prefix), "--python", python], 300)
        bench.install_seconds.append(time.monotonic() - started)
    bench.installed_bytes = folder_bytes(prefix / "lib")
    venv_python = str(prefix / "lib" / "tether-voice" / "current" / "bin" / "python")
    installed = Interpreter(
        "release-tarball",
        venv_python,
        [str(prefix / "bin" / "tether-voice")],
        [venv_python, str(baseline)],
        f"the offline tarball installed by its install.sh (pip, bytecode compiled) with {python}",
        floor_argv=[venv_python, str(baseline.with_name("floor.py"))],
    )
    pex_root = scratch / "pex-root"
    in_pex = ["env", f"PEX_ROOT={pex_root}", "PEX_INTERPRETER=1", str(pex)]
    site = run_checked(
        [*in_pex, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], 300
    )
    run_checked([*in_pex, "-m", "compileall", "-q", site.strip()], 300)
    bench.pex_unpacked_bytes = folder_bytes(pex_root)
    from_pex = Interpreter(
        "release-pex",
        str(pex),
        ["env", f"PEX_ROOT={pex_root}", str(pex)],
        [*in_pex, str(baseline)],
        "the pex, warm: unpacked in its PEX_ROOT and bytecode compiled there "
        "(as after a first run on a host that writes bytecode)",
        floor_argv=[*in_pex, str(baseline.with_name("floor.py"))],
    )
    return bench, [installed, from_pex]


def measure_pex_first_runs(
    bench: ReleaseBench, pex: Path, url: str, runs: int, limits: Limits, scratch: Path
) -> None:
    """The app's first useful frame from the pex with an empty PEX_ROOT, ``runs`` times."""
    for index in range(runs):
        root = scratch / f"pex-first-{index}"
        argv = ["env", f"PEX_ROOT={root}", str(pex), "--url", url]
        run_once(argv, APP_MARKER, limits, bench.pex_first_run, None, scratch)
        shutil.rmtree(root, ignore_errors=True)
        seconds = bench.pex_first_run.seconds[-1:] or [None]
        print(f"[release-pex] first run {index + 1}/{runs}: {fmt_ms(seconds[0])}", file=sys.stderr)


def release_markdown(bench: ReleaseBench, interps: Sequence[Interpreter]) -> list[str]:
    """The sizes, install time and first-frame ratios against the installed venv."""
    named = {i.name: i for i in interps}
    venv = named.get("venv-compiled")
    reference = median(venv.app.seconds) if venv else None

    def row(what: str, size: str, install: str, samples: list[float]) -> str:
        against = fmt_ratio(ratio(median(samples), reference))
        return f"| {what} | {size} | {install} | {fmt_spread(samples, fmt_ms)} | {against} |"

    installs = bench.install_seconds
    lines = [
        "The offline release (`--release`), against the installed venv of the same lock "
        "(`venv-compiled`) in the same round-robin; install with "
        f"{bench.python}, built in {bench.build_seconds:.0f} s:",
        "",
        "| artifact | size | install | first useful frame | vs installed venv |",
        "| --- | --- | --- | --- | --- |",
    ]
    if venv:
        build = f"{venv.build_seconds:.1f} s" if venv.build_seconds else "—"
        lines.append(row("installed venv (uv, `--compile-bytecode`)", "—", build, venv.app.seconds))
    if "release-tarball" in named:
        mb, installed_mb = bench.tarball_bytes / 1e6, bench.installed_bytes / 1e6
        size = f"{mb:.1f} MB ({installed_mb:.0f} MB installed)"
        install = f"{statistics.median(installs):.1f} s" if installs else "—"
        samples = named["release-tarball"].app.seconds
        lines.append(row(f"`{bench.tarball}` + install.sh", size, install, samples))
    if "release-pex" in named:
        size = f"{bench.pex_bytes / 1e6:.1f} MB ({bench.pex_unpacked_bytes / 1e6:.0f} MB unpacked)"
        lines.append(row(f"`{bench.pex}`, warm", size, "—", named["release-pex"].app.seconds))
        lines.append(
            row(f"`{bench.pex}`, first run (empty PEX_ROOT)", "", "—", bench.pex_first_run.seconds)
        )
    if bench.pex_first_run.failures:
        lines += ["", f"pex first runs that failed: {len(bench.pex_first_run.failures)}"]
    return lines


def release_python(requested: str | None) -> str:
    """The Python to install the tarball with: the one named, else this one's."""
    if requested is None:
        return sys.executable
    found = shutil.which(requested)
    if found is None:
        raise MeasurementError(f"--release-python {requested}: not found")
    try:
        subprocess.run([found, "--version"], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise MeasurementError(f"--release-python {requested}: {error}") from error
    return found
