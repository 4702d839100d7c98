"""badges.json: each room's state, this run's problem and its files; read as untrusted input."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from badgegen.results import RoomResult
from badgegen.state import STATUSES, RoomState
from badgegen.untrusted import MAX_OCCUPANTS, clean_name, credible_occupants, https_url

STATE_FILE = "badges.json"
STATE_VERSION = 1
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
# A counted_at this far ahead of the run's clock is a clock difference between
# machines; further is not believed (it would keep a count "fresh" for ever).
CLOCK_SKEW = timedelta(minutes=5)
# See record_limit(). The largest entry: a JID of 3,071 bytes (RFC 7622's
# parts, escaped), a name of MAX_NAME_CODE_POINTS 4-byte characters, a URL
# of MAX_URL_LENGTH, two file names of 205 bytes and the fixed keys: < 7.5 KiB.
RECORD_BYTES_PER_ROOM = 8 * 1024
RECORD_BASE_BYTES = 4 * 1024 * 1024
MAX_JID_LENGTH = 3071


def state_json(results: Iterable[RoomResult]) -> str:
    """badges.json: each room's state, this run's problem and its files, with sorted keys.

    Args:
        results: every room's result of the run.
    """
    document = {
        "version": STATE_VERSION,
        "rooms": {result.room.jid: _record(result) for result in results},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _record(result: RoomResult) -> dict[str, object]:
    state, count = result.state, result.count
    return {
        "status": state.status,
        "occupants": state.occupants,
        "counted_at": timestamp(state.counted_at),
        "problem": count.problem.name.lower() if count.problem else None,
        "detail": count.detail,
        "name": state.name,
        "webchat": state.webchat,
        "files": [result.room.svg_name, result.room.json_name],
    }


def record_limit(rooms: int) -> int:
    """The largest badges.json read for a config of this many rooms.

    What a run writes stays within it at any room count (RECORD_BYTES_PER_ROOM
    is above the largest entry the caps on names, URLs and JIDs allow), while
    a record for a few rooms cannot cost more than a few MiB to parse.
    """
    return RECORD_BASE_BYTES + rooms * RECORD_BYTES_PER_ROOM


@dataclass(frozen=True, slots=True)
class Record:
    """A parsed badges.json: the usable states, and why other entries were left out."""

    states: dict[str, RoomState]
    ignored: tuple[str, ...] = ()


def parse_state(text: str, now: datetime) -> Record:
    """Read a badges.json written by this or an earlier run, or by someone else.

    The record is untrusted: an entry that does not make sense is left out
    (its room starts afresh) and said so, never more.

    Args:
        text: the file's content.
        now: the time of this run; a counted_at after it is not believed.

    Returns:
        The states by room JID, and "room: reason" for each entry left out.

    Raises:
        ValueError: the text is not a badges.json at all.
    """
    try:
        # Numbers are bounded as they are read: one huge one costs its entry only.
        document = json.loads(
            text, parse_int=_small_int, parse_float=_no_number, parse_constant=_no_number
        )
    except RecursionError:
        raise ValueError("nested too deeply (expected a badges.json)") from None
    if not isinstance(document, dict) or document.get("version") != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} badges.json")
    rooms = document.get("rooms")
    if not isinstance(rooms, dict):
        raise ValueError("badges.json has no rooms")
    states: dict[str, RoomState] = {}
    ignored: list[str] = []
    for jid, entry in rooms.items():
        state, problem = _parse_room(jid, entry, now)
        if state is not None:
            states[state.jid] = state
        if problem:
            ignored.append(f"{_shown_key(jid)}: {problem}")
    return Record(states, tuple(ignored))


def _parse_room(jid: str, entry: object, now: datetime) -> tuple[RoomState | None, str]:
    """An entry's state (None when unusable) and what was wrong with it, if anything."""
    if len(jid) > MAX_JID_LENGTH:
        return None, "not a room JID"
    if not isinstance(entry, dict):
        return None, "not an object"
    status = entry.get("status")
    if status not in STATUSES:
        return None, "status is not counted, stale or unknown"
    occupants = entry.get("occupants")
    if not (occupants is None or credible_occupants(occupants)):
        return None, f"occupants is not a whole number from 0 to {MAX_OCCUPANTS}"
    counted_at, problem = _parse_timestamp(entry.get("counted_at")), ""
    if counted_at is not None and counted_at > now + CLOCK_SKEW:
        counted_at, problem = None, "counted_at is in the future; its count is not used"
    name = entry.get("name")
    name = clean_name(name) if isinstance(name, str) else None
    webchat = entry.get("webchat")
    webchat = https_url(webchat) if isinstance(webchat, str) else None
    return RoomState(jid, status, occupants, counted_at, name=name, webchat=webchat), problem


class _Unusable:
    """What a JSON number that cannot be a count or a version is read as."""


_UNUSABLE = _Unusable()


def _small_int(text: str) -> int | _Unusable:
    """A JSON integer of sensible size (int() would refuse 4,300 digits anyway)."""
    return int(text) if len(text) <= 18 else _UNUSABLE


def _no_number(_text: str) -> _Unusable:
    """Fractions, NaN and Infinity are never a count or a version."""
    return _UNUSABLE


def _shown_key(jid: str) -> str:
    """A record's key as a warning may show it: plain and short."""
    shown = clean_name(jid) or "(empty)"
    return shown if len(shown) <= 80 else shown[:79] + "…"


def timestamp(moment: datetime | None) -> str | None:
    """A time as badges.json and --json write it (UTC, to the second), or None."""
    return moment.astimezone(UTC).strftime(TIMESTAMP) if moment else None


def _parse_timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
