"""One refresh: counts in, badges out, with data flowing one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from badgegen.badges import badge_for, endpoint_json
from badgegen.config import Config, Room
from badgegen.counts import Count
from badgegen.login import Login
from badgegen.publish import WriteReport, write_badges
from badgegen.render import render_badge

# fetch_counts's shape, so the CLI's tests can count without a server.
Counter = Callable[[Login, Iterable[Room]], tuple[Count, ...]]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh counted and wrote."""

    counts: tuple[Count, ...]
    report: WriteReport | None

    @property
    def all_counted(self) -> bool:
        """Whether every room got a count."""
        return all(count.counted for count in self.counts)


def render_badges(
    rooms: Iterable[Room], counts: Iterable[Count], templates: Path | None = None
) -> dict[str, bytes]:
    """Render each room's badge and its shields endpoint JSON.

    Args:
        rooms: the rooms, in the same order as counts.
        counts: each room's result.
        templates: a folder of templates overriding the built-in ones.

    Returns:
        File name to bytes: NAME.svg and NAME.json per room.
    """
    files = {}
    for room, count in zip(rooms, counts, strict=True):
        svg = render_badge(badge_for(room, count), templates)
        files[room.svg_name] = svg.encode("utf-8")
        files[room.json_name] = endpoint_json(room, count).encode("utf-8")
    return files


def refresh(config: Config, login: Login, counter: Counter, out_dir: Path | None) -> RefreshResult:
    """Count every room, then write its badge unless out_dir is None.

    Args:
        config: the rooms to count.
        login: the account to count with.
        counter: fetches the counts (badgegen.xmpp.fetch_counts in production).
        out_dir: where to write the badges; None for a dry run.

    Returns:
        The counts and what was written.

    Raises:
        XmppError: nothing could be counted; no file was touched.
        PublishError: a badge could not be written.
    """
    counts = counter(login, config.rooms)
    if out_dir is None:
        return RefreshResult(counts, None)
    badges = render_badges(config.rooms, counts, config.templates)
    return RefreshResult(counts, write_badges(out_dir, badges))
