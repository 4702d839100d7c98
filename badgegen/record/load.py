"""The last run's record, as a run may use it: the rooms the configuration names, clocks
judged, a file missing beside its sibling said so.

What a run publishes must never be lost, so a record that is there but
cannot be read (an I/O error, a host that does not answer, a 5xx) ends the
run before anything is written: RecordError (record.reading). A record that
is read is untrusted input: an entry of a room the configuration does not
name is dropped, a poisoned one left out, a time from a clock ahead judged,
each said in one warning; none of it can stop a later run. A record not
there yet (no file, 404) is a first run; one of its two files missing while
the other is there is said, and the rooms the other names are kept.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from badgegen.config import Config
from badgegen.config.model import RoomNames
from badgegen.core.occupancy import SKEW, History
from badgegen.core.state import RoomState
from badgegen.errors import RecordError
from badgegen.record.avatars_json import avatars_limit, parse_avatars
from badgegen.record.badges_json import STATE_FILE, Record, parse_state, record_limit
from badgegen.record.history_json import HISTORY_FILE, history_limit, parse_history
from badgegen.record.reading import (
    AVATAR_SECONDS,
    FETCH_SECONDS,
    avatars_place,
    is_url,
    read_all,
    record_places,
)
from badgegen.record.scan import Dropped

SHOWN_IGNORED = 3


@dataclass(frozen=True, slots=True)
class Previous:
    """The last run's states and history, and what could not be used of them."""

    states: dict[str, RoomState] = field(default_factory=dict)
    history: History = field(default_factory=History)
    warnings: tuple[str, ...] = ()


def load_previous_run(
    source: str | None,
    out_dir: Path,
    now: datetime,
    config: Config,
    seconds: float,
    *,
    avatars: bool = True,
) -> Previous:
    """Read the last run's badges.json and the history.json beside it.

    Args:
        source: --previous: a path or an https:// URL; None for out_dir's files.
        out_dir: the output directory.
        now: the time of this run, to judge the record's times by.
        config: rooms.yaml: the rooms the record may describe, and how large it may be.
        seconds: how long fetching may take in all (URLs only); avatars.json, after
            the two others, within what is left of it.
        avatars: False to leave avatars.json unread (each avatar keeps its image's name
            only: for a read that wants the history).

    Raises:
        RecordError: a file is there but could not be read; nothing may be written.
    """
    started = time.monotonic()
    places = record_places(source, out_dir)
    limits = (record_limit(config.capacity), history_limit(config.capacity))
    url = is_url(source)
    datas = read_all(places, limits, url=url, seconds=min(seconds, FETCH_SECONDS))
    warnings = _missing(source, places, datas[0] is not None, datas[1] is not None)
    record = _record(datas[0], places[0], now, config, warnings)
    # The history of a discovered room goes with its entry: those badges.json no longer
    # describes (past a limit, or left long ago) take their history along.
    names = config.names if record is None else config.names.with_found(record.described)
    history = _history(datas[1], places[1], names, warnings)
    states = record.states if record else _known_from_history(history, config, datas[0])
    if avatars:  # within what is left of seconds
        place, until = avatars_place(places[0], url), started + seconds
        states = _with_avatars(states, place, url, until, warnings)
    return Previous(states, history, tuple(warnings))


def _with_avatars(
    states: dict[str, RoomState], place: str, url: bool, until: float, warnings: list[str]
) -> dict[str, RoomState]:
    """The states, each avatar with its image from avatars.json; an avatar whose image is
    not there is dropped (its room's photo is fetched again). That file is a cache of what
    servers serve: when it cannot be read, the run goes on and says so."""
    wanted = {s.avatar.image for s in states.values() if s.avatar and s.avatar.image}
    images: dict[str, bytes] = {}
    if wanted:
        limit = avatars_limit(len(wanted))
        seconds = min(AVATAR_SECONDS, max(0.0, until - time.monotonic()))
        try:
            (data,) = read_all([place], [limit], url=url, seconds=seconds)
        except RecordError:
            warnings.append(f"{place} cannot be read: the rooms' avatars are fetched again instead")
            data = None
        images = parse_avatars(data.decode("ascii", "replace"), wanted) if data else {}
    return {jid: _avatar_from(state, images) for jid, state in states.items()}


def _avatar_from(state: RoomState, images: dict[str, bytes]) -> RoomState:
    avatar = state.avatar
    if avatar is None or avatar.problem:
        return state
    png = images.get(avatar.image)
    shown = dataclasses.replace(avatar, png=png, image="") if png else None
    return dataclasses.replace(state, avatar=shown)


def load_states(
    out_dir: Path, now: datetime, config: Config
) -> tuple[dict[str, RoomState], tuple[str, ...]]:
    """The states in out_dir's badges.json, for `snippet` and `history` (a problem is a
    warning), read as a refresh reads them."""
    place = str(out_dir / STATE_FILE)
    warnings: list[str] = []
    try:
        (data,) = read_all([place], [record_limit(config.capacity)], url=False, seconds=0)
    except RecordError as exc:
        return {}, (str(exc),)
    record = _record(data, place, now, config, warnings)
    return (record.states if record else {}), tuple(warnings)


def load_history(out_dir: Path, config: Config) -> tuple[History, tuple[str, ...]]:
    """The history.json in out_dir, for `badgegen history` (a problem is a warning), read as
    a refresh reads it."""
    place = str(out_dir / HISTORY_FILE)
    warnings: list[str] = []
    try:
        (data,) = read_all([place], [history_limit(config.capacity)], url=False, seconds=0)
    except RecordError as exc:
        return History(), (str(exc),)
    return _history(data, place, config.names, warnings), tuple(warnings)


def _missing(source: str | None, places: tuple[str, str], states: bool, history: bool) -> list[str]:
    """What to say when the record, or one of its two files, is not there."""
    if states and history:
        return []
    if states:
        return [
            f"{places[1]} is missing beside {places[0]}: the history starts again from this"
            " run (was it left out when the record was published?)"
        ]
    if history:
        return [
            f"{places[0]} is missing beside {places[1]}: the rooms of the history are kept,"
            " their last states are not known"
        ]
    if source is None:
        return []  # a first run in --out
    found = "finds nothing (404)" if is_url(source) else "does not exist"
    return [
        f"--previous: {places[0]} {found}: counting as a first run; if the badges were"
        " published there, check the address"
    ]


def _record(
    data: bytes | None, place: str, now: datetime, config: Config, warnings: list[str]
) -> Record | None:
    """The record read; None when there is no badges.json, or none that can be read."""
    if data is None:
        return None
    try:
        record = parse_state(data.decode("utf-8", "replace"), now, config.names)
    except ValueError as exc:
        warnings.append(f"ignoring the previous badges.json from {place}: {exc}")
        return None
    warnings += _record_warnings(record, place)
    return record


def _record_warnings(record: Record, place: str) -> list[str]:
    warnings = []
    if record.ignored:
        warnings.append(_ignored_warning(f"badges.json from {place}", record.ignored))
    warnings += _dropped_warning(f"badges.json from {place}", record.dropped)
    if record.ahead > SKEW:
        hours = record.ahead.total_seconds() / 3600
        warnings.append(
            f"the previous badges.json from {place} has counts dated {hours:.1f} hours after"
            " this machine's clock (a clock ahead wrote them, or this one is behind): their"
            " times are not believed, and they stand in for no count"
        )
    return warnings


def _history(data: bytes | None, place: str, names: RoomNames, warnings: list[str]) -> History:
    if data is None:
        return History()
    try:
        history, ignored, dropped = parse_history(data.decode("utf-8", "replace"), names)
    except ValueError as exc:
        warnings.append(f"ignoring the previous history.json from {place}: {exc}")
        return History()
    if ignored:
        warnings.append(_ignored_warning(f"history.json from {place}", ignored))
    warnings += _dropped_warning(f"history.json from {place}", dropped)
    return history


def _known_from_history(
    history: History, config: Config, badges: bytes | None
) -> dict[str, RoomState]:
    """Without badges.json, the rooms of its discover: services the history holds: known
    before, so that they keep their files (as unlisted if the service lists them no more).
    Nothing when badges.json is there but could not be used."""
    if badges is not None:
        return {}
    entries = {entry.service: entry for entry in config.discover}
    listed = {room.jid for room in config.rooms}
    return {
        jid: RoomState(jid, "unknown", None, service=jid.rpartition("@")[2])
        for jid in history.rooms
        if jid not in listed and jid.rpartition("@")[2] in entries
    }


def _ignored_warning(what: str, ignored: tuple[str, ...]) -> str:
    shown = "; ".join(ignored[:SHOWN_IGNORED])
    more = f"; and {len(ignored) - SHOWN_IGNORED} more" if len(ignored) > SHOWN_IGNORED else ""
    return f"ignored (parts of) {len(ignored)} entries of the previous {what}: {shown}{more}"


def _dropped_warning(what: str, dropped: Dropped) -> list[str]:
    if not dropped.count:
        return []
    return [
        f"dropped {dropped.count} rooms of the previous {what} that rooms.yaml does not name"
        f" (or more than its discover: limits allow, or rooms that left and are no longer"
        f" kept), e.g. {dropped.example[:80]}"
    ]
