"""One refresh: counts in, badges out, with data flowing one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from badgegen.config import Config, Room
from badgegen.counts import Count
from badgegen.login import Login
from badgegen.publish import WriteReport, write_badges
from badgegen.render import render_count

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


def render_badges(rooms: Iterable[Room], counts: Iterable[Count]) -> dict[str, bytes]:
    """Render each room's badge.

    Args:
        rooms: the rooms, in the same order as counts.
        counts: each room's result.

    Returns:
        File name to SVG bytes.
    """
    return {
        room.svg_name: render_count(room.label, count).encode("utf-8")
        for room, count in zip(rooms, counts, strict=True)
    }


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
    badges = render_badges(config.rooms, counts)
    return RefreshResult(counts, write_badges(out_dir, badges))
