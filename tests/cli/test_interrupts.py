"""Ctrl-C at any moment of any command ends with status 130 and one line, nothing else.

The moment is exact, not a race: a driver process raises SIGINT at itself when a given
module's file is first read to import it (an audit hook on "open"), so each case lands at
the same step on every run and every machine: importing the command line, click
resolving a command, a command's own work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from badgegen.errors import EXIT_INTERRUPTED
from tests.conftest import DATA

# Raises SIGINT at itself when the module sys.argv[1] is imported (its source or bytecode
# opened), then runs badgegen with the remaining arguments as the installed command would.
DRIVER = """
import os, signal, sys
target, args, sent = sys.argv[1], sys.argv[2:], []
path = "/" + target.replace(".", "/")
folder, _, name = path.rpartition("/")
marks = (path + ".py", f"{folder}/__pycache__/{name}.", path + "/__init__.py",
         path + "/__pycache__/__init__.")
def interrupt_at(event, payload):
    if event == "open" and not sent and any(mark in str(payload[0]) for mark in marks):
        sent.append(True)  # once: an audit hook stays for the life of the process
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(interrupt_at)
from badgegen.start import main
main(args)
"""
CONFIG = str(DATA / "config" / "good.yaml")
# Were the moment never reached, the run would stop at a closed port, not on the network.
OFFLINE = ["--server", "127.0.0.1:1", "--timeout", "1"]
LINE = "Error: interrupted by SIGINT; every badge in place is whole"


def interrupted(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "BADGEGEN_JID": "bot@muc.example", "BADGEGEN_PASSWORD": "pw"}
    return subprocess.run(
        [sys.executable, "-c", DRIVER, module, *args],
        capture_output=True, text=True, check=False, cwd=cwd, timeout=120, env=environ,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("click", ["--help"]),  # the command line's first import
        ("badgegen.cli", ["check", "--config", CONFIG]),
        ("badgegen.cli.demo", ["demo", "--out", "site"]),  # click resolving the command
        ("badgegen.cli.init", ["init"]),
        ("badgegen.cli.refresh", ["refresh", "--help"]),
        ("badgegen.config.load", ["check", "--config", CONFIG]),  # the command's own work
        ("badgegen.config.load", ["snippet", "--config", CONFIG]),
        ("slixmpp", ["discover", "muc.example", *OFFLINE]),
        ("badgegen.pipeline", ["refresh", "--config", CONFIG, "--out", "site", *OFFLINE]),
        # Inside refresh's handling, before its own try: the outcome, not a traceback.
        ("badgegen.logs", ["refresh", "--config", CONFIG, "--out", "site", *OFFLINE]),
        ("badgegen.logs", ["refresh", "--json", "--config", CONFIG, "--out", "site", *OFFLINE]),
    ],
)
def test_ctrl_c_ends_with_130_and_one_line(module: str, args: list[str], tmp_path: Path) -> None:
    """Whatever the moment, the same ending: status 130, one line on stderr, nothing on
    stdout, nothing written."""
    result = interrupted(module, *args, cwd=tmp_path)
    if "--json" in args:  # stdout then holds exactly one document, saying so
        assert json.loads(result.stdout)["status"] == EXIT_INTERRUPTED
        result = subprocess.CompletedProcess(result.args, result.returncode, "", result.stderr)
    assert (result.returncode, result.stderr.splitlines(), result.stdout) == (
        EXIT_INTERRUPTED,
        [LINE],
        "",
    )
    assert list(tmp_path.iterdir()) == []


def test_the_driver_reaches_its_moment(tmp_path: Path) -> None:
    """The driver is no fake: a module the command never imports lets it run to its end."""
    result = interrupted("no.such.module", "check", "--config", CONFIG, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
