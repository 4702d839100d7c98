"""Every file a run publishes besides its record, as bytes: each room's views serialised."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from badgegen.config.model import Site
from badgegen.core.occupancy import History
from badgegen.render import render_badge
from badgegen.render.card import card_svg
from badgegen.render.chart import NARROW
from badgegen.render.endpoint import endpoint_json
from badgegen.view.feed import FEED, feed_xml
from badgegen.view.page import INDEX, index_html
from badgegen.view.room import RoomView

HEADERS = "_headers"
# For hosts that read a _headers file (Netlify, Cloudflare Pages): keep caches short.
HEADERS_TEXT = """\
/*.svg
  Cache-Control: public, max-age=300, must-revalidate
/*.json
  Cache-Control: public, max-age=300, must-revalidate
/*.png
  Cache-Control: public, max-age=300, must-revalidate
/feed.xml
  Cache-Control: public, max-age=300, must-revalidate
"""


def run_files(
    views: Sequence[RoomView],
    history: History,
    checked_at: datetime,
    base_url: str = "",
    templates: Path | None = None,
    site: Site | None = None,
) -> dict[str, bytes]:
    """Each room's files, index.html, feed.xml and _headers.

    Args:
        views: every room's view.
        history: the rooms' history, the run's counts in it (for the feed).
        checked_at: the time of the run, which the page tells.
        base_url: where the directory is published, for the page's snippets.
        templates: a folder of templates overriding the built-in ones.
        site: the page's title, description and link (rooms.yaml's `site:`).
    """
    files = room_files(views, templates)
    site = site or Site()
    files[INDEX] = index_html(views, base_url, checked_at, site).encode("utf-8")
    files[FEED] = feed_xml(views, history, checked_at, site, base_url).encode("utf-8")
    files[HEADERS] = HEADERS_TEXT.encode("utf-8")
    return files


def room_files(views: Iterable[RoomView], templates: Path | None = None) -> dict[str, bytes]:
    """NAME.svg and NAME.json, NAME.chart.svg and NAME.chart-narrow.svg (stacked, for a
    phone), NAME.card.svg (for a README), with `trend:` NAME.trend.svg and .json, and
    NAME.avatar.png when the room has an avatar (a PNG badgegen drew: render.avatar).

    Args:
        views: every room's view.
        templates: a folder of templates overriding the built-in ones.
    """
    files = {}
    for view in views:
        room = view.room
        files[room.svg_name] = render_badge(view.badge, templates).encode("utf-8")
        files[room.json_name] = endpoint_json(view.badge).encode("utf-8")
        files[room.chart_name] = view.chart.svg().encode("utf-8")
        files[room.narrow_chart_name] = view.chart.svg(NARROW).encode("utf-8")
        files[room.card_name] = card_svg(view.card).encode("utf-8")
        if (avatar := view.state.avatar_png) is not None:
            files[room.avatar_name] = avatar
        if view.trend is not None:
            svg_name, json_name = room.trend_names
            files[svg_name] = render_badge(view.trend, templates).encode("utf-8")
            files[json_name] = endpoint_json(view.trend).encode("utf-8")
    return files
