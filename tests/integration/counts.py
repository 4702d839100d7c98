"""Counting as a refresh does, with badgegen's own XMPP counter, for the integration tests."""

from __future__ import annotations

from collections.abc import Iterable

from badgegen.config import Room
from badgegen.config.login import Login
from badgegen.core.connection import Connection
from badgegen.core.counting import Counted, CountRequest
from badgegen.core.counts import Count
from badgegen.core.discovery import DiscoveryPlan
from badgegen.xmpp import count_rooms


def counts_of(login: Login, rooms: Iterable[Room], connection: Connection) -> tuple[Count, ...]:
    """Each room's count, in the order given, over one session."""
    return count_rooms(login, CountRequest(tuple(rooms)), connection).counts


def discovered(login: Login, plan: DiscoveryPlan, connection: Connection) -> Counted:
    """What listing the plan's services and counting their rooms finds, over one session."""
    return count_rooms(login, CountRequest((), plan), connection)
