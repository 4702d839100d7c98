#!/usr/bin/env python3
"""Build the sdist and the wheel as a release would, check them, install the wheel fresh.

Usage: scripts/check_dist.py [OUT]   (default: build/dist-check)

From a clean copy of the work tree (the files git tracks or would track, so no
build/ or egg-info left over from an earlier build can hide a missing file):

1. builds the sdist and the wheel, and fails on any warning the build prints;
2. runs `twine check --strict` on both;
3. builds the wheel again from the sdist and checks that it holds the same files;
4. checks that every file under badgegen/ and templates/ is in the wheel;
5. installs the wheel (not editable) into a new virtual environment, OUT/venv,
   and with its demo and icons extras into another, OUT/venv-extras.

tests/integration/test_wheel.py then runs that installation from an empty
directory (BADGEGEN_WHEEL_VENV=OUT/venv; .ci/run sets it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
# Lines of a build's output that are warnings of setuptools or of the build itself.
WARNING = re.compile(r"warning|deprecat|!!", re.IGNORECASE)


def main(out: Path) -> None:
    """Build, check and install; exit non-zero with the reason on the first failure."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="badgegen-dist-") as scratch:
        source = copy_work_tree(Path(scratch) / "source")
        sdist, wheel = build(source, out / "from-tree", "--sdist", "--wheel")
        run(sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel))
        unpacked = unpack(sdist, Path(scratch) / "unpacked")
        (again,) = build(unpacked, out / "from-sdist", "--wheel")
    compare_wheels(wheel, again)
    check_wheel_has_sources(wheel)
    install(wheel, out / "venv")
    install(wheel, out / "venv-extras", "[demo,icons]")
    print(f"check-dist: OK, {wheel.name} installed in {out / 'venv'} and {out / 'venv-extras'}")


def copy_work_tree(target: Path) -> Path:
    """Copy what git tracks or would track (not ignored) from the work tree."""
    listed = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in sorted(set(filter(None, listed.split("\0")))):
        path = ROOT / name
        if path.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    return target


def build(source: Path, out: Path, *kinds: str) -> list[Path]:
    """Build with `python -m build` in isolation; any warning in its output is a failure."""
    # This machine's PYTHONDONTWRITEBYTECODE makes distutils warn about byte-compiling.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    log = run(sys.executable, "-m", "build", *kinds, "--outdir", str(out), str(source), env=env)
    warnings = [line for line in log.splitlines() if WARNING.search(line)]
    if warnings:
        fail(f"building {source.name} printed warnings:\n" + "\n".join(warnings))
    return sorted(out.iterdir(), key=lambda path: path.suffix != ".gz")


def unpack(sdist: Path, target: Path) -> Path:
    """Unpack the sdist; return its top folder."""
    with tarfile.open(sdist) as archive:
        archive.extractall(target, filter="data")
    (top,) = target.iterdir()
    return top


def wheel_files(wheel: Path) -> dict[str, str]:
    """Each file in the wheel with its hash from RECORD (RECORD itself left out)."""
    with zipfile.ZipFile(wheel) as archive:
        record = next(name for name in archive.namelist() if name.endswith(".dist-info/RECORD"))
        rows = archive.read(record).decode().splitlines()
    return {name: digest for name, digest, _size in (row.rsplit(",", 2) for row in rows) if digest}


def compare_wheels(wheel: Path, again: Path) -> None:
    """The wheel built from the sdist holds the same files, byte for byte."""
    first, second = wheel_files(wheel), wheel_files(again)
    differ = sorted(
        name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
    )
    if differ:
        fail("the wheel built from the sdist differs from the tree's: " + ", ".join(differ))


def check_wheel_has_sources(wheel: Path) -> None:
    """Every file git has under badgegen/ and templates/ is in the wheel."""
    listed = run("git", "ls-files", "-z", "badgegen", "templates", cwd=ROOT)
    # templates/ installs as badgegen/templates/ (package_dir in setup.cfg).
    expected = {
        re.sub(r"^templates/", "badgegen/templates/", name)
        for name in filter(None, listed.split("\0"))
        if (ROOT / name).is_file()
    }
    missing = sorted(expected - wheel_files(wheel).keys())
    if missing:
        fail(f"{wheel.name} lacks files of the source tree: " + ", ".join(missing))


def install(wheel: Path, target: Path, extras: str = "") -> None:
    """A new virtual environment with the wheel (and extras) installed as users install it."""
    venv.create(target, with_pip=True)
    python = str(target / "bin" / "python")
    requirement = f"{wheel}{extras}"
    run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement)


def run(*command: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    """Run a command; its output, or a failure with that output."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def fail(message: str) -> NoReturn:
    """Stop with an error line that says why."""
    sys.exit(f"check-dist: {message}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "dist-check").resolve())
