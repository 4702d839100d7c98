"""Publishing early: the rooms that depend on no listing, while a slow listing goes on.

A listing still under way a --timeout into the counting, once every room
asked so far is settled, is slow. The counter then hands CountRequest.early
what it has, once (the listings not ended counted as failed, which changes
nothing), in a thread, so that the listings go on meanwhile and the files
are written while they do; the counting waits for that write before it
returns, so the run's last write always comes after it. Too close to the
deadline (less counting time left than the run keeps for its own writing),
nothing is published early.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Protocol

from badgegen.core.counting import Counted, CountRequest
from badgegen.xmpp.queries import Counting

log = logging.getLogger(__name__)

STILL_LISTING = "still listing when the rooms that depend on no listing were published"


class Listings(Protocol):
    """The listings under way beside the counting (scheduler's)."""

    @property
    def pending(self) -> bool: ...

    def under_way(self) -> list[str]: ...

    def counted(self, request: CountRequest, counting: Counting, late: str) -> Counted: ...


class EarlyPublication:
    """request.early, handed what is counted once the time has come (see the module)."""

    def __init__(
        self,
        request: CountRequest,
        counting: Counting,
        listings: Listings,
        timeout: float,
        deadline_at: float,
    ) -> None:
        self.request, self.counting, self.listings = request, counting, listings
        self.due_at, self.deadline_at = time.monotonic() + timeout, deadline_at
        self.done = request.early is None or not listings.pending
        self.writing: asyncio.Task[None] | None = None

    def _waiting_for_listings_only(self) -> bool:
        return not self.done and not self.counting.unsettled and self.listings.pending

    def wait(self, remaining: float) -> float:
        """How long the counting may wait for its next event: until publication is due."""
        if not self._waiting_for_listings_only():
            return remaining
        return min(remaining, max(0.0, self.due_at - time.monotonic()))

    def publish_if_due(self) -> None:
        """Begin handing request.early what is counted, if the time has come."""
        now = time.monotonic()
        if not self._waiting_for_listings_only() or now < self.due_at:
            return
        self.done = True
        waiting = ", ".join(self.listings.under_way())
        if self.deadline_at - now <= self.request.reserved:
            log.debug("no early publication: too close to the deadline (%s lists)", waiting)
            return
        log.debug("publishing the rooms that depend on no listing while %s lists", waiting)
        counted = self.listings.counted(self.request, self.counting, STILL_LISTING)
        self.writing = asyncio.create_task(self._publish(counted))

    async def _publish(self, counted: Counted) -> None:
        assert self.request.early is not None
        try:
            await asyncio.to_thread(self.request.early, counted)
        except Exception as exc:  # the run's own write at its end says what is wrong
            log.warning("could not publish the rooms counted so far (%s); see the run's end", exc)

    async def finished(self) -> None:
        """Wait for the early write, if one began (a thread cannot be stopped halfway)."""
        if self.writing is not None:
            await self.writing
