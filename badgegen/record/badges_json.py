"""badges.json: each room's state, this run's problem and its files; read as untrusted input."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from badgegen.config.names import file_name_problem, parse_room_jid
from badgegen.core.results import RoomResult
from badgegen.core.state import STATUSES, RoomState
from badgegen.record.scan import (
    decode,
    entries,
    has_object,
    room_keys,
    string_field,
    version_of,
)
from badgegen.text.untrusted import (
    MAX_OCCUPANTS,
    clean_description,
    clean_language,
    clean_name,
    credible_occupants,
    https_url,
)

STATE_FILE = "badges.json"
STATE_VERSION = 1
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
# A time this far ahead of the run's clock was written by a clock ahead of it (a step
# back, another machine) and is read as now; further it is not believed: it would keep a
# count "fresh" for ever, or tell of a clock set wrong.
MAX_AHEAD = timedelta(days=31)
# See record_limit(). The largest entry: a JID of 3,071 bytes (RFC 7622's
# parts, escaped), a name of MAX_NAME_CODE_POINTS and a description of
# MAX_DESCRIPTION_CODE_POINTS 4-byte characters,
# a URL of MAX_URL_LENGTH, two file names of 205 bytes and the fixed keys: < 9.5 KiB.
RECORD_BYTES_PER_ROOM = 12 * 1024
RECORD_BASE_BYTES = 4 * 1024 * 1024
# The largest configuration the project supports (and tests): a record written for it
# is read whatever rooms.yaml says now.
SUPPORTED_ROOMS = 10_000
MAX_JID_LENGTH = 3071


def state_json(results: Iterable[RoomResult], checked_at: datetime) -> str:
    """badges.json: when the run checked, each room's state, problem and files; keys sorted.

    Args:
        results: every room's result of the run.
        checked_at: the time of the run.
    """
    document = {
        "version": STATE_VERSION,
        "checked_at": timestamp(checked_at),
        "rooms": {result.room.jid: _record(result) for result in results},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _record(result: RoomResult) -> dict[str, object]:
    state, count = result.state, result.count
    return {
        "status": state.status,
        "occupants": state.occupants,
        "counted_at": timestamp(state.counted_at),
        "problem": count.problem.name.lower() if count.problem else None,
        "detail": count.detail,
        "name": state.name,
        "webchat": state.webchat,
        "description": state.description,
        "language": state.language,
        "service": result.room.service or None,
        "files": list(result.room.file_names),
    }


def record_limit(rooms: int) -> int:
    """The largest badges.json read, with this many rooms configured.

    What any run writes stays within it (RECORD_BYTES_PER_ROOM is above the
    largest entry the caps on names, URLs and JIDs allow), whether rooms.yaml
    has since grown or shrunk: the limit follows the largest configuration
    supported, or this one if larger. Reading costs memory for the entries
    kept only (see scan).
    """
    return RECORD_BASE_BYTES + max(SUPPORTED_ROOMS, rooms) * RECORD_BYTES_PER_ROOM


@dataclass(frozen=True, slots=True)
class Record:
    """A parsed badges.json: the usable states, why other entries were left out, and how far
    the record's newest time is ahead of the reading clock (zero when it is not)."""

    states: dict[str, RoomState]
    ignored: tuple[str, ...] = ()
    ahead: timedelta = timedelta(0)
    checked_at: datetime | None = None


def parse_state(text: str, now: datetime) -> Record:
    """Read a badges.json written by this or an earlier run, or by someone else.

    The record is untrusted: an entry that does not make sense is left out
    (its room starts afresh) and said so, never more (see scan). A time up
    to MAX_AHEAD after now was written by a clock ahead of this one: it is
    read as now. Further ahead it is not believed.

    Args:
        text: the file's content.
        now: the time of this run.

    Returns:
        The states by room JID, "room: reason" for each entry left out, and how far ahead.

    Raises:
        ValueError: the text is not a badges.json at all.
    """
    if version_of(text) != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} badges.json")
    if not has_object(text, "rooms"):
        raise ValueError("badges.json has no rooms")
    states, ignored = _room_states(text, now)
    newest = max((state.counted_at or now for state in states.values()), default=now)
    states = {jid: _no_later_than(state, now) for jid, state in states.items()}
    return Record(states, tuple(ignored), max(newest, now) - now, _checked_at(text, now))


def _room_states(text: str, now: datetime) -> tuple[dict[str, RoomState], list[str]]:
    """Every usable room entry's state, and "room: reason" for each left out (or in part)."""
    states: dict[str, RoomState] = {}
    ignored: list[str] = []
    seen: set[str] = set()
    for entry in entries(text):
        if "@" not in entry.key:
            continue  # not a room: the header, or keys inside a poisoned entry
        seen.add(entry.key)
        state, problem = _parse_room(entry.key, decode(entry.value, RECORD_BYTES_PER_ROOM), now)
        if state is not None:
            states[state.jid] = state
        if problem:
            ignored.append(f"{_shown_key(entry.key)}: {problem}")
    left_out = sorted(room_keys(text) - seen)
    ignored += [f"{_shown_key(key)}: not an object of counts and names" for key in left_out]
    return states, ignored


def _parse_room(
    jid: str, entry: dict[str, object] | None, now: datetime
) -> tuple[RoomState | None, str]:
    """An entry's state (None when unusable) and what was wrong with it, if anything."""
    if len(jid) > MAX_JID_LENGTH:
        return None, "not a room JID"
    if entry is None:
        return None, "not an object"
    status = entry.get("status")
    if status not in STATUSES:
        return None, f"status is not {_one_of(STATUSES)}"
    occupants = entry.get("occupants")
    if not (occupants is None or credible_occupants(occupants)):
        return None, f"occupants is not a whole number from 0 to {MAX_OCCUPANTS}"
    counted_at, problem = parse_timestamp(entry.get("counted_at")), ""
    if counted_at is not None and counted_at > now + MAX_AHEAD:
        counted_at, problem = None, "counted_at is far in the future; its count is not used"
    name = entry.get("name")
    name = clean_name(name) if isinstance(name, str) else None
    webchat = entry.get("webchat")
    webchat = https_url(webchat) if isinstance(webchat, str) else None
    description = entry.get("description")
    description = clean_description(description) if isinstance(description, str) else None
    language = entry.get("language")
    language = clean_language(language) if isinstance(language, str) else None
    service = entry.get("service")
    service = _service_of(jid, service) if isinstance(service, str) else None
    state = RoomState(
        jid, status, occupants, counted_at,  # type: ignore[arg-type]
        name=name, webchat=webchat, description=description, language=language,
        service=service,
    )  # fmt: skip
    return state, problem


def _no_later_than(state: RoomState, now: datetime) -> RoomState:
    """A count from a clock ahead of this one was, as far as this run can tell, taken now."""
    if state.counted_at is None or state.counted_at <= now:
        return state
    return dataclasses.replace(state, counted_at=now)


def _checked_at(text: str, now: datetime) -> datetime | None:
    moment = parse_timestamp(string_field(text, "checked_at"))  # written first
    return moment if moment is not None and moment <= now + MAX_AHEAD else None


def _shown_key(jid: str) -> str:
    """A record's key as a warning may show it: plain and short."""
    shown = clean_name(jid) or "(empty)"
    return shown if len(shown) <= 80 else shown[:79] + "…"


def timestamp(moment: datetime | None) -> str | None:
    """A time as badges.json and --json write it (UTC, to the second), or None."""
    return moment.astimezone(UTC).strftime(TIMESTAMP) if moment else None


def parse_timestamp(value: object) -> datetime | None:
    """A time written by timestamp(), or None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, TIMESTAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _service_of(jid: str, service: str) -> str | None:
    """The service a record says listed jid, kept only when jid is a room of that service
    whose JID makes a file name: a room that left is written again from its record."""
    if not service or jid.rpartition("@")[2] != service or file_name_problem(jid):
        return None
    normalised, _reason = parse_room_jid(jid)
    return service if normalised == jid else None


def _one_of(names: tuple[str, ...]) -> str:
    """ "counted, stale, unknown or unlisted"."""
    return ", ".join(names[:-1]) + f" or {names[-1]}"
