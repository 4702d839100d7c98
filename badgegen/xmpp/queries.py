"""One run's room queries: what is in flight, what has ended, what is settled."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from slixmpp import ClientXMPP

from badgegen.config import Discover, Room
from badgegen.core.connection import Connection
from badgegen.core.counts import Count, Problem
from badgegen.core.discovery import Listing
from badgegen.xmpp.disco import DiscoQueries
from badgegen.xmpp.join import count_by_joining
from badgegen.xmpp.pacing import Job, Pacer
from badgegen.xmpp.photos import PhotoFetching

log = logging.getLogger(__name__)

# Called with (rooms done, rooms in all) as each room is settled.
Progress = Callable[[int, int], None]
PHOTO_FETCHED: Literal["photo"] = "photo"  # what a photo's fetch puts on Counting.ended


@dataclass(frozen=True, slots=True)
class Listed:
    """A listing that ended, for the counting loop."""

    entry: Discover
    listing: Listing


class Counting:
    """One run's queries: what is in flight, what has ended, what is settled."""

    def __init__(
        self,
        client: ClientXMPP,
        options: Connection,
        progress: Progress | None,
        avatars: Mapping[str, str] | None = None,
    ) -> None:
        self.client, self.progress = client, progress
        self.rooms: list[Room] = []
        self.numbers: dict[str, int] = {}  # each room's place in rooms, by JID
        self.timeout = options.timeout
        self.pacer = Pacer(options.concurrency, options.timeout)
        self.queries = DiscoQueries(client, self._late_reply)
        self.settled: dict[int, Count] = {}
        self.ended: asyncio.Queue[tuple[Job, Count] | Listed | Literal["photo"] | None] = (
            asyncio.Queue()
        )
        self.running: set[asyncio.Task[None]] = set()
        self.lost: list[Any] = []
        # Avatars whose hash is new to the record (avatars: the hash it holds per room).
        self.photos = PhotoFetching(
            client, avatars or {}, self.timeout, lambda: self.ended.put_nowait(PHOTO_FETCHED)
        )

    @property
    def fetching(self) -> set[asyncio.Task[None]]:
        """The photos' fetches in flight."""
        return self.photos.in_flight

    @property
    def unsettled(self) -> bool:
        """Whether some room still waits for its result."""
        return len(self.settled) < len(self.rooms)

    def add(self, rooms: Iterable[Room]) -> None:
        """Count rooms too, each as asked (the same JID twice is asked twice)."""
        new = list(rooms)
        first = len(self.rooms)
        for number, room in enumerate(new, first):
            self.numbers.setdefault(room.jid, number)
        self.rooms += new
        self._record(self.pacer.add(new, first))

    def add_new(self, rooms: Iterable[Room]) -> None:
        """Count the rooms not asked yet (a room a listing adds may be counted already)."""
        self.add(room for room in dict.fromkeys(rooms) if room.jid not in self.numbers)

    def on_disconnected(self, reason: Any) -> None:
        """The connection dropping ends the wait for replies at once."""
        self.lost.append(reason)
        self.ended.put_nowait(None)

    def start_what_pacing_allows(self) -> None:
        """Send every query the pacer lets go now."""
        while (job := self.pacer.next_job()) is not None:
            task = asyncio.create_task(self._ask(job))
            self.running.add(task)
            task.add_done_callback(self.running.discard)

    def _late_reply(self, room: str) -> None:
        self.pacer.late_reply(room, time.monotonic())

    async def _ask(self, job: Job) -> None:
        self.ended.put_nowait((job, await count_room(self.client, self.queries, job, self.timeout)))

    def settle(self, job: Job, count: Count, *, may_retry: bool) -> None:
        """Hand an ended query to the pacer; record the rooms it settles."""
        settled_now = self.pacer.settle(job, count, time.monotonic(), may_retry)
        if not settled_now:
            log.debug("%s: timed out; asking once more", job.room.jid)
        self._record(settled_now)

    def _record(self, settled_now: list[tuple[int, Count]]) -> None:
        for index, settled in settled_now:
            self.settled[index] = settled
            log.debug("%s: %s", self.rooms[index].jid, settled.describe())
            self.photos.fetch_if_new(settled)
            if self.progress:
                self.progress(len(self.settled), len(self.rooms))

    def photos_until(self, now: float, listing: bool) -> float:
        """Until when the counting waits for photos: one --timeout once every room is
        settled and every listing ended (photos that never come cost no more), else on."""
        if not self.unsettled and not listing:
            return self.photos.wait_until(now)
        return math.inf

    async def cancel_queries(self) -> None:
        """Stop every query still in flight."""
        for task in self.running:
            task.cancel()
        await asyncio.gather(*self.running, self.photos.cancel(), return_exceptions=True)

    def counts(self, first: int, found: Iterable[Room]) -> tuple[Count, ...]:
        """The first rooms added's counts, in their order, then those of the rooms found (by
        JID); unsettled rooms say why (deadline, connection lost)."""
        asked = [(number, self.rooms[number].jid) for number in range(first)]
        asked += [(self.numbers.get(room.jid, -1), room.jid) for room in found]
        return tuple(self._count(number, jid) for number, jid in asked)

    def _count(self, number: int, jid: str) -> Count:
        if number in self.settled:
            count = self.settled[number]
            photo = self.photos.fetched.get(jid)
            return count if photo is None else replace(count, photo=photo)
        problem = Problem.CONNECTION_LOST if self.lost else Problem.TIMEOUT
        detail = "run deadline reached" if problem is Problem.TIMEOUT else ""
        return Count(jid, None, problem, detail)


async def count_room(client: ClientXMPP, queries: DiscoQueries, job: Job, timeout: float) -> Count:
    """One room's count; whatever goes wrong while handling it costs that room only."""
    room = job.room
    try:
        if room.method == "join":
            return await count_by_joining(client, room.jid, timeout)
        return await queries.count(room.jid, timeout, resend=job.resend)
    except Exception as exc:  # a hostile reply must not stop the other workers
        log.warning("%s: unexpected error while counting: %s", room.jid, type(exc).__name__)
        log.debug("%s: the error in full", room.jid, exc_info=True)
        return Count(room.jid, None, Problem.ERROR, f"unexpected {type(exc).__name__}")
