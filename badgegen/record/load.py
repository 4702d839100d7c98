"""The last run's record: badges.json and history.json from --out, a path or an HTTPS URL.

What a run publishes must never be lost, so a record that is there but
cannot be read (an I/O error, a host that does not answer, a 5xx) ends the
run before anything is written: RecordError. A record that is read but is
not one, or has poisoned entries, is untrusted input: those parts are left
out with a warning. Only a record that is not there yet (no file, 404)
means a first run.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from badgegen.core.occupancy import History
from badgegen.core.state import RoomState
from badgegen.errors import ConfigError, RecordError
from badgegen.reading import read_bounded
from badgegen.record.badges_json import STATE_FILE, parse_state, record_limit
from badgegen.record.history_json import HISTORY_FILE, FromTheFuture, history_limit, parse_history

SHOWN_IGNORED = 3
FETCH_SECONDS = 10.0  # for badges.json and history.json together
# A record whose times are ahead of this run's clock by more than this gets a warning.
CLOCK_NOTICE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Previous:
    """The last run's states and history, and what could not be used of them."""

    states: dict[str, RoomState] = field(default_factory=dict)
    history: History = field(default_factory=History)
    warnings: tuple[str, ...] = ()


def is_url(source: str | None) -> bool:
    """Whether --previous names a URL (to fetch before the output directory is locked)."""
    return bool(source) and "://" in str(source)


def check_source(source: str | None) -> None:
    """Refuse a --previous that is a URL but not https: the record must come over verified TLS.

    Raises:
        ConfigError: source is an http:// (or other non-https) URL.
    """
    if is_url(source) and not str(source).startswith("https://"):
        raise ConfigError([f"--previous: {source} is not https (expected a path or https URL)"])


def load_previous_run(
    source: str | None, out_dir: Path, now: datetime, rooms: int, seconds: float
) -> Previous:
    """Read the last run's badges.json and the history.json beside it.

    Args:
        source: --previous: a path or an https:// URL; None for out_dir's files.
        out_dir: the output directory.
        now: the time of this run, to judge the record's times by.
        rooms: how many rooms the record may hold (Config.capacity): the read limits
            allow for at least as many.
        seconds: how long fetching may take in all (URLs only).

    Raises:
        RecordError: a file is there but could not be read, or the history is
            far ahead of this machine's clock; nothing may be written.
    """
    places = _places(source, out_dir)
    limits = (record_limit(rooms), history_limit(rooms))
    datas = _read_all(places, limits, url=is_url(source), seconds=min(seconds, FETCH_SECONDS))
    warnings: list[str] = []
    if datas[0] is None and source is not None and not is_url(source):
        warnings.append(f"--previous: {places[0]} does not exist")
    states = _states(datas[0], places[0], now, warnings)
    history = _history(datas[1], places[1], now, warnings)
    return Previous(states, history, tuple(warnings))


def load_states(
    out_dir: Path, now: datetime, rooms: int
) -> tuple[dict[str, RoomState], tuple[str, ...]]:
    """The states in out_dir's badges.json, for `badgegen snippet` (problems are warnings);
    rooms (Config.capacity) sizes the read limit as a refresh's."""
    place = str(out_dir / STATE_FILE)
    warnings: list[str] = []
    try:
        (data,) = _read_all([place], [record_limit(rooms)], url=False, seconds=0)
        return _states(data, place, now, warnings), tuple(warnings)
    except RecordError as exc:
        return {}, (str(exc),)


def load_history(out_dir: Path, now: datetime, rooms: int) -> tuple[History, tuple[str, ...]]:
    """The history.json in out_dir, for `badgegen history` (reading problems are warnings);
    rooms (Config.capacity) sizes the read limit as a refresh's."""
    place = str(out_dir / HISTORY_FILE)
    warnings: list[str] = []
    try:
        (data,) = _read_all([place], [history_limit(rooms)], url=False, seconds=0)
        return _history(data, place, now, warnings), tuple(warnings)
    except RecordError as exc:
        return History(), (str(exc),)


def _places(source: str | None, out_dir: Path) -> tuple[str, str]:
    if source is None:
        return str(out_dir / STATE_FILE), str(out_dir / HISTORY_FILE)
    beside = urllib.parse.urljoin(source, HISTORY_FILE) if is_url(source) else None
    return source, beside or str(Path(source).with_name(HISTORY_FILE))


def _read_all(
    places: Sequence[str], limits: Sequence[int], *, url: bool, seconds: float
) -> list[bytes | None]:
    """Each place's bytes, None when it is not there yet; RecordError when it cannot be read."""
    if url:
        from badgegen.record.fetch import fetch_all  # urllib.request is slow to import

        outcomes = fetch_all(list(zip(places, limits, strict=True)), seconds)
    else:
        outcomes = [
            _read_file(Path(place), limit) for place, limit in zip(places, limits, strict=True)
        ]
    datas: list[bytes | None] = []
    for place, outcome in zip(places, outcomes, strict=True):
        if isinstance(outcome, FileNotFoundError):
            datas.append(None)
        elif isinstance(outcome, BaseException):
            raise RecordError(_cannot_read(place, outcome, url=url))
        else:
            datas.append(outcome)
    return datas


def _read_file(path: Path, limit: int) -> bytes | OSError:
    try:
        return read_bounded(path, limit)
    except OSError as exc:
        return exc
    except ValueError as exc:  # NotReadable: a FIFO, a directory, too large
        return OSError(str(exc))


def _cannot_read(place: str, exc: BaseException, *, url: bool) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    name = Path(urllib.parse.urlparse(place).path).name if url else Path(place).name
    step = (
        "fix the host or the URL, or drop --previous to start afresh"
        if url
        else f"move {place} away to start afresh"
    )
    return (
        f"cannot read the previous {name} from {place}: {reason}; nothing was written,"
        f" so what was published stays as it was ({step})"
    )


def _states(
    data: bytes | None, place: str, now: datetime, warnings: list[str]
) -> dict[str, RoomState]:
    if data is None:
        return {}
    try:
        record = parse_state(data.decode("utf-8", "replace"), now)
    except ValueError as exc:
        warnings.append(f"ignoring the previous badges.json from {place}: {exc}")
        return {}
    if record.ignored:
        warnings.append(_ignored_warning(f"badges.json from {place}", record.ignored))
    if record.ahead > CLOCK_NOTICE:
        warnings.append(_clock_warning(place, record.ahead))
    return record.states


def _history(data: bytes | None, place: str, now: datetime, warnings: list[str]) -> History:
    if data is None:
        return History()
    try:
        history, ignored = parse_history(data.decode("utf-8", "replace"), now)
    except FromTheFuture as exc:
        raise RecordError(
            f"the previous history.json from {place} is ahead of this machine's clock: {exc};"
            " nothing was written (check the clock; to start the history afresh, move it away)"
        ) from exc
    except ValueError as exc:
        warnings.append(f"ignoring the previous history.json from {place}: {exc}")
        return History()
    if ignored:
        warnings.append(_ignored_warning(f"history.json from {place}", ignored))
    return history


def _ignored_warning(what: str, ignored: tuple[str, ...]) -> str:
    shown = "; ".join(ignored[:SHOWN_IGNORED])
    more = f"; and {len(ignored) - SHOWN_IGNORED} more" if len(ignored) > SHOWN_IGNORED else ""
    return f"ignored (parts of) {len(ignored)} entries of the previous {what}: {shown}{more}"


def _clock_warning(place: str, ahead: timedelta) -> str:
    minutes = round(ahead.total_seconds() / 60)
    return (
        f"the previous badges.json from {place} has counts from {minutes} minutes after this"
        " machine's clock (a clock set back, or another machine's ahead): they are read as now"
    )
