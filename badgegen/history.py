"""Occupancy over time: history.json beside badges.json, bounded whatever the run count.

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

The file is untrusted input like badges.json: whatever it holds costs at
most the history itself (a warning), never the run or the badges.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from badgegen.untrusted import credible_occupants

HISTORY_FILE = "history.json"
HISTORY_VERSION = 1


@dataclass(frozen=True, slots=True)
class Tier:
    """One resolution: its name, bucket length and how many buckets it keeps."""

    name: str
    step: int  # seconds
    length: int


TIERS = (Tier("15m", 900, 96), Tier("1h", 3600, 168), Tier("1d", 86400, 366))
# The longest a room's entry can be in the file: 630 values of up to 7 characters.
MAX_BYTES_PER_ROOM = 6 * 1024
BASE_BYTES = 64 * 1024

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


def record(history: History, counts: Mapping[str, int | None], now: datetime) -> History:
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


def history_json(history: History) -> str:
    """history.json: compact, keys sorted, byte-identical for the same history."""
    tiers = {
        tier.name: {"step": tier.step, "end": history.ends.get(tier.name, 0)} for tier in TIERS
    }
    document = {"version": HISTORY_VERSION, "tiers": tiers, "rooms": history.rooms}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


def parse_history(text: str, rooms: Iterable[str]) -> History:
    """Read a history.json, keeping only the listed rooms' well-formed series.

    Raises:
        ValueError: the text is not a version 1 history at all.
    """
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply (expected a history.json)") from None
    if not isinstance(document, dict) or document.get("version") != HISTORY_VERSION:
        raise ValueError(f"not a version {HISTORY_VERSION} history.json")
    tiers, entries = document.get("tiers"), document.get("rooms")
    if not isinstance(tiers, dict) or not isinstance(entries, dict):
        raise ValueError("history.json has no tiers or rooms")
    ends: dict[str, int] = {}
    for tier in TIERS:
        found = tiers.get(tier.name)
        end = found.get("end") if isinstance(found, dict) else None
        if not isinstance(found, dict) or found.get("step") != tier.step:
            raise ValueError(f"history.json's {tier.name} tier is not {tier.step} s buckets")
        if type(end) is not int or end < 0 or end % tier.step:
            raise ValueError(f"history.json's {tier.name} tier has no valid end")
        ends[tier.name] = end
    kept = {jid: _parse_room(entries.get(jid)) for jid in rooms if jid in entries}
    return History(ends, {jid: series for jid, series in kept.items() if series})


def _parse_room(entry: object) -> dict[str, Series] | None:
    if not isinstance(entry, dict):
        return None
    parsed: dict[str, Series] = {}
    for tier in TIERS:
        values = entry.get(tier.name)
        if not isinstance(values, list) or len(values) != tier.length:
            return None
        if not all(value is None or credible_occupants(value) for value in values):
            return None
        parsed[tier.name] = values
    return parsed


def history_limit(rooms: int) -> int:
    """The largest history.json read for a config of this many rooms."""
    return BASE_BYTES + rooms * MAX_BYTES_PER_ROOM


def _tier(name: str) -> Tier:
    for tier in TIERS:
        if tier.name == name:
            return tier
    raise ValueError(f'"{name}" is not a tier (expected {", ".join(t.name for t in TIERS)})')


def tier_names() -> tuple[str, ...]:
    """The tiers' names, finest first."""
    return tuple(tier.name for tier in TIERS)
