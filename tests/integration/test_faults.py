"""Faults against real servers: slow rooms, a killed server, TLS, SASL, limits, full disks."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import time
from pathlib import Path

import pytest

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Problem
from badgegen.errors import EXIT_NOTHING_COUNTED, EXIT_OUTPUT_FAILED, EXIT_SOME_UNCOUNTED
from badgegen.record import TIMESTAMP
from sandbox import running_server
from sandbox.component import FLAKY_COUNT, SlowRooms
from sandbox.servers import SandboxServer
from sandbox.watch import LineWatcher
from tests.integration.counts import counts_of

from .conftest import Account
from .runs import refresh_command, run_refresh, start_refresh

PASSWORD = "fault-test-password"


def options(server: SandboxServer, **changes: float) -> Connection:
    """Connect to server with short limits."""
    settings = {"timeout": 1.0, "deadline": 30.0, **changes}
    return Connection(f"127.0.0.1:{server.port}", server.ca_file, **settings)  # type: ignore[arg-type]


def run(
    server: SandboxServer, folder: Path, rooms: list[str], *args: str, jid: str, password: str
) -> subprocess.CompletedProcess[str]:
    """Write rooms.yaml into folder and run `badgegen refresh` on it."""
    config = folder / "rooms.yaml"
    config.write_text("rooms:\n" + "".join(f"  - {room}\n" for room in rooms))
    command = refresh_command(
        config, folder / "public", f"127.0.0.1:{server.port}", "--timeout", "2", *args,
        ca_file=server.ca_file,
    )  # fmt: skip
    return run_refresh(command, jid, password)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in folder/public and its bytes."""
    return {path.name: path.read_bytes() for path in sorted((folder / "public").iterdir())}


def test_timeouts_are_retried_once_and_errors_never(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """A lost reply is asked for again once; a refusal (item-not-found) is final."""
    rooms = [
        slow.jid(name) for name in ("count-2", "silent-1", "flaky-1", "late-0.3-1", "missing-1")
    ]
    login = Login(account.jid, Secret(account.password))
    counts = counts_of(login, [Room(jid) for jid in rooms], options(server))
    assert [(c.occupants, c.problem) for c in counts] == [
        (2, None), (None, Problem.TIMEOUT), (FLAKY_COUNT, None), (1, None),
        (None, Problem.NOT_FOUND),
    ]  # fmt: skip
    assert [slow.asked[jid.split("@")[0]] for jid in rooms] == [1, 2, 2, 1, 1]


def test_the_deadline_holds(server: SandboxServer, slow: SlowRooms, account: Account) -> None:
    """A live domain's 40 silent rooms, 2 at a time, 1 s each: the run ends at its 3 s deadline."""
    rooms = [Room(slow.jid("count-1-live"))]
    rooms += [Room(slow.jid(f"silent-deadline-{index}")) for index in range(40)]
    login = Login(account.jid, Secret(account.password))
    counts = counts_of(login, rooms, options(server, deadline=3.0, concurrency=2))
    assert counts[0].occupants == 1
    assert {count.problem for count in counts[1:]} == {Problem.TIMEOUT}
    assert "run deadline reached" in {count.detail for count in counts}


@pytest.mark.parametrize(
    ("user", "domain", "message"),
    [
        ("tls", "uncertified.test", "certificate verify failed: Hostname mismatch"),
        ("sasl", "badgegen.test", "no usable SASL mechanism"),
    ],
    ids=["certificate-for-another-name", "sasl-mechanism-not-offered"],
)
@pytest.mark.usefixtures("slow")  # its count-1 room makes the first, good run
def test_tls_and_sasl_failures_touch_nothing(
    server: SandboxServer, tmp_path: Path, account: Account, user: str, domain: str, message: str
) -> None:
    """A certificate for another name, or no usable SASL mechanism: status 4, nothing touched."""
    good = run(server, tmp_path, [f"count-1@{server.component_domain}"], jid=account.jid,
               password=account.password)  # fmt: skip
    assert good.returncode == 0, good.stderr
    before = snapshot(tmp_path)
    jid = server.register(user, PASSWORD, domain)
    extra = []
    if user == "sasl":  # anonymous login on a host that does not offer it
        jid = domain
        config = tmp_path / "anonymous.yaml"
        config.write_text(f"account: {{jid: {domain}, anonymous: true}}\nrooms: [a@{domain}]\n")
        extra = ["--config", str(config)]
    # A deadline past the subprocess's timeout: only giving up at once ends the run in time.
    result = run(server, tmp_path, [f"count-1@{server.component_domain}"], *extra,
                 "--deadline", "3600", jid=jid, password=PASSWORD)  # fmt: skip
    assert result.returncode == EXIT_NOTHING_COUNTED, result.stderr
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(tmp_path) == before


def test_killed_server_mid_run(
    server: SandboxServer, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """Kill Prosody while queries are pending: the run ends at once, counted rooms are written,
    the others keep their last good state."""
    with (
        running_server(server.kind, tmp_path_factory.mktemp("killed")) as own,
        SlowRooms(own) as slow,
    ):
        jid = own.register("counter", PASSWORD)
        counted = [slow.jid(f"count-{n}") for n in (1, 2, 3)]
        silent = [slow.jid("silent-kill-1"), slow.jid("silent-kill-2")]
        out = record_counted_before(tmp_path / "public", silent, occupants=9)
        config = _rooms(tmp_path, counted + silent)
        command = refresh_command(
            # Queries wait longer than the test does: only the lost connection ends them.
            config,
            out,
            f"127.0.0.1:{own.port}",
            "-v",
            "--timeout",
            "300",
            "--deadline",
            "600",
            ca_file=own.ca_file,
        )
        process = start_refresh(command, jid, PASSWORD)
        assert process.stderr is not None
        log = LineWatcher(process.stderr)
        # Once the client has settled the counted rooms (-v logs each), only silent ones wait.
        settled = [f"{room}: {n} online" for n, room in enumerate(counted, 1)]
        assert log.wait_for(lambda lines: all(any(s in x for x in lines) for s in settled), 20)
        own.kill()
        process.wait(timeout=60)
        stderr = log.text()
    assert process.returncode == EXIT_SOME_UNCOUNTED, stderr
    state = json.loads((out / "badges.json").read_text())["rooms"]
    assert [state[room]["occupants"] for room in counted] == [1, 2, 3]
    assert [(state[room]["status"], state[room]["occupants"]) for room in silent] == [
        ("stale", 9)
    ] * 2
    assert "connection lost" in stderr


def record_counted_before(out: Path, rooms: list[str], occupants: int) -> Path:
    """out, with a badges.json saying each room had occupants five minutes ago."""
    out.mkdir()
    five_minutes_ago = time.strftime(TIMESTAMP, time.gmtime(time.time() - 300))
    entry = {"status": "counted", "occupants": occupants, "counted_at": five_minutes_ago}
    (out / "badges.json").write_text(
        json.dumps({"version": 1, "rooms": dict.fromkeys(rooms, entry)})
    )
    return out


def _rooms(folder: Path, rooms: list[str]) -> Path:
    config = folder / "rooms.yaml"
    config.write_text("rooms:\n" + "".join(f"  - {room}\n" for room in rooms))
    return config


def test_rate_limited_server_counts_1000_rooms(
    server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With Prosody's mod_limits on (10 kB/s per client), all 1,000 rooms are counted."""
    with (
        running_server(server.kind, tmp_path_factory.mktemp("limits"), rate_limits=True) as own,
        SlowRooms(own) as slow,
    ):
        jid = own.register("counter", PASSWORD)
        rooms = [Room(slow.jid(f"count-{index % 7}-r{index}")) for index in range(1000)]
        started = time.monotonic()
        counts = counts_of(
            Login(jid, Secret(PASSWORD)), rooms, options(own, timeout=10, deadline=120)
        )
        elapsed = time.monotonic() - started
    assert [count.occupants for count in counts] == [index % 7 for index in range(1000)]
    # The limit really throttled the run: 1,000 replies of ~200 bytes at 10 kB/s take 20 s on
    # any machine (a slower one only takes longer), so this bound cannot be met by luck.
    assert elapsed > 5


def test_overlapping_runs_take_turns(
    server: SandboxServer, slow: SlowRooms, account: Account, tmp_path: Path
) -> None:
    """Two runs on one directory at once: the second waits for the lock; both succeed."""
    config = _rooms(tmp_path, [slow.jid("late-1-overlap"), slow.jid("count-4")])
    command = refresh_command(
        config, tmp_path / "public", f"127.0.0.1:{server.port}", "--lock-wait", "30", "-q",
        ca_file=server.ca_file,
    )  # fmt: skip
    first = start_refresh(command, account.jid, account.password)
    second = start_refresh(command, account.jid, account.password)
    assert (first.wait(60), second.wait(60)) == (0, 0)
    assert sorted(path.name for path in (tmp_path / "public").iterdir()) == [
        "_headers", "badges.json", "count-4@slow.badgegen.test.card.svg",
        "count-4@slow.badgegen.test.chart-narrow.svg", "count-4@slow.badgegen.test.chart.svg",
        "count-4@slow.badgegen.test.json", "count-4@slow.badgegen.test.svg", "feed.xml",
        "history.json",
        "index.html", "late-1-overlap@slow.badgegen.test.card.svg",
        "late-1-overlap@slow.badgegen.test.chart-narrow.svg",
        "late-1-overlap@slow.badgegen.test.chart.svg",
        "late-1-overlap@slow.badgegen.test.json", "late-1-overlap@slow.badgegen.test.svg",
    ]  # fmt: skip


def test_full_disk_keeps_published_badges(
    server: SandboxServer, slow: SlowRooms, account: Account, tmp_path: Path
) -> None:
    """A write failing for lack of space: status 5, one line, and every badge as it was."""
    rooms = [slow.jid("count-1"), slow.jid("count-2")]
    assert run(server, tmp_path, rooms, jid=account.jid, password=account.password).returncode == 0
    before = snapshot(tmp_path)
    rooms = [slow.jid("count-3"), slow.jid("count-2")]
    config = _rooms(tmp_path, rooms)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    command = refresh_command(
        config, tmp_path / "public", f"127.0.0.1:{server.port}", ca_file=server.ca_file
    )
    result = run_refresh(command, account.jid, account.password, preexec_fn=small_disk)
    assert result.returncode == EXIT_OUTPUT_FAILED, result.stderr
    assert result.stderr.startswith("Error: cannot write ")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(tmp_path) == before
