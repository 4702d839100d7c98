"""One room's way through a refresh: its config, this run's count, what it shows, its badge."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.state import RoomState, resolve_state
from badgegen.render import Badge
from badgegen.view.badges import badge_for, unlisted_badge


@dataclass(frozen=True, slots=True)
class RoomResult:
    """Everything a run knows of one room, from counting to writing.

    The badge is computed once here and serves the SVG, the endpoint JSON,
    index.html and the run's report alike.
    """

    room: Room
    count: Count  # this run's count, or the problem (an enum until the JSON edge)
    state: RoomState  # what the badge shows: the count, a stale one, or unknown
    badge: Badge

    @property
    def counted(self) -> bool:
        """Whether the room got a count this run."""
        return self.count.counted

    @property
    def asked(self) -> bool:
        """Whether the room was asked this run (a room its service no longer lists is not)."""
        return self.count.problem is not Problem.UNLISTED


def settle(
    rooms: Iterable[Room],
    counts: Iterable[Count],
    previous: Mapping[str, RoomState],
    now: datetime,
    stale_after: timedelta,
) -> tuple[RoomResult, ...]:
    """Each room's result: the one place where the rooms meet the counter's answers.

    Args:
        rooms: the rooms, in the order the counter answered.
        counts: one count per room.
        previous: the last run's record by room JID.
        now: the time of this run (UTC).
        stale_after: how long a last good count may stand in for a failed one.
    """
    results = []
    for room, count in zip(rooms, counts, strict=True):
        state = resolve_state(count, previous.get(room.jid), now, stale_after)
        results.append(RoomResult(room, count, state, badge_for(room, state)))
    return tuple(results)


def unlisted(room: Room, before: RoomState) -> RoomResult:
    """The result of a discovered room that has left its service's list: not asked, its
    files kept with a badge that says so."""
    state = RoomState(
        room.jid, "unlisted", None, before.counted_at, before.name, before.webchat,
        before.description, before.language, room.service or before.service,
    )  # fmt: skip
    count = Count(room.jid, None, Problem.UNLISTED)
    return RoomResult(room, count, state, unlisted_badge(room, state))
