"""`badgegen history ROOM`: a room's occupants over time, from history.json."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.commands.refresh import DEFAULT_CONFIG, DEFAULT_OUT
from badgegen.vocabulary import TIER_NAMES

if TYPE_CHECKING:  # the command line reads HistoryRequest's defaults for --help: light imports
    from badgegen.commands.runtime import Runtime
    from badgegen.core.occupancy import History, LastCount
    from badgegen.core.state import Status

Points = tuple[tuple[datetime, int | None], ...]


@dataclass(frozen=True, slots=True)
class HistoryRequest:
    """A room's history, as asked for; the command line's defaults are these."""

    room: str  # its JID or file name
    config_path: Path = DEFAULT_CONFIG
    out_dir: Path = DEFAULT_OUT
    tier: str = TIER_NAMES[1]  # hours for the last week


@dataclass(frozen=True, slots=True)
class RoomHistory:
    """A room's series in one tier from its first count, its last count on record, and what
    else there is to say."""

    jid: str
    tier: str
    points: Points
    last: LastCount | None
    now: datetime
    status: Status | None = None  # its last refresh's, from badges.json
    warnings: tuple[str, ...] = ()
    finer: tuple[str, int, int] | None = None  # a finer tier with more counts: name, counts, step


def room_history(request: HistoryRequest, runtime: Runtime) -> RoomHistory:
    """The room's series and last count, from out_dir's history.json and badges.json.

    Raises:
        ConfigError: rooms.yaml has problems, or the room is not in it.
    """
    from badgegen.commands.rooms import choose_rooms
    from badgegen.config import load_rooms
    from badgegen.core.occupancy import last_count
    from badgegen.record import load_history, load_states

    now = runtime.now()
    config = load_rooms(request.config_path)
    states = load_states(request.out_dir, now, config)[0]
    (chosen,) = choose_rooms(config, (request.room,), states)
    history, warnings = load_history(request.out_dir, config)
    jid, state = chosen.jid, states.get(chosen.jid)
    points = _from_first_count(history.series(jid, request.tier)) if jid in history.rooms else ()
    last = last_count(history, jid, state.counted_at if state else None)
    status = state.status if state else None
    finer = _finer(history, jid, request.tier, points)
    return RoomHistory(jid, request.tier, points, last, now, status, warnings, finer)


def _from_first_count(points: list[tuple[datetime, int | None]]) -> Points:
    """The series from its first count on (the buckets before it were never counted)."""
    first = next((index for index, (_, value) in enumerate(points) if value is not None), None)
    return () if first is None else tuple(points[first:])


def _finer(history: History, jid: str, tier: str, points: Points) -> tuple[str, int, int] | None:
    """A finer tier that holds more counts than this one shows: its name, how many, its step."""
    from badgegen.core.occupancy import TIERS

    shown = sum(value is not None for _, value in points)
    for finer in TIERS:
        if finer.name == tier:
            return None
        held = sum(value is not None for value in history.values(jid, finer.name))
        if held > shown:
            return finer.name, held, finer.step
    return None
