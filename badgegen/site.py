"""The static files beside the badges: index.html for people, _headers for caches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from badgegen.render import render_page
from badgegen.render.content import stale_note
from badgegen.results import RoomResult
from badgegen.snippets import link_for, snippet
from badgegen.state import describe_age

INDEX = "index.html"
HEADERS = "_headers"
# For hosts that read a _headers file (Netlify, Cloudflare Pages): keep caches short.
HEADERS_TEXT = """\
/*.svg
  Cache-Control: public, max-age=300, must-revalidate
/*.json
  Cache-Control: public, max-age=300, must-revalidate
"""
PAGE_FORMATS = ("markdown", "html")


@dataclass(frozen=True, slots=True)
class Snippet:
    """One embed snippet shown on the page."""

    format: str
    code: str


@dataclass(frozen=True, slots=True)
class PageRoom:
    """One room's entry on the page."""

    jid: str
    id: str
    image: str
    title: str
    link: str
    status: str
    snippets: tuple[Snippet, ...]


def index_html(results: Sequence[RoomResult], base_url: str) -> str:
    """index.html: every badge with its room, count, freshness and snippets.

    The page shows the time of the newest count on record, not of the run,
    so that a run that changes no count leaves the page as it was.

    Args:
        results: every room's result, its badge computed.
        base_url: where the directory is published, for the snippets.
    """
    entries = [_entry(result, base_url) for result in results]
    times = (result.state.counted_at for result in results if result.state.counted_at)
    newest = max(times, default=None)
    counted = describe_age(newest) if newest else None
    return render_page("index.html.j2", rooms=entries, counted=counted)


def _entry(result: RoomResult, base_url: str) -> PageRoom:
    room, state, badge = result.room, result.state, result.badge
    return PageRoom(
        jid=room.jid,
        id=badge.id_suffix,
        image=room.svg_name,
        title=f"{badge.label}: {badge.message}",
        link=link_for(room, state),
        status=_status(result),
        snippets=tuple(
            Snippet(kind, snippet(room, state, kind, base_url)) for kind in PAGE_FORMATS
        ),
    )


def _status(result: RoomResult) -> str:
    state, problem = result.state, result.count.problem
    reason = problem.value if problem else "not counted"
    if state.status == "counted" and state.counted_at:
        return f"{state.occupants} online, counted {describe_age(state.counted_at)}"
    if state.status == "stale":
        return f"{state.occupants} online ({stale_note(state)}); now: {reason}"
    return f"unknown: {reason}"
