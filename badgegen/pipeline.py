"""One refresh: counts in, badges out, with data flowing one way."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.config import Config, Room
from badgegen.counts import Count
from badgegen.history import HISTORY_FILE, History, history_json
from badgegen.history import record as record_history
from badgegen.login import Login
from badgegen.previous import Previous, check_source, is_url, load_previous_run
from badgegen.publish import WriteReport, lock_directory, remove_leftovers, write_badges
from badgegen.render import render_badge
from badgegen.render.content import (
    NO_TREND,
    endpoint_document,
    endpoint_json,
    trend_badge,
    trend_value,
)
from badgegen.results import RoomResult, settle
from badgegen.site import HEADERS, HEADERS_TEXT, INDEX, index_html, room_chart
from badgegen.state import STATE_FILE, state_json

if TYPE_CHECKING:
    from badgegen.xmpp import ConnectOptions

# What counts the rooms: badgegen.xmpp.fetch_counts with its options, or a test's fake.
Counter = Callable[[Login, Iterable[Room]], tuple[Count, ...]]

# The seam for tests of the command line: a counter set with counting_with()
# replaces the XMPP one for every refresh started inside the block.
_TEST_COUNTER: ContextVar[Counter | None] = ContextVar("badgegen_test_counter", default=None)


@contextmanager
def counting_with(counter: Counter) -> Iterator[None]:
    """Count with counter instead of over XMPP until the block ends (for tests).

    Args:
        counter: takes the login and the rooms, returns a Count per room.
    """
    token = _TEST_COUNTER.set(counter)
    try:
        yield
    finally:
        _TEST_COUNTER.reset(token)


def make_counter(
    options: ConnectOptions, progress: Callable[[int, int], None] | None = None
) -> Counter:
    """The counter a refresh uses: one XMPP session with these options (or a test's fake).

    Args:
        options: where to connect and how long to wait.
        progress: told (rooms done, rooms in all) as each room is settled.
    """
    if (fake := _TEST_COUNTER.get()) is not None:
        return fake
    from badgegen.xmpp import fetch_counts

    def count(login: Login, rooms: Iterable[Room]) -> tuple[Count, ...]:
        return fetch_counts(login, rooms, options, progress)

    return count


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """Every room's result, what was written (None on a dry run), and warnings."""

    rooms: tuple[RoomResult, ...]
    report: WriteReport | None
    warnings: tuple[str, ...] = ()

    @property
    def all_counted(self) -> bool:
        """Whether every room got a count this run."""
        return all(result.counted for result in self.rooms)


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
        files[room.json_name] = endpoint_json(result).encode("utf-8")
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
            day, week = history.values(room.jid, "15m"), history.values(room.jid, "1h")
            badge = trend_badge(room, result.badge.label, trend_value(room.trend, day, week))
            svg_name, json_name = room.trend_names
            files[svg_name] = render_badge(badge, templates).encode("utf-8")
            document = endpoint_document(badge, room.appearance, badge.message == NO_TREND)
            files[json_name] = document.encode("utf-8")
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
    history = record_history(previous.history, counted, output.now)
    files = render_badges(results, config.templates)
    files.update(render_charts(results, history, config.templates))
    files[INDEX] = index_html(results, config.base_url, history).encode("utf-8")
    files[HEADERS] = HEADERS_TEXT.encode("utf-8")
    badges = write_badges(out_dir, files)
    # The record goes last: a run that fails before it leaves the previous one.
    record = {
        HISTORY_FILE: history_json(history).encode("utf-8"),
        STATE_FILE: state_json(results).encode("utf-8"),
    }
    written = write_badges(out_dir, record)
    report = WriteReport(badges.written + written.written, badges.unchanged + written.unchanged)
    return RefreshResult(results, report, warnings)
