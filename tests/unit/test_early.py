"""Publishing early while a listing is slow: once, in a thread, never too late, never before
a --timeout, and the counting returns only after that write.

The counting loop (xmpp.scheduler._count_rooms) runs for real with stand-ins for the
queries and the listings; tests/integration/test_discovery.py runs it against Prosody.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from badgegen.core.counting import Counted, CountRequest
from badgegen.core.discovery import Listing
from badgegen.xmpp.early import STILL_LISTING, EarlyPublication
from badgegen.xmpp.queries import Listed
from badgegen.xmpp.scheduler import _count_rooms

NO_ROOMS: tuple[Any, ...] = ()


class Queries:
    """Every room settled; what ends (here: a listing) arrives in `ended`."""

    def __init__(self) -> None:
        self.ended: asyncio.Queue[Any] = asyncio.Queue()
        self.lost: list[Any] = []
        self.pacer = SimpleNamespace(in_flight=0)
        self.unsettled = False
        self.fetching: set[Any] = set()  # no photo is fetched here

    def photos_until(self, now: float, listing: bool) -> float:
        return math.inf

    def start_what_pacing_allows(self) -> None:
        pass

    def on_disconnected(self, reason: Any) -> None:
        pass

    async def cancel_queries(self) -> None:
        pass


class SlowListing:
    """One slow listing; it ends when end() is called (from any thread)."""

    def __init__(self, queries: Queries) -> None:
        self.queries, self.loop = queries, asyncio.get_running_loop()
        self.pending, self.events = True, list[str]()

    def end(self) -> None:
        listed = Listed(SimpleNamespace(service="slow.example"), None)  # type: ignore[arg-type]
        self.loop.call_soon_threadsafe(self.queries.ended.put_nowait, listed)

    def take(self, listed: Listed) -> None:
        self.pending = False
        self.events.append("listing ended")

    async def cancel(self) -> None:
        pass

    def under_way(self) -> list[str]:
        return ["slow.example"] if self.pending else []

    def counted(self, request: CountRequest, counting: Any, late: str) -> Counted:
        return Counted((), listings=(Listing("slow.example", (), late),))


Handed = list[tuple[Counted, float]]


async def count(early: Any, *, timeout: float, deadline: float = 30.0, reserved: float = 0.0,
                end_after: float | None = None) -> tuple[SlowListing, Handed]:  # fmt: skip
    """Run the counting loop with one slow listing (ending end_after seconds in, if given);
    what early was handed, and when."""
    queries = Queries()
    listing = SlowListing(queries)
    if end_after is not None:
        asyncio.get_running_loop().call_later(end_after, listing.end)
    handed: Handed = []

    def publish(counted: Counted) -> None:
        handed.append((counted, time.monotonic()))
        early(listing, counted)

    request = CountRequest(NO_ROOMS, reserved=reserved, early=publish)
    began = time.monotonic()
    deadline_at = began + deadline
    publication = EarlyPublication(request, queries, listing, timeout, deadline_at)  # type: ignore[arg-type]
    client = SimpleNamespace(add_event_handler=lambda *a: None, del_event_handler=lambda *a: None)
    options = SimpleNamespace(timeout=timeout)
    await _count_rooms(client, queries, listing, options, deadline_at, publication)  # type: ignore[arg-type]
    listing.events.append("counting returned")
    assert all(at >= began + timeout for _, at in handed)  # never before a --timeout
    return listing, handed


def test_a_slow_listing_has_the_rest_published_once_while_it_goes_on() -> None:
    def early(listing: SlowListing, counted: Counted) -> None:
        assert listing.pending  # handed while the listing goes on
        listing.end()

    listing, handed = asyncio.run(count(early, timeout=0.05))
    assert len(handed) == 1
    assert [listed.problem for listed in handed[0][0].listings] == [STILL_LISTING]
    assert listing.events == ["listing ended", "counting returned"]


def test_a_listing_that_ends_within_a_timeout_publishes_nothing_early() -> None:
    listing, handed = asyncio.run(count(lambda *_: None, timeout=30.0, end_after=0.0))
    assert handed == []
    assert listing.events == ["listing ended", "counting returned"]


def test_too_close_to_the_deadline_nothing_is_published_early() -> None:
    """Less counting time left than the run keeps for its own writing: no early write."""

    run = count(lambda *_: None, timeout=0.0, deadline=1.0, reserved=5.0, end_after=0.1)
    listing, handed = asyncio.run(run)
    assert handed == []
    assert listing.events == ["listing ended", "counting returned"]


def test_the_early_write_runs_beside_the_loop_which_waits_for_it() -> None:
    """The write runs in a thread: the listing ends while it writes (the loop goes on), and
    the counting returns only after the write did."""
    taken = threading.Event()

    def early(listing: SlowListing, counted: Counted) -> None:
        listing.end()
        assert taken.wait(10), "the loop did not go on while the write ran"
        listing.events.append("early write done")

    original = SlowListing.take

    def take(self: SlowListing, listed: Listed) -> None:
        original(self, listed)
        taken.set()

    SlowListing.take = take  # type: ignore[method-assign]
    try:
        listing, handed = asyncio.run(count(early, timeout=0.05))
    finally:
        SlowListing.take = original  # type: ignore[method-assign]
    assert len(handed) == 1
    assert listing.events == ["listing ended", "early write done", "counting returned"]


def test_a_failed_early_write_is_a_warning_and_the_counting_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def early(listing: SlowListing, counted: Counted) -> None:
        listing.end()
        raise OSError("No space left on device")

    with caplog.at_level(logging.WARNING):
        listing, handed = asyncio.run(count(early, timeout=0.05))
    assert len(handed) == 1
    assert listing.events == ["listing ended", "counting returned"]
    assert "could not publish the rooms counted so far (No space left on device)" in caplog.text
