"""The offline release's install.sh, on a tiny local wheelhouse: nothing is downloaded.

The bundle here has install.sh as shipped (packaging/offline/), a stand-in
``tether-voice`` wheel with one dependency, and the pip wheel that this interpreter's
``ensurepip`` carries, so pip really installs with ``--no-index --require-hashes``.
What is checked: an install and an upgrade, a wheel whose hash is not the locked one
(refused by pip, the installed version untouched), a damaged copy (refused before pip),
an unsupported Python (refused with a clear message), and a command of another install
in the way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.release_support import PROJECT, load_script, make_wheel

INSTALL_SH = PROJECT / "packaging" / "offline" / "install.sh"
release = load_script("release")


def bundled_pip_wheel() -> Path:
    """A pip wheel already on this machine: ensurepip's, or Debian's python-wheels."""
    import ensurepip

    places = [Path(ensurepip.__file__).parent / "_bundled", Path("/usr/share/python-wheels")]
    for place in places:
        found = sorted(place.glob("pip-*-py3-none-any.whl"))
        if found:
            return found[-1]
    pytest.skip("no pip wheel on this machine (ensurepip without its bundled wheels)")


def make_bundle(root: Path, version: str, *, tinydep_text: str = "VALUE = 1\n") -> Path:
    """A release folder as scripts/release lays it out, with stand-in wheels."""
    bundle = root / f"bundle-{version}"
    wheels = bundle / "wheels"
    wheels.mkdir(parents=True)
    shutil.copy2(INSTALL_SH, bundle / "install.sh")
    shutil.copy2(bundled_pip_wheel(), wheels)
    dep = make_wheel(wheels, "tinydep", "1.0", {"tinydep.py": tinydep_text})
    app = make_wheel(
        wheels,
        "tether-voice",
        version,
        {"tvstandin.py": f"def main():\n    print('tether-voice {version}')\n"},
        requires=("tinydep==1.0",),
        scripts={"tether-voice": "tvstandin:main"},
    )
    (bundle / "requirements.txt").write_text(
        f"tinydep==1.0 \\\n    --hash=sha256:{release.sha256(dep)}\n"
        f"tether-voice=={version} \\\n    --hash=sha256:{release.sha256(app)}\n"
    )
    (bundle / "SHA256SUMS").write_text(release.sums_text(bundle))
    return bundle


def install(
    bundle: Path, prefix: Path, *args: str, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(prefix.parent / "home"),
        "PIP_INDEX_URL": "http://127.0.0.1:9/never-used",  # --isolated ignores it
    }
    return subprocess.run(
        ["sh", str(bundle / "install.sh"), "--prefix", str(prefix), "--python", python, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def installed_version(prefix: Path) -> str:
    done = subprocess.run(
        [str(prefix / "bin" / "tether-voice")], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_install_then_a_refused_upgrade_then_an_upgrade(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    first = install(make_bundle(tmp_path, "0.0.1"), prefix)
    assert first.returncode == 0, first.stderr
    assert "Installed tether-voice 0.0.1" in first.stdout
    assert f"Uninstall: rm -rf {prefix}/lib/tether-voice {prefix}/bin/tether-voice" in first.stdout
    assert installed_version(prefix) == "tether-voice 0.0.1"

    # A dependency whose bytes are not the locked ones, in a copy that is otherwise
    # whole (SHA256SUMS redone): pip's --require-hashes is what refuses it.
    tampered = make_bundle(tmp_path / "tampered", "0.0.2")
    make_wheel(tampered / "wheels", "tinydep", "1.0", {"tinydep.py": "VALUE = 'evil'\n"})
    (tampered / "SHA256SUMS").write_text(release.sums_text(tampered))
    refused = install(tampered, prefix)
    assert refused.returncode == 1
    assert "DO NOT MATCH THE HASHES" in refused.stderr
    assert "Nothing was changed. The version installed before is still in place." in refused.stderr
    assert installed_version(prefix) == "tether-voice 0.0.1"

    upgrade = install(make_bundle(tmp_path / "good", "0.0.2"), prefix)
    assert upgrade.returncode == 0, upgrade.stderr
    assert installed_version(prefix) == "tether-voice 0.0.2"
    venvs = [p.name for p in (prefix / "lib" / "tether-voice").iterdir() if not p.is_symlink()]
    assert len([name for name in venvs if not name.startswith(".")]) == 1, "the old one is gone"
    site = next((prefix / "lib" / "tether-voice" / "current" / "lib").glob("python3.*"))
    assert not list((site / "site-packages").glob("pip*")), "pip ran from its wheel, not kept"


def test_a_damaged_copy_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, "0.0.1")
    wheel = next((bundle / "wheels").glob("tinydep-*.whl"))
    wheel.write_bytes(wheel.read_bytes()[:-100])  # cut short, as a broken copy would be
    done = install(bundle, tmp_path / "prefix")
    assert done.returncode == 1
    assert "this release is damaged" in done.stderr
    assert "wheels/tinydep-1.0-py3-none-any.whl does not match its SHA-256" in done.stderr
    assert not (tmp_path / "prefix").exists()


def fake_python(folder: Path, version: tuple[int, int, int]) -> Path:
    """A python3 that runs install.sh's probe as this interpreter would if it were
    ``version`` (the probe reads only ``sys.version_info[:3]`` for the version)."""
    folder.mkdir(parents=True, exist_ok=True)
    fake = folder / "python3"
    setup = f"import sys; sys.version_info = {(*version, 'final', 0)!r}; exec(sys.argv[1])"
    fake.write_text(
        f'#!/bin/sh\n[ "$1" = -c ] || exit 9\nexec {sys.executable} -c "{setup}" "$2"\n'
    )
    fake.chmod(0o755)
    return fake


def test_an_unsupported_python_is_refused_clearly(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, "0.0.1")
    old = fake_python(tmp_path / "old", (3, 10, 12))
    done = install(bundle, tmp_path / "prefix", python=str(old))
    assert done.returncode == 1
    assert done.stderr == (
        "install.sh: tether-voice needs CPython 3.11, 3.12, 3.13 or 3.14 on Linux x86_64 "
        f"(glibc 2.17 or newer); --python {old}: it is CPython 3.10.12.\n"
    )
    new = fake_python(tmp_path / "new", (3, 15, 0))
    assert "it is CPython 3.15.0" in install(bundle, tmp_path / "p", python=str(new)).stderr
    assert not (tmp_path / "prefix").exists()


def test_without_python_it_looks_on_path_and_says_what_it_found(tmp_path: Path) -> None:
    bundle = make_bundle(tmp_path, "0.0.1")
    old = fake_python(tmp_path / "bin", (3, 10, 12))
    done = subprocess.run(
        ["/bin/sh", str(bundle / "install.sh"), "--prefix", str(tmp_path / "prefix")],
        capture_output=True,
        text=True,
        env={"PATH": str(old.parent), "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 1
    assert "none here will do:\n" in done.stderr
    assert f"  {old}: it is CPython 3.10.12\n" in done.stderr
    assert "or name one with --python PATH" in done.stderr


def test_a_command_of_another_install_is_not_overwritten(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "tether-voice").write_text("#!/bin/sh\necho other\n")
    done = install(make_bundle(tmp_path, "0.0.1"), prefix)
    assert done.returncode == 1
    assert "exists and is not from this installer" in done.stderr
    assert (prefix / "bin" / "tether-voice").read_text() == "#!/bin/sh\necho other\n"
