"""history.json: tiers of buckets, gaps as gaps, bounded size; a hostile file costs the history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from badgegen.history import TIERS, History, add_run
from badgegen.record.history import history_json, history_limit, parse_history

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
ROOM = "lobby@conference.example.org"


def run(history: History, minutes: float, count: int | None, room: str = ROOM) -> History:
    return add_run(history, {room: count}, START + timedelta(minutes=minutes))


def values(history: History, tier: str, room: str = ROOM) -> list[int | None]:
    return [value for _, value in history.series(room, tier)]


def test_a_run_fills_its_quarter_hour_and_the_latest_count_wins() -> None:
    history = run(History(), 1, 4)
    history = run(history, 7, 6)
    fine = values(history, "15m")
    assert fine[-1] == 6
    assert fine[:-1] == [None] * 95


def test_failed_runs_leave_gaps_not_zeros() -> None:
    history = run(History(), 1, 4)
    history = run(history, 16, None)  # the next quarter: not counted
    history = run(history, 31, 2)
    assert values(history, "15m")[-3:] == [4, None, 2]


def test_hours_and_days_are_means_of_their_finer_buckets() -> None:
    history = History()
    for minute, count in [(0, 2), (15, 4), (30, None), (45, 6), (60, 1)]:
        history = run(history, minute, count)
    assert values(history, "1h")[-2:] == [4, None]  # (2 + 4 + 6) / 3; the open hour is empty
    for hour in range(2, 25):
        history = run(history, hour * 60, 3)
    assert values(history, "1d")[-2] == 3  # the first day's hours: 4, 1, then 3s: rounds to 3
    assert values(history, "1d")[-1] is None


def test_the_series_times_are_the_buckets() -> None:
    history = run(History(), 20, 5)
    times = [moment for moment, _ in history.series(ROOM, "15m")]
    assert times[-1] == START + timedelta(minutes=15)
    assert times[-2] == START


def test_a_long_pause_or_a_clock_set_back_starts_afresh() -> None:
    history = run(History(), 0, 5)
    history = run(history, 60 * 24 * 3, 7)  # three days later: the 15m tier is all new
    assert values(history, "15m")[:-1] == [None] * 95
    back = run(history, 0, 1)
    assert values(back, "15m")[-1] == 1


def test_round_trip_and_unchanged_counts_write_the_same_bytes() -> None:
    history = run(History(), 1, 4)
    text = history_json(history)
    again = parse_history(text, [ROOM])
    assert again == history
    same = run(again, 9, 4)  # the same quarter hour, the same count
    assert history_json(same) == text


def test_rooms_no_longer_listed_are_dropped() -> None:
    history = add_run(History(), {ROOM: 1, "old@x.example": 2}, START)
    later = add_run(history, {ROOM: 1}, START + timedelta(minutes=20))
    assert set(later.rooms) == {ROOM}


def test_size_at_five_thousand_rooms_is_bounded() -> None:
    """A full year for 5,000 rooms, every value at the cap: within history_limit."""
    history = History(
        {tier.name: 0 for tier in TIERS},
        {f"room{i}@conference.example.org": {tier.name: [999_999] * tier.length for tier in TIERS}
         for i in range(5000)},
    )  # fmt: skip
    size = len(history_json(history).encode())
    assert size <= history_limit(5000)
    typical = History(
        history.ends,
        {jid: {tier.name: [12] * tier.length for tier in TIERS} for jid in history.rooms},
    )
    assert len(history_json(typical).encode()) / 5000 < 2000  # bytes a room, README's figure


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"version": 2}',
        '{"version": 1, "tiers": [], "rooms": {}}',
        '{"version": 1, "tiers": {"15m": {"step": 60, "end": 0}}, "rooms": {}}',
        "[" * 100_000,
        "not json",
    ],
)
def test_hostile_files_are_refused_whole(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (json's own error is a ValueError too)
        parse_history(text, [ROOM])


def test_a_poisoned_room_costs_that_room_only() -> None:
    good = run(History(), 1, 4)
    document = json.loads(history_json(good))
    document["rooms"]["evil@x.example"] = {"15m": [10**30] * 96, "1h": [], "1d": "x"}
    document["rooms"][ROOM]["15m"][0] = None
    parsed = parse_history(json.dumps(document), [ROOM, "evil@x.example"])
    assert set(parsed.rooms) == {ROOM}


def test_the_command_line_names_the_tiers() -> None:
    """`badgegen history --tier` offers the tiers the history keeps, by the same names."""
    from badgegen.vocabulary import TIER_NAMES

    assert tuple(tier.name for tier in TIERS) == TIER_NAMES
