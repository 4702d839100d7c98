"""The scheduler: one session, every room asked, paced per remote domain (see pacing)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from slixmpp import ClientXMPP

from badgegen.config import Room
from badgegen.config.login import Login
from badgegen.core.connection import Connection
from badgegen.core.counting import Counted, Counter, CountRequest
from badgegen.core.counts import Count, Problem
from badgegen.core.discovery import Found, Listing
from badgegen.errors import Interrupted, XmppError
from badgegen.xmpp.disco import DiscoQueries
from badgegen.xmpp.join import count_by_joining
from badgegen.xmpp.listing import list_services
from badgegen.xmpp.pacing import Job, Pacer
from badgegen.xmpp.session import close, make_client, start_session
from badgegen.xmpp.unsolicited import Unsolicited
from badgegen.xmpp.waits import within

log = logging.getLogger(__name__)


T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Called with (rooms done, rooms in all) as each room is settled.
Progress = Callable[[int, int], None]


def xmpp_counter(connection: Connection, progress: Progress | None = None) -> Counter:
    """The counter a run uses by default: one XMPP session with these settings.

    Args:
        connection: where to connect and how long each wait may take.
        progress: told (rooms done, rooms in all) as each room is settled.
    """

    def count(login: Login, request: CountRequest, /) -> Counted:
        return count_rooms(login, request, connection, progress)

    return count


def count_rooms(
    login: Login,
    request: CountRequest,
    connection: Connection,
    progress: Progress | None = None,
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

    Returns:
        A count per room, the request's rooms first, then the ones found.

    Raises:
        XmppError: the connection, TLS or login failed; nothing was counted.
    """
    deadline_at = min(time.monotonic() + connection.deadline, request.until)
    counting = _count_all(login, request, connection, progress, deadline_at)
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
) -> Counted:
    plan = request.plan
    templates = [entry.template for entry in plan.entries] if plan else []
    joining = any(room.method == "join" for room in (*request.rooms, *templates))
    client = make_client(login, options, joining=joining)
    unsolicited = Unsolicited(client, str(client.boundjid.domain))
    try:
        await start_session(client, login, options, deadline_at)
        if time.monotonic() >= deadline_at:
            # Logged in at the last moment: no room was asked, so none may change.
            raise XmppError("logged in only when the run's deadline was reached (see --deadline)")
        listings: tuple[Listing, ...] = ()
        found = Found()
        if plan is not None:
            listings = await list_services(client, plan, options.timeout, deadline_at)
            found = plan.choose_all(listings)
        rooms = (*request.rooms, *found.rooms)
        counts = await _count_rooms(client, rooms, options, deadline_at, progress)
    finally:
        client.cancel_connection_attempt()
        await close(client)
        unsolicited.report()
    return Counted(counts, found, listings)


async def _count_rooms(
    client: ClientXMPP,
    rooms: tuple[Room, ...],
    options: Connection,
    deadline_at: float,
    progress: Progress | None,
) -> tuple[Count, ...]:
    """Ask every room, paced per domain (see pacing), until all are settled or the deadline."""
    counting = _Counting(client, rooms, options, progress)
    client.add_event_handler("disconnected", counting.on_disconnected)
    try:
        while counting.unsettled and not counting.lost:
            counting.start_what_pacing_allows()
            remaining = deadline_at - time.monotonic()
            if remaining <= 0 or counting.pacer.in_flight == 0:
                break
            try:
                ending = await within(remaining, counting.ended.get())
            except TimeoutError:
                break
            if ending is None:  # the connection dropped
                break
            counting.settle(*ending, may_retry=time.monotonic() + options.timeout < deadline_at)
    finally:  # also when the run itself is cancelled (SIGINT, SIGTERM)
        client.del_event_handler("disconnected", counting.on_disconnected)
        await counting.cancel_queries()
    return counting.results()


class _Counting:
    """One run's queries: what is in flight, what has ended, what is settled."""

    def __init__(
        self,
        client: ClientXMPP,
        rooms: tuple[Room, ...],
        options: Connection,
        progress: Progress | None,
    ) -> None:
        self.client, self.rooms, self.progress = client, rooms, progress
        self.timeout = options.timeout
        self.pacer = Pacer.of(rooms, options.concurrency, options.timeout)
        self.queries = DiscoQueries(client, self._late_reply)
        self.settled: dict[int, Count] = {}
        self.ended: asyncio.Queue[tuple[Job, Count] | None] = asyncio.Queue()
        self.running: set[asyncio.Task[None]] = set()
        self.lost: list[Any] = []

    @property
    def unsettled(self) -> bool:
        """Whether some room still waits for its result."""
        return len(self.settled) < len(self.rooms)

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
        self.ended.put_nowait(
            (job, await _count_room(self.client, self.queries, job, self.timeout))
        )

    def settle(self, job: Job, count: Count, *, may_retry: bool) -> None:
        """Hand an ended query to the pacer; record the rooms it settles."""
        settled_now = self.pacer.settle(job, count, time.monotonic(), may_retry)
        if not settled_now:
            log.debug("%s: timed out; asking once more", job.room.jid)
        for index, settled in settled_now:
            self.settled[index] = settled
            log.debug("%s: %s", self.rooms[index].jid, settled.describe())
            if self.progress:
                self.progress(len(self.settled), len(self.rooms))

    async def cancel_queries(self) -> None:
        """Stop every query still in flight."""
        for task in self.running:
            task.cancel()
        await asyncio.gather(*self.running, return_exceptions=True)

    def results(self) -> tuple[Count, ...]:
        """Every room's count, in order; unsettled rooms say why (deadline, connection lost)."""
        problem = Problem.CONNECTION_LOST if self.lost else Problem.TIMEOUT
        detail = "run deadline reached" if problem is Problem.TIMEOUT else ""
        unfinished = [Count(room.jid, None, problem, detail) for room in self.rooms]
        return tuple(self.settled.get(index, unfinished[index]) for index in range(len(self.rooms)))


async def _count_room(client: ClientXMPP, queries: DiscoQueries, job: Job, timeout: float) -> Count:
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
