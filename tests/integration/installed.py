"""The built wheel as users install it, run from a directory outside the repository.

scripts/check_dist.py builds the wheel from a clean copy of the tree and installs
it (not editable) into a new virtual environment, OUT/venv, and with its demo
and icons extras into OUT/venv-extras; BADGEGEN_WHEEL_VENV names the first
(.ci/run sets it). Tests run the `badgegen` command of these environments the
way a user types it: no PYTHONPATH, no repository, HOME in a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent


def wheel_venv() -> Path:
    """The virtual environment the plain wheel was installed into."""
    folder = os.environ.get("BADGEGEN_WHEEL_VENV")
    if not folder:
        if os.environ.get("CI"):
            pytest.fail("CI must test the wheel: .ci/run builds it and sets BADGEGEN_WHEEL_VENV")
        pytest.skip(
            "no wheel: scripts/check_dist.py, then BADGEGEN_WHEEL_VENV=build/dist-check/venv"
        )
    return Path(folder).resolve()


@pytest.fixture(scope="module")
def wheel_bin() -> Path:
    """The bin/ folder of the environment with the plain wheel (`pipx install xmpp-badgegen`)."""
    return wheel_venv() / "bin"


@pytest.fixture(scope="module")
def extras_bin() -> Path:
    """The bin/ folder of the environment with the wheel and its demo and icons extras."""
    folder = wheel_venv().parent / "venv-extras" / "bin"
    if not (folder / "badgegen").is_file():
        pytest.fail(f"{folder} has no badgegen: scripts/check_dist.py makes it beside the venv")
    return folder


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    """A new empty directory outside the repository, to run the commands in."""
    folder = tmp_path / "user"
    folder.mkdir()
    assert not folder.resolve().is_relative_to(ROOT.resolve())
    return folder


def run(
    bin_dir: Path,
    cwd: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the installed `badgegen` with a user's environment: no PYTHONPATH, no repository."""
    user_env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        **(env or {}),
    }
    return subprocess.run(
        [str(bin_dir / "badgegen"), *args],
        cwd=cwd, env=user_env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def installed_python(bin_dir: Path, cwd: Path, code: str) -> str:
    """What the environment's own python prints running code (stripped)."""
    result = subprocess.run(
        [str(bin_dir / "python"), "-c", code], cwd=cwd, env={"PATH": os.environ["PATH"]},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()
