"""The scheduler: one session, every room asked, paced per remote domain (see pacing)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import ssl
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from slixmpp import ClientXMPP

from badgegen.config import Discover
from badgegen.config.login import Login
from badgegen.core.connection import Connection
from badgegen.core.counting import Counted, Counter, CountRequest
from badgegen.core.discovery import DiscoveryPlan, Listing
from badgegen.errors import Interrupted, XmppError
from badgegen.xmpp.early import EarlyPublication
from badgegen.xmpp.listing import list_rooms, listing_until
from badgegen.xmpp.queries import Counting, Listed, Progress
from badgegen.xmpp.session import close, make_client, start_session
from badgegen.xmpp.tls import verified_context
from badgegen.xmpp.unsolicited import Unsolicited
from badgegen.xmpp.waits import within

log = logging.getLogger(__name__)


T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Why a listing not ended counts as failed at the end of the run (early.py: before its end).
LATE = "no whole listing before the run's deadline"


def xmpp_counter(
    connection: Connection,
    progress: Progress | None = None,
    tls: Callable[[], ssl.SSLContext] = verified_context,
) -> Counter:
    """The counter a run uses by default: one XMPP session with these settings.

    Args:
        connection: where to connect and how long each wait may take.
        progress: told (rooms done, rooms in all) as each room is settled.
        tls: gives the session's TLS context (tls.verified_context_ahead().take: one
            begun before slixmpp's import).
    """

    def count(login: Login, request: CountRequest, /) -> Counted:
        return count_rooms(login, request, connection, progress, tls)

    return count


def count_rooms(
    login: Login,
    request: CountRequest,
    connection: Connection,
    progress: Progress | None = None,
    tls: Callable[[], ssl.SSLContext] = verified_context,
) -> Counted:
    """Log in once, list the plan's services, count every room: the request's and those the
    plan chooses from each listing, in the same session.

    Args:
        login: the account to log in with.
        request: the rooms, the services to list, and when counting must end at the
            latest (if before connection.deadline from now: the rest of the run needs
            its time too).
        connection: where to connect and the time limits.
        progress: told how many rooms are done, as each is.
        tls: gives the TLS context to verify the server with.

    Returns:
        A count per room, the request's rooms first, then the ones found.

    Raises:
        XmppError: the connection, TLS or login failed; nothing was counted.
    """
    deadline_at = min(time.monotonic() + connection.deadline, request.until)
    counting = _count_all(login, request, connection, progress, deadline_at, tls())
    return asyncio.run(_interruptible(counting))


async def _interruptible(work: Coroutine[Any, Any, T]) -> T:
    """Run work; SIGINT or SIGTERM cancels it (closing the connection) and raises Interrupted."""
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    received: list[int] = []

    def stop(signum: int) -> None:
        received.append(signum)
        if task is not None:
            task.cancel()

    previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):  # not main thread
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, stop, signum)
    try:
        return await work
    except asyncio.CancelledError:
        if received:
            raise Interrupted(received[0]) from None
        raise
    finally:
        for signum, handler in previous.items():
            if loop.remove_signal_handler(signum):
                signal.signal(signum, handler)


async def _count_all(
    login: Login,
    request: CountRequest,
    options: Connection,
    progress: Progress | None,
    deadline_at: float,
    context: ssl.SSLContext,
) -> Counted:
    plan = request.plan
    templates = [entry.template for entry in plan.entries] if plan else []
    joining = any(room.method == "join" for room in (*request.rooms, *templates))
    client = make_client(login, options, context, joining=joining)
    unsolicited = Unsolicited(client, str(client.boundjid.domain))
    try:
        await start_session(client, login, options, deadline_at, request.out_of_time())
        if time.monotonic() >= deadline_at:
            # Logged in at the last moment: no room was asked, so none may change.
            raise XmppError(f"logged in only when {request.out_of_time()}; no room was asked")
        counting = Counting(client, options, progress, request.avatars)
        counting.add(request.rooms)
        listings = _Listings(client, plan, counting, options.timeout, deadline_at)
        early = EarlyPublication(request, counting, listings, options.timeout, deadline_at)
        await _count_rooms(client, counting, listings, options, deadline_at, early)
    finally:
        client.cancel_connection_attempt()
        await close(client)
        unsolicited.report()
    return listings.counted(request, counting)


async def _count_rooms(
    client: ClientXMPP,
    counting: Counting,
    listings: _Listings,
    options: Connection,
    deadline_at: float,
    early: EarlyPublication,
) -> None:
    """Ask every room, paced per domain (see pacing), and the rooms each listing adds as it
    ends, until all are settled or the deadline; a slow listing's wait publishes the rest."""
    client.add_event_handler("disconnected", counting.on_disconnected)
    try:
        while (counting.unsettled or listings.pending or counting.fetching) and not counting.lost:
            counting.start_what_pacing_allows()
            now = time.monotonic()
            remaining = min(deadline_at, counting.photos_until(now, listings.pending)) - now
            waiting = listings.pending or counting.fetching
            if remaining <= 0 or (counting.pacer.in_flight == 0 and not waiting):
                break
            try:
                ending = await within(early.wait(remaining), counting.ended.get())
            except TimeoutError:
                if time.monotonic() < deadline_at:  # the wait for a slow listing
                    early.publish_if_due()
                    continue
                break
            if ending is None:  # the connection dropped
                break
            if isinstance(ending, Listed):
                listings.take(ending)
            elif isinstance(ending, tuple):  # not a photo fetched: that settles nothing
                may_retry = time.monotonic() + options.timeout < deadline_at
                counting.settle(*ending, may_retry=may_retry)
            early.publish_if_due()
    finally:  # also when the run itself is cancelled (SIGINT, SIGTERM)
        client.del_event_handler("disconnected", counting.on_disconnected)
        await listings.cancel()
        await counting.cancel_queries()
        await early.finished()


class _Listings:
    """The plan's listings, each under way beside the counting: the rooms on the page before
    are counted at once, a listing's new rooms as soon as it ends."""

    def __init__(
        self,
        client: ClientXMPP,
        plan: DiscoveryPlan | None,
        counting: Counting,
        timeout: float,
        deadline_at: float,
    ) -> None:
        self.plan, self.counting = plan, counting
        self.done: dict[str, Listing] = {}
        self.running: set[asyncio.Task[None]] = set()
        if plan is None:
            return
        until = listing_until(deadline_at)
        for entry in plan.entries:
            counting.add_new(plan.early(entry))
            listing = list_rooms(client, entry, plan.on_page(entry), plan.skip, timeout, until)
            task = asyncio.create_task(self._list(entry, listing))
            self.running.add(task)
            task.add_done_callback(self.running.discard)

    @property
    def pending(self) -> bool:
        """Whether some listing has not ended yet."""
        return self.plan is not None and len(self.done) < len(self.plan.entries)

    async def _list(self, entry: Discover, listing: Coroutine[Any, Any, Listing]) -> None:
        try:
            listed = await listing
        except Exception as exc:  # a hostile reply must cost its own listing only
            log.debug("%s: the listing's error in full", entry.service, exc_info=True)
            listed = Listing(entry.service, (), f"unexpected {type(exc).__name__}")
        self.counting.ended.put_nowait(Listed(entry, listed))

    def take(self, listed: Listed) -> None:
        """A listing ended: count the rooms it adds."""
        assert self.plan is not None
        self.done[listed.entry.service] = listed.listing
        self.counting.add_new(self.plan.choose(listed.entry, listed.listing).rooms)

    async def cancel(self) -> None:
        """Stop every listing still under way."""
        for task in self.running:
            task.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)

    def under_way(self) -> list[str]:
        """The services whose listing has not ended."""
        entries = self.plan.entries if self.plan else ()
        return [entry.service for entry in entries if entry.service not in self.done]

    def counted(self, request: CountRequest, counting: Counting, late: str = LATE) -> Counted:
        """The request's rooms and those found, with their counts; a listing that has not
        ended (by the deadline, or yet) is one that failed, for the reason late."""
        first = len(request.rooms)  # added first, as asked
        if self.plan is None:
            return Counted(counting.counts(first, ()))
        listings = tuple(
            self.done.get(entry.service) or Listing(entry.service, (), late)
            for entry in self.plan.entries
        )
        found = self.plan.choose_all(listings)
        return Counted(counting.counts(first, found.rooms), found, listings)
