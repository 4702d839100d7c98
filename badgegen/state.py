"""The record in badges.json: what each room shows, why, and when it was last counted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from badgegen.counts import Count

if TYPE_CHECKING:
    from badgegen.results import RoomResult

STATE_FILE = "badges.json"
STATE_VERSION = 1
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
# An unchanged count keeps its recorded time until that is this share of
# stale_after old (like relatime): a run that changes no count writes no file.
RECORD_AGAIN_AFTER = 0.25
Status = Literal["counted", "stale", "unknown"]


@dataclass(frozen=True, slots=True)
class RoomState:
    """What a room's badge shows after a run, as badges.json records it.

    occupants is the count shown: this run's, or while stale the last good
    one; None when the badge says unknown. counted_at is when the room was
    last counted successfully. name and webchat are the room's own, from this
    run or, when it did not say, from the record. Why a room has no count this
    run is its Count's problem, not part of the state.
    """

    room: str
    status: Status
    occupants: int | None
    counted_at: datetime | None = None
    name: str | None = None
    webchat: str | None = None


def resolve_state(
    count: Count, before: RoomState | None, now: datetime, stale_after: timedelta
) -> RoomState:
    """Decide what a room shows: its new count, its last good one, or unknown.

    Args:
        count: this run's result for the room.
        before: the room's entry in the last run's record, if any.
        now: the time of this run (UTC).
        stale_after: how long a last good count may stand in for a failed one.

    Returns:
        The room's state. A count is never invented.
    """
    if count.occupants is not None:
        counted_at = _recorded_time(count, before, now, stale_after)
        return RoomState(
            count.room, "counted", count.occupants, counted_at, count.name, count.webchat
        )
    webchat = count.webchat or (before.webchat if before else None)
    last_good = before.counted_at if before and before.occupants is not None else None
    if before and last_good and now - last_good < stale_after:
        name = count.name or before.name
        return RoomState(count.room, "stale", before.occupants, last_good, name, webchat)
    return RoomState(count.room, "unknown", None, last_good, count.name, webchat)


def _recorded_time(
    count: Count, before: RoomState | None, now: datetime, stale_after: timedelta
) -> datetime:
    """now; or, for a count the record already holds, the record's time while it is recent."""
    if (
        before is not None
        and before.status == "counted"
        and before.occupants == count.occupants
        and before.counted_at is not None
        and timedelta(0) <= now - before.counted_at < stale_after * RECORD_AGAIN_AFTER
    ):
        return before.counted_at
    return now


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
        "counted_at": _timestamp(state.counted_at),
        "problem": count.problem.name.lower() if count.problem else None,
        "detail": count.detail,
        "name": state.name,
        "webchat": state.webchat,
        "files": [result.room.svg_name, result.room.json_name],
    }


def parse_state(text: str) -> dict[str, RoomState]:
    """Read a badges.json written by this or an earlier run.

    Args:
        text: the file's content.

    Returns:
        The states by room JID; entries that do not make sense are left out.

    Raises:
        ValueError: the text is not a badges.json at all.
    """
    document = json.loads(text)
    if not isinstance(document, dict) or document.get("version") != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} badges.json")
    rooms = document.get("rooms")
    if not isinstance(rooms, dict):
        raise ValueError("badges.json has no rooms")
    states = (_parse_room(jid, entry) for jid, entry in rooms.items())
    return {state.room: state for state in states if state}


def _parse_room(jid: object, entry: object) -> RoomState | None:
    if not isinstance(jid, str) or not isinstance(entry, dict):
        return None
    occupants = entry.get("occupants")
    if not (occupants is None or (isinstance(occupants, int) and occupants >= 0)):
        return None
    counted_at = _parse_timestamp(entry.get("counted_at"))
    status = entry.get("status")
    if status not in ("counted", "stale", "unknown"):  # also narrows to Status
        return None
    name = entry.get("name") if isinstance(entry.get("name"), str) else None
    webchat = entry.get("webchat")
    if not (isinstance(webchat, str) and webchat.startswith(("https://", "http://"))):
        webchat = None
    return RoomState(jid, status, occupants, counted_at, name=name, webchat=webchat)


def _timestamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime(TIMESTAMP) if moment else None


def _parse_timestamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def describe_age(counted_at: datetime) -> str:
    """ "2026-11-25 12:00 UTC": when a stale count was taken, for titles and summaries."""
    return counted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
