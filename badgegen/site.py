"""The static files beside the badges: index.html for people, _headers for caches."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from badgegen.history import DAY, WEEK, YEAR, History, last_count
from badgegen.render import render_page
from badgegen.render.chart import Panel, chart_svg, pulse
from badgegen.results import RoomResult
from badgegen.snippets import embeddable, snippet_parts
from badgegen.state import describe_age, describe_span

INDEX = "index.html"
MONTH_DAYS = 30
HEADERS = "_headers"
# For hosts that read a _headers file (Netlify, Cloudflare Pages): keep caches short.
HEADERS_TEXT = """\
/*.svg
  Cache-Control: public, max-age=300, must-revalidate
/*.json
  Cache-Control: public, max-age=300, must-revalidate
"""


@dataclass(frozen=True, slots=True)
class PageRoom:
    """One room's row on the page.

    file and link are the URLs snippets.snippet() puts in a snippet (made
    embeddable); the page's script builds the Markdown and HTML snippets
    from them the same way, so that they never weigh on the page.
    """

    jid: str
    file: str  # the badge's URL relative to the page (and to base_url)
    title: str
    link: str
    status: str
    occupants: int  # for sorting; -1 when unknown
    chart: str  # the history chart's URL relative to the page
    pulse: str  # the chart in words: the week's peak and average


def index_html(
    results: Sequence[RoomResult], base_url: str, history: History, checked_at: datetime
) -> str:
    """index.html: every badge with its room, count and freshness; find, sort, copy snippets.

    The page says when the run checked, and for a room not counted in it the
    last count and how long before the check that was. Without a base_url,
    the page's script makes the snippets' image URLs absolute from the page's
    own address.

    Args:
        results: every room's result, its badge computed.
        base_url: where the directory is published, for the snippets.
        history: the rooms' history, for the words beside each chart.
        checked_at: the time of the run.
    """
    entries = [_entry(result, history, checked_at) for result in results]
    base = embeddable(base_url.rstrip("/") + "/") if base_url else ""
    checked = describe_age(checked_at)
    return render_page("index.html.j2", rooms=entries, checked=checked, base_url=base)


def _entry(result: RoomResult, history: History, checked_at: datetime) -> PageRoom:
    room, state, badge = result.room, result.state, result.badge
    file, link, _alt = snippet_parts(room, state, "")
    day, week, _month = _spans(room.jid, history)
    return PageRoom(
        jid=room.jid,
        file=file,
        title=f"{badge.label}: {badge.message}",
        link=link,
        status=room_status(result, history, checked_at),
        occupants=state.occupants if state.occupants is not None else -1,
        chart=embeddable(urllib.parse.quote(room.chart_name, safe="@")),
        pulse=pulse(day, week).describe(),
    )


def room_chart(jid: str, history: History) -> str:
    """A room's history chart: the last day (quarter hours), week (hours) and month (days)."""
    day, week, month = _spans(jid, history)
    panels = [Panel("day", day), Panel("week", week), Panel("month", month)]
    title = f"{jid}: occupants over the last day, week and month"
    return chart_svg(panels, title, pulse(day, week).describe())


def _spans(jid: str, history: History) -> tuple[list[int | None], ...]:
    day, week, year = (history.values(jid, tier) for tier in (DAY, WEEK, YEAR))
    return day, week, year[-MONTH_DAYS:]


def room_status(result: RoomResult, history: History, checked_at: datetime) -> str:
    """A room's count in words: counted in this check, or the last count and its age.

    "5 online"; "showing 5 from 12:26 UTC, 7 minutes before this check (stale);
    not counted now: timed out"; "unknown: timed out; last count 5 at 12:26 UTC,
    3 hours before this check".
    """
    state, problem = result.state, result.count.problem
    if state.status == "counted":
        return f"{state.occupants} online"
    reason = problem.value if problem else "not counted"
    if state.status == "stale" and state.counted_at:
        when = _when(state.counted_at, checked_at)
        return f"showing {state.occupants} from {when} (stale); not counted now: {reason}"
    last = last_count(history, result.room.jid)
    if last is None:
        return f"unknown: {reason}; never counted"
    value, bucket = last
    moment = state.counted_at or bucket
    return f"unknown: {reason}; last count {value} at {_when(moment, checked_at)}"


def _when(moment: datetime, checked_at: datetime) -> str:
    """ "2026-12-01 12:26 UTC, 7 minutes before this check"."""
    return f"{describe_age(moment)}, {describe_span(checked_at - moment)} before this check"
