"""A refresh's counting: what the counter is asked, and each room's result from its answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from badgegen.config import Config, Discover
from badgegen.config.login import Login
from badgegen.core.counting import Counter, CountRequest
from badgegen.core.discovery import DiscoveryPlan, entered, left
from badgegen.core.results import RoomResult, settle, unlisted
from badgegen.core.state import RoomState
from badgegen.record import Previous


@dataclass(frozen=True, slots=True)
class CountedRun:
    """Every room's result, as the run writes them, and what the listings warned of."""

    results: tuple[RoomResult, ...]
    warnings: tuple[str, ...] = ()


def count_rooms(
    config: Config,
    login: Login,
    counter: Counter,
    previous: Previous,
    now: datetime,
    until: float,
) -> CountedRun:
    """Ask the counter for every room (and the services to list), then settle each room.

    Args:
        config: the rooms and the `discover:` entries.
        login: the account to count with.
        counter: what counts.
        previous: the last run's record.
        now: the time of the run.
        until: when counting must be done (time.monotonic()).
    """
    plan = None
    if config.discover:
        plan = DiscoveryPlan.of(config.discover, previous.states, config.rooms)
    request = CountRequest(config.rooms, plan, until)
    counted = counter(login, request)
    rooms = counted.rooms(request)
    results = settle(rooms, counted.counts, previous.states, now, config.stale_after)
    if plan is not None or any(state.service for state in previous.states.values()):
        # Rooms found before keep their files even when `discover:` is gone from rooms.yaml.
        results = placed(results, config, previous.states)
    return CountedRun(results, counted.found.warnings)


def placed(
    results: Sequence[RoomResult], config: Config, previous: Mapping[str, RoomState]
) -> tuple[RoomResult, ...]:
    """The results to write: rooms.yaml's, the discovered rooms that are in, those that left.

    A discovered room enters and stays as badgegen.core.discovery.entered says;
    one that was in and is no longer (or had left before) is written as unlisted.
    """
    entries: dict[str, Discover] = {entry.service: entry for entry in config.discover}
    kept: list[RoomResult] = []
    for result in results:
        room = result.room
        before = previous.get(room.jid)
        if not room.service or entered(room, result.count, before, entries.get(room.service)):
            kept.append(result)
        elif before is not None:  # it was on the page (found, or in rooms.yaml): files stay
            kept.append(unlisted(room, before))
    still = frozenset(result.room.jid for result in kept)
    gone = left(config.discover, config.default_room, previous, still)
    return (*kept, *(unlisted(room, before) for room, before in gone))
