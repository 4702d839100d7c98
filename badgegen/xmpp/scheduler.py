"""The scheduler: one session, every room asked with a bounded number of queries in flight."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from slixmpp import ClientXMPP

from badgegen.counts import Count, Problem
from badgegen.errors import Interrupted, XmppError
from badgegen.xmpp.disco import DiscoQueries
from badgegen.xmpp.join import count_by_joining
from badgegen.xmpp.session import ConnectOptions, close, make_client, start_session

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


@dataclass(slots=True)
class _Round:
    """What the workers of one run share: the session, the rooms left, the results so far."""

    client: ClientXMPP
    queries: DiscoQueries
    queue: asyncio.Queue[tuple[int, Room]]
    results: dict[int, Count]
    options: ConnectOptions
    deadline_at: float
    total: int
    progress: Progress | None


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
    """Count with a bounded number of queries in flight until the deadline."""
    remaining = deadline_at - time.monotonic()
    queue: asyncio.Queue[tuple[int, Room]] = asyncio.Queue()
    for index, room in enumerate(rooms):
        queue.put_nowait((index, room))
    results: dict[int, Count] = {}
    shared = _Round(
        client, DiscoQueries(client), queue, results, options, deadline_at, len(rooms), progress
    )
    workers = min(options.concurrency, len(rooms)) or 1
    tasks = [asyncio.create_task(_worker(shared)) for _ in range(workers)]
    lost = _disconnection(client)
    everything: asyncio.Future[Any] = asyncio.gather(*tasks)
    try:
        await asyncio.wait(
            [everything, lost], timeout=max(remaining, 0), return_when=asyncio.FIRST_COMPLETED
        )
    finally:  # also when the run itself is cancelled (SIGINT, SIGTERM)
        everything.cancel()
        await asyncio.gather(everything, return_exceptions=True)
    problem = Problem.CONNECTION_LOST if lost.done() else Problem.TIMEOUT
    unfinished = [Count(room.jid, None, problem, _unfinished(problem)) for room in rooms]
    return tuple(results.get(index, unfinished[index]) for index in range(len(rooms)))


def _disconnection(client: ClientXMPP) -> asyncio.Future[Any]:
    """A future that completes when the connection drops."""
    lost: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def on_disconnected(reason: Any) -> None:
        if not lost.done():
            lost.set_result(reason)

    client.add_event_handler("disconnected", on_disconnected)
    return lost


def _unfinished(problem: Problem) -> str:
    return "run deadline reached" if problem is Problem.TIMEOUT else ""


async def _worker(run: _Round) -> None:
    timeout = run.options.timeout
    while not run.queue.empty():
        index, room = run.queue.get_nowait()
        result = await _count_room(run.client, run.queries, room, timeout)
        # A lost or slow reply may pass; an error reply (item-not-found...) will not.
        if result.problem is Problem.TIMEOUT and time.monotonic() + timeout < run.deadline_at:
            log.debug("%s: timed out; asking once more", room.jid)
            result = await _count_room(run.client, run.queries, room, timeout)
        run.results[index] = result
        log.debug("%s: %s", room.jid, result.describe())
        if run.progress:
            run.progress(len(run.results), run.total)


async def _count_room(
    client: ClientXMPP, queries: DiscoQueries, room: Room, timeout: float
) -> Count:
    """One room's count; whatever goes wrong while handling it costs that room only."""
    try:
        if room.method == "join":
            return await count_by_joining(client, room.jid, timeout)
        return await queries.count(room.jid, timeout)
    except Exception as exc:  # a hostile reply must not stop the other workers
        log.warning("%s: unexpected error while counting: %s", room.jid, type(exc).__name__)
        log.debug("%s: the error in full", room.jid, exc_info=True)
        return Count(room.jid, None, Problem.ERROR, f"unexpected {type(exc).__name__}")
