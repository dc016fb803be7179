#!/bin/sh
# Install tether-voice from this folder: no network, no root.
#
#   ./install.sh [--prefix DIR] [--python PYTHON]
#
# Everything it installs is in this folder: the app's wheel, every dependency's wheel
# (pinned, with the hashes of the project's lock file in requirements.txt) and a pip
# wheel to install them with. Run it again, from a newer release, to upgrade.
#
# What it does, in order:
#   1. picks a Python: --python, else python3, else python3.14 ... python3.11; it must be
#      CPython 3.11 to 3.14 (not free-threaded) on Linux x86_64 with glibc 2.17 or newer,
#      which is what the wheels here are built for;
#   2. checks every file here against SHA256SUMS (a copy cut short or damaged stops here);
#   3. makes a fresh venv under PREFIX/lib/tether-voice/ (PREFIX: ~/.local by default)
#      and installs with pip --no-index --require-hashes: only the wheels here, and
#      each only if its hash is the locked one;
#   4. runs `tether-voice --version` from it, then switches PREFIX/lib/tether-voice/current
#      to it and links PREFIX/bin/tether-voice there; the previous version is removed
#      only then, so a failed upgrade leaves it working.
#
# Uninstall: rm -rf ~/.local/lib/tether-voice ~/.local/bin/tether-voice
# (with --prefix DIR: DIR/lib/tether-voice and DIR/bin/tether-voice).
set -eu

prog="install.sh"
prefix=""
python=""

say() { printf '%s\n' "$*"; }
die() {
    printf '%s: %s\n' "$prog" "$*" >&2
    exit 1
}
usage() {
    say "usage: ./install.sh [--prefix DIR] [--python PYTHON]"
    say ""
    say "Installs tether-voice into DIR/lib/tether-voice and links DIR/bin/tether-voice"
    say "(DIR: ~/.local by default). No network, no root. Run again to upgrade."
    say "  --prefix DIR      where to install (default: ~/.local)"
    say "  --python PYTHON   the Python to use: CPython 3.11 to 3.14 (default: python3,"
    say "                    else the newest of python3.14 ... python3.11 on PATH)"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#*=}; shift ;;
        --python) [ $# -ge 2 ] || die "--python needs a Python"; python=$2; shift 2 ;;
        --python=*) python=${1#*=}; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

if [ -z "$prefix" ]; then
    [ -n "${HOME:-}" ] || die "HOME is not set: give the install folder with --prefix DIR"
    prefix="$HOME/.local"
fi

case "$0" in
    */*) here=${0%/*} ;;
    *) here=. ;;
esac
here=$(CDPATH='' cd -- "$here" && pwd) || die "cannot find the folder of $0"

# What the wheels here need, as "OK" or the reason it is not. Python 2 can run this too,
# so an old interpreter gets the reason rather than a SyntaxError.
probe='import platform, sys, sysconfig
v = sys.version_info
libc, libc_version = platform.libc_ver()
try:
    glibc = tuple(int(part) for part in libc_version.split(".")[:2])
except ValueError:
    glibc = (0, 0)
found = "%s %d.%d.%d" % (platform.python_implementation(), v[0], v[1], v[2])
if platform.python_implementation() != "CPython" or not ((3, 11) <= (v[0], v[1]) <= (3, 14)):
    print("it is " + found)
elif sysconfig.get_config_var("Py_GIL_DISABLED"):
    print("it is a free-threaded build (" + found + "t)")
elif platform.system() != "Linux" or platform.machine() != "x86_64":
    print("it runs on %s %s" % (platform.system(), platform.machine()))
elif libc != "glibc" or glibc < (2, 17):
    print("its C library is %s %s" % (libc or "not glibc", libc_version))
else:
    print("OK " + found)'

need="tether-voice needs CPython 3.11, 3.12, 3.13 or 3.14 on Linux x86_64 (glibc 2.17 or newer)"

# "OK ..." or the reason, for one candidate.
check_python() {
    "$1" -c "$probe" 2>/dev/null || say "it did not run"
}

if [ -n "$python" ]; then
    case "$python" in
        */*) [ -x "$python" ] || die "$need; --python $python is not an executable file." ;;
        *) command -v "$python" >/dev/null 2>&1 || die "$need; --python $python is not on PATH." ;;
    esac
    verdict=$(check_python "$python")
    case "$verdict" in
        OK*) ;;
        *) die "$need; --python $python: $verdict." ;;
    esac
else
    seen=""
    for candidate in python3 python3.14 python3.13 python3.12 python3.11; do
        command -v "$candidate" >/dev/null 2>&1 || continue
        verdict=$(check_python "$candidate")
        case "$verdict" in
            OK*) python=$candidate; break ;;
            *) seen="$seen
  $(command -v "$candidate"): $verdict" ;;
        esac
    done
    if [ -z "$python" ]; then
        if [ -n "$seen" ]; then
            die "$need, and none here will do:$seen
Install one (Debian/Ubuntu: apt install python3.11), then run this again, or name one with --python PATH."
        fi
        die "$need, and there is no python3 on PATH.
Install one (Debian/Ubuntu: apt install python3), then run this again, or name one with --python PATH."
    fi
fi

# The rest is Python: the interpreter just chosen runs it, isolated from the user's
# site-packages and PYTHON* variables.
exec "$python" -I - "$here" "$prefix" <<'PYTHON'
import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

PROG = "install.sh"
NAME = "tether-voice"


def die(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)
    sys.exit(1)


def verify_bundle(here: Path) -> None:
    """Every file named in SHA256SUMS is here, with that hash."""
    sums = here / "SHA256SUMS"
    if not sums.is_file():
        die(f"{sums} is missing: this folder is not a whole tether-voice release.")
    bad = []
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        path = here / name
        if not path.is_file():
            bad.append(f"{name} is missing")
            continue
        with path.open("rb") as handle:
            if hashlib.file_digest(handle, "sha256").hexdigest() != digest:
                bad.append(f"{name} does not match its SHA-256")
    if bad:
        die(
            "this release is damaged (copied in part?); nothing was installed:\n  "
            + "\n  ".join(bad)
            + "\nCopy the .tar.gz again and compare its SHA-256 with the published one."
        )


def only(paths: list[Path], what: str) -> Path:
    if len(paths) != 1:
        die(f"expected one {what} in the release, found {len(paths)}.")
    return paths[0]


def run(argv: list[str], what: str) -> str:
    """Run one step; on failure say which, with its output, and stop."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{output}")
    return done.stdout


def ours(link: Path, target: Path) -> bool:
    return link.is_symlink() and os.readlink(link) == str(target)


def point(link: Path, target: Path) -> None:
    """Make ``link`` a symlink to ``target`` in one step (no moment without it)."""
    staging = link.with_name(f".{link.name}.{os.getpid()}")
    staging.unlink(missing_ok=True)
    staging.symlink_to(target)
    os.replace(staging, link)


def on_path(folder: Path) -> bool:
    wanted = os.path.realpath(folder)
    entries = os.environ.get("PATH", "").split(os.pathsep)
    return any(entry and os.path.realpath(entry) == wanted for entry in entries)


def main() -> None:
    here, prefix = Path(sys.argv[1]), Path(sys.argv[2]).expanduser().absolute()
    verify_bundle(here)
    wheels = here / "wheels"
    app_wheel = only(sorted(wheels.glob("tether_voice-*.whl")), "tether-voice wheel")
    version = app_wheel.name.split("-")[1]
    pip_wheel = only(sorted(wheels.glob("pip-*.whl")), "pip wheel")

    root = prefix / "lib" / NAME
    bin_dir = prefix / "bin"
    current = root / "current"
    command = bin_dir / NAME
    command_target = current / "bin" / NAME
    if (command.exists() or command.is_symlink()) and not ours(command, command_target):
        die(
            f"{command} exists and is not from this installer (another install of "
            f"tether-voice?). Remove it first (for uv: uv tool uninstall {NAME}), or "
            "install elsewhere with --prefix DIR."
        )
    root.mkdir(parents=True, exist_ok=True)
    bin_dir.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            die(f"another install into {root} is running; wait for it, then run this again.")
        venv = root / f"{version}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        started = time.monotonic()
        try:
            run([sys.executable, "-m", "venv", "--without-pip", str(venv)], "creating the venv")
            python = str(venv / "bin" / "python")
            run(
                [
                    python,
                    f"{pip_wheel}/pip",  # pip runs from its own wheel; none is left in the venv
                    "install",
                    "--isolated",  # no pip.conf, no PIP_* variables: only what is here
                    "--no-index",
                    "--find-links",
                    str(wheels),
                    "--require-hashes",
                    "--only-binary=:all:",
                    "--no-cache-dir",
                    "--disable-pip-version-check",
                    "--no-input",
                    "--no-warn-script-location",
                    "--progress-bar=off",
                    "--quiet",
                    "--requirement",
                    str(here / "requirements.txt"),
                ],
                "pip install (only the wheels in this release, each checked against its hash)",
            )
            said = run([str(venv / "bin" / NAME), "--version"], f"{NAME} --version")
            if not said.startswith(f"{NAME} {version}\n"):
                raise RuntimeError(f"{NAME} --version said {said.splitlines()[:1]}")
        except (RuntimeError, OSError) as error:
            shutil.rmtree(venv, ignore_errors=True)
            kept = " The version installed before is still in place." if current.exists() else ""
            die(f"{error}\nNothing was changed.{kept}")
        previous = os.readlink(current) if current.is_symlink() else None
        point(current, venv)
        point(command, command_target)
        for old in root.iterdir():
            if old.is_dir() and not old.is_symlink() and old != venv:
                shutil.rmtree(old, ignore_errors=True)
        took = time.monotonic() - started

    print(
        f"Installed {NAME} {version} with Python {platform.python_version()} "
        f"({sys.executable}) in {took:.1f} s."
        + (f" It replaces {Path(previous).name}." if previous and previous != str(venv) else "")
    )
    print(f"  the app:     {venv}")
    print(f"  the command: {command}")
    if on_path(bin_dir):
        print(f"Try it: {NAME} --demo")
    else:
        login = (
            "Debian's and Ubuntu's ~/.profile adds it at login once it exists (log in "
            "again); otherwise add"
            if bin_dir == Path.home() / ".local" / "bin"
            else "Add"
        )
        print(
            f"{bin_dir} is not on your PATH. {login} this line to ~/.profile:\n"
            f'  export PATH="{bin_dir}:$PATH"\n'
            f"Try it now: {command} --demo"
        )
    print(f"Uninstall: rm -rf {root} {command}")


main()
PYTHON
