"""Occupancy over time: each room's counts in tiers of buckets, bounded whatever the run count.

Three tiers of buckets aligned to UTC, each a fixed number of values per
room (None is a gap: the room was not counted then):

- 15m: 96 buckets, the last day; a bucket holds its latest count;
- 1h: 168 buckets, the last week; an hour holds the mean of its 15m buckets;
- 1d: 366 buckets, the last year; a day holds the mean of its hours.

An hour is filled in when it has passed (from the 15m buckets, which still
hold it), a day likewise from the hours. So the file's size depends only on
the number of rooms (about 1.5 KB a room), and a run writes it only when a
bucket gets a new value: at most once a quarter of an hour with unchanged
counts (write_badges leaves a file with unchanged bytes alone).

badgegen.record.history reads and writes it as history.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from badgegen.vocabulary import TIER_NAMES


@dataclass(frozen=True, slots=True)
class Tier:
    """One resolution: its name, bucket length and how many buckets it keeps."""

    name: str
    step: int  # seconds
    length: int


DAY, WEEK, YEAR = TIER_NAMES  # quarter hours for a day, hours for a week, days for a year
TIERS = (Tier(DAY, 900, 96), Tier(WEEK, 3600, 168), Tier(YEAR, 86400, 366))

Series = list[int | None]


@dataclass(slots=True)
class History:
    """Every room's series per tier; ends[tier] is the start of each series' last bucket."""

    ends: dict[str, int] = field(default_factory=dict)
    rooms: dict[str, dict[str, Series]] = field(default_factory=dict)  # jid -> tier -> values

    def values(self, jid: str, tier: str) -> Series:
        """A room's values in one tier, oldest first (gaps as None): quick, without times."""
        found = self.rooms.get(jid, {}).get(tier)
        return found if found is not None else [None] * _tier(tier).length

    def series(self, jid: str, tier: str) -> list[tuple[datetime, int | None]]:
        """A room's values in one tier with their buckets' start times, oldest first."""
        spec = _tier(tier)
        values = self.rooms.get(jid, {}).get(tier) or [None] * spec.length
        end = self.ends.get(tier, 0)
        return [
            (datetime.fromtimestamp(end - (spec.length - 1 - i) * spec.step, UTC), value)
            for i, value in enumerate(values)
        ]


def add_run(history: History, counts: Mapping[str, int | None], now: datetime) -> History:
    """The history with this run's counts (None: not counted) put in their buckets.

    Rooms no longer listed are dropped; new rooms start with gaps.

    Args:
        history: the last run's history.
        counts: each room's count this run, by JID.
        now: the time of the run.
    """
    rooms = {jid: _room_copy(history.rooms.get(jid)) for jid in counts}
    ends = dict(history.ends)
    _advance(ends, rooms, int(now.timestamp()))
    finest = TIERS[0].name
    for jid, count in counts.items():
        if count is not None:  # a failed count leaves a gap (or the bucket's earlier count)
            rooms[jid][finest][-1] = count
    return History(ends, rooms)


def _advance(ends: dict[str, int], rooms: dict[str, dict[str, Series]], moment: int) -> None:
    """Move every tier's last bucket to the one holding moment, closing hours and days.

    Tiers move finest first, so that a closing hour still finds its quarter
    hours, and a closing day its hours.
    """
    for index, tier in enumerate(TIERS):
        target = moment - moment % tier.step
        end = ends.get(tier.name)
        if end is None or target < end or target - end >= tier.step * tier.length:
            ends[tier.name] = target  # a first run, a long pause, or a clock set back
            for series in rooms.values():
                series[tier.name] = [None] * tier.length
            continue
        finer = TIERS[index - 1] if index else None
        while end < target:
            for series in rooms.values():
                values = series[tier.name]
                if finer is not None:  # the closing bucket: the mean of its finer ones
                    values[-1] = _mean(series[finer.name], finer, ends[finer.name], end, tier)
                series[tier.name] = [*values[1:], None]
            end += tier.step
        ends[tier.name] = end


def _mean(values: Series, finer: Tier, finer_end: int, start: int, tier: Tier) -> int | None:
    """The mean of the finer buckets inside [start, start + tier.step), gaps left out."""
    first = finer.length - 1 - (finer_end - start) // finer.step
    inside = [
        value
        for value in values[max(first, 0) : max(first + tier.step // finer.step, 0)]
        if value is not None
    ]
    return round(sum(inside) / len(inside)) if inside else None


def _room_copy(tiers: dict[str, Series] | None) -> dict[str, Series]:
    tiers = tiers or {}
    return {
        tier.name: list(tiers.get(tier.name) or [None] * tier.length)[-tier.length :]
        for tier in TIERS
    }


def _tier(name: str) -> Tier:
    for tier in TIERS:
        if tier.name == name:
            return tier
    raise ValueError(f'"{name}" is not a tier (expected {", ".join(t.name for t in TIERS)})')
