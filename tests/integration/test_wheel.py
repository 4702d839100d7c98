"""The built wheel, installed as users install it, used from a directory outside the repository.

A module or data file missing from the wheel fails here (see installed.py).
"""

from __future__ import annotations

import configparser
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegen.demo.occupants import Occupants
from badgegen.errors import EXIT_USAGE
from sandbox.servers import SandboxServer

from .conftest import EXPECTED, Account
from .installed import ROOT, installed_python, run

VERSION = configparser.ConfigParser()
VERSION.read(ROOT / "setup.cfg")
RELEASE = VERSION["metadata"]["version"]

# Only against Prosody: the wheel is the subject here, not the server.
pytestmark = pytest.mark.parametrize("server", ["prosody"], indirect=True)


def test_wheel_is_what_runs(wheel_bin: Path, empty_dir: Path, server: SandboxServer) -> None:
    """The command imports badgegen from the environment's site-packages, not from a checkout."""
    code = "import badgegen, badgegen.render, badgegen.xmpp; print(badgegen.__file__)"
    location = Path(installed_python(wheel_bin, empty_dir, code))
    assert "site-packages" in location.parts
    assert location.is_relative_to(wheel_bin.parent)


def test_version_is_the_release(wheel_bin: Path, empty_dir: Path, server: SandboxServer) -> None:
    """--version names the version setup.cfg declares."""
    result = run(wheel_bin, empty_dir, "--version")
    assert (result.returncode, result.stdout) == (0, f"badgegen, version {RELEASE}\n")


def test_badge_prints_an_svg(wheel_bin: Path, empty_dir: Path, server: SandboxServer) -> None:
    """`badge` renders with the installed templates and width tables."""
    result = run(wheel_bin, empty_dir, "badge", "chat", "12 online", "--logo", "xmpp")
    assert result.returncode == 0, result.stderr
    root = ElementTree.fromstring(result.stdout)
    assert root.get("aria-label") == "chat: 12 online"


def test_init_pins_this_version(wheel_bin: Path, empty_dir: Path, server: SandboxServer) -> None:
    """`init` writes a workflow that installs exactly this release of xmpp-badgegen."""
    result = run(wheel_bin, empty_dir, "init")
    assert result.returncode == 0, result.stderr
    workflow = (empty_dir / ".github" / "workflows" / "badges.yml").read_text()
    assert f'pip install "xmpp-badgegen=={RELEASE}"' in workflow
    assert "@BADGEGEN_VERSION@" not in workflow
    assert (empty_dir / "rooms.yaml").is_file()


def test_demo_without_its_extra_says_what_to_install(
    wheel_bin: Path, empty_dir: Path, server: SandboxServer
) -> None:
    """A plain install has no trustme: `demo` says in one line what to install, no traceback:
    into this very environment, with its own pip (a venv; pipx would get `pipx inject`)."""
    result = run(wheel_bin, empty_dir, "demo")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.count("\n") == 1
    assert f"the demo extra ({wheel_bin}/python -m pip install" in result.stderr
    assert " -m pip install 'trustme>=" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_and_refresh_count_real_occupants(
    wheel_bin: Path,
    empty_dir: Path,
    server: SandboxServer,
    occupants: Occupants,
    account: Account,
) -> None:
    """`check` then `refresh` against the test Prosody: every sample room's real count."""
    rooms = "rooms:\n" + "".join(f"  - {occupants.room_jid(name)}\n" for name in EXPECTED)
    (empty_dir / "rooms.yaml").write_text(rooms)
    checked = run(wheel_bin, empty_dir, "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.endswith(f"rooms.yaml: OK, {len(EXPECTED)} rooms\n")
    secrets = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    refreshed = run(
        wheel_bin, empty_dir, "refresh", "--server", server.address,
        "--ca-file", str(server.ca_file), "--timeout", "5", env=secrets,
    )  # fmt: skip
    assert refreshed.returncode == 0, refreshed.stderr
    record = json.loads((empty_dir / "public" / "badges.json").read_text())
    counted = {jid.split("@")[0]: room["occupants"] for jid, room in record["rooms"].items()}
    assert counted == EXPECTED
    for name, count in EXPECTED.items():
        svg = (empty_dir / "public" / f"{occupants.room_jid(name)}.svg").read_text()
        assert f'aria-label="chat: {count} online"' in svg


# What only the tests' sandbox needs: none of it ships with the demo.
TEST_ONLY = ("uncertified", "component_secret", "component_interfaces", "limits", "anonymous",
             "helper", "def kill", "under test", "sandbox", "slow.")  # fmt: skip


@pytest.mark.usefixtures("server")
def test_the_demo_ships_nothing_only_tests_use(wheel_bin: Path, empty_dir: Path) -> None:
    """The installed demo is the smallest thing that shows badges: no test hosts or fixtures."""
    code = "import badgegen.demo, pathlib; print(pathlib.Path(badgegen.demo.__file__).parent)"
    files = sorted(Path(installed_python(wheel_bin, empty_dir, code)).glob("*.py"))
    assert {path.name for path in files} >= {"__init__.py", "prosody.py", "occupants.py"}
    found = {
        (path.name, word)
        for path in files
        for word in TEST_ONLY
        if word in path.read_text(encoding="utf-8").lower()
    }
    assert not found
