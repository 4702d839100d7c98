"""One room's way through a refresh: its config, this run's count, and what it shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.state import RoomState, resolve_state


@dataclass(frozen=True, slots=True)
class RoomResult:
    """Everything a run learned of one room: its config, its count, what it shows."""

    room: Room
    count: Count  # this run's count, or the problem (an enum until the JSON edge)
    state: RoomState  # what the room shows: the count, a stale one, unknown or unlisted

    @property
    def counted(self) -> bool:
        """Whether the room got a count this run."""
        return self.count.counted

    @property
    def asked(self) -> bool:
        """Whether the room was asked this run (a room its service no longer lists is not)."""
        return self.count.problem is None or not self.count.problem.left_the_page


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
    return tuple(
        RoomResult(room, count, resolve_state(count, previous.get(room.jid), now, stale_after))
        for room, count in zip(rooms, counts, strict=True)
    )


def unlisted(room: Room, before: RoomState, why: Problem = Problem.UNLISTED) -> RoomResult:
    """The result of a discovered room that has left the page (why: its service lists it no
    more, or it is beyond its entry's limit): not asked, its files kept with a badge that
    says so."""
    state = RoomState(
        room.jid, "unlisted", None, before.counted_at, before.name, before.webchat,
        before.description, before.language, room.service or before.service, before.logs,
    )  # fmt: skip
    return RoomResult(room, Count(room.jid, None, why), state)
