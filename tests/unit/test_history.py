"""History: tiers of buckets right for any cadence, pause and clock step; gaps stay gaps."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badgegen.core.occupancy import (
    DAYS,
    HOURS,
    QUARTER_HOURS,
    SKEW,
    TIERS,
    History,
    add_run,
    merged,
    merged_at,
    redated,
)
from tests.properties import examples

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
ROOM = "lobby@conference.example.org"


def run(history: History, minutes: float, count: int | None, room: str = ROOM) -> History:
    return add_run(history, {room: count}, START + timedelta(minutes=minutes)).history


def values(history: History, tier: str, room: str = ROOM) -> list[int | None]:
    return [value for _, value in history.series(room, tier)]


def known(history: History, tier: str, room: str = ROOM) -> list[int]:
    return [value for value in values(history, tier, room) if value is not None]


def test_a_run_fills_its_quarter_hour_and_the_latest_count_wins() -> None:
    """Two runs in one quarter hour: the later count stands."""
    history = run(run(History(), 1, 4), 7, 6)
    assert values(history, QUARTER_HOURS) == [None] * 95 + [6]


def test_failed_runs_leave_gaps_not_zeros() -> None:
    """A quarter hour nobody counted is a gap, in every tier."""
    history = run(History(), 1, 4)
    history = run(history, 16, None)
    history = run(history, 31, 2)
    assert values(history, QUARTER_HOURS)[-3:] == [4, None, 2]
    assert values(history, HOURS)[-1] == 3


def test_the_open_hour_and_day_hold_what_they_have_so_far() -> None:
    """Hours and days are means of their finer buckets from the first count on."""
    history = History()
    for minute, count in [(0, 2), (15, 4), (30, None), (45, 6), (60, 1)]:
        history = run(history, minute, count)
    assert values(history, HOURS)[-2:] == [4, 1]  # (2 + 4 + 6) / 3, then the open hour
    assert values(history, DAYS)[-1] == 2  # the day so far: hours 4 and 1, rounded half to even


def test_daily_runs_keep_every_day() -> None:
    """Runs 24 h (or a week) apart: each count reaches its hour and its day."""
    history = History()
    for day in range(10):
        history = run(history, day * 24 * 60, day + 1)
    assert known(history, DAYS) == list(range(1, 11))
    assert known(history, HOURS) == list(range4(10))
    weekly = History()
    for week in range(10):
        weekly = run(weekly, week * 7 * 24 * 60 + 5, week)
    assert known(weekly, DAYS) == list(range(10))


def range4(days: int) -> range:
    """The counts of the daily runs still inside the hourly tier's week."""
    return range(days - 6, days + 1)


def test_a_long_pause_keeps_what_came_before_it() -> None:
    """Three days without a run: the quarter hours go, their hours and day stay."""
    history = run(run(History(), 0, 5), 70, 9)
    later = run(history, 60 * 24 * 3, 7)
    assert known(later, QUARTER_HOURS) == [7]
    assert known(later, HOURS) == [5, 9, 7]
    assert known(later, DAYS) == [7, 7]  # the first day's hours 5 and 9, then the new day


def test_a_clock_step_back_reopens_nothing() -> None:
    """A run behind the newest bucket by SKEW at most (two machines' clocks) counts into it
    and says how far behind it was."""
    history = run(run(History(), 0, 5), 16, 6)  # quarters 0 and 15
    recorded = add_run(history, {ROOM: 8}, START + timedelta(minutes=14, seconds=59))
    assert recorded.behind == timedelta(seconds=1)  # behind the 00:15 bucket
    assert values(recorded.history, QUARTER_HOURS)[-2:] == [
        5,
        8,
    ]  # the closed 00:00 quarter kept its 5
    # Behind by 15 min 15 s (more than SKEW): the history moves back before 23:45, whole.
    midnight = add_run(history, {ROOM: 3}, START - timedelta(seconds=15))
    assert known(midnight.history, QUARTER_HOURS) == [5, 6, 3]
    assert known(midnight.history, DAYS) == [5]  # (5 + 6 + 3) / 3: every count in it
    assert add_run(history, {ROOM: 1}, START + timedelta(hours=2)).behind == timedelta(0)


@pytest.mark.parametrize("ahead", [timedelta(hours=2), timedelta(days=10), timedelta(days=400)])
def test_one_run_with_its_clock_ahead_holds_no_later_run_up(ahead: timedelta) -> None:
    """A run hours to a year ahead, then a day of hourly runs with the right clock: the
    history is moved back to the right time once, and every later run keeps its count in
    its own hour and quarter hour (none pressed into the wrong run's bucket)."""
    history = run(History(), 0, 5)
    history = add_run(history, {ROOM: 9}, START + ahead).history  # the wrong clock
    moved = add_run(history, {ROOM: 1}, START + timedelta(hours=1))
    assert moved.redated > SKEW
    assert moved.behind == timedelta(0)
    history = moved.history
    for hour in range(2, 25):
        recorded = add_run(history, {ROOM: hour}, START + timedelta(hours=hour))
        assert (recorded.behind, recorded.redated) == (timedelta(0), timedelta(0))
        history = recorded.history
    assert known(history, HOURS)[-23:] == list(range(2, 25))
    assert history.newest == START + timedelta(hours=24)
    assert known(history, QUARTER_HOURS)[-23:] == list(range(2, 25))


def test_a_clock_behind_by_more_than_the_skew_moves_the_history_back() -> None:
    """A run an hour behind the history: moved back to its time, told how far."""
    history = run(History(), 60, 5)
    recorded = add_run(history, {ROOM: 7}, START)
    assert (recorded.behind, recorded.redated) == (timedelta(0), timedelta(hours=1))
    assert recorded.history.newest == START
    # The history's 5 in the quarter hour before, this run's count in its own: none lost.
    assert values(recorded.history, QUARTER_HOURS)[-2:] == [5, 7]


def test_rooms_no_longer_listed_stay_a_week() -> None:
    """A room taken out keeps its series while its last week has a count, then goes."""
    history = add_run(History(), {ROOM: 1, "old@x.example": 2}, START).history
    later = add_run(history, {ROOM: 1}, START + timedelta(days=3)).history
    assert set(later.rooms) == {ROOM, "old@x.example"}
    back = add_run(later, {ROOM: 1, "old@x.example": 4}, START + timedelta(days=4)).history
    assert known(back, DAYS, "old@x.example") == [2, 4]
    gone = add_run(later, {ROOM: 1}, START + timedelta(days=8)).history
    assert set(gone.rooms) == {ROOM}


def test_the_series_times_are_the_buckets() -> None:
    """Each value comes with the start of its bucket."""
    history = run(History(), 20, 5)
    times = [moment for moment, _ in history.series(ROOM, QUARTER_HOURS)]
    assert times[-2:] == [START, START + timedelta(minutes=15)]
    assert history.newest == START + timedelta(minutes=15)


def test_the_command_line_names_the_tiers() -> None:
    """`badgegen history --tier` offers the tiers the history keeps, by the same names."""
    from badgegen.vocabulary import TIER_NAMES

    assert tuple(tier.name for tier in TIERS) == TIER_NAMES


# --- the model: what each bucket must hold, from every count ever recorded --------------


def expected(runs: list[tuple[int, int | None]], end: int) -> dict[str, dict[int, int]]:
    """Each tier's buckets (start -> value) within its window before end, from the runs."""
    quarters: dict[int, int] = {}
    for moment, count in runs:  # moments already clamped to never go back
        if count is not None:
            quarters[moment - moment % 900] = count
    hours: dict[int, list[int]] = defaultdict(list)
    for start, value in quarters.items():
        hours[start - start % 3600].append(value)
    hourly = {start: round(sum(vs) / len(vs)) for start, vs in hours.items()}
    days: dict[int, list[int]] = defaultdict(list)
    for start, value in hourly.items():
        days[start - start % 86400].append(value)
    daily = {start: round(sum(vs) / len(vs)) for start, vs in days.items()}
    tiers = {QUARTER_HOURS: quarters, HOURS: hourly, DAYS: daily}
    return {
        tier.name: {
            start: value
            for start, value in tiers[tier.name].items()
            if end - end % tier.step - start < tier.step * tier.length
        }
        for tier in TIERS
    }


GAPS = st.sampled_from([0, 60, 5 * 60, 15 * 60, 3600, 23 * 3600, 86400, 3 * 86400, 7 * 86400])


@examples(300)
@given(
    st.lists(
        st.tuples(
            # Steps back as far as SKEW: two machines' clocks (further: see below).
            GAPS | st.integers(-int(SKEW.total_seconds()), 10 * 86400),
            st.none() | st.integers(0, 50),
        ),
        min_size=1,
        max_size=60,
    )
)
def test_every_bucket_holds_what_the_counts_say(steps: list[tuple[int, int | None]]) -> None:
    """Any cadence, pause and skew between clocks: every bucket in each window is what the
    model says."""
    history, now, newest, runs = History(), int(START.timestamp()), 0, []
    for gap, count in steps:
        now = max(now + gap, newest - int(SKEW.total_seconds()))  # never further behind
        history = add_run(history, {ROOM: count}, datetime.fromtimestamp(now, UTC)).history
        newest = max(newest, now - now % 900)
        runs.append((max(now, newest), count))
    model = expected(runs, newest)
    for tier in TIERS:
        stored = {
            int(moment.timestamp()): value
            for moment, value in history.series(ROOM, tier.name)
            if value is not None
        }
        assert stored == model[tier.name], tier.name


@examples(200)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30)), min_size=1, max_size=20),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30)), min_size=1, max_size=20),
)
def test_two_runs_from_one_record_merge_into_both(
    ours: list[tuple[int, int]], theirs: list[tuple[int, int]]
) -> None:
    """Two runs that started from the same record each counted in their own quarter hours:
    the merged history holds both runs' counts, in every tier, as if one history had both."""
    base = run(History(), 0, 1)
    mine, other, both = base, base, base
    quarters = {0: 1}
    for quarter, count in sorted(dict(ours).items()):
        if quarter % 2:  # ours: odd quarter hours; theirs: even ones (never the same bucket)
            mine = run(mine, 15 * quarter + 1, count)
            quarters[quarter] = count
    for quarter, count in sorted(dict(theirs).items()):
        if quarter % 2 == 0 and quarter:
            other = run(other, 15 * quarter + 1, count)
            quarters[quarter] = count
    for quarter, count in sorted(quarters.items()):
        both = run(both, 15 * quarter + 1, count)
    combined = merged(mine, other)
    for tier in TIERS:
        assert known(combined, tier.name) == known(both, tier.name), tier.name


def test_a_record_from_a_clock_ahead_merges_into_nothing_twice() -> None:
    """Two runs from one record written 90 days ahead: the first (a right clock) moved it
    back to its own time; the second merges the first's record (fetched again) with the
    one it started from, which it would move back to another time: that one adds nothing,
    and no count lands in two quarter hours."""
    ahead = run(run(History(), 90 * 24 * 60, 3), 90 * 24 * 60 + 16, 4)
    first = add_run(ahead, {ROOM: 2}, START + timedelta(minutes=1)).history
    later = START + timedelta(minutes=16)
    assert merged_at(first, ahead, later) == first
    assert known(first, QUARTER_HOURS) == [3, 4, 2]
    both_ahead = merged_at(ahead, ahead, later)  # neither moved back yet: both are, to later
    assert both_ahead.ends == redated(ahead, int(later.timestamp()) - 900).ends
    assert known(both_ahead, QUARTER_HOURS) == [3, 4]


def test_merging_nothing_changes_nothing() -> None:
    """An empty history (none published) leaves ours as it is."""
    history = run(History(), 3, 4)
    assert merged(history, History()) == history


@examples(300)
@given(
    st.lists(
        st.tuples(st.integers(-400 * 86400, 400 * 86400), st.integers(0, 50)),
        min_size=1,
        max_size=30,
    )
)
def test_no_clock_step_loses_the_run_after_it(steps: list[tuple[int, int]]) -> None:
    """Clocks stepping back and forth by up to a year: every run records its count in the
    newest quarter hour, which is its own unless its clock is within SKEW behind it."""
    history, now = History(), int(START.timestamp())
    for gap, count in steps:
        now += gap
        at = datetime.fromtimestamp(now, UTC)
        newest_before = history.newest
        history = add_run(history, {ROOM: count}, at).history
        own = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
        assert values(history, QUARTER_HOURS)[-1] == count
        if newest_before is None or not timedelta(0) < newest_before - own <= SKEW:
            assert history.newest == own
