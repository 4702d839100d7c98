"""Our workflows, the action and the workflow `init` writes: linted, pinned, least privilege."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from badgegen.commands.init import scaffold

ROOT = Path(__file__).parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
OURS = [*sorted(WORKFLOWS.glob("*.yml")), ROOT / "action.yml"]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Our workflows and action, and the workflow `badgegen init` writes for users."""
    repository = tmp_path_factory.mktemp("user-repository")
    scaffold(repository, "1.2.3")
    return [*OURS, repository / ".github" / "workflows" / "badges.yml"]


def linter(name: str) -> str:
    """The linter's path; missing is a failure in CI and a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed (the test extra installs it)")
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def test_workflows_pass_actionlint(checked: list[Path]) -> None:
    """actionlint finds no mistake in the workflows (the action is no workflow)."""
    workflows = [str(path) for path in checked if path.parent.name == "workflows"]
    result = subprocess.run(
        [linter("actionlint"), *workflows], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_and_action_pass_zizmor(checked: list[Path]) -> None:
    """zizmor finds no security problem in the workflows or the action."""
    result = subprocess.run(
        [linter("zizmor"), "--offline", "--no-progress", *map(str, checked)],
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


# What each action the workflows use needs of GITHUB_TOKEN (from its documentation). A job
# grants exactly the union of its steps' needs: no more, and nothing an action lacks.
ACTION_NEEDS: dict[str, dict[str, str]] = {
    "actions/checkout": {"contents": "read"},
    "actions/setup-python": {},
    # GET /repos/{owner}/{repo}/pages: refused without pages: read in private repositories
    # (actions/configure-pages#188).
    "actions/configure-pages": {"pages": "read"},
    "actions/upload-pages-artifact": {},  # the runner's artifact token, not GITHUB_TOKEN
    "actions/upload-artifact": {},
    "actions/download-artifact": {},
    "actions/deploy-pages": {"pages": "write", "id-token": "write"},
    "actions/attest-build-provenance": {"id-token": "write", "attestations": "write"},
    "pypa/gh-action-pypi-publish": {"id-token": "write"},
}


def test_each_job_grants_exactly_what_its_actions_need(checked: list[Path]) -> None:
    """Every job of every workflow (ours and init's) holds the permissions its actions need,
    and none besides; an action missing from ACTION_NEEDS fails until its needs are known."""
    for path in (path for path in checked if path.parent.name == "workflows"):
        workflow = yaml.safe_load(path.read_text())
        assert workflow["permissions"] == {}, path
        for name, job in workflow["jobs"].items():
            needs: dict[str, str] = {}
            for step in job.get("steps", []):
                action = step["uses"].partition("@")[0] if "uses" in step else None
                if action is not None:
                    assert action in ACTION_NEEDS, f"{path.name} {name}: what does {action} need?"
                    needs |= ACTION_NEEDS[action]
            assert job.get("permissions", {}) == needs, f"{path.name}: job {name}"


def test_every_action_is_pinned_by_commit(checked: list[Path]) -> None:
    """Every `uses:` names a full commit SHA, with the version it is in a comment."""
    uses = [line for path in checked for line in path.read_text().splitlines() if "uses:" in line]
    assert uses
    for line in uses:
        assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d", line), line


def test_our_workflows_install_badgegen_from_the_checkout() -> None:
    """badges.yml and the action install the checked-out commit, never a name from PyPI."""
    installs = [
        re.findall(r"pip install (.*)", path.read_text())
        for path in (WORKFLOWS / "badges.yml", ROOT / "action.yml")
    ]
    assert installs == [["."], ['"$ACTION_PATH"']]


def test_release_workflow_has_least_privilege() -> None:
    """Tags only; no default rights; only attest and publish hold an OIDC token; no stored token."""
    text = (WORKFLOWS / "release.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow[True] == {"push": {"tags": ["v*"]}}  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {}
    rights = {name: job["permissions"] for name, job in workflow["jobs"].items()}
    assert rights == {
        "build": {"contents": "read"},
        "attest": {"id-token": "write", "attestations": "write"},
        "publish": {"id-token": "write"},
    }
    assert workflow["jobs"]["publish"]["environment"]["name"] == "pypi"
    assert "secrets." not in text
    assert "password" not in text.lower()
    assert "scripts/check_release.py" in text


def release_problems(tag: str, built: list[str], changelog: str, tmp_path: Path) -> list[str]:
    """The release workflow's check, on a dist folder and a CHANGELOG of the test's making."""
    spec = importlib.util.spec_from_file_location(
        "check_release", ROOT / "scripts" / "check_release.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dist = tmp_path / "dist"
    dist.mkdir()
    for name in built:
        (dist / name).touch()
    problems: list[str] = module.release_problems(tag, dist, changelog)
    return problems


BUILT = ["xmpp_badgegen-1.2.3.tar.gz", "xmpp_badgegen-1.2.3-py3-none-any.whl"]
DATED = "## [1.2.3] - 2026-12-01\n"
NOT_BUILT = "does not name the built version"


@pytest.mark.parametrize(
    ("tag", "built", "changelog", "problem"),
    [
        ("v1.2.3", BUILT, "## [1.2.3] - 2026-12-01\n", None),
        (
            "v1.2.4",
            BUILT,
            "## [1.2.4] - 2026-12-01\n",
            "tag v1.2.4 does not name the built version",
        ),
        ("1.2.3", BUILT, "## [1.2.3] - 2026-12-01\n", "tag 1.2.3 does not name the built version"),
        ("v1.2.3", BUILT[:1], "## [1.2.3] - 2026-12-01\n", "does not name the built version"),
        (
            "v1.2.3",
            BUILT,
            "## [1.2.3] - Unreleased\n",
            "CHANGELOG.md has no dated heading for 1.2.3",
        ),
    ],
)
def test_release_check(
    tmp_path: Path, tag: str, built: list[str], changelog: str, problem: str | None
) -> None:
    """A release goes out only when the tag names the built version and CHANGELOG dates it."""
    found = release_problems(tag, built, changelog, tmp_path)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1
        assert problem in found[0]
