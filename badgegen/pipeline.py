"""One refresh: counts in, badges out, with data flowing one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.config import Config, Room
from badgegen.counts import Count
from badgegen.history import DAY, WEEK, History, add_run
from badgegen.login import Login
from badgegen.publish import WriteReport, lock_directory, remove_leftovers, write_badges
from badgegen.record import Previous, check_source, is_url, load_previous_run, record_files
from badgegen.render import render_badge
from badgegen.render.content import endpoint_json, trend_badge, trend_value
from badgegen.results import RoomResult, settle
from badgegen.site import HEADERS, HEADERS_TEXT, INDEX, index_html, room_chart

if TYPE_CHECKING:
    from badgegen.xmpp import ConnectOptions

# What counts the rooms: xmpp_counter's in production; a test may pass its own.
Counter = Callable[[Login, Sequence[Room]], tuple[Count, ...]]


def xmpp_counter(
    options: ConnectOptions, progress: Callable[[int, int], None] | None = None
) -> Counter:
    """The counter a refresh uses: one XMPP session with these options.

    Args:
        options: where to connect and how long to wait.
        progress: told (rooms done, rooms in all) as each room is settled.
    """
    from badgegen.xmpp import fetch_counts  # slixmpp's import is slow; only counting pays

    def count(login: Login, rooms: Sequence[Room]) -> tuple[Count, ...]:
        return fetch_counts(login, rooms, options, progress)

    return count


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """Every room's result, what was written (None on a dry run), and warnings."""

    results: tuple[RoomResult, ...]
    report: WriteReport | None
    warnings: tuple[str, ...] = ()

    @property
    def all_counted(self) -> bool:
        """Whether every room got a count this run."""
        return all(result.counted for result in self.results)


@dataclass(frozen=True, slots=True)
class Output:
    """Where and how a refresh writes."""

    out_dir: Path
    now: datetime
    previous: str | None = None  # --previous: a path or https URL
    lock_wait: float = 10.0
    dry_run: bool = False


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


def refresh(config: Config, login: Login, counter: Counter, output: Output) -> RefreshResult:
    """Count every room, then write its badge and the run's record.

    Args:
        config: the rooms to count.
        login: the account to count with.
        counter: fetches the counts (badgegen.xmpp.fetch_counts in production).
        output: where to write, the time of the run, the previous record.

    Returns:
        Every room's result, and what was written.

    Raises:
        ConfigError: --previous is a URL but not https; nothing connected.
        XmppError: nothing could be counted; no file was touched.
        BusyError: another run holds the output directory.
        PublishError: a badge could not be written; those in place are whole.
    """
    check_source(output.previous)
    # A URL is fetched before the lock: no other run waits on this one's network.
    fetched = _previous(config, output) if is_url(output.previous) else None
    if output.dry_run:
        previous = fetched if fetched is not None else _previous(config, output)
        return _count(config, login, counter, output, previous, None)
    with lock_directory(output.out_dir, output.lock_wait):
        # The local record is read under the lock, as the last run left it.
        previous = fetched if fetched is not None else _previous(config, output)
        return _count(config, login, counter, output, previous, output.out_dir)


def _previous(config: Config, output: Output) -> Previous:
    rooms = [room.jid for room in config.rooms]
    return load_previous_run(output.previous, output.out_dir, output.now, rooms)


def _count(
    config: Config,
    login: Login,
    counter: Counter,
    output: Output,
    previous: Previous,
    out_dir: Path | None,
) -> RefreshResult:
    counts = counter(login, config.rooms)
    results = settle(config.rooms, counts, previous.states, output.now, config.stale_after)
    warnings = previous.warnings
    if out_dir is None:
        return RefreshResult(results, None, warnings)
    remove_leftovers(out_dir)  # of killed runs; this one holds the lock
    counted = {result.room.jid: result.count.occupants for result in results}
    history = add_run(previous.history, counted, output.now)
    files = render_badges(results, config.templates)
    files.update(render_charts(results, history, config.templates))
    files[INDEX] = index_html(results, config.base_url, history).encode("utf-8")
    files[HEADERS] = HEADERS_TEXT.encode("utf-8")
    badges = write_badges(out_dir, files)
    # The record goes last: a run that fails before it leaves the previous one.
    written = write_badges(out_dir, record_files(results, history))
    report = WriteReport(badges.written + written.written, badges.unchanged + written.unchanged)
    return RefreshResult(results, report, warnings)
