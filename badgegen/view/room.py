"""What each room shows after a run, computed once: every file, the page and the report
serialise these views, and none computes its own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.occupancy import HOURS, QUARTER_HOURS, History, LastCount, last_count
from badgegen.core.results import RoomResult
from badgegen.core.state import RoomState
from badgegen.render.card import Card
from badgegen.render.styles import Badge
from badgegen.view.badges import (
    avatar_png,
    badge_for,
    trend_badge,
    trend_value,
    unlisted_badge,
)
from badgegen.view.chart import Chart, chart_of
from badgegen.view.words import run_words, status_words


@dataclass(frozen=True, slots=True)
class RoomView:
    """A room's result and everything shown of it: its badge, its trend badge (with
    `trend:`), its chart, its last count on record, and its count in words."""

    result: RoomResult
    badge: Badge
    trend: Badge | None
    chart: Chart
    last: LastCount | None
    status: str  # for the page: counted now, or the last count and how long before
    summary: str  # for the run's report: "12 online", or why not and what it shows
    card: Card  # NAME.card.svg: face, name, a line, count and week

    @property
    def room(self) -> Room:
        """The room, as rooms.yaml (or its `discover:` entry) configures it."""
        return self.result.room

    @property
    def count(self) -> Count:
        """This run's count, or why there is none."""
        return self.result.count

    @property
    def state(self) -> RoomState:
        """What the room shows after the run."""
        return self.result.state


def view_rooms(
    results: Iterable[RoomResult], history: History, checked_at: datetime
) -> tuple[RoomView, ...]:
    """Each room's view, from its result and the history with this run's counts in it.

    Args:
        results: every room's result of the run.
        history: the rooms' history, this run included.
        checked_at: the time of the run.
    """
    return tuple(view_room(result, history, checked_at) for result in results)


def view_room(result: RoomResult, history: History, checked_at: datetime) -> RoomView:
    """One room's view (see view_rooms)."""
    room, state = result.room, result.state
    badge = badge_for(room, state)
    if not result.asked:
        badge = unlisted_badge(room, state, over_limit=result.count.problem is Problem.OVER_LIMIT)
    trend = None
    if room.trend:
        day, week = history.values(room.jid, QUARTER_HOURS), history.values(room.jid, HOURS)
        value = trend_value(room.trend, day, week)
        trend = trend_badge(room, badge.label, value, avatar_png(state))
    last = last_count(history, room.jid, state.counted_at)
    status = status_words(result, last, checked_at)
    chart = chart_of(room.jid, history, checked_at)
    card = card_of(result, badge, history.values(room.jid, HOURS), chart.pulse.describe())
    return RoomView(result, badge, trend, chart, last, status, run_words(result), card)


def card_of(result: RoomResult, badge: Badge, week: list[int | None], caption: str) -> Card:
    """A room's card: its name (or its JID's local part), its description (or its JID), its
    badge's count and words, its week by hours and that week in words."""
    room, state = result.room, result.state
    line = state.description or room.jid
    shown = result.asked and state.occupants is not None and state.status == "counted"
    return Card(
        state.name or room.jid.partition("@")[0] or room.jid, line, badge.message, shown,
        week, caption,
        avatar_png(state), badge.note,
    )  # fmt: skip
