"""The room avatars one run fetches, beside the counting: only those whose hash is new to
the record, at most MAX_PHOTOS a run and PHOTOS_AT_ONCE at a time, waited for one
--timeout once every room is settled (photos that never come cost no more)."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Mapping

from slixmpp import ClientXMPP

from badgegen.core.counts import Count, Photo
from badgegen.xmpp.vcard import MAX_PHOTOS, fetch_photo

log = logging.getLogger(__name__)

PHOTOS_AT_ONCE = 8  # photos fetched at the same time (they are asked beside the pacing)


class PhotoFetching:
    """One run's avatar fetches: what is asked, in flight and fetched."""

    def __init__(
        self,
        client: ClientXMPP,
        held: Mapping[str, str],
        timeout: float,
        on_fetched: Callable[[], None],
    ) -> None:
        """
        Args:
            client: the logged-in session.
            held: the avatar hash the record holds, by room JID.
            timeout: seconds to wait for each reply, and for the last ones once the
                rooms are settled.
            on_fetched: called as each fetch ends (to wake the counting loop).
        """
        self.client, self.held, self.timeout = client, held, timeout
        self.on_fetched = on_fetched
        self.fetched: dict[str, Photo] = {}
        self.asked: set[str] = set()
        self.in_flight: set[asyncio.Task[None]] = set()
        self.slots = asyncio.Semaphore(PHOTOS_AT_ONCE)
        self.end = math.inf

    def fetch_if_new(self, count: Count) -> None:
        """Fetch the room's photo if it announces a hash the record does not hold, within
        MAX_PHOTOS a run; the counting goes on meanwhile."""
        wanted, jid = count.avatar_hash, count.jid
        if not wanted or self.held.get(jid) == wanted or jid in self.asked:
            return
        if len(self.asked) >= MAX_PHOTOS:
            return
        self.asked.add(jid)
        task = asyncio.create_task(self._fetch(jid, wanted))
        self.in_flight.add(task)
        task.add_done_callback(self._ended)

    def wait_until(self, now: float) -> float:
        """Until when to wait for the photos in flight, once every room is settled: one
        timeout after the first time this is asked."""
        self.end = min(self.end, now + self.timeout)
        return self.end

    def _ended(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self.on_fetched()

    async def _fetch(self, jid: str, wanted: str) -> None:
        try:
            async with self.slots:
                photo = await fetch_photo(self.client, jid, wanted, self.timeout)
        except Exception as exc:  # a hostile reply costs this photo only
            log.debug("%s: the avatar's fetch failed: %s", jid, type(exc).__name__)
            photo = None
        if photo is not None:
            self.fetched[jid] = photo
            log.debug("%s: avatar %s", jid, photo.problem or f"{len(photo.data or b'')} bytes")

    async def cancel(self) -> None:
        """Stop every fetch still in flight."""
        for task in self.in_flight:
            task.cancel()
        await asyncio.gather(*self.in_flight, return_exceptions=True)
