"""One refresh: counts in, badges out, with data flowing one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from badgegen.badges import badge_for, endpoint_json
from badgegen.config import Config, Room
from badgegen.counts import Count
from badgegen.login import Login
from badgegen.previous import load_previous
from badgegen.publish import WriteReport, lock_directory, write_badges
from badgegen.render import render_badge
from badgegen.site import HEADERS, HEADERS_TEXT, INDEX, index_html
from badgegen.state import STATE_FILE, RoomState, resolve, state_json

# fetch_counts's shape, so the CLI's tests can count without a server.
Counter = Callable[[Login, Iterable[Room]], tuple[Count, ...]]


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """What a refresh counted, what each badge shows, and what was written."""

    counts: tuple[Count, ...]
    states: tuple[RoomState, ...]
    report: WriteReport | None
    warnings: tuple[str, ...] = ()

    @property
    def all_counted(self) -> bool:
        """Whether every room got a count this run."""
        return all(count.counted for count in self.counts)


@dataclass(frozen=True, slots=True)
class Output:
    """Where and how a refresh writes."""

    out_dir: Path
    now: datetime
    previous: str | None = None  # --previous: a path or https URL
    lock_wait: float = 10.0
    dry_run: bool = False


def render_badges(
    rooms: Iterable[Room], states: Iterable[RoomState], templates: Path | None = None
) -> dict[str, bytes]:
    """Render each room's badge and its shields endpoint JSON.

    Args:
        rooms: the rooms, in the same order as states.
        states: what each room shows.
        templates: a folder of templates overriding the built-in ones.

    Returns:
        File name to bytes: NAME.svg and NAME.json per room.
    """
    files = {}
    for room, state in zip(rooms, states, strict=True):
        svg = render_badge(badge_for(room, state), templates)
        files[room.svg_name] = svg.encode("utf-8")
        files[room.json_name] = endpoint_json(room, state).encode("utf-8")
    return files


def refresh(config: Config, login: Login, counter: Counter, output: Output) -> RefreshResult:
    """Count every room, then write its badge and the run's record.

    Args:
        config: the rooms to count.
        login: the account to count with.
        counter: fetches the counts (badgegen.xmpp.fetch_counts in production).
        output: where to write, the time of the run, the previous record.

    Returns:
        The counts, what each badge shows, and what was written.

    Raises:
        XmppError: nothing could be counted; no file was touched.
        BusyError: another run holds the output directory.
        PublishError: a badge could not be written; those in place are whole.
    """
    if output.dry_run:
        return _count(config, login, counter, output, None)
    with lock_directory(output.out_dir, output.lock_wait):
        return _count(config, login, counter, output, output.out_dir)


def _count(
    config: Config, login: Login, counter: Counter, output: Output, out_dir: Path | None
) -> RefreshResult:
    previous = load_previous(output.previous, output.out_dir)
    counts = counter(login, config.rooms)
    states = resolve(counts, previous.states, output.now, config.stale_after)
    warnings = (previous.warning,) if previous.warning else ()
    if out_dir is None:
        return RefreshResult(counts, states, None, warnings)
    files = render_badges(config.rooms, states, config.templates)
    files[INDEX] = index_html(config.rooms, states, config.base_url).encode("utf-8")
    files[HEADERS] = HEADERS_TEXT.encode("utf-8")
    badges = write_badges(out_dir, files)
    # The record goes last: a run that fails before it leaves the previous one.
    record = {STATE_FILE: state_json(config.rooms, states).encode("utf-8")}
    written = write_badges(out_dir, record)
    report = WriteReport(badges.written + written.written, badges.unchanged + written.unchanged)
    return RefreshResult(counts, states, report, warnings)
