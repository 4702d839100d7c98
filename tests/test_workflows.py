"""The GitHub workflows and the reusable action pass actionlint and zizmor (offline)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CHECKED = [*sorted((ROOT / ".github" / "workflows").glob("*.yml")), ROOT / "action.yml"]


def linter(name: str) -> str:
    """The linter's path; missing is a failure in CI and a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (the test extra installs it)")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def test_workflows_pass_actionlint() -> None:
    """actionlint finds no mistake in the workflows (the action is no workflow)."""
    workflows = [str(path) for path in CHECKED if path.parent.name == "workflows"]
    result = subprocess.run(
        [linter("actionlint"), *workflows], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_and_action_pass_zizmor() -> None:
    """zizmor finds no security problem in the workflows or the action."""
    result = subprocess.run(
        [linter("zizmor"), "--offline", "--no-progress", *map(str, CHECKED)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


def test_scheduled_workflow_has_least_privilege() -> None:
    """No default permissions; only the deploy job may write to Pages; runs never overlap."""
    text = (ROOT / ".github" / "workflows" / "badges.yml").read_text()
    assert "\npermissions: {}\n" in text
    assert text.count("pages: write") == 1
    assert "cancel-in-progress: false" in text
    assert "secrets.BADGEGEN_PASSWORD" in text
    assert "--previous" in text
