"""index.html for people: every room's entry, as its view says, rendered by the template."""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from badgegen.config.model import Room, Site
from badgegen.core.state import RoomState
from badgegen.render import render_page
from badgegen.text.untrusted import https_url, web_url
from badgegen.view.room import RoomView
from badgegen.view.snippets import TREND, embeddable, snippet_parts
from badgegen.view.words import describe_age

INDEX = "index.html"
# Rooms per group of the page's list: the browser draws only the groups near the view, so
# a find redraws a few groups and lays out one box per group elsewhere (docs/performance.md).
ROOMS_PER_GROUP = 50
# Options in the language filter at most: one hostile service cannot make it the page.
MOST_LANGUAGES = 40
# Shown while some room has less than half a week of history.
SHORT_HISTORY_NOTE = (
    "History is still short: each run adds a count, so the charts fill in over the first"
    " day, week and month of scheduled runs."
)


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
    logs: str  # the room's public logs (http(s)), "" for none
    webchat: str  # the room's web chat (https), "" for none
    chart: str  # the history chart's URL relative to the page
    narrow_chart: str  # the same, its panels stacked for a phone
    pulse: str  # the chart in words: the week's peak and average
    thin: bool  # its history is still short (less than half a week of hours)
    avatar: str = ""  # the room's avatar's URL relative to the page; "" when it has none


def index_html(
    views: Sequence[RoomView], base_url: str, checked_at: datetime, site: Site | None = None
) -> str:
    """index.html: every room asked this run with its name, badges, count and chart; find,
    sort, copy snippets.

    The page says when the run checked, and for a room not counted in it the
    last count and how long before the check that was. Without a base_url,
    the page's script makes the snippets' image URLs absolute from the page's
    own address.

    Args:
        views: every room's view.
        base_url: where the directory is published, for the snippets.
        checked_at: the time of the run.
        site: the page's title, description and link back (the defaults when None).
    """
    entries = [page_room(view) for view in views if view.result.asked]
    languages = filter_languages(entry.language for entry in entries)
    return render_page(
        "index.html.j2",
        rooms=entries,
        group=ROOMS_PER_GROUP,
        checked=describe_age(checked_at),
        base_url=embeddable(base_url.rstrip("/") + "/") if base_url else "",
        languages=languages,
        note=SHORT_HISTORY_NOTE if any(entry.thin for entry in entries) else "",
        site=site or Site(),
    )


def filter_languages(tags: Iterable[str]) -> list[str]:
    """The language filter's options: the MOST_LANGUAGES tags most rooms have (a service
    that gives each room its own tag adds few), in alphabetical order."""
    counted = Counter(tag for tag in tags if tag)
    most = sorted(counted, key=lambda tag: (-counted[tag], tag.lower()))[:MOST_LANGUAGES]
    return sorted(most, key=str.lower)


def page_room(view: RoomView) -> PageRoom:
    """A room's entry on the page, from its view."""
    room, state, badge = view.room, view.state, view.badge
    file, link, _alt = snippet_parts(room, state, "")
    trend, _link, trend_alt = snippet_parts(room, state, "", TREND) if room.trend else ("", "", "")
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
        status=view.status,
        count=f"{state.occupants} online" if state.status == "counted" else "",
        occupants=state.occupants if state.occupants is not None else -1,
        logs=web_url(state.logs) or "",
        webchat=https_url(state.webchat) or "",
        chart=embeddable(urllib.parse.quote(room.chart_name, safe="@")),
        narrow_chart=embeddable(urllib.parse.quote(room.narrow_chart_name, safe="@")),
        pulse=view.chart.pulse.describe(),
        thin=view.chart.pulse.thin,
        avatar=_avatar_url(room, state),
    )


def _avatar_url(room: Room, state: RoomState) -> str:
    """The avatar file's URL relative to the page, when the room shows one."""
    if state.avatar_png is None:
        return ""
    return embeddable(urllib.parse.quote(room.avatar_name, safe="@"))
