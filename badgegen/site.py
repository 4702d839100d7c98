"""The static files beside the badges: index.html for people, _headers for caches."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from badgegen.config import Room
from badgegen.counts import Problem
from badgegen.render import render_page
from badgegen.render.content import badge_for, id_suffix, stale_note
from badgegen.snippets import link_for, snippet
from badgegen.state import RoomState, describe_age

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


def index_html(rooms: Iterable[Room], states: Sequence[RoomState], base_url: str) -> str:
    """index.html: every badge with its room, count, freshness and snippets.

    The page shows the time of the newest count on record, not of the run,
    so that a run that changes no count leaves the page as it was.

    Args:
        rooms: the rooms, in the order of states.
        states: what each shows.
        base_url: where the directory is published, for the snippets.
    """
    entries = [_entry(room, state, base_url) for room, state in zip(rooms, states, strict=True)]
    newest = max((state.counted_at for state in states if state.counted_at), default=None)
    counted = describe_age(newest) if newest else None
    return render_page("index.html.j2", rooms=entries, counted=counted)


def _entry(room: Room, state: RoomState, base_url: str) -> PageRoom:
    badge = badge_for(room, state)
    return PageRoom(
        jid=room.jid,
        id=id_suffix(room.jid),
        image=room.svg_name,
        title=f"{badge.label}: {badge.message}",
        link=link_for(room, state),
        status=_status(state),
        snippets=tuple(
            Snippet(kind, snippet(room, state, kind, base_url)) for kind in PAGE_FORMATS
        ),
    )


def _status(state: RoomState) -> str:
    if state.status == "counted" and state.counted_at:
        return f"{state.occupants} online, counted {describe_age(state.counted_at)}"
    if state.status == "stale":
        return f"{state.occupants} online ({stale_note(state)}); now: {_reason(state)}"
    return f"unknown: {_reason(state)}"


def _reason(state: RoomState) -> str:
    """The problem's words ("room does not exist"), from its name in badges.json."""
    names = {problem.name.lower(): problem.value for problem in Problem}
    return names.get(state.problem or "", "not counted")
