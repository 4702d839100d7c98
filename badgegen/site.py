"""The static files beside the badges: index.html for people, _headers for caches."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from badgegen.history import DAY, WEEK, YEAR, History
from badgegen.render import render_page
from badgegen.render.chart import Panel, chart_svg, pulse
from badgegen.render.content import stale_note
from badgegen.results import RoomResult
from badgegen.snippets import embeddable, snippet_parts
from badgegen.state import describe_age

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
    pulse: str  # the chart in words: now, peak, average


def index_html(results: Sequence[RoomResult], base_url: str, history: History | None = None) -> str:
    """index.html: every badge with its room, count and freshness; find, sort, copy snippets.

    The page shows the time of the newest count on record, not of the run,
    so that a run that changes no count leaves the page as it was. Without a
    base_url, the page's script makes the snippets' image URLs absolute from
    the page's own address.

    Args:
        results: every room's result, its badge computed.
        base_url: where the directory is published, for the snippets.
        history: the rooms' history, for the words beside each chart.
    """
    history = history or History()
    entries = [_entry(result, history) for result in results]
    times = (result.state.counted_at for result in results if result.state.counted_at)
    newest = max(times, default=None)
    counted = describe_age(newest) if newest else None
    base = embeddable(base_url.rstrip("/") + "/") if base_url else ""
    return render_page("index.html.j2", rooms=entries, counted=counted, base_url=base)


def _entry(result: RoomResult, history: History) -> PageRoom:
    room, state, badge = result.room, result.state, result.badge
    file, link, _alt = snippet_parts(room, state, "")
    day, week, _month = _spans(room.jid, history)
    return PageRoom(
        jid=room.jid,
        file=file,
        title=f"{badge.label}: {badge.message}",
        link=link,
        status=_status(result),
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


def _status(result: RoomResult) -> str:
    state, problem = result.state, result.count.problem
    reason = problem.value if problem else "not counted"
    if state.status == "counted" and state.counted_at:
        return f"{state.occupants} online, counted {describe_age(state.counted_at)}"
    if state.status == "stale":
        return f"{state.occupants} online ({stale_note(state)}); now: {reason}"
    return f"unknown: {reason}"
