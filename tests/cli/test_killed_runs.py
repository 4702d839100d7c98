"""Runs killed while writing: no litter after the next complete run, never half a badge.

Each run is stopped at an exact step of its writing, not at a moment in time: the
program around badgegen (a fake counter's, as any embedding program's) stops itself
with SIGSTOP at the Nth staging or renaming of a file, and the test then kills or
signals it there. The same steps are hit on every run, on any machine, however loaded.
On Linux files are staged unnamed (O_TMPFILE); a system without it (macOS, or a
filesystem such as NFS) stages them named: the script takes os.O_TMPFILE away to be one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from badgegen.publish import TEMP_PREFIX, lock_directory

ROOMS = 300
# A refresh of ROOMS rooms counted by a fake counter (the counts change from run to run,
# so every run rewrites every badge), as its own process. With STEP (os.open or
# os.replace, and N), it stops itself at the Nth call of that function on a temporary
# file: os.open stages a file, os.replace puts it in place. On exit it says how many
# renames it made after that stop.
SCRIPT = textwrap.dedent(
    """
    import atexit, os, signal, sys
    from badgegen.cli import main
    from badgegen.commands.runtime import Runtime
    from badgegen.core.counting import Counted
    from badgegen.core.counts import Count
    from badgegen.publish import TEMP_PREFIX

    config, out, seed, step, mode = sys.argv[1:]
    seed = int(seed)
    if mode == "named":
        del os.O_TMPFILE  # a system without unnamed files
    name, _, nth = step.partition(":")
    calls = {"os.open": 0, "os.replace": 0}
    after_stop = []

    def staging(function_name, args):
        if TEMP_PREFIX in str(args[0]):
            return True
        unnamed = getattr(os, "O_TMPFILE", 0)
        return function_name == "os.open" and unnamed and args[1] & unnamed == unnamed

    def watched(function_name, real):
        def call(*args, **kwargs):
            if staging(function_name, args):
                calls[function_name] += 1
                if after_stop and function_name == "os.replace":
                    after_stop.append(1)
                if function_name == name and calls[name] == int(nth):
                    after_stop.append(0)
                    os.kill(os.getpid(), signal.SIGSTOP)  # the test takes over here
            return real(*args, **kwargs)
        return call

    os.open = watched("os.open", os.open)
    os.replace = watched("os.replace", os.replace)
    atexit.register(lambda: print(f"renames after the stop: {sum(after_stop)}", file=sys.stderr))

    def counter(login, request):
        rooms = enumerate(request.rooms)
        return Counted(tuple(Count(room.jid, (index + seed) % 50) for index, room in rooms))

    main(["refresh", "--config", config, "--out", out], obj=Runtime(counter))
    """
)
# What each run changes: NAME.svg, NAME.json, NAME.chart.svg, NAME.chart-narrow.svg and
# NAME.card.svg per room, and index.html (_headers stays as it was); then the record,
# history.json and badges.json.
FILES = 5 * ROOMS + 1
# Where runs are killed: while staging (before the first file, the ROOMSth, the last badge,
# history.json, badges.json) and while renaming (the first, the ROOMSth, the last badge,
# history.json, badges.json). Staged unnamed, a kill leaves at most the file being renamed.
STEPS = (
    "os.open:1", f"os.open:{ROOMS}", f"os.open:{FILES}", f"os.open:{FILES + 1}",
    f"os.open:{FILES + 2}", "os.replace:1", f"os.replace:{ROOMS}", f"os.replace:{FILES}",
    f"os.replace:{FILES + 1}", f"os.replace:{FILES + 2}",
)  # fmt: skip
UNNAMED_KILLS = {step: int(step.startswith("os.replace")) for step in STEPS}
# Staged named, the temporary files each kill leaves (until the next run removes them).
NAMED_KILLS = {
    "os.open:1": 0,
    f"os.open:{ROOMS}": ROOMS - 1,
    f"os.open:{FILES}": FILES - 1,
    f"os.open:{FILES + 1}": 0,
    f"os.open:{FILES + 2}": 1,
    "os.replace:1": FILES,
    f"os.replace:{ROOMS}": FILES - ROOMS + 1,
    f"os.replace:{FILES}": 1,
    f"os.replace:{FILES + 1}": 2,
    f"os.replace:{FILES + 2}": 1,
}


def start(
    config: Path, out: Path, seed: int, step: str = "", staging: str = "unnamed"
) -> subprocess.Popen[str]:
    environment = {**os.environ, "BADGEGEN_PASSWORD": "pw", "BADGEGEN_JID": "bot@example.org"}
    root = str(Path(__file__).parents[2])
    paths = [root, os.environ.get("PYTHONPATH")]
    environment["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)
    command = [sys.executable, "-c", SCRIPT, str(config), str(out), str(seed), step, staging]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def wait_until_stopped(process: subprocess.Popen[str]) -> None:
    """Wait for the process to stop itself at its step (it must not end before it)."""
    _pid, status = os.waitpid(process.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), f"the run ended before its step (status {status})"


def temporary_files(out: Path) -> int:
    return sum(TEMP_PREFIX in path.name for path in out.iterdir()) if out.exists() else 0


def assert_whole_badges(out: Path) -> None:
    """Every badge in out is a complete SVG (a reader never sees half a file)."""
    for path in out.glob("*.svg"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("<svg"), path
        assert text.endswith("</svg>\n"), path


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """rooms.yaml with ROOMS rooms, and public/ after one complete run: what it holds."""
    config = tmp_path / "rooms.yaml"
    rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(ROOMS))
    config.write_text("rooms:\n" + rooms)
    out = tmp_path / "public"
    first = start(config, out, 0)
    assert first.wait(timeout=120) == 0, first.communicate()[1]  # every room counted
    return config, out, sorted(path.name for path in out.iterdir())


@pytest.mark.parametrize(("staging", "kills"), [("unnamed", UNNAMED_KILLS), ("named", NAMED_KILLS)])
def test_killed_runs_leave_no_litter(
    published: tuple[Path, Path, list[str]], staging: str, kills: dict[str, int]
) -> None:
    """SIGKILL at steps of staging and renaming: what each kill leaves, and one complete run
    then leaves published files only; no reader ever saw half a badge."""
    config, out, names = published
    left = {}
    for seed, step in enumerate(kills, start=1):
        process = start(config, out, seed, step, staging)
        wait_until_stopped(process)
        process.kill()
        process.communicate(timeout=30)
        left[step] = temporary_files(out)
        assert_whole_badges(out)
    assert left == kills
    last = start(config, out, 99)
    assert last.wait(timeout=120) == 0
    assert sorted(path.name for path in out.iterdir()) == names
    assert_whole_badges(out)


@pytest.mark.parametrize("staging", ["unnamed", "named"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("step", [f"os.open:{ROOMS}", f"os.replace:{ROOMS}"])
def test_a_signal_while_writing_ends_cleanly(
    published: tuple[Path, Path, list[str]], signum: int, step: str, staging: str
) -> None:
    """SIGINT/SIGTERM while staging or renaming: status 130/143 at once (no file is renamed
    after it but the one whose rename had begun), no traceback, no litter, the lock free."""
    config, out, _names = published
    process = start(config, out, 1, step, staging)
    wait_until_stopped(process)
    process.send_signal(signum)
    process.send_signal(signal.SIGCONT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr
    assert f"interrupted by {signal.Signals(signum).name}" in stderr
    renames = int(stderr.rpartition("renames after the stop: ")[2])
    assert renames <= 1, stderr
    assert not temporary_files(out)
    assert_whole_badges(out)
    with lock_directory(out, wait=0):  # released
        pass
