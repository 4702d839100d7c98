"""The pure rules of `discover:`: which rooms are asked, which enter, which have left."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from badgegen.cli.discover import as_yaml
from badgegen.commands.discover import Discovered
from badgegen.config import Discover, Room, load_rooms
from badgegen.core.counts import Count
from badgegen.core.discovery import DiscoveryPlan, Found, Listing, left
from badgegen.core.state import RoomState
from badgegen.errors import ConfigError
from badgegen.record.badges_json import parse_state
from badgegen.text.untrusted import clean_language

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
X, Y = "x.example", "y.example"


def found_rooms(
    entries: list[Discover],
    listings: list[Listing],
    known: dict[str, list[str]],
    configured: list[Room],
) -> Found:
    """What a plan of entries chooses from listings, with known rooms on the page before."""
    plan = DiscoveryPlan(
        tuple(entries), {service: tuple(jids) for service, jids in known.items()}, tuple(configured)
    )
    return plan.choose_all(listings)


def state(jid: str, service: str, status: str = "counted", hours_ago: int = 0) -> RoomState:
    moment = NOW - timedelta(hours=hours_ago)
    return RoomState(jid, status, 1, moment, service=service)  # type: ignore[arg-type]


def test_a_failed_listing_asks_the_rooms_on_the_page_first() -> None:
    """Cut by the limit, what was read before the failure goes; the rooms on the page stay."""
    entry = Discover(X, Room(""), limit=2)
    listing = Listing(X, (f"new1@{X}", f"new2@{X}"), "no answer within 10 s")
    found = found_rooms([entry], [listing], {X: [f"old1@{X}", f"old2@{X}"]}, [])
    assert [room.jid for room in found.rooms] == [f"old1@{X}", f"old2@{X}"]
    assert found.listed == frozenset()


def test_a_failed_listing_says_what_is_counted_instead() -> None:
    """The rooms on the page before and those read are counted, none leaves: each said so."""
    silent, cut = Listing(X, (), "no answer"), Listing(X, (f"new@{X}",), "cut after 200 pages")
    warnings = [
        found_rooms([Discover(X, Room(""))], [listing], before, []).warnings[0]
        for listing, before in (
            (silent, {X: [f"old@{X}"]}), (silent, {}), (cut, {X: [f"old@{X}"]}), (cut, {})
        )
    ]  # fmt: skip
    assert warnings == [
        f"{X}: no answer; the 1 rooms on the page before are counted, and none leaves the page",
        f"{X}: no answer; no room of it is counted this run",
        f"{X}: cut after 200 pages; the 1 rooms on the page before and 1 more read are counted,"
        " and none leaves the page",
        f"{X}: cut after 200 pages; the 1 rooms read are counted, and none leaves the page",
    ]


@pytest.mark.parametrize(
    "problem", ["the listing loops: a page token came back", "cut after 200 pages"]
)
def test_a_listing_that_is_not_whole_removes_no_room(problem: str) -> None:
    """Cut at a bound or at a looping token: the rooms on the page stay."""
    entry = Discover(X, Room(""), limit=3)
    listing = Listing(X, (f"a@{X}",), problem)
    found = found_rooms([entry], [listing], {X: [f"old1@{X}", f"old2@{X}"]}, [])
    assert [room.jid for room in found.rooms] == [f"old1@{X}", f"old2@{X}", f"a@{X}"]
    assert found.listed == frozenset()


def test_a_listing_stopped_at_the_limit_is_whole() -> None:
    """Stopped once every room on the page was seen and the limit of new ones besides: the
    room on the page keeps its place, the service counts as listed, the limit is said."""
    entry = Discover(X, Room(""), limit=1)
    listing = Listing(X, (f"a@{X}", f"old1@{X}", f"b@{X}"), truncated=True)
    found = found_rooms([entry], [listing], {X: [f"old1@{X}"]}, [])
    assert [room.jid for room in found.rooms] == [f"old1@{X}"]
    assert found.listed == frozenset({X})
    assert "more rooms than its limit of 1" in found.warnings[0]


def test_rooms_past_a_lowered_limit_are_over_it_not_gone() -> None:
    """limit: lowered from 4 to 2: the rooms on the page that are still listed but past the
    limit are over it (their badges say so), not "no longer listed"."""
    entry = Discover(X, Room(""), limit=2)
    on_page = [f"r{number}@{X}" for number in range(4)]
    found = found_rooms([entry], [Listing(X, (*on_page[::-1], f"new@{X}"))], {X: on_page}, [])
    assert [room.jid for room in found.rooms] == on_page[:2]
    assert found.over_limit == frozenset([*on_page[2:], f"new@{X}"])


def test_the_rooms_on_the_page_come_first_wherever_the_service_lists_them() -> None:
    entry = Discover(X, Room(""), limit=2)
    listing = Listing(X, (f"a@{X}", f"b@{X}", f"c@{X}", f"old@{X}"))
    found = found_rooms([entry], [listing], {X: [f"old@{X}", f"gone@{X}"]}, [])
    assert [room.jid for room in found.rooms] == [f"old@{X}", f"a@{X}"]
    assert "more rooms than its limit of 2" in found.warnings[0]


def test_a_room_whose_file_rooms_yaml_writes_is_not_a_second_badge() -> None:
    mine = Room("lobby@other.example", file=f"B@{X}")
    found = found_rooms([Discover(X, Room(""))], [Listing(X, (f"b@{X}", f"c@{X}"))], {}, [mine])
    assert [room.jid for room in found.rooms] == [f"c@{X}"]
    assert "a room under rooms: writes its files" in found.warnings[0]


def test_rooms_that_left_are_kept_per_service_never_at_anothers_cost() -> None:
    """A service that churns keeps its own limit of left rooms; another's stay."""
    churning = {f"r{n}@{X}": state(f"r{n}@{X}", X, hours_ago=n) for n in range(5)}
    quiet = {f"q{n}@{Y}": state(f"q{n}@{Y}", Y, hours_ago=100 + n) for n in range(3)}
    entries = (Discover(X, Room(""), limit=2), Discover(Y, Room(""), limit=10))
    gone = left(entries, {**churning, **quiet}, frozenset())
    assert sorted(room.jid for room, _state in gone) == sorted(
        [f"r0@{X}", f"r1@{X}", *quiet]  # the newest two of x, all of y
    )


def test_a_room_that_left_keeps_its_entrys_look() -> None:
    """Its files are written again with the options of the entry that found it."""
    entry = Discover(X, Room("", label="ours"))
    ((room, _before),) = left((entry,), {f"a@{X}": state(f"a@{X}", X)}, frozenset())
    assert (room.jid, room.file, room.label, room.service) == (f"a@{X}",) * 2 + ("ours", X)


def test_a_record_cannot_smuggle_a_path_as_a_found_room() -> None:
    """A service kept from a fetched badges.json only for a room of it that makes a file name."""
    rooms = {
        f"a/../../x@{X}": {"status": "counted", "occupants": 1, "service": X},
        f"A@{X}": {"status": "counted", "occupants": 1, "service": X},  # not normalised
        f"ok@{X}": {"status": "counted", "occupants": 1, "service": X},
        f"other@{Y}": {"status": "counted", "occupants": 1, "service": X},
    }
    states = parse_state(json.dumps({"version": 1, "rooms": rooms}), NOW).states
    assert {jid: found.service for jid, found in states.items()} == {
        f"a/../../x@{X}": None, f"A@{X}": None, f"ok@{X}": X, f"other@{Y}": None,
    }  # fmt: skip


def test_the_block_to_paste_is_yaml_whatever_the_jids_and_names() -> None:
    """JIDs that YAML would read as other things, and names with a newline, stay inert."""
    found = [
        (Room(f"*star@{X}"), Count(f"*star@{X}", 1, name="A # B\nrooms: [x]")),
        (Room(f"#hash@{X}"), Count(f"#hash@{X}", 2, language="en")),
        (Room(f"[x]@{X}"), Count(f"[x]@{X}", None)),
    ]
    loaded = yaml.safe_load(as_yaml(Discovered(X, NOW, tuple(found))))
    assert loaded == {"rooms": [f"*star@{X}", f"#hash@{X}", f"[x]@{X}"]}


@pytest.mark.parametrize(
    ("typed", "tag"),
    [("EN", "en"), ("pt-br", "pt-BR"), ("ZH-HANT-tw", "zh-Hant-TW"), ("x", None),
     ("en_US", None), ("<b>", None), ("e" * 40, None)],
)  # fmt: skip
def test_a_language_has_one_spelling(typed: str, tag: str | None) -> None:
    assert clean_language(typed) == tag


def test_a_service_twice_on_one_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rooms.yaml"
    path.write_text("discover: [{service: c.example, limit: 5}, {service: C.example, limit: 7}]\n")
    with pytest.raises(ConfigError, match=r"c\.example is listed twice"):
        load_rooms(path)
