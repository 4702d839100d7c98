"""--help and check answer at once: they import no network or template code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

HEAVY = ("slixmpp", "jinja2")


def imported(*args: str, cwd: Path) -> set[str]:
    """The top-level packages `python -X importtime -m badgegen ARGS` imports."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "badgegen", *args],
        capture_output=True, text=True, check=False, cwd=cwd,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return {
        line.rpartition("|")[2].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["check", "--config", str(DATA / "config" / "good.yaml")],
        ["check", "--help"],
        ["refresh", "--help"],
    ],
)
def test_reading_commands_import_neither_slixmpp_nor_jinja(args: list[str], tmp_path: Path) -> None:
    """--help and check never load slixmpp or Jinja (the refresh pays for them, not these)."""
    modules = imported(*args, cwd=tmp_path)
    assert "badgegen" in modules  # the measurement saw badgegen's own imports
    assert not modules & set(HEAVY)


def test_help_imports_nothing_heavy(tmp_path: Path) -> None:
    """`badgegen --help` also loads neither PyYAML nor regex: it answers before anything else."""
    assert not imported("--help", cwd=tmp_path) & {"yaml", "regex"}


def test_a_refresh_does_import_them(tmp_path: Path) -> None:
    """The measurement can fail: the XMPP boundary's own import is seen when it happens."""
    code = "import badgegen.xmpp.scheduler"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    assert " slixmpp\n" in result.stderr
