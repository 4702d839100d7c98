"""The record in badges.json: what each room shows, why, and when it was last counted."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from badgegen.config import Room
from badgegen.counts import Count

STATE_FILE = "badges.json"
STATE_VERSION = 1
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
# An unchanged count keeps its recorded time until that is this share of
# stale_after old (like relatime): a run that changes no count writes no file.
RECORD_AGAIN_AFTER = 0.25
Status = Literal["counted", "stale", "unknown"]


@dataclass(frozen=True, slots=True)
class RoomState:
    """What a room's badge shows after a run.

    occupants is the count shown: this run's, or while stale the last good
    one; None when the badge says unknown. counted_at is when the room was
    last counted successfully.
    """

    room: str
    status: Status
    occupants: int | None
    counted_at: datetime | None = None
    problem: str | None = None
    detail: str = ""
    name: str | None = None
    webchat: str | None = None


def resolve(
    counts: Iterable[Count],
    previous: Mapping[str, RoomState],
    now: datetime,
    stale_after: timedelta,
) -> tuple[RoomState, ...]:
    """Decide what each room shows: its new count, its last good one, or unknown.

    Args:
        counts: this run's results.
        previous: the last run's record by room JID.
        now: the time of this run (UTC).
        stale_after: how long a last good count may stand in for a failed one.

    Returns:
        One state per count, in order. A count is never invented.
    """
    return tuple(
        _resolve_one(count, previous.get(count.room), now, stale_after) for count in counts
    )


def _resolve_one(
    count: Count, before: RoomState | None, now: datetime, stale_after: timedelta
) -> RoomState:
    if count.occupants is not None:
        counted_at = _recorded_time(count, before, now, stale_after)
        return RoomState(
            count.room,
            "counted",
            count.occupants,
            counted_at,
            name=count.name,
            webchat=count.webchat,
        )
    problem = count.problem.name.lower() if count.problem else None
    webchat = count.webchat or (before.webchat if before else None)
    last_good = before.counted_at if before and before.occupants is not None else None
    if before and last_good and now - last_good < stale_after:
        name = count.name or before.name
        return RoomState(
            count.room, "stale", before.occupants, last_good, problem, count.detail, name, webchat
        )
    return RoomState(
        count.room, "unknown", None, last_good, problem, count.detail, count.name, webchat
    )


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


def state_json(rooms: Iterable[Room], states: Iterable[RoomState]) -> str:
    """badges.json: each room's state and files, with sorted keys.

    Args:
        rooms: the rooms, in the order of states.
        states: what each shows.
    """
    document = {
        "version": STATE_VERSION,
        "rooms": {
            state.room: {
                "status": state.status,
                "occupants": state.occupants,
                "counted_at": _timestamp(state.counted_at),
                "problem": state.problem,
                "detail": state.detail,
                "name": state.name,
                "webchat": state.webchat,
                "files": [room.svg_name, room.json_name],
            }
            for room, state in zip(rooms, states, strict=True)
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


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
