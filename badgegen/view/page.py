"""The static files beside the badges: index.html for people, _headers for caches."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from badgegen.core.occupancy import DAY, WEEK, YEAR, History, last_count, tier_named
from badgegen.core.results import RoomResult
from badgegen.core.state import describe_age, describe_span
from badgegen.render import render_page
from badgegen.render.chart import THIN_BELOW, Panel, chart_svg, pulse
from badgegen.view.snippets import TREND, embeddable, snippet_parts

INDEX = "index.html"
# Shown while some room has less than half a week of history.
SHORT_HISTORY_NOTE = (
    "History is still short: each run adds a count, so the charts fill in over the first"
    " day, week and month of scheduled runs."
)
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
    """One room's entry on the page.

    file, trend and link are the URLs snippets.snippet() puts in a snippet
    (made embeddable); the page's script builds the Markdown and HTML
    snippets from them the same way, so that they never weigh on the page.
    """

    jid: str
    name: str  # the room's own name, from its server; "" when it gave none
    description: str  # the room's own description; "" when it gave none
    language: str  # the room's language tag; "" when it gave none
    file: str  # the count badge's URL relative to the page (and to base_url)
    title: str  # the count badge's text, its alt text on the page
    trend: str  # the trend badge's URL; "" when the room has none
    trend_alt: str  # the trend snippet's alt text
    link: str
    status: str
    count: str  # "5 online" when counted in this run (the status then says no more)
    occupants: int  # for sorting; -1 when unknown
    chart: str  # the history chart's URL relative to the page
    pulse: str  # the chart in words: the week's peak and average
    thin: bool  # its history is still short (less than half a week of hours)


def index_html(
    results: Sequence[RoomResult], base_url: str, history: History, checked_at: datetime
) -> str:
    """index.html: every room with its name, badges, count and chart; find, sort, copy snippets.

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
    entries = [_entry(result, history, checked_at) for result in results if result.asked]
    base = embeddable(base_url.rstrip("/") + "/") if base_url else ""
    checked = describe_age(checked_at)
    languages = sorted({entry.language for entry in entries if entry.language}, key=str.lower)
    thin = sum(entry.thin for entry in entries)
    return render_page(
        "index.html.j2",
        rooms=entries,
        checked=checked,
        base_url=base,
        languages=languages,
        note=SHORT_HISTORY_NOTE if thin else "",
    )


def _entry(result: RoomResult, history: History, checked_at: datetime) -> PageRoom:
    room, state, badge = result.room, result.state, result.badge
    file, link, _alt = snippet_parts(room, state, "")
    trend, _link, trend_alt = snippet_parts(room, state, "", TREND) if room.trend else ("", "", "")
    day, week, _month = _spans(room.jid, history)
    summary = pulse(day, week)
    return PageRoom(
        jid=room.jid,
        name=state.name or "",
        description=state.description or "",
        language=state.language or "",
        file=file,
        title=f"{badge.label}: {badge.message}",
        trend=trend,
        trend_alt=trend_alt,
        link=link,
        status=room_status(result, history, checked_at),
        count=f"{state.occupants} online" if state.status == "counted" else "",
        occupants=state.occupants if state.occupants is not None else -1,
        chart=embeddable(urllib.parse.quote(room.chart_name, safe="@")),
        pulse=summary.describe(),
        thin=summary.counts < THIN_BELOW,
    )


def room_chart(jid: str, history: History) -> str:
    """A room's history chart: the last day (quarter hours), week (hours) and month (days)."""
    day, week, month = _spans(jid, history)
    panels = [
        Panel("last 24 hours (UTC)", day, _marks(history, DAY, 96, _clock)),
        Panel("last 7 days", week, _marks(history, WEEK, 168, _date)),
        Panel("last 30 days", month, _marks(history, YEAR, MONTH_DAYS, _date)),
    ]
    title = f"{jid}: occupants over the last day, week and month"
    return chart_svg(panels, title, pulse(day, week).describe())


def _marks(
    history: History, tier: str, shown: int, label: Callable[[datetime], str]
) -> tuple[str, str, str]:
    """A panel's time marks: its first bucket, its middle one and its last."""
    if tier not in history.ends:
        return ("", "", "")
    step = tier_named(tier).step
    last = datetime.fromtimestamp(history.ends[tier], UTC)
    first = last - timedelta(seconds=step * (shown - 1))
    middle = last - timedelta(seconds=step * (shown // 2))
    return label(first), label(middle), label(last)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _date(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}"


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
