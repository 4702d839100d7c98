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
from badgegen.login import Login
from badgegen.previous import check_source, load_previous
from badgegen.publish import WriteReport, lock_directory, write_badges
from badgegen.render import render_badge
from badgegen.render.content import badge_for, endpoint_json
from badgegen.site import HEADERS, HEADERS_TEXT, INDEX, index_html
from badgegen.state import STATE_FILE, RoomState, resolve, state_json

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


def make_counter(options: ConnectOptions) -> Counter:
    """The counter a refresh uses: one XMPP session with these options (or a test's fake).

    Args:
        options: where to connect and how long to wait.
    """
    if (fake := _TEST_COUNTER.get()) is not None:
        return fake
    from badgegen.xmpp import fetch_counts

    def count(login: Login, rooms: Iterable[Room]) -> tuple[Count, ...]:
        return fetch_counts(login, rooms, options)

    return count


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
        ConfigError: --previous is a URL but not https; nothing connected.
        XmppError: nothing could be counted; no file was touched.
        BusyError: another run holds the output directory.
        PublishError: a badge could not be written; those in place are whole.
    """
    check_source(output.previous)
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
