"""The counter's one call shape: what a run asks it, and what it answers.

The counter (badgegen.xmpp's in production) logs in once, lists the services
a DiscoveryPlan names, counts rooms.yaml's rooms and those the plan chooses
from each listing, and returns all it found; nothing is filled in behind the
caller's back. A program embedding badgegen, or a test, may pass its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from badgegen.config import Room
from badgegen.config.login import Login
from badgegen.core.counts import Count
from badgegen.core.discovery import DiscoveryPlan, Found, Listing


@dataclass(frozen=True, slots=True)
class CountRequest:
    """The rooms to count, the services to list (with how to choose their rooms), when
    counting must be done by (time.monotonic()), and what to do with the rooms that depend on
    no listing when a listing is slow.

    A listing still under way a --timeout after the counting began, once every room asked
    so far is settled, is slow: the counter hands `early` what it has then (the listings
    not ended counted as failed, which changes nothing), once, in a thread, and goes on; it
    returns only after `early` did. Not when less counting time is left than `reserved`.
    """

    rooms: tuple[Room, ...]
    plan: DiscoveryPlan | None = None
    until: float = math.inf
    reserved: float = 0.0  # seconds of --deadline kept back after until (for writing)
    early: Callable[[Counted], None] | None = None  # publishes what is counted, once
    # Each room's avatar hash as the record holds it: a room announcing another has its
    # photo fetched (Count.photo), within a budget per run; one announcing this one not.
    avatars: Mapping[str, str] = field(default_factory=dict)

    def out_of_time(self) -> str:
        """Why nothing more may be asked once until has passed, in the user's words."""
        if self.reserved <= 0:
            return "the run's deadline was reached (see --deadline)"
        kept = f"{self.reserved:.1f} s of --deadline is kept for writing the files"
        return f"the time for counting ran out ({kept})"


@dataclass(frozen=True, slots=True)
class Counted:
    """What a counter found: a count per room, the request's rooms first, then found's.

    found holds the rooms chosen from the listings (counted after the request's
    rooms, in its order), the services listed whole, and the listings' warnings.
    """

    counts: tuple[Count, ...]
    found: Found = field(default_factory=Found)
    listings: tuple[Listing, ...] = ()

    def rooms(self, request: CountRequest) -> tuple[Room, ...]:
        """Every room counted, in the order of counts."""
        return (*request.rooms, *self.found.rooms)


class Counter(Protocol):
    """What counts the rooms: badgegen.xmpp.xmpp_counter's by default."""

    def __call__(self, login: Login, request: CountRequest, /) -> Counted: ...
