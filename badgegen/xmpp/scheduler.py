"""The scheduler: one session, every room asked, paced per remote domain (see pacing)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from slixmpp import ClientXMPP

from badgegen.counts import Count, Problem
from badgegen.errors import Interrupted, XmppError
from badgegen.xmpp.disco import DiscoQueries
from badgegen.xmpp.join import count_by_joining
from badgegen.xmpp.pacing import Job, Pacer
from badgegen.xmpp.session import ConnectOptions, close, make_client, start_session
from badgegen.xmpp.waits import within

# Types only: config and login parse JIDs with badgegen.xmpp.jids, below this package.
if TYPE_CHECKING:
    from badgegen.config import Room
    from badgegen.login import Login

log = logging.getLogger(__name__)


T = TypeVar("T")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# Called with (rooms done, rooms in all) as each room is settled.
Progress = Callable[[int, int], None]


def fetch_counts(
    login: Login, rooms: Iterable[Room], options: ConnectOptions, progress: Progress | None = None
) -> tuple[Count, ...]:
    """Log in once and count every room's occupants.

    Args:
        login: the account to log in with.
        rooms: the rooms to count.
        options: connection settings and time limits.
        progress: told how many rooms are done, as each is.

    Returns:
        One Count per room, in the order given.

    Raises:
        XmppError: the connection, TLS or login failed; nothing was counted.
    """
    return asyncio.run(_interruptible(_fetch_counts(login, tuple(rooms), options, progress)))


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


async def _fetch_counts(
    login: Login, rooms: tuple[Room, ...], options: ConnectOptions, progress: Progress | None
) -> tuple[Count, ...]:
    deadline_at = time.monotonic() + options.deadline
    client = make_client(login, options)
    try:
        await start_session(client, login, options, deadline_at)
        if time.monotonic() >= deadline_at:
            # Logged in at the last moment: no room was asked, so none may change.
            raise XmppError(
                f"logged in only when the run's {options.deadline:g} s deadline was reached"
            )
        results = await _count_rooms(client, rooms, options, deadline_at, progress)
    finally:
        client.cancel_connection_attempt()
        await close(client)
    return results


async def _count_rooms(
    client: ClientXMPP,
    rooms: tuple[Room, ...],
    options: ConnectOptions,
    deadline_at: float,
    progress: Progress | None,
) -> tuple[Count, ...]:
    """Ask every room, paced per domain (see pacing), until all are settled or the deadline."""
    pacer = Pacer.of(rooms, options.concurrency, options.timeout)
    queries = DiscoQueries(client, lambda room: pacer.late_reply(room, time.monotonic()))
    results: dict[int, Count] = {}
    ended: asyncio.Queue[tuple[Job, Count] | None] = asyncio.Queue()
    running: set[asyncio.Task[None]] = set()
    # The connection dropping ends the wait for replies at once.
    lost: list[Any] = []

    def on_disconnected(reason: Any) -> None:
        lost.append(reason)
        ended.put_nowait(None)

    async def ask(job: Job) -> None:
        ended.put_nowait((job, await _count_room(client, queries, job, options.timeout)))

    client.add_event_handler("disconnected", on_disconnected)
    try:
        while len(results) < len(rooms) and not lost:
            while (job := pacer.next_job()) is not None:
                task = asyncio.create_task(ask(job))
                running.add(task)
                task.add_done_callback(running.discard)
            remaining = deadline_at - time.monotonic()
            if remaining <= 0 or pacer.in_flight == 0:
                break
            try:
                ending = await within(remaining, ended.get())
            except TimeoutError:
                break
            if ending is None:
                break
            job, count = ending
            now = time.monotonic()
            may_retry = now + options.timeout < deadline_at
            settled_now = pacer.settle(job, count, now, may_retry)
            if not settled_now:
                log.debug("%s: timed out; asking once more", job.room.jid)
            for index, settled in settled_now:
                results[index] = settled
                log.debug("%s: %s", rooms[index].jid, settled.describe())
                if progress:
                    progress(len(results), len(rooms))
    finally:  # also when the run itself is cancelled (SIGINT, SIGTERM)
        client.del_event_handler("disconnected", on_disconnected)
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
    problem = Problem.CONNECTION_LOST if lost else Problem.TIMEOUT
    unfinished = [Count(room.jid, None, problem, _unfinished(problem)) for room in rooms]
    return tuple(results.get(index, unfinished[index]) for index in range(len(rooms)))


def _unfinished(problem: Problem) -> str:
    return "run deadline reached" if problem is Problem.TIMEOUT else ""


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
