"""Runs killed while writing: no litter after the next complete run, never half a badge."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from badgegen.publish import TEMP_PREFIX, lock_directory

ROOMS = 2000
KILLS = 12
# A refresh of ROOMS rooms counted by a fake counter (the counts change from
# run to run, so every run rewrites every badge), started as its own process.
SCRIPT = textwrap.dedent(
    """
    import sys
    from badgegen.cli import main
    from badgegen.cli.options import Runtime
    from badgegen.counts import Count

    seed = int(sys.argv[3])

    def counter(login, rooms, until, discovery=None):
        return tuple(Count(room.jid, (index + seed) % 50) for index, room in enumerate(rooms))

    main(["refresh", "--config", sys.argv[1], "--out", sys.argv[2]], obj=Runtime(counter))
    """
)


def start(config: Path, out: Path, seed: int, stderr: int | None = None) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "BADGEGEN_PASSWORD": "pw", "BADGEGEN_JID": "bot@example.org"}
    root = str(Path(__file__).parents[2])
    paths = [root, os.environ.get("PYTHONPATH")]
    environment["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    command = [sys.executable, "-c", SCRIPT, str(config), str(out), str(seed)]
    return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=stderr)


def kill_while_writing(process: subprocess.Popen[bytes], out: Path, delay: float) -> int:
    """SIGKILL process delay seconds after its first temporary file appears in out.

    Returns:
        How many temporary files were in out after the kill.
    """
    while process.poll() is None and not _temporary_files(out):
        time.sleep(0.002)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return _temporary_files(out)


def _temporary_files(out: Path) -> int:
    return sum(TEMP_PREFIX in path.name for path in out.iterdir()) if out.exists() else 0


def assert_whole_badges(out: Path) -> None:
    """Every badge in out is a complete SVG (a reader never sees half a file)."""
    for path in out.glob("*.svg"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<svg"), path
        assert text.endswith("</svg>\n"), path


def test_killed_runs_leave_no_litter(tmp_path: Path) -> None:
    """SIGKILL at moments of writing; one complete run then leaves published files only."""
    config = tmp_path / "rooms.yaml"
    rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(ROOMS))
    config.write_text("rooms:\n" + rooms)
    out = tmp_path / "public"
    assert start(config, out, 0).wait(timeout=120) == 0  # every room counted
    published = sorted(path.name for path in out.iterdir())
    left = [
        kill_while_writing(start(config, out, kill + 1), out, kill * 0.02) for kill in range(KILLS)
    ]
    assert_whole_badges(out)
    assert any(left), "no run was killed while writing: the test proves nothing"
    assert start(config, out, 99).wait(timeout=120) == 0
    assert sorted(path.name for path in out.iterdir()) == published
    assert_whole_badges(out)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_writing_ends_cleanly(tmp_path: Path, signum: int) -> None:
    """SIGINT/SIGTERM while writing: status 130/143 at once, no traceback, no litter, lock free."""
    config = tmp_path / "rooms.yaml"
    rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(ROOMS))
    config.write_text("rooms:\n" + rooms)
    out = tmp_path / "public"
    assert start(config, out, 0).wait(timeout=120) == 0
    process = start(config, out, 1, stderr=subprocess.PIPE)
    while process.poll() is None and not _temporary_files(out):
        time.sleep(0.002)
    process.send_signal(signum)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 2
    assert process.returncode == 128 + signum
    text = stderr.decode()
    assert "Traceback" not in text
    assert f"interrupted by {signal.Signals(signum).name}" in text
    assert not _temporary_files(out)
    assert_whole_badges(out)
    with lock_directory(out, wait=0):  # released
        pass
