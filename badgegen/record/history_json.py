"""history.json: each room's series per tier, compact; read back as untrusted input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from badgegen.config.model import RoomNames
from badgegen.core.occupancy import FINEST, TIERS, History, Series
from badgegen.record.badges_json import SHOWN_UNREAD, SUPPORTED_ROOMS
from badgegen.record.scan import (
    Dropped,
    decode,
    entries,
    scan_rooms,
    unread_reasons,
    version_of,
)
from badgegen.text.untrusted import MAX_OCCUPANTS
from badgegen.vocabulary import TIER_NAMES

HISTORY_FILE = "history.json"
UNREAD_HISTORY = "not three tiers of counts"
HISTORY_VERSION = 1
# The longest a room's entry can be in the file: 630 values of up to 7 characters.
MAX_BYTES_PER_ROOM = 6 * 1024
BASE_BYTES = 64 * 1024
# The last second a datetime holds: a history said to end later is no history.
MAX_END = int(datetime(9999, 12, 31, tzinfo=UTC).timestamp())


def history_json(history: History) -> str:
    """history.json: compact, keys sorted, byte-identical for the same history."""
    tiers = {
        tier.name: {"step": tier.step, "end": history.ends.get(tier.name, 0)} for tier in TIERS
    }
    document = {"version": HISTORY_VERSION, "tiers": tiers, "rooms": history.rooms}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


def parse_history(
    text: str, names: RoomNames | None = None
) -> tuple[History, tuple[str, ...], Dropped]:
    """Read a history.json: the well-formed series of the rooms the configuration names
    (see scan), what was left out of theirs, and the rooms it does not name (dropped).

    Args:
        text: the file's content.
        names: the rooms the configuration names; None: every room (for reading only).

    Returns:
        The history, "room: reason" for each entry left out, and what was dropped.

    Raises:
        ValueError: the text is not a version 1 history at all.
    """
    if version_of(text) != HISTORY_VERSION:
        raise ValueError(f"not a version {HISTORY_VERSION} history.json")
    ends = {
        entry.key: _end(entry.key, decode(entry.value, 256))
        for entry in entries(text)
        if entry.key in TIER_NAMES
    }
    _check_ends(ends)
    scanned = scan_rooms(text, names, SHOWN_UNREAD)
    rooms: dict[str, dict[str, Series]] = {}
    ignored: list[str] = []
    for entry in scanned.kept:
        series = _series(decode(entry.value, MAX_BYTES_PER_ROOM, every_int=True))
        if series is None:
            ignored.append(f"{entry.key[:80]}: {UNREAD_HISTORY}")
        else:
            rooms[entry.key] = series
    ignored += unread_reasons(scanned, lambda key: key[:80], UNREAD_HISTORY)
    return History(ends, rooms), tuple(ignored), scanned.dropped


def _end(name: str, tier: dict[str, Any] | None) -> int:
    spec = next(tier for tier in TIERS if tier.name == name)
    if tier is None or tier.get("step") != spec.step:
        raise ValueError(f"history.json's {name} tier is not {spec.step} s buckets")
    end = tier.get("end")
    if type(end) is not int or end < 0 or end % spec.step:
        raise ValueError(f"history.json's {name} tier has no valid end")
    return end


def _check_ends(ends: dict[str, int]) -> None:
    """All tiers present, ending in the same moment's buckets, within the years a clock
    can show."""
    if set(ends) != {tier.name for tier in TIERS}:
        raise ValueError("history.json lacks a tier")
    finest = ends[FINEST.name]
    if any(ends[tier.name] != finest - finest % tier.step for tier in TIERS):
        raise ValueError("history.json's tiers do not end together")
    if finest > MAX_END:
        raise ValueError("history.json's newest bucket is beyond the year 9999")


def _series(entry: dict[str, Any] | None) -> dict[str, Series] | None:
    if entry is None:
        return None
    parsed: dict[str, Series] = {}
    for tier in TIERS:
        values = entry.get(tier.name)
        if not isinstance(values, list) or len(values) != tier.length:
            return None
        if any(
            value is not None and (type(value) is not int or not 0 <= value <= MAX_OCCUPANTS)
            for value in values
        ):
            return None
        parsed[tier.name] = values
    return parsed


def history_limit(rooms: int) -> int:
    """The largest history.json read, with this many rooms configured (see record_limit)."""
    return BASE_BYTES + max(SUPPORTED_ROOMS, rooms) * MAX_BYTES_PER_ROOM


def within_capacity(history: History, listed: set[str]) -> History:
    """The history with at most max(SUPPORTED_ROOMS, listed) rooms: the listed ones, then the
    rooms no longer listed that were counted last, so that the next run can read it all."""
    capacity = max(SUPPORTED_ROOMS, len(listed))
    if len(history.rooms) <= capacity:
        return history
    retired = sorted(
        (jid for jid in history.rooms if jid not in listed),
        key=lambda jid: _last_counted(history.rooms[jid]),
        reverse=True,
    )
    kept = listed | set(retired[: capacity - len(listed)])
    return History(history.ends, {j: s for j, s in history.rooms.items() if j in kept})


def _last_counted(series: dict[str, Series]) -> int:
    """How recent a room's last count is: the index of its last value in the finest tiers."""
    for weight, tier in enumerate(TIERS[:2]):
        values = series[tier.name]
        for index in range(len(values) - 1, -1, -1):
            if values[index] is not None:
                return (2 - weight) * 1000 + index
    return -1
