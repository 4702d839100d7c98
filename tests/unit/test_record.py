"""The record's history.json read back as untrusted input, and written within its capacity."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from badgegen.config import Config, Discover, Room
from badgegen.core.occupancy import TIERS, History, add_run
from badgegen.record import load_previous_run
from badgegen.record.badges_json import SUPPORTED_ROOMS
from badgegen.record.history_json import history_json, history_limit, parse_history, within_capacity
from badgegen.record.scan import Dropped

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
ROOM = "lobby@conference.example.org"
HOUR = timedelta(hours=1)


def recorded(counts: Mapping[str, int | None], at: datetime = NOW) -> History:
    return add_run(History(), counts, at).history


def config(*jids: str, discover: tuple[Discover, ...] = ()) -> Config:
    """A rooms.yaml listing jids, with discover entries."""
    return Config(Path("rooms.yaml"), tuple(Room(jid) for jid in jids), discover=discover)


def test_round_trip_and_unchanged_counts_write_the_same_bytes() -> None:
    """What a run writes, the next reads back whole; the same count later is the same file."""
    history = recorded({ROOM: 4})
    text = history_json(history)
    assert parse_history(text) == (history, (), Dropped())
    same = add_run(history, {ROOM: 4}, NOW + timedelta(minutes=5)).history
    assert history_json(same) == text


def test_a_history_describes_only_the_rooms_rooms_yaml_names() -> None:
    """A shrunk rooms.yaml (or a history another wrote) costs the kept rooms nothing: the
    rooms it does not name are dropped, counted for one warning."""
    rooms = {f"room{i}@x.example": i for i in range(300)}
    text = history_json(recorded(rooms))
    assert len(text.encode()) <= history_limit(10)
    history, ignored, dropped = parse_history(text, config("room7@x.example").names)
    assert (list(history.rooms), ignored) == (["room7@x.example"], ())
    assert (dropped.count, dropped.example) == (299, "room0@x.example")


def test_a_discover_service_keeps_twice_its_limit_at_most() -> None:
    """Its rooms on the page and those that left: twice its limit; the rest dropped."""
    rooms = {f"r{i}@muc.example": 1 for i in range(50)}
    entry = Discover("muc.example", Room(""), limit=10)
    history, _, dropped = parse_history(
        history_json(recorded(rooms)), config(discover=(entry,)).names
    )
    assert (len(history.rooms), dropped.count) == (20, 30)


def test_an_unusable_entry_does_not_take_its_rooms_history(tmp_path: Path) -> None:
    """An entry badges.json describes but that cannot be used (a status a newer version
    wrote, a poisoned value) costs its state, never its weeks of history."""
    entry = Discover("muc.example", Room(""), limit=5)
    rooms = {"y@muc.example": {"status": "counted", "occupants": 1},
             "z@muc.example": {"status": "paused"}}  # fmt: skip
    (tmp_path / "badges.json").write_text(json.dumps({"version": 1, "rooms": rooms}))
    counts = dict.fromkeys(rooms, 2)
    (tmp_path / "history.json").write_text(history_json(recorded(counts, NOW - HOUR)))
    previous = load_previous_run(None, tmp_path, NOW, config(discover=(entry,)), 0)
    assert sorted(previous.states) == ["y@muc.example"]
    assert sorted(previous.history.rooms) == ["y@muc.example", "z@muc.example"]


def test_a_lowered_limit_keeps_the_rooms_on_the_page_before_those_that_left(
    tmp_path: Path,
) -> None:
    """Rooms that left come first in a record (their JIDs sort first): a limit lowered to 1
    still keeps the room on the page, with its history, beside at most 2 that left (whose
    history goes when their state does)."""
    entry = Discover("muc.example", Room(""), limit=1)
    left = {f"a{i}@muc.example": {"status": "unlisted"} for i in range(4)}
    page = {"z@muc.example": {"status": "counted", "occupants": 3,
                              "counted_at": "2026-11-30T11:50:00Z"}}  # fmt: skip
    (tmp_path / "badges.json").write_text(json.dumps({"version": 1, "rooms": left | page}))
    counts = dict.fromkeys([*left, *page], 2)
    (tmp_path / "history.json").write_text(history_json(recorded(counts, NOW - HOUR)))
    previous = load_previous_run(None, tmp_path, NOW, config(discover=(entry,)), 0)
    kept = ["a0@muc.example", "a1@muc.example", "z@muc.example"]
    assert sorted(previous.states) == kept
    assert sorted(previous.history.rooms) == kept
    assert previous.states["z@muc.example"].status == "counted"


def test_size_at_ten_thousand_rooms_is_bounded() -> None:
    """A full year for the supported 10,000 rooms, every value at the cap: within the limit."""
    history = History(
        {tier.name: 0 for tier in TIERS},
        {f"room{i}@conference.example.org": {tier.name: [999_999] * tier.length for tier in TIERS}
         for i in range(SUPPORTED_ROOMS)},
    )  # fmt: skip
    assert len(history_json(history).encode()) <= history_limit(1)


def test_capacity_keeps_listed_rooms_then_the_latest_retired() -> None:
    """Beyond capacity, rooms no longer listed go first, those counted longest ago first."""
    old = recorded({"old@x.example": 1}, NOW - timedelta(days=2))
    history = add_run(old, {"new@x.example": 2}, NOW - timedelta(hours=1)).history
    history = add_run(history, {ROOM: 3}, NOW).history
    rooms = {f"r{i}@x.example": None for i in range(SUPPORTED_ROOMS - 2)}
    full = add_run(history, {ROOM: 3, **rooms}, NOW).history
    kept = within_capacity(full, {ROOM, *rooms})
    assert "new@x.example" in kept.rooms
    assert "old@x.example" not in kept.rooms
    assert len(kept.rooms) == SUPPORTED_ROOMS


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"version": 2, "rooms": {}}',
        '{"version": 1, "tiers": [], "rooms": {}}',
        '{"version": 1, "tiers": {"15m": {"step": 60, "end": 0}}, "rooms": {}}',
        "[" * 100_000,
        "not json",
    ],
)
def test_hostile_files_are_refused_whole(text: str) -> None:
    """Anything but a version 1 history with its three tiers is a ValueError (a warning)."""
    with pytest.raises(ValueError):  # noqa: PT011 (the message is the warning)
        parse_history(text)


def test_tiers_must_end_together() -> None:
    """Tier ends that no run could have written (not the same moment's buckets) are refused."""
    document = json.loads(history_json(recorded({ROOM: 1})))
    document["tiers"]["1h"]["end"] -= 3600
    with pytest.raises(ValueError, match="do not end together"):
        parse_history(json.dumps(document))


def test_a_history_from_the_future_is_read_and_never_blocks(tmp_path: Path) -> None:
    """A year ahead: read as it is (the run moves it back, see test_history); tier ends past
    the year 9999 are no history: a warning, and it starts again. Never status 7."""
    ahead = history_json(recorded({ROOM: 1}, NOW + timedelta(days=365)))
    history, ignored, _ = parse_history(ahead)
    assert (list(history.rooms), ignored) == ([ROOM], ())
    document = json.loads(ahead)
    for tier in TIERS:
        document["tiers"][tier.name]["end"] = 86400 * 10**12
    (tmp_path / "badges.json").write_text('{"version": 1, "rooms": {}}')
    (tmp_path / "history.json").write_text(json.dumps(document))
    previous = load_previous_run(None, tmp_path, NOW, config(ROOM), 0)
    assert previous.history == History()
    assert previous.warnings == (
        f"ignoring the previous history.json from {tmp_path / 'history.json'}: history.json's"
        " newest bucket is beyond the year 9999",
    )


def test_a_poisoned_room_costs_that_room_only() -> None:
    """A room's series that is not three tiers of counts is left out, with its name."""
    good = recorded({ROOM: 4})
    document = json.loads(history_json(good))
    document["rooms"]["evil@x.example"] = {"15m": [10**30] * 96, "1h": [], "1d": "x"}
    document["rooms"]["huge@x.example"] = {"15m": ["HUGE"]}
    text = json.dumps(document).replace('"x"', "[" * 50_000 + "]" * 50_000)
    text = text.replace('"HUGE"', "9" * 4400)  # past int()'s own limit of 4,300 digits
    history, ignored, _ = parse_history(text)
    assert set(history.rooms) == {ROOM}
    assert [line.split(":")[0] for line in ignored] == ["evil@x.example", "huge@x.example"]


def test_a_history_of_empty_lists_costs_little_memory() -> None:
    """Millions of [] in the rooms: a warning's worth of work, not 30 times the file in memory."""
    text = history_json(recorded({ROOM: 4})).replace(
        '"rooms":{', '"rooms":{"junk@x.example":' + "[]," * 2_000_000 + "[],", 1
    )
    tracemalloc.start()
    history, _, _ = parse_history(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert set(history.rooms) == {ROOM}
    assert peak < len(text)  # json.loads would take about 60 times the text


def test_a_flood_of_entries_that_are_no_rooms_costs_no_memory_per_entry() -> None:
    """Entries without an @ (`"a":{}` a million times) leave nothing to look through again;
    a key with a lone surrogate escaped is no room and spoils nothing."""
    from badgegen.config.model import RoomNames
    from badgegen.record.scan import _Scan, scan_rooms

    flood = ",".join('"a":{}' for _ in range(100_000))
    text = '{"rooms": {' + flood + ', "x\\ud800y@s.example": {}, "r@c.example": [1]}}'
    names = RoomNames(frozenset({"r@c.example"}), {})
    rooms = scan_rooms(text, names, 5)
    assert (rooms.unread, rooms.unread_shown, rooms.dropped.count) == (1, ("r@c.example",), 0)
    scan = _Scan(names, names)
    scan.may_hold_keys(flood, 0, len(flood))
    assert len(scan.gaps) == 0
