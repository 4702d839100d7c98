"""`discover:` on real servers: every public room a MUC service lists, and nothing else.

On Prosody (which lists every public room at once) and ejabberd (whose
max_rooms_discoitems, 100 by default, hides empty rooms from an unpaged
list and cuts pages of more than 100 short): more public rooms than one
page, hidden, members-only, password-protected and empty rooms. The
sandbox's component lists items that are no rooms of its own and pages
that never end; the federation lab a service on another server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgegen.config import Discover, Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counting import Counted, CountRequest
from badgegen.core.counts import Count
from badgegen.core.discovery import DiscoveryPlan, Found, entered
from badgegen.core.state import RoomState
from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.errors import EXIT_NOTHING_COUNTED
from badgegen.xmpp import count_rooms
from badgegen.xmpp.listing import MAX_PAGES
from sandbox.component import LISTED_ROOMS, SlowRooms
from sandbox.servers import SandboxServer
from tests.conftest import run_cli
from tests.integration.counts import discovered

from .conftest import Account

# More public rooms than a page (and than ejabberd's max_rooms_discoitems), nearly all empty.
# Each has a title: Prosody 0.12 lists the rooms it has saved, and a room is saved when
# configured (one only joined is listed once Prosody evicts it from memory or restarts).
PUBLIC = tuple(
    SampleRoom(f"dir-{number:03}", 1 if number % 50 == 0 else 0, title=f"Room {number}")
    for number in range(130)
)
HIDDEN = SampleRoom("dir-hidden", 1, public=False)
MEMBERS = SampleRoom("dir-members", 0, members_only=True)
SECRET = SampleRoom("dir-secret", 0, password="sesame")  # noqa: S106, a test room
DIRECTORY = (*PUBLIC, HIDDEN, MEMBERS, SECRET)
LISTED = {room.name: room.occupants for room in (*PUBLIC, MEMBERS, SECRET)}


@pytest.fixture(scope="module")
def directory(server: SandboxServer) -> Iterator[Occupants]:
    """The directory's rooms on the session's server, with their occupants."""
    with Occupants(server, DIRECTORY) as joined:
        yield joined


def login(account: Account) -> Login:
    return Login(account.jid, Secret(account.password))


def options(server: SandboxServer, **changes: float) -> Connection:
    settings: dict[str, float] = {"timeout": 5.0, **changes}
    return Connection(f"127.0.0.1:{server.port}", server.ca_file, **settings)  # type: ignore[arg-type]


def discover(
    account: Account, server: SandboxServer, *entries: Discover, **changes: float
) -> tuple[Found, list[tuple[Room, Count]]]:
    """List and count as a refresh does; what the listings found and the rooms that are in."""
    plan = DiscoveryPlan(entries, {})
    counted = discovered(login(account), plan, options(server, **changes))
    by_service = {entry.service: entry for entry in entries}
    return counted.found, [
        (room, count)
        for room, count in zip(counted.found.rooms, counted.counts, strict=True)
        if entered(room, count, None, by_service[room.service])
    ]


def entry(service: str, **settings: object) -> Discover:
    return Discover(service, Room(""), **settings)  # type: ignore[arg-type]


def on_the_page_before(server: SandboxServer, slow: SlowRooms) -> tuple[str, dict[str, RoomState]]:
    """A room of the component's service that the last record had on the page (2 online)."""
    known = slow.jid("count-2-known")
    state = RoomState(known, "counted", 2, datetime.now(UTC), service=server.component_domain)
    return known, {known: state}


def test_every_public_room_and_no_other(
    server: SandboxServer, directory: Occupants, account: Account
) -> None:
    """All 132 public rooms, empty ones too, past one page and ejabberd's limit; not the hidden."""
    found_by, found = discover(account, server, entry(server.muc_domain, include=("dir-*@*",)))
    assert found_by.warnings == ()
    counted = {room.jid.split("@")[0]: count.occupants for room, count in found}
    assert counted == LISTED
    assert all(count.name is None or count.name for _room, count in found)


def test_min_occupants_and_globs(
    server: SandboxServer, directory: Occupants, account: Account
) -> None:
    wanted = entry(server.muc_domain, include=("dir-*@*",), exclude=("dir-1*@*",), min_occupants=1)
    _found_by, found = discover(account, server, wanted)
    assert sorted(room.jid.split("@")[0] for room, _count in found) == ["dir-000", "dir-050"]


def test_limit_cuts_the_list_and_says_so(
    server: SandboxServer, directory: Occupants, account: Account
) -> None:
    found_by, found = discover(
        account, server, entry(server.muc_domain, include=("dir-*@*",), limit=10)
    )
    assert len(found) == 10
    assert "more rooms than its limit of 10" in " ".join(found_by.warnings)


def test_refresh_writes_the_directory(
    server: SandboxServer, directory: Occupants, account: Account, tmp_path: Path
) -> None:
    """`discover:` in rooms.yaml: a badge per public room, the page lists them, the record
    says which service found each; a room under rooms: keeps its own settings."""
    kept = f"dir-000@{server.muc_domain}"
    (tmp_path / "rooms.yaml").write_text(
        f"rooms:\n  - jid: {kept}\n    label: mine\n"
        f"discover:\n  - service: {server.muc_domain}\n    include: ['dir-*@*']\n    label: found\n"
    )
    out = tmp_path / "public"
    env = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    result = run_cli(
        ["refresh", "--config", str(tmp_path / "rooms.yaml"), "--out", str(out),
         "--server", server.address, "--ca-file", str(server.ca_file)],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads((out / "badges.json").read_text())["rooms"]
    assert {jid.split("@")[0] for jid in record} == set(LISTED)
    assert record[kept]["service"] is None
    assert {room["service"] for jid, room in record.items() if jid != kept} == {server.muc_domain}
    assert 'aria-label="mine: 1 online"' in (out / f"{kept}.svg").read_text()
    assert 'aria-label="found: 0 online"' in (out / f"dir-001@{server.muc_domain}.svg").read_text()
    page = (out / "index.html").read_text()
    assert page.count("<li ") == len(LISTED)
    assert "dir-hidden" not in page
    assert not list(out.glob("dir-hidden*"))


def test_discover_command_prints_what_it_finds(
    server: SandboxServer, directory: Occupants, account: Account, tmp_path: Path
) -> None:
    env = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    where = ["--server", server.address, "--ca-file", str(server.ca_file)]
    pasted = run_cli(
        ["discover", server.muc_domain, "--include", "dir-*@*", "--min-occupants", "1", *where],
        env=env,
    )
    assert pasted.exit_code == 0, pasted.output
    lines = pasted.stdout.splitlines()
    assert lines[1] == "rooms:"
    assert [json.loads(line.split()[1]) for line in lines[2:]] == [
        f"dir-{number:03}@{server.muc_domain}" for number in (0, 50, 100)
    ]
    as_json = run_cli(
        ["discover", server.muc_domain, "--include", "dir-*@*", "--json", *where], env=env
    )
    document = json.loads(as_json.stdout)
    assert {room["jid"].split("@")[0]: room["occupants"] for room in document["rooms"]} == LISTED
    assert set(document["rooms"][0]) == {"jid", "name", "description", "language", "occupants"}


def test_discover_on_the_server_itself_names_its_muc_service(
    server: SandboxServer, account: Account
) -> None:
    """`discover` given the server's domain (a usual first try): no rooms, and the MUC
    service it lists is named as the one to try."""
    env = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    where = ["--server", server.address, "--ca-file", str(server.ca_file)]
    result = run_cli(["discover", server.domain, *where], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == ["rooms:"]
    assert f"{server.domain} lists no public rooms, but it lists " in result.stderr
    assert f"try its MUC service, e.g. badgegen discover {server.muc_domain}" in result.stderr


def test_discover_of_a_service_that_does_not_exist_is_an_error(
    server: SandboxServer, account: Account
) -> None:
    """A mistyped service: no empty `rooms:` block to paste and status 0, but the server's
    answer, the name typed and what to check, with status 4."""
    env = {"BADGEGEN_JID": account.jid, "BADGEGEN_PASSWORD": account.password}
    where = ["--server", server.address, "--ca-file", str(server.ca_file)]
    typo = f"conferenec.{server.domain}"
    result = run_cli(["discover", typo, *where], env=env)
    assert result.exit_code == EXIT_NOTHING_COUNTED, result.output
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    assert all(line.startswith("Error: ") for line in errors), errors
    assert any(line.startswith(f"Error: {typo}: ") for line in errors), errors
    assert f"check the name: {typo} must be a MUC service" in result.stderr


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_only_the_services_own_rooms_appear(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """Non-room items, hidden rooms, other domains' JIDs, full JIDs and garbage never appear;
    the service's pages are walked (two items a page)."""
    found_by, found = discover(account, server, entry(server.component_domain))
    assert sorted(room.jid.split("@")[0] for room, _count in found) == sorted(LISTED_ROOMS)
    assert found_by.warnings == ()
    assert slow.pages_asked >= 4


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_service_without_end_costs_its_own_entry(
    server: SandboxServer, slow: SlowRooms, directory: Occupants, account: Account
) -> None:
    """Pages that never end are read up to a bound; the other service's rooms are all found."""
    slow.listing = "endless"
    _found_by, found = discover(
        account, server,
        entry(server.component_domain, exclude=("endless-*@*",)),
        entry(server.muc_domain, include=("dir-*@*",)),
    )  # fmt: skip
    assert slow.pages_asked == MAX_PAGES
    assert {room.jid.split("@")[0] for room, _count in found} == set(LISTED)


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_silent_service_keeps_the_rooms_it_listed_before(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """No answer: the rooms the record knows are counted, none leaves, and the warning says so."""
    slow.listing = "silent"
    known, before = on_the_page_before(server, slow)
    plan = DiscoveryPlan.of((entry(server.component_domain),), before, ())
    counted = discovered(login(account), plan, options(server, timeout=1.0))
    assert [room.jid for room in counted.found.rooms] == [known]
    assert counted.counts[0].occupants == 2
    assert "no answer" in counted.found.warnings[0]
    assert counted.found.listed == frozenset()


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_looping_listing_is_cut_and_removes_no_room(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """Page tokens that go back and forth: the listing stops at the first token seen again,
    says it loops, and the room on the page before stays."""
    slow.listing = "looping"
    known, before = on_the_page_before(server, slow)
    plan = DiscoveryPlan.of((entry(server.component_domain, limit=500),), before, ())
    counted = discovered(login(account), plan, options(server))
    assert slow.pages_asked == 3
    assert known in [room.jid for room in counted.found.rooms]
    assert "the listing loops: page 3 repeats a page token" in counted.found.warnings[0]
    assert counted.found.listed == frozenset()


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_slow_listing_holds_up_no_other_room(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """Pages that never end, each answered just inside --timeout: rooms.yaml's rooms and the
    rooms on the page before are counted meanwhile; the listing stops at its share of the
    run and says so (not "no answer")."""
    slow.listing, slow.page_delay = "endless", 1.5
    known, before = on_the_page_before(server, slow)
    configured = tuple(Room(slow.jid(f"count-{number}-configured")) for number in range(3))
    plan = DiscoveryPlan.of((entry(server.component_domain),), before, configured)
    request = CountRequest(configured, plan)
    counted = count_rooms(login(account), request, options(server, timeout=2.0, deadline=6.0))
    by_jid = dict(zip((room.jid for room in counted.rooms(request)), counted.counts, strict=True))
    assert [by_jid[room.jid].occupants for room in configured] == [0, 1, 2]
    assert by_jid[known].occupants == 2
    assert "its share of the run" in counted.found.warnings[0]
    assert "no answer" not in counted.found.warnings[0]


@pytest.mark.parametrize("server", ["prosody"], indirect=True)
def test_a_slow_listing_has_the_other_rooms_published_first(
    server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """A --timeout into the counting, with every other room settled and the listing still
    under way, the session hands request.early what it has, once: rooms.yaml's rooms and
    those on the page before counted, the listing not ended (which changes nothing)."""
    slow.listing, slow.page_delay = "endless", 1.5
    known, before = on_the_page_before(server, slow)
    configured = tuple(Room(slow.jid(f"count-{number}-configured")) for number in range(3))
    plan = DiscoveryPlan.of((entry(server.component_domain),), before, configured)
    handed: list[tuple[Counted, float]] = []
    request = CountRequest(configured, plan, early=lambda c: handed.append((c, time.monotonic())))
    began = time.monotonic()
    counted = count_rooms(login(account), request, options(server, timeout=2.0, deadline=12.0))
    assert len(handed) == 1
    early, at = handed[0]
    by_jid = dict(zip((room.jid for room in early.rooms(request)), early.counts, strict=True))
    assert [by_jid[room.jid].occupants for room in configured] == [0, 1, 2]
    assert by_jid[known].occupants == 2
    assert "still listing" in early.found.warnings[0]  # handed while the listing went on
    assert at >= began + 2.0  # not before a --timeout
    assert "its share of the run" in counted.found.warnings[0]
