"""Rooms on other servers, over s2s: the federation lab (sandbox/federation.py).

The account lives on home.lab.example; the rooms on muc.rooms.lab.example,
another Prosody reached over server-to-server links with names from the lab's
own DNS; and four domains fail the ways the federation does.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from badgegen.config import Discover, Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Count, Problem
from badgegen.core.discovery import DiscoveryPlan
from badgegen.demo.occupants import Occupants, SampleRoom
from sandbox.component import SlowRooms
from sandbox.federation import DEAD, HOME, SLOW, Lab, lab_available, running_lab
from sandbox.servers import prosody_version
from tests.integration.counts import counts_of, discovered
from tests.integration.runs import refresh_command, run_refresh

TIMEOUT = 3.0
PASSWORD = "lab-password"
SAMPLES = (SampleRoom("busy", 4), SampleRoom("solo", 1), SampleRoom("empty", 0))
# What each dead domain's rooms end as: the problem, and the server's words for the reason
# (of a name that does not exist, Prosody 0.12 says NXDomain, 13 that it is unable to
# resolve the service).
MAJOR = prosody_version().split(".")[0]
NO_SUCH_NAME = "unable to resolve service" if MAJOR.isdigit() and int(MAJOR) >= 13 else "NXDomain"
FAILURES = {
    "missing.lab.example": (Problem.REMOTE_UNREACHABLE, NO_SUCH_NAME),
    "refused.lab.example": (Problem.REMOTE_UNREACHABLE, "connection refused"),
    "silent.lab.example": (Problem.TIMEOUT, ""),
    "drop.lab.example": (Problem.TIMEOUT, ""),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """The lab, running for this module; its servers wait for s2s as long as Prosody does."""
    if not lab_available():
        if os.environ.get("CI"):
            pytest.fail("CI must run the federation lab: apt-get install lua-unbound dnsmasq-base")
        pytest.skip("the federation lab needs prosody, lua-unbound and dnsmasq-base")
    # A second MUC service keeps the rooms some tests make out of the first one's listing.
    with running_lab(tmp_path_factory.mktemp("lab"), mucs=2) as running:
        yield running


@pytest.fixture(scope="module")
def remote(lab: Lab) -> Iterator[Occupants]:
    """Rooms with real occupants on the rooms server."""
    with Occupants(lab.rooms, SAMPLES) as joined:
        yield joined


@pytest.fixture(scope="module")
def login(lab: Lab) -> Login:
    """The account on the home server."""
    return Login(lab.home.register("counter", PASSWORD), Secret(PASSWORD))


def options(lab: Lab, **changes: float) -> Connection:
    settings = {"timeout": TIMEOUT, **changes}
    return Connection(f"127.0.0.1:{lab.home.port}", lab.ca_file, **settings)  # type: ignore[arg-type]


def test_counts_over_s2s(lab: Lab, remote: Occupants, login: Login) -> None:
    """Counts of rooms on another server are right; a missing room there is item-not-found."""
    rooms = [Room(remote.room_jid(sample.name)) for sample in SAMPLES]
    counts = counts_of(login, [*rooms, Room(remote.room_jid("never"))], options(lab))
    assert [count.occupants for count in counts[:-1]] == [sample.occupants for sample in SAMPLES]
    assert counts[-1].problem is Problem.NOT_FOUND


def test_each_dead_domain_keeps_its_reason(lab: Lab, remote: Occupants, login: Login) -> None:
    """Every failure keeps its own reason and the server's words; the good rooms are unaffected."""
    good = [Room(remote.room_jid(sample.name)) for sample in SAMPLES]
    dead = [Room(f"lobby@{domain}") for domain in FAILURES]
    counts = counts_of(login, [*dead, *good], options(lab))
    by_room = {count.jid: count for count in counts}
    for room in dead:
        problem, words = FAILURES[room.jid.split("@")[1]]
        assert by_room[room.jid].problem is problem, by_room[room.jid]
        assert words in by_room[room.jid].detail, by_room[room.jid]
    assert [by_room[room.jid].occupants for room in good] == [s.occupants for s in SAMPLES]


def test_dead_domains_cost_one_timeout(lab: Lab, remote: Occupants, login: Login) -> None:
    """100 rooms on each dead domain listed before 300 good ones: about one timeout in all."""
    dead = [Room(f"room{index}@{domain}") for domain in FAILURES for index in range(100)]
    good = [Room(remote.room_jid(sample.name)) for sample in SAMPLES for _ in range(100)]
    counts = counts_of(login, [*dead, *good], options(lab))
    assert [count.occupants for count in counts[len(dead) :]] == [
        sample.occupants for sample in SAMPLES for _ in range(100)
    ]
    assert all(count.occupants is None for count in counts[: len(dead)])
    not_asked = [count for count in counts[: len(dead)] if "not asked" in count.detail]
    assert len(not_asked) > 300  # most dead rooms were settled by their domain's failure


def test_a_slow_domain_costs_its_own_rooms_only(
    lab: Lab, login: Login, caplog: pytest.LogCaptureFixture
) -> None:
    """100 rooms on a remote domain that answers after 2.6 s, listed before 150 rooms on
    another remote domain: every healthy room is counted before the first slow reply comes,
    then every slow room too.

    (That the slow domain holds at most its share of --concurrency while others wait is
    shown in tests/unit/test_pacing.py, and measured in the lab by the federated condition
    of `benchmarks/run counting`.)
    """
    samples = [SampleRoom(f"fair{index}", index % 3) for index in range(150)]
    other = lab.server_for(lab.mucs[1])
    with SlowRooms(lab.rooms) as slow, Occupants(other, samples) as healthy:
        late = [Room(slow.jid(f"late-2.6-lab{index}")) for index in range(100)]
        fast = [Room(healthy.room_jid(sample.name)) for sample in samples]
        with caplog.at_level(logging.DEBUG, logger="badgegen.xmpp.queries"):
            counts = counts_of(login, late + fast, options(lab, timeout=5, deadline=60))
    assert late[0].jid.endswith(f"@{SLOW}")
    assert [count.occupants for count in counts] == [1] * 100 + [s.occupants for s in samples]
    settled = [record.getMessage().split(":")[0] for record in caplog.records
               if record.getMessage().endswith("online")]  # fmt: skip
    first_slow = next(index for index, jid in enumerate(settled) if "late-2.6" in jid)
    assert sum("fair" in jid for jid in settled[:first_slow]) == len(samples)


def test_refresh_over_the_federation(
    lab: Lab, remote: Occupants, login: Login, tmp_path: Path
) -> None:
    """`badgegen refresh` as a user runs it: words for each failure in the summary and record."""
    config = tmp_path / "rooms.yaml"
    rooms = [remote.room_jid("busy"), "lobby@missing.lab.example", "lobby@refused.lab.example"]
    config.write_text("rooms:\n" + "".join(f"  - {room}\n" for room in rooms))
    command = refresh_command(
        config, tmp_path / "public", f"127.0.0.1:{lab.home.port}", "--timeout", str(TIMEOUT),
        ca_file=lab.ca_file,
    )  # fmt: skip
    result = run_refresh(command, login.jid, PASSWORD, timeout=60)
    assert result.returncode == 3, result.stderr
    assert f"{remote.room_jid('busy')}: 4 online" in result.stdout
    assert "lobby@missing.lab.example: remote server unreachable (remote-server-not-found:" in (
        result.stderr
    )
    missing = next(line for line in result.stderr.splitlines() if "missing.lab" in line)
    assert NO_SUCH_NAME in missing, missing
    record = json.loads((tmp_path / "public" / "badges.json").read_text())["rooms"]
    assert "connection refused" in record["lobby@refused.lab.example"]["detail"]
    assert login.jid.endswith(f"@{HOME}")


def test_unreachable_is_never_a_count(lab: Lab, login: Login) -> None:
    """A dead domain's rooms never show a number, however the run ends."""
    counts = counts_of(login, [Room(f"x@{domain}") for domain in DEAD], options(lab))
    assert all(isinstance(count, Count) and count.occupants is None for count in counts)


@pytest.fixture(scope="module")
def limited_lab(tmp_path_factory: pytest.TempPathFactory, lab: Lab) -> Iterator[Lab]:
    """A second lab whose home server takes in at most 10 KB/s over s2s (mod_limits)."""
    with running_lab(tmp_path_factory.mktemp("limited-lab"), s2s_limit="10kb/s") as running:
        yield running


def test_pacing_behind_an_s2s_rate_limit(limited_lab: Lab) -> None:
    """Replies of 1.5-2 KB behind 10 KB/s, a 3 s timeout: the run slows down, no room fails."""
    samples = [SampleRoom(f"r{index}", index % 3) for index in range(120)]
    login = Login(limited_lab.home.register("counter", PASSWORD), Secret(PASSWORD))
    with Occupants(limited_lab.rooms, samples) as joined:
        rooms = [Room(joined.room_jid(sample.name)) for sample in samples]
        counts = counts_of(login, rooms, options(limited_lab, deadline=120))
    assert [count.occupants for count in counts] == [sample.occupants for sample in samples]


def test_discovery_over_s2s(lab: Lab, remote: Occupants, login: Login) -> None:
    """A service on another server lists its public rooms over s2s, counted in the same session."""
    service = remote.room_jid("x").split("@")[1]
    counted = discovered(login, DiscoveryPlan((Discover(service, Room("")),), {}), options(lab))
    pairs = zip(counted.found.rooms, counted.counts, strict=True)
    found = {room.jid: count.occupants for room, count in pairs}
    assert found == {remote.room_jid(sample.name): sample.occupants for sample in SAMPLES}
    assert counted.found.warnings == ()
