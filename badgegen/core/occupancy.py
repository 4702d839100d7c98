"""Occupancy over time: each room's counts in tiers of buckets, right for any cadence.

Three tiers aligned to UTC, a fixed number of buckets per room (None is a
gap: the room was not counted then):

- 15m: 96 quarter hours, the last day; a quarter hour holds its latest count;
- 1h: 168 hours, the last week; an hour holds the mean of its quarter hours;
- 1d: 366 days, the last year; a day holds the mean of its hours.

Every run brings each tier to the bucket that holds its time, sets its
quarter hour, and computes its hour and its day again from the finer tier.
So whatever the cadence, every five minutes or once a week, and however
long a pause, a count once recorded is in its hour and its day before its
quarter hour leaves the finer tier's window.

A clock a little behind the history's newest bucket (within SKEW: two
machines' clocks) cannot reopen a closed bucket: the run's counts go into
the newest buckets. A history further ahead was written by a clock ahead, or
this one is behind: it is moved back whole to the run's time, so that no run
is held up and the right clock resumes its buckets. Either way the run is told.
A room no longer listed keeps its series while any of its last week is counted,
in case it comes back, and is dropped after.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from badgegen.vocabulary import TIER_NAMES


@dataclass(frozen=True, slots=True)
class Tier:
    """One resolution: its name, bucket length and how many buckets it keeps."""

    name: str
    step: int  # seconds
    length: int


QUARTER_HOURS, HOURS, DAYS = TIER_NAMES  # for the last day, the last week, the last year
TIERS = (Tier(QUARTER_HOURS, 900, 96), Tier(HOURS, 3600, 168), Tier(DAYS, 86400, 366))
FINEST = TIERS[0]

Series = list[int | None]


@dataclass(slots=True)
class History:
    """Every room's series per tier; ends[tier] is the start of each series' last bucket."""

    ends: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, dict[str, Series]] = field(default_factory=dict)  # jid -> tier -> values

    def values(self, jid: str, tier: str) -> Series:
        """A room's values in one tier, oldest first (gaps as None): quick, without times."""
        found = self.rooms.get(jid, {}).get(tier)
        return found if found is not None else [None] * tier_named(tier).length

    def series(self, jid: str, tier: str) -> list[tuple[datetime, int | None]]:
        """A room's values in one tier with their buckets' start times, oldest first."""
        spec = tier_named(tier)
        end = self.ends.get(tier, 0)
        return [
            (datetime.fromtimestamp(end - (spec.length - 1 - i) * spec.step, UTC), value)
            for i, value in enumerate(self.values(jid, tier))
        ]

    @property
    def newest(self) -> datetime | None:
        """The start of the newest quarter hour, None for an empty history."""
        end = self.ends.get(FINEST.name)
        return datetime.fromtimestamp(end, UTC) if end is not None else None


@dataclass(frozen=True, slots=True)
class LastCount:
    """A room's newest count on record: its value, its bucket (start and tier), and when it
    was taken to the second, when the record of the run says so."""

    occupants: int
    bucket: datetime
    tier: Tier
    counted_at: datetime | None = None

    @property
    def taken(self) -> datetime:
        """When the count was taken: its own time, else its bucket's start."""
        return self.counted_at or self.bucket


def last_count(history: History, jid: str, recorded: datetime | None = None) -> LastCount | None:
    """A room's newest count on record: the finest tier that holds a count of it.

    Args:
        history: the rooms' history.
        jid: the room.
        recorded: when badges.json says the room was last counted; it is the count's own
            time when it falls in the count's bucket (the two files agree).
    """
    for tier in TIERS:
        values = history.values(jid, tier.name)
        for back, value in enumerate(reversed(values)):
            if value is not None:
                end = history.ends.get(tier.name, 0)
                bucket = datetime.fromtimestamp(end - back * tier.step, UTC)
                agrees = recorded and bucket <= recorded < bucket + timedelta(seconds=tier.step)
                return LastCount(value, bucket, tier, recorded if agrees else None)
    return None


@dataclass(frozen=True, slots=True)
class Recorded:
    """A history with a run's counts in it, and how far its newest bucket was ahead of the
    run's clock: within SKEW, behind (the counts went into the newest buckets); beyond it,
    redated (the history was moved back to the run's time)."""

    history: History
    behind: timedelta = timedelta(0)
    redated: timedelta = timedelta(0)


# Two machines' clocks differ by this much without either being wrong: a history ahead of
# a run by no more keeps its buckets, and the run's counts go into the newest ones. Further
# ahead, a clock was wrong (one ahead wrote it, or this one is behind): the history is moved
# back whole to the run's time, so that the right clock resumes its buckets, and no run
# after it is held up or has its counts pressed into one bucket.
SKEW = timedelta(minutes=15)


def add_run(history: History, counts: Mapping[str, int | None], now: datetime) -> Recorded:
    """The history with this run's counts (None: not counted) put in their buckets.

    Args:
        history: the last run's history (left as it was).
        counts: each listed room's count this run, by JID.
        now: the time of the run.

    Returns:
        The new history; behind > 0 when now fell before its newest bucket by SKEW
        at most (the counts then went into the newest buckets), redated > 0 when by
        more (the history was moved back to now, whole).
    """
    moment = int(now.timestamp())
    ahead = history.ends[FINEST.name] - moment if FINEST.name in history.ends else 0
    history = _in_time(history, moment)
    behind = ahead if 0 < ahead <= SKEW.total_seconds() else 0
    moment = max(moment, history.ends.get(FINEST.name, moment))
    rooms = {jid: _copy(tiers) for jid, tiers in history.rooms.items()}
    ends = _advance(history.ends, rooms, moment)
    for jid, count in counts.items():
        series = rooms.setdefault(jid, _empty())
        if count is not None:  # a failed count leaves a gap (or the quarter's earlier count)
            series[FINEST.name][-1] = count
            _close_in(series, ends)
    kept = {jid: series for jid, series in rooms.items() if jid in counts or _recent(series)}
    moved = timedelta(seconds=ahead if ahead > SKEW.total_seconds() else 0)
    return Recorded(History(ends, kept), timedelta(seconds=behind), moved)


def redated(history: History, moment: int) -> History:
    """The history moved back whole so that each tier's newest bucket holds moment: its
    values as they were, their times what a clock ahead of moment had made them."""
    ends = {tier.name: moment - moment % tier.step for tier in TIERS if tier.name in history.ends}
    return History(ends, history.rooms)


def merged_at(ours: History, theirs: History, now: datetime) -> History:
    """merged(ours, theirs), as a run at now merges them.

    A history further than SKEW ahead of now was written by a clock ahead: it is moved
    back to now first (as add_run would). When only theirs is ahead, ours was written
    after it by a right clock, which moved theirs back already: theirs adds nothing
    (moved back again, to another time, its values would land in other buckets twice).
    """
    moment = int(now.timestamp())
    if _ahead(theirs, moment) and not _ahead(ours, moment):
        return ours
    return merged(_in_time(ours, moment), _in_time(theirs, moment))


def _ahead(history: History, moment: int) -> bool:
    end = history.ends.get(FINEST.name)
    return end is not None and end - moment > SKEW.total_seconds()


def _in_time(history: History, moment: int) -> History:
    """history, or when ahead of moment by more than SKEW, moved back to end in the quarter
    hour before moment's (a count at moment then takes none of its buckets)."""
    return redated(history, moment - FINEST.step) if _ahead(history, moment) else history


def merged(ours: History, theirs: History) -> History:
    """ours, with the buckets only theirs holds: another run's counts from the same record.

    Both are brought to the newer one's time; a bucket keeps ours where both
    hold a value. Hours and days that their finer tier covers are computed
    again from it, so that they include every count either history has.
    """
    if not theirs.ends:
        return ours
    moment = max(ours.ends.get(FINEST.name, 0), theirs.ends[FINEST.name])
    mine = {jid: _copy(tiers) for jid, tiers in ours.rooms.items()}
    other = {jid: _copy(tiers) for jid, tiers in theirs.rooms.items()}
    ends = _advance(ours.ends or theirs.ends, mine, moment)
    _advance(theirs.ends, other, moment)
    rooms = {}
    for jid in mine.keys() | other.keys():
        a, b = mine.get(jid) or _empty(), other.get(jid) or _empty()
        series = {
            tier.name: [
                x if x is not None else y for x, y in zip(a[tier.name], b[tier.name], strict=True)
            ]
            for tier in TIERS
        }
        _rebuild(series, ends)
        rooms[jid] = series
    return History(ends, rooms)


def _rebuild(series: dict[str, Series], ends: Mapping[str, int]) -> None:
    """Every hour and day that its finer tier covers whole, computed again from it."""
    for finer, coarser in itertools.pairwise(TIERS):
        per = coarser.step // finer.step
        offset = (ends[finer.name] - ends[coarser.name]) // finer.step + 1  # the open one
        values = series[finer.name]
        for back in range(1, coarser.length):
            stop = finer.length - offset - (back - 1) * per
            if stop - per < 0:
                break
            known = [value for value in values[stop - per : stop] if value is not None]
            series[coarser.name][-1 - back] = round(sum(known) / len(known)) if known else None
        _close_in_one(series, ends, finer, coarser)


def _advance(
    ends: Mapping[str, int], rooms: dict[str, dict[str, Series]], moment: int
) -> dict[str, int]:
    """Move every tier's last bucket to the one holding moment (never back); gaps fill in."""
    moved: dict[str, int] = {}
    for tier in TIERS:
        target = moment - moment % tier.step
        end = ends.get(tier.name, target)
        steps = max(0, (target - end) // tier.step)
        moved[tier.name] = end + steps * tier.step
        if steps:
            for series in rooms.values():
                values = series[tier.name]
                series[tier.name] = [*values[steps:], *[None] * min(steps, tier.length)]
    return moved


def _close_in(series: dict[str, Series], ends: Mapping[str, int]) -> None:
    """The current hour and day again: the mean of their finer buckets (gaps left out)."""
    for finer, coarser in itertools.pairwise(TIERS):
        _close_in_one(series, ends, finer, coarser)


def _close_in_one(
    series: dict[str, Series], ends: Mapping[str, int], finer: Tier, coarser: Tier
) -> None:
    inside = (ends[finer.name] - ends[coarser.name]) // finer.step + 1
    known = [value for value in series[finer.name][-inside:] if value is not None]
    series[coarser.name][-1] = round(sum(known) / len(known)) if known else None


def _recent(series: dict[str, Series]) -> bool:
    """Whether a room was counted in the last week (its quarter hours or hours hold a value)."""
    return any(value is not None for tier in TIERS[:2] for value in series[tier.name])


def _copy(tiers: Mapping[str, Series]) -> dict[str, Series]:
    return {tier.name: list(tiers[tier.name]) for tier in TIERS}


def _empty() -> dict[str, Series]:
    return {tier.name: [None] * tier.length for tier in TIERS}


def tier_named(name: str) -> Tier:
    """The tier called name.

    Raises:
        ValueError: no tier has that name.
    """
    for tier in TIERS:
        if tier.name == name:
            return tier
    raise ValueError(f'"{name}" is not a tier (expected {", ".join(TIER_NAMES)})')
