"""A refresh's counting: what the counter is asked, and each room's result from its answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from badgegen.config import Config, Discover, Room
from badgegen.config.login import Login
from badgegen.core.counting import Counter, CountRequest
from badgegen.core.counts import Problem
from badgegen.core.discovery import DiscoveryPlan, entered, left
from badgegen.core.results import RoomResult, settle, unlisted
from badgegen.core.state import RoomState
from badgegen.pipeline.output import Output
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
    output: Output,
    reserved: float,
) -> CountedRun:
    """Ask the counter for every room (and the services to list), then settle each room.

    Args:
        config: the rooms and the `discover:` entries.
        login: the account to count with.
        counter: what counts.
        previous: the last run's record.
        output: the time of the run, and its deadline.
        reserved: seconds before the deadline kept for the rest of the run.
    """
    plan = None
    if config.discover:
        plan = DiscoveryPlan.of(config.discover, previous.states, config.rooms)
    request = CountRequest(config.rooms, plan, output.deadline_at - reserved, reserved)
    counted = counter(login, request)
    rooms = counted.rooms(request)
    results = settle(rooms, counted.counts, previous.states, output.now, config.stale_after)
    if plan is not None:
        results = placed(results, config, previous.states, counted.found.over_limit)
    return CountedRun(results, counted.found.warnings)


def placed(
    results: Sequence[RoomResult],
    config: Config,
    previous: Mapping[str, RoomState],
    over_limit: frozenset[str] = frozenset(),
) -> tuple[RoomResult, ...]:
    """The results to write: rooms.yaml's, the discovered rooms that are in, those that left.

    A discovered room enters and stays as badgegen.core.discovery.entered says;
    one that was in and is no longer (or had left before) is written as unlisted,
    or as over the limit when its service still lists it (over_limit).
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
    gone = left(config.discover, previous, still)
    return (*kept, *(_left(room, before, over_limit) for room, before in gone))


def _left(room: Room, before: RoomState, over_limit: frozenset[str]) -> RoomResult:
    why = Problem.OVER_LIMIT if room.jid in over_limit else Problem.UNLISTED
    return unlisted(room, before, why)
