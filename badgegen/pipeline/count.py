"""A refresh's counting: what the counter is asked, and each room's result from its answer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from badgegen.config import Config, Discover, Room
from badgegen.config.login import Login
from badgegen.core.counting import Counted, Counter, CountRequest
from badgegen.core.counts import Problem
from badgegen.core.discovery import DiscoveryPlan, entered, left
from badgegen.core.results import RoomResult, settle, unlisted
from badgegen.core.state import RoomState
from badgegen.pipeline.avatars import Drawn, drawn_photos
from badgegen.pipeline.output import Output
from badgegen.record import Previous
from badgegen.render.avatar import available as avatar_support


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
    early: Callable[[CountedRun], None] | None = None,
) -> CountedRun:
    """Ask the counter for every room (and the services to list), then settle each room.

    Args:
        config: the rooms and the `discover:` entries.
        login: the account to count with.
        counter: what counts.
        previous: the last run's record.
        output: the time of the run, and its deadline.
        reserved: seconds before the deadline kept for the rest of the run.
        early: given the results once, while a slow listing goes on, if one does (a
            listing not ended counts as failed: no room enters or leaves by it).
    """
    plan = None
    if config.discover:
        plan = DiscoveryPlan.of(config.discover, previous.states, config.rooms)
    avatars = {jid: state.avatar.hash for jid, state in previous.states.items() if state.avatar}
    request = CountRequest(
        config.rooms, plan, output.deadline_at - reserved, reserved, avatars=avatars
    )

    drawn: Drawn = {}

    def settled(counted: Counted) -> CountedRun:
        counts = drawn_photos(counted.counts, output.left(), drawn)
        return _settled(request, replace(counted, counts=counts), config, previous, output.now)

    if early is not None and plan is not None:
        publish = early
        request = replace(request, early=lambda counted: publish(settled(counted)))
    return settled(counter(login, request))


def _settled(
    request: CountRequest, counted: Counted, config: Config, previous: Previous, now: datetime
) -> CountedRun:
    """Each room's result from what the counter found."""
    states = previous.states
    results = settle(counted.rooms(request), counted.counts, states, now, config.stale_after)
    if request.plan is not None:
        results = placed(results, config, states, counted.found.over_limit)
    return CountedRun(results, counted.found.warnings + _avatar_warnings(counted))


def _avatar_warnings(counted: Counted) -> tuple[str, ...]:
    """One warning when photos were fetched and could not be drawn for want of Pillow."""
    photos = (count.photo for count in counted.counts if count.photo)
    fetched = sum(1 for photo in photos if photo.png is None and not photo.problem)
    if not fetched or avatar_support():
        return ()
    return (
        f"{fetched} rooms have new avatars, not shown: Pillow cannot be imported"
        " (reinstall badgegen, or `pip install pillow` where it runs)",
    )


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
