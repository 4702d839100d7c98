"""One refresh: counts in, badges out, with data flowing one way, the whole run in its deadline."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from badgegen.config import Config, Room
from badgegen.config.login import Login
from badgegen.core.counts import Count
from badgegen.core.discovery import Discovery, Found, entered, left
from badgegen.core.occupancy import History, add_run, merged
from badgegen.core.results import RoomResult, settle, unlisted
from badgegen.core.state import RoomState
from badgegen.errors import BadgegenError
from badgegen.pipeline.files import run_files
from badgegen.publish import WriteReport, lock_directory, remove_leftovers, write_badges
from badgegen.record import Previous, check_source, is_url, load_previous_run, record_files

if TYPE_CHECKING:
    from badgegen.xmpp import ConnectOptions


class Counter(Protocol):
    """What counts the rooms, by `until` (time.monotonic()): xmpp_counter's in production;
    a program embedding badgegen, or a test, may pass its own.

    Given a Discovery (only when rooms.yaml has `discover:`), it lists its
    services, hands the listings to discovery.choose() and counts those rooms
    too, after the rooms given, in the same session.
    """

    def __call__(
        self,
        login: Login,
        rooms: Sequence[Room],
        until: float,
        discovery: Discovery | None = None,
        /,
    ) -> tuple[Count, ...]: ...


# Kept back from counting so that rendering and writing end by the deadline too: about
# 1 ms a room on a shared disk (README's figures), with room to spare.
WRITE_RESERVE = 0.5
WRITE_RESERVE_PER_ROOM = 0.0015
# Before writing over a published record, it is fetched again (see _with_newer_history).
REFETCH_SECONDS = 5.0


def xmpp_counter(
    options: ConnectOptions, progress: Callable[[int, int], None] | None = None
) -> Counter:
    """The counter a refresh uses: one XMPP session with these options.

    Args:
        options: where to connect and how long each wait may take.
        progress: told (rooms done, rooms in all) as each room is settled.
    """
    from badgegen.xmpp import fetch_counts  # slixmpp's import is slow; only counting pays

    def count(
        login: Login, rooms: Sequence[Room], until: float, discovery: Discovery | None = None, /
    ) -> tuple[Count, ...]:
        return fetch_counts(login, rooms, options, progress, until, discovery)

    return count


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """Every room's result, what was written (None on a dry run), and warnings."""

    results: tuple[RoomResult, ...]
    report: WriteReport | None
    warnings: tuple[str, ...] = ()

    @property
    def all_counted(self) -> bool:
        """Whether every room asked got a count this run."""
        return all(result.counted for result in self.results if result.asked)


@dataclass(frozen=True, slots=True)
class Output:
    """Where and how a refresh writes, and by when (time.monotonic()) it must be done."""

    out_dir: Path
    now: datetime
    previous: str | None = None  # --previous: a path or https URL
    lock_wait: float = 10.0
    dry_run: bool = False
    deadline_at: float = math.inf

    def left(self) -> float:
        """Seconds left before the deadline."""
        return max(0.0, self.deadline_at - time.monotonic())


def refresh(config: Config, login: Login, counter: Counter, output: Output) -> RefreshResult:
    """Count every room, then write its badge and the run's record, all by the deadline.

    Args:
        config: the rooms to count.
        login: the account to count with.
        counter: fetches the counts (badgegen.xmpp.fetch_counts in production).
        output: where to write, the time of the run, the previous record, the deadline.

    Returns:
        Every room's result, and what was written.

    Raises:
        ConfigError: --previous is a URL but not https; nothing connected.
        RecordError: the previous record is there but could not be read; nothing written.
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
    with lock_directory(output.out_dir, min(output.lock_wait, output.left())):
        # The local record is read under the lock, as the last run left it.
        previous = fetched if fetched is not None else _previous(config, output)
        return _count(config, login, counter, output, previous, output.out_dir)


def _previous(config: Config, output: Output, seconds: float | None = None) -> Previous:
    wait = output.left() if seconds is None else min(seconds, output.left())
    return load_previous_run(output.previous, output.out_dir, output.now, config.capacity, wait)


def _count(
    config: Config,
    login: Login,
    counter: Counter,
    output: Output,
    previous: Previous,
    out_dir: Path | None,
) -> RefreshResult:
    discovery = _discovery(config, previous)
    until = _counting_until(config, output)
    # A counter of before `discover:` takes three arguments: it is given a fourth only to use.
    counts = (
        counter(login, config.rooms, until, discovery)
        if discovery
        else counter(login, config.rooms, until)
    )
    found = discovery.found if discovery else Found()
    rooms = (*config.rooms, *found.rooms)
    results = settle(rooms, counts, previous.states, output.now, config.stale_after)
    if discovery is not None or any(state.service for state in previous.states.values()):
        # Rooms found before keep their files even when `discover:` is gone from rooms.yaml.
        strays = discovery or Discovery((), previous.states, config.rooms, config.default_room)
        results = placed(results, strays, previous.states)
    warnings = [*previous.warnings, *found.warnings]
    if out_dir is None:
        return RefreshResult(results, None, tuple(warnings))
    remove_leftovers(out_dir)  # of killed runs; this one holds the lock
    counted = {result.room.jid: result.count.occupants for result in results if result.asked}
    history = _with_newer_history(config, output, previous.history, warnings)
    recorded = add_run(history, counted, output.now)
    if recorded.behind:
        warnings.append(_behind_warning(recorded.behind.total_seconds()))
    files = run_files(results, recorded.history, output.now, config.base_url, config.templates)
    badges = write_badges(out_dir, files)
    # The record goes last: a run that fails before it leaves the previous one.
    written = write_badges(out_dir, record_files(results, recorded.history, output.now))
    report = WriteReport(badges.written + written.written, badges.unchanged + written.unchanged)
    return RefreshResult(results, report, tuple(warnings))


def _discovery(config: Config, previous: Previous) -> Discovery | None:
    if not config.discover:
        return None
    return Discovery(config.discover, previous.states, config.rooms, config.default_room)


def placed(
    results: Sequence[RoomResult], discovery: Discovery, previous: Mapping[str, RoomState]
) -> tuple[RoomResult, ...]:
    """The results to write: rooms.yaml's, the discovered rooms that are in, those that left.

    A discovered room enters and stays as badgegen.core.discovery.entered says; one
    that was in and is no longer (or had left before) is written as unlisted.
    """
    entries = {entry.service: entry for entry in discovery.entries}
    kept: list[RoomResult] = []
    for result in results:
        room = result.room
        before = previous.get(room.jid)
        if not room.service or entered(room, result.count, before, entries.get(room.service)):
            kept.append(result)
        elif before is not None:  # it was on the page (found, or in rooms.yaml): files stay
            kept.append(unlisted(room, before))
    still = frozenset(result.room.jid for result in kept)
    gone = left(discovery, previous, still)
    return (*kept, *(unlisted(room, before) for room, before in gone))


def _counting_until(config: Config, output: Output) -> float:
    """When counting must stop, so that the rest of the run still ends by the deadline."""
    # Discovered rooms are not known before counting: as many as the limits allow.
    rooms = len(config.rooms) + sum(entry.limit for entry in config.discover)
    reserve = WRITE_RESERVE + WRITE_RESERVE_PER_ROOM * rooms
    if is_url(output.previous):
        reserve += REFETCH_SECONDS
    return output.deadline_at - reserve


def _with_newer_history(
    config: Config, output: Output, history: History, warnings: list[str]
) -> History:
    """history, with what another run published meanwhile from the same record (a URL).

    Two runs that start from one published record would otherwise each publish
    their own counts only, and the later would take away the earlier's. Where
    both hold a bucket, the record fetched now is the newer (a cache may have
    served an older copy the first time).
    """
    if not is_url(output.previous):
        return history  # a local record was read under the lock: no run wrote since
    try:
        again = _previous(config, output, REFETCH_SECONDS)
    except BadgegenError as exc:
        warnings.append(f"could not fetch the record again before writing: {exc}")
        return history
    return merged(again.history, history)


def _behind_warning(seconds: float) -> str:
    return (
        f"this machine's clock is {seconds:.0f} s behind the history's newest quarter hour"
        " (a clock set back, or a history written by a clock ahead): this run's counts went"
        " into the newest buckets, and no closed bucket was changed"
    )
