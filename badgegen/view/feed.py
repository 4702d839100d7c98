"""feed.xml's entries, computed once: each room's last few weeks, and the rooms `discover:`
saw arrive and leave.

An entry is about something that is over (a week that ended, a room that
appeared on a day, a room last counted before it left), so a rerun finds the
same entries with the same times and ids: a reader never sees one twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from badgegen.config.model import Site
from badgegen.core.counts import Problem
from badgegen.core.occupancy import DAYS, History
from badgegen.render.feed import AtomEntry, atom_feed
from badgegen.view.room import RoomView
from badgegen.view.snippets import link_for

FEED = "feed.xml"
WEEKS_SHOWN = 4  # the weeks that ended, per room
MOST_ENTRIES = 500  # the newest; a directory of thousands of rooms stays a feed
WEEK = timedelta(days=7)
DAY_SECONDS = 86_400
# The days whose values the weeks told are made of: WEEKS_SHOWN weeks, and the one under way.
RECENT_DAYS = 7 * (WEEKS_SHOWN + 1)


def feed_xml(
    views: Sequence[RoomView], history: History, now: datetime, site: Site, base_url: str
) -> str:
    """feed.xml: the page's title, its entries (see feed_entries).

    Args:
        views: every room's view of the run.
        history: the rooms' history, the run's counts in it.
        now: the time of the run.
        site: the page's title.
        base_url: where the directory is published ("" when unknown: links stay relative).
    """
    base = base_url.rstrip("/") + "/" if base_url else ""
    firsts = first_counted_days(views, history)
    entries = feed_entries(views, history, now, firsts)
    started = min((day for day in firsts.values() if day is not None), default=None)
    self_link = base + FEED if base else ""
    key = f"feed {base or site.title}"
    # Without an entry yet, the feed dates from its history's first day: a run that ends no
    # week leaves feed.xml as it was.
    return atom_feed(site.title, key, base or "./", entries, started or now, self_link)


def first_counted_days(views: Iterable[RoomView], history: History) -> dict[str, datetime | None]:
    """Each room's first counted day in the history (None: none), by JID."""
    end = history.ends.get(DAYS)
    firsts: dict[str, datetime | None] = {}
    for view in views:
        values = history.values(view.room.jid, DAYS)
        first = next((index for index, value in enumerate(values) if value is not None), None)
        if end is None or first is None:
            firsts[view.room.jid] = None
        else:
            firsts[view.room.jid] = _day(end, len(values), first)
    return firsts


def feed_entries(
    views: Iterable[RoomView],
    history: History,
    now: datetime,
    firsts: Mapping[str, datetime | None],
) -> list[AtomEntry]:
    """The feed's entries, newest first, at most MOST_ENTRIES.

    Only the days a room's entries need become times: its first counted day and
    its last few weeks (a directory of 10,000 rooms has 3.6 million day buckets).

    Args:
        views: every room's view of the run.
        history: the rooms' history, the run's counts in it.
        now: the time of the run: only weeks that ended by then are told.
        firsts: each room's first counted day (first_counted_days).
    """
    end = history.ends.get(DAYS)
    if end is None:
        return []
    views = list(views)
    # A service's rooms are new when first counted after its first room was: a discover:
    # entry added to a site of rooms: lists rooms that may have been there all along.
    started: dict[str, datetime] = {}
    for view in views:
        if (first := firsts.get(view.room.jid)) and view.room.service:
            started[view.room.service] = min(first, started.get(view.room.service, first))
    entries: list[AtomEntry] = []
    for view in views:
        values = history.values(view.room.jid, DAYS)
        recent = range(max(0, len(values) - RECENT_DAYS), len(values))
        counted = [(_day(end, len(values), i), v) for i in recent if (v := values[i]) is not None]
        entries += weeks_of(view, counted, now)
        service_started = started.get(view.room.service)
        entries += comings_and_goings(view, firsts.get(view.room.jid), service_started)
    entries.sort(key=lambda entry: (entry.updated, entry.key), reverse=True)
    return entries[:MOST_ENTRIES]


def weeks_of(
    view: RoomView, counted: Sequence[tuple[datetime, int]], now: datetime
) -> list[AtomEntry]:
    """An entry per week (Monday to Sunday, UTC) that ended by now with a count in it:
    the week's average of its days and its busiest day, the last WEEKS_SHOWN of them.

    Args:
        view: the room's view.
        counted: its counted days (start, mean), oldest first.
        now: the time of the run.
    """
    weeks: dict[datetime, list[tuple[datetime, int]]] = {}
    for day, value in counted:
        monday = day - timedelta(days=day.weekday())
        if monday + WEEK <= now:
            weeks.setdefault(monday, []).append((day, value))
    name, link = _name(view), _link(view)
    entries = []
    for monday in sorted(weeks)[-WEEKS_SHOWN:]:
        days = weeks[monday]
        average = _mean(sum(value for _, value in days) / len(days))
        busiest_day, busiest = max(days, key=lambda pair: (pair[1], pair[0]))
        title = f"{name}: week of {_date(monday)}, {average} on average"
        summary = (
            f"{name} ({view.room.jid}) in the week of {_date(monday)} to"
            f" {_date(monday + WEEK - timedelta(days=1))} (UTC): {average} occupants on"
            f" average over {_days(len(days))} counted; busiest on {busiest_day:%A}"
            f" {_date(busiest_day)} ({busiest} on average)."
        )
        key = f"{view.room.jid} week {monday:%Y-%m-%d}"
        entries.append(AtomEntry(key, title, summary, monday + WEEK, link))
    return entries


def comings_and_goings(
    view: RoomView, day: datetime | None, started: datetime | None
) -> list[AtomEntry]:
    """For a room of a `discover:` service: the day it was first counted (day), when that
    is after its service's first room was (started: before, it may have been there all
    along), and its leaving (its last count) once its service no longer lists it (not a
    room past a lowered limit: it is still listed)."""
    state, service = view.state, view.room.service
    if not service:
        return []
    name, link, jid = _name(view), _link(view), view.room.jid
    entries = []
    if day is not None and started is not None and day > started:
        summary = f"{name} ({jid}) was first counted on {_date(day)}, listed by {service}."
        entries.append(AtomEntry(f"{jid} appeared", f"New room: {name}", summary, day, link))
    if view.count.problem is Problem.UNLISTED and state.counted_at is not None:
        summary = (
            f"{name} ({jid}) is no longer listed by {service}; its last count was on"
            f" {_date(state.counted_at)}."
        )
        key = f"{jid} left {state.counted_at:%Y-%m-%dT%H:%M}"
        entries.append(AtomEntry(key, f"Room gone: {name}", summary, state.counted_at, link))
    return entries


def _day(end: int, length: int, index: int) -> datetime:
    """The start of a day bucket, by its index in a series whose last bucket starts at end."""
    return datetime.fromtimestamp(end - (length - 1 - index) * DAY_SECONDS, UTC)


def _name(view: RoomView) -> str:
    return view.state.name or view.room.jid


def _link(view: RoomView) -> str:
    """Where the room is joined: the link its badge and the page give."""
    return link_for(view.room, view.state)


def _mean(value: float) -> str:
    """ "5.2", "5" for 5.0: as the page's pulse says it."""
    return f"{value:.1f}".removesuffix(".0")


def _date(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}"


def _days(count: int) -> str:
    return f"{count} day" + ("" if count == 1 else "s")
