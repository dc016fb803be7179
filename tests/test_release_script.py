"""scripts/release's and scripts/release_smoke's own parts, offline: the requirement
blocks taken from ``uv export``, the wheel-completeness check, the reproducible tarball,
and the smoke test's broken-wheel control."""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.release_support import PROJECT, load_script, make_wheel

release = load_script("release")
smoke = load_script("release_smoke")

EXPORTED = """\
pex==2.105.2 \\
    --hash=sha256:aaa \\
    --hash=sha256:bbb
pip==26.3 \\
    --hash=sha256:ccc \\
    --hash=sha256:ddd
    # via some-group
zipp==4.1.2 ; python_full_version < '3.12' \\
    --hash=sha256:eee
"""


def test_one_requirement_block_is_taken_with_its_hashes() -> None:
    assert release.requirement_block(EXPORTED, "pip") == (
        "pip==26.3 \\\n    --hash=sha256:ccc \\\n    --hash=sha256:ddd\n"
    )
    assert release.requirement_block(EXPORTED, "zipp").startswith("zipp==4.1.2 ; python_full")
    with pytest.raises(release.ReleaseError, match="pipx is not in the exported"):
        release.requirement_block(EXPORTED, "pipx")


def test_a_wheel_without_a_package_file_is_caught(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "tui" / "sub" / "__pycache__").mkdir(parents=True)
    (source / "tui" / "__init__.py").write_text("")
    (source / "tui" / "app.tcss").write_text("Screen {}\n")
    (source / "tui" / "sub" / "x.py").write_text("")
    (source / "tui" / "sub" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"")
    files = {"tui/__init__.py": "", "tui/sub/x.py": ""}
    wheel = make_wheel(tmp_path, "tether-voice", "1.0", files)
    assert release.missing_from_wheel(wheel, source) == ["tui/app.tcss"]
    (tmp_path / "whole").mkdir()
    whole = make_wheel(tmp_path / "whole", "tether-voice", "1.0", {**files, "tui/app.tcss": ""})
    assert release.missing_from_wheel(whole, source) == []


def test_the_tarball_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    bundle = tmp_path / "tether-voice-1.0-offline-linux-x86_64"
    (bundle / "wheels").mkdir(parents=True)
    (bundle / "install.sh").write_text("#!/bin/sh\n")
    (bundle / "install.sh").chmod(0o700)
    (bundle / "wheels" / "a.whl").write_bytes(b"wheel")
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    release.write_tarball(bundle, first, 1_700_000_000)
    (bundle / "wheels" / "a.whl").touch()  # a newer mtime on disk changes nothing
    release.write_tarball(bundle, second, 1_700_000_000)
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert list(members) == [
        bundle.name,
        f"{bundle.name}/install.sh",
        f"{bundle.name}/wheels",
        f"{bundle.name}/wheels/a.whl",
    ]
    assert members[f"{bundle.name}/install.sh"].mode == 0o755
    assert members[f"{bundle.name}/wheels/a.whl"].mode == 0o644
    assert {m.uid for m in members.values()} == {0}


def test_sums_name_every_file_but_themselves(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x").write_bytes(b"")
    (tmp_path / "SHA256SUMS").write_text("old")
    assert release.sums_text(tmp_path) == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  d/x\n"
    )


def test_the_smoke_controls_wheel_lacks_the_stylesheet_and_its_hashes_agree(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "tether-voice-1.0-offline-linux-x86_64"
    (bundle / "wheels").mkdir(parents=True)
    files = {"tui/__init__.py": "", "tui/app.tcss": "Screen {}\n"}
    wheel = make_wheel(bundle / "wheels", "tether-voice", "1.0", files)
    (bundle / "requirements.txt").write_text(
        f"tether-voice==1.0 \\\n    --hash=sha256:{release.sha256(wheel)}\n"
    )
    (bundle / "SHA256SUMS").write_text(release.sums_text(bundle))
    tarball = tmp_path / "good.tar.gz"
    release.write_tarball(bundle, tarball, 0)

    broken = smoke.break_tarball(release, tarball, tmp_path / "out")
    unpacked = tmp_path / "check"
    with tarfile.open(broken) as tar:
        tar.extractall(unpacked, filter="data")
    copy = unpacked / bundle.name
    broken_wheel = copy / "wheels" / wheel.name
    with zipfile.ZipFile(broken_wheel) as archive:
        names = archive.namelist()
        record = archive.read("tether_voice-1.0.dist-info/RECORD").decode()
    assert "tui/app.tcss" not in names and "tui/__init__.py" in names
    assert "tui/app.tcss" not in record
    digest = release.sha256(broken_wheel)
    assert f"--hash=sha256:{digest}" in (copy / "requirements.txt").read_text()
    assert (copy / "SHA256SUMS").read_text() == release.sums_text(copy)


def test_the_bench_table_gives_each_artifact_against_the_installed_venv() -> None:
    scripts = str(PROJECT / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)  # as bench.py runs: benchkit beside it
    from benchkit.records import Interpreter
    from benchkit.release import ReleaseBench, release_markdown

    def interp(name: str, seconds: list[float]) -> Interpreter:
        made = Interpreter(name, "python", ["tether-voice"], ["python", "b.py"], "note")
        made.app.seconds = seconds
        return made

    venv = interp("venv-compiled", [0.5, 0.4, 0.6])
    venv.build_seconds = 4.2
    bench = ReleaseBench(
        tarball="t.tar.gz",
        tarball_bytes=20_800_000,
        pex="t.pex",
        pex_bytes=20_300_000,
        build_seconds=21.0,
        python="/usr/bin/python3",
        install_seconds=[5.0, 4.0, 6.0],
        installed_bytes=56_000_000,
        pex_unpacked_bytes=64_000_000,
    )
    bench.pex_first_run.seconds = [2.0, 2.5, 3.0]
    rows = release_markdown(
        bench, [venv, interp("release-tarball", [0.45]), interp("release-pex", [0.55])]
    )
    assert rows[-4:] == [
        "| installed venv (uv, `--compile-bytecode`) | — | 4.2 s | 500 ms [400 ms, 600 ms] | 1.00x |",
        "| `t.tar.gz` + install.sh | 20.8 MB (56 MB installed) | 5.0 s | 450 ms | 0.90x |",
        "| `t.pex`, warm | 20.3 MB (64 MB unpacked) | — | 550 ms | 1.10x |",
        "| `t.pex`, first run (empty PEX_ROOT) |  | — | 2500 ms [2000 ms, 3000 ms] | 5.00x |",
    ]
