"""`badgegen refresh` as a real process against a real Prosody: files, statuses, secrets."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from badgegen.cli import main
from badgegen.demo.occupants import Occupants
from badgegen.demo.server import free_port
from badgegen.errors import EXIT_NOTHING_COUNTED, EXIT_SOME_UNCOUNTED
from sandbox import server_available
from sandbox.servers import SandboxServer

from . import runs
from .conftest import EXPECTED, HOSTILE_NAME, NAMED, Account
from .runs import refresh_command


def write_rooms(folder: Path, occupants: Occupants, *, missing: bool) -> Path:
    """A rooms.yaml naming the sample rooms (and a missing one if asked)."""
    # Not the "missing" of test_counting: a join there leaves a tombstone ("gone").
    names = [*EXPECTED, "never-created"] if missing else list(EXPECTED)
    lines = ["rooms:", *(f"  - {occupants.room_jid(name)}" for name in names)]
    path = folder / "rooms.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def run_refresh(
    server: SandboxServer, config: Path, account: Account, *args: str, port: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m badgegen refresh` with the account in the environment."""
    address, out = f"127.0.0.1:{port or server.port}", config.parent / "public"
    command = refresh_command(config, out, address, "--timeout", "5", *args, ca_file=server.ca_file)
    return runs.run_refresh(command, account.jid, account.password, timeout=60)


def badge_labels(out: Path) -> dict[str, str]:
    """Each badge file's aria-label."""
    labels = {}
    for path in sorted(out.glob("*.svg")):
        if path.name.endswith((".chart.svg", ".chart-narrow.svg", ".card.svg", ".trend.svg")):
            continue  # the history charts, cards and trend badges beside the badges
        text = path.read_text()
        start = text.index('aria-label="') + len('aria-label="')
        labels[path.name.split("@")[0]] = text[start : text.index('"', start)]
    return labels


def test_refresh_writes_badges_then_leaves_them_unchanged(
    server: SandboxServer, occupants: Occupants, account: Account, tmp_path: Path
) -> None:
    """Every room gets its badge; a second run with the same counts rewrites only badges.json."""
    config = write_rooms(tmp_path, occupants, missing=False)
    first = run_refresh(server, config, account)
    assert first.returncode == 0, first.stderr
    assert badge_labels(tmp_path / "public") == {
        name: f"chat: {count} online" for name, count in sorted(EXPECTED.items())
    }
    # badges.json and index.html say when rooms were counted, the history and its charts
    # and cards move on at each quarter hour, feed.xml at each week's end; the badges stay.
    dated = {"badges.json", "index.html", "history.json", "feed.xml"}
    drawn = (".chart.svg", ".chart-narrow.svg", ".card.svg")
    badges = sorted(
        path
        for path in (tmp_path / "public").iterdir()
        if path.name not in dated and not path.name.endswith(drawn)
    )
    before = [(path.stat().st_ino, path.stat().st_mtime_ns) for path in badges]
    second = run_refresh(server, config, account)
    assert second.returncode == 0, second.stderr
    assert [(path.stat().st_ino, path.stat().st_mtime_ns) for path in badges] == before
    assert len(badges) == 9  # 4 rooms' SVG and JSON, and _headers


def test_missing_room_gets_unknown_badge_and_status_3(
    server: SandboxServer, occupants: Occupants, account: Account, tmp_path: Path
) -> None:
    """A room that does not exist: its badge says unknown, the summary names the class."""
    config = write_rooms(tmp_path, occupants, missing=True)
    result = run_refresh(server, config, account)
    assert result.returncode == EXIT_SOME_UNCOUNTED
    assert badge_labels(tmp_path / "public")["never-created"] == "chat: unknown"
    # The condition, and the server's own words when it gives some (ejabberd does).
    expected = "never-created@rooms.badgegen.test: room does not exist (item-not-found"
    assert expected in result.stderr


@pytest.mark.parametrize("failure", ["wrong-password", "closed-port"])
def test_failures_leave_existing_badges_untouched(
    server: SandboxServer, occupants: Occupants, account: Account, tmp_path: Path, failure: str
) -> None:
    """Wrong password or closed port: status 4 within seconds, one line, badges as they were."""
    config = write_rooms(tmp_path, occupants, missing=False)
    assert run_refresh(server, config, account).returncode == 0
    before = {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()}
    wrong = Account(account.jid, "not the password")
    # A deadline past the subprocess's timeout: only giving up at once ends the run in time.
    if failure == "wrong-password":
        result = run_refresh(server, config, wrong, "--deadline", "3600")
    else:
        result = run_refresh(server, config, account, "--deadline", "3600", port=free_port())
    assert result.returncode == EXIT_NOTHING_COUNTED
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.rstrip().endswith("; no badge was changed")
    after = {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()}
    assert after == before


def test_password_never_appears_even_at_full_verbosity(
    server: SandboxServer, occupants: Occupants, account: Account, tmp_path: Path
) -> None:
    """-vv logs the whole XMPP stream, yet neither the password nor its base64 shows anywhere."""
    config = write_rooms(tmp_path, occupants, missing=False)
    result = run_refresh(server, config, account, "-vv")
    assert result.returncode == 0, result.stderr
    assert "SEND:" in result.stderr  # the stream really was logged
    output = result.stdout + result.stderr
    output += "".join(path.read_text() for path in (tmp_path / "public").iterdir())
    raw = account.password.encode()
    forbidden = [account.password, base64.b64encode(raw).decode()]
    forbidden += [
        base64.b64encode(b"\0" + account.jid.split("@")[0].encode() + b"\0" + raw).decode()
    ]
    for secret in forbidden:
        assert secret not in output


def test_room_name_label_is_escaped(
    server: SandboxServer, occupants: Occupants, account: Account, tmp_path: Path
) -> None:
    """A label from the room's own (hostile) name is shown as text: no script, no link."""
    room = occupants.room_jid(NAMED.name)
    config = tmp_path / "rooms.yaml"
    config.write_text(f'rooms:\n  - jid: {room}\n    label: "{{name}}"\n    style: social\n')
    result = run_refresh(server, config, account)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "public" / f"{room}.svg").read_text()
    root = ElementTree.fromstring(svg)  # well-formed, so nothing escaped the text
    name = HOSTILE_NAME[:63] + "…"  # names are capped at 64 clusters
    assert root.get("aria-label") == f"{name[:1].upper()}{name[1:]}: 3 online"
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "a", "foreignObject"}
    assert "<script" not in svg


@pytest.fixture
def demo_prosody() -> None:
    """The demo needs Debian's prosody: CI must have it; elsewhere its tests skip."""
    if not server_available("prosody"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the demo: install Debian's prosody")
        pytest.skip("prosody cannot run here")


@pytest.mark.usefixtures("demo_prosody")
def test_demo_makes_the_sample_badges(tmp_path: Path) -> None:
    """`badgegen demo` (README's quick start) counts its sample rooms' real occupants in-process."""
    out = tmp_path / "public"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    labels = badge_labels(out)
    assert {name: labels[name] for name in ("lobby", "dev", "quiet")} == {
        "lobby": "chat: 5 online",
        "dev": "dev chat: 2 online",
        "quiet": "quiet room: 0 online",
    }
    assert labels["missing"] == "missing: unknown"
    assert "does not exist on purpose" in result.stdout
    assert list(out.glob("lobby@*.trend.svg"))  # the demo's lobby has a trend badge


@pytest.mark.usefixtures("demo_prosody")
@pytest.mark.parametrize(
    "stage",
    ["prosody.cfg.lua", "data/*/accounts/*.dat"],
    ids=["while-the-server-starts", "while-the-occupants-join"],
)
def test_ctrl_c_while_the_demo_starts_is_an_interruption(tmp_path: Path, stage: str) -> None:
    """Ctrl-C before the demo's refresh: status 130, one line, the server and its folder gone."""
    temp = tmp_path / "temp"
    temp.mkdir()
    demo = subprocess.Popen(
        [sys.executable, "-m", "badgegen", "demo", "--out", str(tmp_path / "out")],
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as a terminal has it
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(temp.glob(f"badgegen-demo-*/prosody/{stage}")):
        assert demo.poll() is None, "the demo ended before the stage"
        assert time.monotonic() < deadline, "the demo did not reach the stage"
        time.sleep(0.01)
    demo.send_signal(signal.SIGINT)
    _, stderr = demo.communicate(timeout=60)
    assert demo.returncode == 130
    assert stderr == "Error: interrupted by SIGINT; every badge in place is whole\n"
    assert list(temp.iterdir()) == []  # the server stopped and its folder was removed
