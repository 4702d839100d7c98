"""Every file a run publishes besides its record, as bytes: badges, charts and the page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from badgegen.core.occupancy import DAY, WEEK, History
from badgegen.core.results import RoomResult
from badgegen.render import render_badge
from badgegen.view.badges import endpoint_json, trend_badge, trend_value
from badgegen.view.page import HEADERS, HEADERS_TEXT, INDEX, index_html, room_chart


def run_files(
    results: Sequence[RoomResult],
    history: History,
    checked_at: datetime,
    base_url: str = "",
    templates: Path | None = None,
) -> dict[str, bytes]:
    """The badges, their endpoint JSON, charts and trend badges, index.html and _headers.

    Args:
        results: every room's result, its badge computed.
        history: the rooms' history, this run included.
        checked_at: the time of the run, which the page tells.
        base_url: where the directory is published, for the page's snippets.
        templates: a folder of templates overriding the built-in ones.
    """
    files = render_badges(results, templates)
    files.update(render_charts(results, history, templates))
    files[INDEX] = index_html(results, base_url, history, checked_at).encode("utf-8")
    files[HEADERS] = HEADERS_TEXT.encode("utf-8")
    return files


def render_badges(results: Iterable[RoomResult], templates: Path | None = None) -> dict[str, bytes]:
    """Render each room's badge and its shields endpoint JSON.

    Args:
        results: every room's result, its badge computed.
        templates: a folder of templates overriding the built-in ones.

    Returns:
        File name to bytes: NAME.svg and NAME.json per room.
    """
    files = {}
    for result in results:
        room = result.room
        files[room.svg_name] = render_badge(result.badge, templates).encode("utf-8")
        files[room.json_name] = endpoint_json(result.badge).encode("utf-8")
    return files


def render_charts(
    results: Iterable[RoomResult], history: History, templates: Path | None = None
) -> dict[str, bytes]:
    """Each room's history chart (NAME.chart.svg), and its trend badge when it asks for one.

    Args:
        results: every room's result, its badge computed.
        history: the rooms' history, this run included.
        templates: a folder of templates overriding the built-in ones.
    """
    files = {}
    for result in results:
        room = result.room
        files[room.chart_name] = room_chart(room.jid, history).encode("utf-8")
        if room.trend:
            day, week = history.values(room.jid, DAY), history.values(room.jid, WEEK)
            badge = trend_badge(room, result.badge.label, trend_value(room.trend, day, week))
            svg_name, json_name = room.trend_names
            files[svg_name] = render_badge(badge, templates).encode("utf-8")
            files[json_name] = endpoint_json(badge).encode("utf-8")
    return files
