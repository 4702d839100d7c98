"""badges.json: stale counts stand in for failed ones for a while, and never a made-up count."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest

from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.occupancy import SKEW
from badgegen.core.results import settle
from badgegen.core.state import RoomState, resolve_state
from badgegen.record.badges_json import parse_state, state_json

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ROOM = "lobby@conference.example.org"


def previous(
    occupants: int | None, age: timedelta, status: str = "counted"
) -> dict[str, RoomState]:
    """A record of the room counted `age` ago."""
    return {ROOM: RoomState(ROOM, status, occupants, NOW - age)}  # type: ignore[arg-type]


def resolve(
    counts: list[Count], before: dict[str, RoomState], now: datetime, stale_after: timedelta
) -> list[RoomState]:
    """Each count's state against the record."""
    return [resolve_state(count, before.get(count.jid), now, stale_after) for count in counts]


def test_a_new_count_is_shown() -> None:
    """A room counted this run shows its count, dated now."""
    (state,) = resolve([Count(ROOM, 7, name="Lobby")], previous(3, HOUR), NOW, HOUR)
    assert state == RoomState(ROOM, "counted", 7, NOW, name="Lobby")


@pytest.mark.parametrize(
    ("occupants", "age", "status"),
    [
        (7, timedelta(minutes=14), "counted"),  # the same count, recent
        (6, timedelta(minutes=1), "counted"),  # the count changed
        (7, timedelta(minutes=1), "stale"),  # counted again after failing
        (7, -timedelta(minutes=1), "counted"),  # a time on record from the future
    ],
)
def test_a_count_is_dated_when_it_was_taken(occupants: int, age: timedelta, status: str) -> None:
    """Counted again, whatever the record says, a room's count is dated now: the record
    tells exactly when each room was last counted (and the run when it checked)."""
    (state,) = resolve([Count(ROOM, 7)], previous(occupants, age, status), NOW, HOUR)
    assert (state.status, state.occupants, state.counted_at) == ("counted", 7, NOW)


def test_a_recent_count_stands_in_while_fresh_enough() -> None:
    """A failed room keeps its last good count while younger than stale_after."""
    failed = Count(ROOM, None, Problem.TIMEOUT)
    (state,) = resolve([failed], previous(3, timedelta(minutes=59)), NOW, HOUR)
    assert state == RoomState(ROOM, "stale", 3, NOW - timedelta(minutes=59))


@pytest.mark.parametrize(
    "before",
    [
        previous(3, HOUR),  # too old: exactly stale_after
        previous(None, timedelta(minutes=5), "unknown"),  # had no count
        {},  # never counted
    ],
)
def test_otherwise_the_badge_says_unknown(before: dict[str, RoomState]) -> None:
    """Past stale_after, or with no good count before, the room shows unknown."""
    (state,) = resolve([Count(ROOM, None, Problem.NOT_FOUND, "gone")], before, NOW, HOUR)
    assert (state.status, state.occupants) == ("unknown", None)


def test_staleness_counts_from_the_last_good_count() -> None:
    """A room stale last run stays stale only until its original count is too old."""
    stale_before = previous(3, timedelta(minutes=50), "stale")
    (state,) = resolve([Count(ROOM, None, Problem.TIMEOUT)], stale_before, NOW, HOUR)
    assert state.counted_at == NOW - timedelta(minutes=50)
    later = {ROOM: state}
    eleven_minutes_later = NOW + timedelta(minutes=11)
    (state,) = resolve([Count(ROOM, None, Problem.TIMEOUT)], later, eleven_minutes_later, HOUR)
    assert state.status == "unknown"


def test_record_round_trips() -> None:
    """What one run writes, the next reads back."""
    rooms = [Room(ROOM, file="lobby"), Room("dev@conference.example.org")]
    counts = [
        Count(ROOM, 4, name="Lobby"),
        Count("dev@conference.example.org", None, Problem.TIMEOUT),
    ]
    results = settle(rooms, counts, {}, NOW, HOUR)
    text = state_json(results, NOW)
    assert parse_state(text, NOW).checked_at == NOW
    assert parse_state(text, NOW).states == {
        ROOM: RoomState(ROOM, "counted", 4, NOW, name="Lobby"),
        "dev@conference.example.org": RoomState("dev@conference.example.org", "unknown", None),
    }
    files = json.loads(text)["rooms"][ROOM]["files"]
    assert files == [
        "lobby.svg", "lobby.json", "lobby.chart.svg", "lobby.chart-narrow.svg", "lobby.card.svg"
    ]  # fmt: skip
    assert '"problem": "timeout"' in text
    assert text == state_json(results, NOW)


@pytest.mark.parametrize(
    "text",
    ["[]", '{"version": 2, "rooms": {}}', '{"version": 1}', "not json"],
)
def test_foreign_records_are_refused(text: str) -> None:
    """Anything but a version 1 badges.json is a ValueError (the caller warns)."""
    with pytest.raises(ValueError):  # noqa: PT011 (json's own error is a ValueError too)
        parse_state(text, NOW)


def test_nonsense_entries_are_skipped() -> None:
    """Entries with impossible values are dropped, never trusted."""
    text = (
        '{"version": 1, "rooms": {"a@b": {"status": "counted", "occupants": -1},'
        ' "c@d": {"status": "odd", "occupants": 1}, "e@f": "x",'
        ' "g@h": {"status": "counted", "occupants": 2, "counted_at": "yesterday"}}}'
    )
    record = parse_state(text, NOW)
    assert record.states == {"g@h": RoomState("g@h", "counted", 2, None)}
    assert record.ignored == (
        "a@b: occupants is not a whole number from 0 to 999999",
        "c@d: status is not counted, stale, unknown or unlisted",
        "e@f: not an object of counts and names",
    )


@pytest.mark.parametrize(
    ("ahead", "counted_at"),
    [
        (timedelta(minutes=3), NOW),  # a clock a little behind the record's: read as now
        (SKEW, NOW),  # two machines' clocks apart by as much as they may be
        (SKEW + timedelta(seconds=1), None),  # further: its time is not believed
        (timedelta(days=30), None),  # a count dated a month ahead is never shown as fresh
    ],
)
def test_times_ahead_of_the_clock(ahead: timedelta, counted_at: datetime | None) -> None:
    """A count dated after this run's clock: taken now, as far as it can tell, within SKEW;
    later, its time is not believed (it stands in for no failed count), and said."""
    stamp = (NOW + ahead).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = '{"version": 1, "rooms": {"a@b": {"status": "counted", "occupants": 2,'
    text += f' "counted_at": "{stamp}"}}}}}}'
    record = parse_state(text, NOW)
    assert record.states["a@b"].counted_at == counted_at
    assert record.ahead == ahead
    before = record.states["a@b"]
    failed = resolve_state(Count("a@b", None, Problem.TIMEOUT), before, NOW, timedelta(hours=1))
    assert failed.status == ("stale" if counted_at else "unknown")


POISONS = {
    "deep": "[" * 200_000,
    "deep-within-bound": '{"occupants": ' + "[" * 3000 + "]" * 3000 + "}",
    "wide": "[]," * 300_000 + "[]",
    "digits": "9" * 5000,
    "nested-object": '{"status": "counted", "occupants": {"a": {"b": {}}}}',
    "string": '"' + "\\u0000" * 100_000 + '"',
}


@pytest.mark.parametrize("poison", sorted(POISONS))
def test_a_poisoned_entry_costs_itself_and_little_memory(poison: str) -> None:
    """Whatever one entry holds, the others are read, in one pass and little memory."""
    good = '{"status": "counted", "occupants": 5, "counted_at": "2026-11-25T11:00:00Z"}'
    text = f'{{"version": 1, "rooms": {{"a@b": {good}, "c@d": {POISONS[poison]}, "e@f": {good}}}}}'
    tracemalloc.start()
    record = parse_state(text, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert set(record.states) == {"a@b", "e@f"}
    assert peak < 2 * len(text) + 1_000_000  # json.loads of "wide" alone would need 20x
    assert any(line.startswith("c@d: ") for line in record.ignored)
