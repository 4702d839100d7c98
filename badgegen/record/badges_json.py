"""badges.json: each room's state, this run's problem and its files; read as untrusted input."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from badgegen.config.model import RoomNames
from badgegen.config.names import file_name_problem, parse_room_jid
from badgegen.core.avatars import Avatar
from badgegen.core.occupancy import SKEW
from badgegen.core.results import RoomResult
from badgegen.core.state import STATUSES, RoomState
from badgegen.record.scan import (
    Dropped,
    Rooms,
    decode,
    has_object,
    scan_rooms,
    string_field,
    unread_reasons,
    version_of,
)
from badgegen.render.avatar import digest
from badgegen.text.untrusted import (
    MAX_OCCUPANTS,
    clean_description,
    clean_language,
    clean_name,
    credible_occupants,
    https_url,
    lowercase_hex,
    server_text,
    web_url,
)

STATE_FILE = "badges.json"
# Entries left out for poison: this many named in the warning, the rest counted.
SHOWN_UNREAD = 3
UNREAD_STATE = "not an object of counts and names"
STATE_VERSION = 1
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"
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
        "logs": state.logs,
        "service": result.room.service or None,
        "files": list(result.room.files_written(state.avatar_png)),
        **_avatar_fields(state.avatar),
    }


def _avatar_fields(avatar: Avatar | None) -> dict[str, str | None]:
    """The avatar's hash (its image is in avatars.json), and why that image is not shown."""
    if avatar is None:
        return {"avatar": None, "avatar_image": None, "avatar_refused": None}
    if avatar.png is None:
        return {"avatar": avatar.hash, "avatar_image": None, "avatar_refused": avatar.problem}
    return {"avatar": avatar.hash, "avatar_image": digest(avatar.png), "avatar_refused": None}


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
    """A parsed badges.json: the usable states of the rooms the configuration names, why
    other entries of theirs were left out, the entries of rooms it does not name (dropped),
    and how far the record's newest count is ahead of the reading clock."""

    states: dict[str, RoomState]
    ignored: tuple[str, ...] = ()
    ahead: timedelta = timedelta(0)
    checked_at: datetime | None = None
    dropped: Dropped = field(default_factory=Dropped)
    # Every room the record describes within the limits, its state usable or not.
    described: frozenset[str] = frozenset()


def parse_state(text: str, now: datetime, names: RoomNames | None = None) -> Record:
    """Read a badges.json written by this or an earlier run, or by someone else.

    The record is untrusted: an entry that does not make sense is left out
    (its room starts afresh) and said so, never more (see scan); an entry of
    a room the configuration does not name is dropped, costing no more than
    the scan; a discover: service keeps at most twice its entry's limit. A
    count dated up to SKEW after now was taken by a clock a little ahead of
    this one: it is read as now. Dated later, its time is not believed, and
    it stands in for no failed count.

    Args:
        text: the file's content.
        now: the time of this run.
        names: the rooms the configuration names; None: every room (for reading only).

    Returns:
        The states by room JID, "room: reason" for each entry left out, and how far ahead.

    Raises:
        ValueError: the text is not a badges.json at all.
    """
    if version_of(text) != STATE_VERSION:
        raise ValueError(f"not a version {STATE_VERSION} badges.json")
    if not has_object(text, "rooms"):
        raise ValueError("badges.json has no rooms")
    rooms = scan_rooms(text, names, SHOWN_UNREAD)
    states, ignored = _room_states(rooms)
    newest = max((state.counted_at or now for state in states.values()), default=now)
    states = {jid: _dated(state, now) for jid, state in states.items()}
    described = frozenset(entry.key for entry in rooms.kept)
    ahead, checked_at = max(newest, now) - now, _checked_at(text, now)
    return Record(states, ignored, ahead, checked_at, rooms.dropped, described)


def _room_states(rooms: Rooms) -> tuple[dict[str, RoomState], tuple[str, ...]]:
    """Every kept entry's usable state, and "room: reason" for each left out (or in part)."""
    states: dict[str, RoomState] = {}
    ignored: list[str] = []
    for entry in rooms.kept:
        state, problem = _parse_room(entry.key, decode(entry.value, RECORD_BYTES_PER_ROOM))
        if state is not None:
            states[state.jid] = state
        if problem:
            ignored.append(f"{_shown_key(entry.key)}: {problem}")
    return states, tuple(ignored) + unread_reasons(rooms, _shown_key, UNREAD_STATE)


def _parse_room(jid: str, entry: dict[str, object] | None) -> tuple[RoomState | None, str]:
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
    service = entry.get("service")
    state = RoomState(
        jid, status, occupants, parse_timestamp(entry.get("counted_at")),  # type: ignore[arg-type]
        name=_text(entry, "name", clean_name), webchat=_text(entry, "webchat", https_url),
        description=_text(entry, "description", clean_description),
        language=_text(entry, "language", clean_language),
        service=_service_of(jid, service) if isinstance(service, str) else None,
        logs=_text(entry, "logs", web_url),
        avatar=_avatar(entry.get("avatar"), entry.get("avatar_image"), entry.get("avatar_refused")),
    )  # fmt: skip
    return state, ""


def _avatar(hash_: object, image: object, refused: object) -> Avatar | None:
    """An entry's avatar: the hash its room announced, and its image's digest (the image
    is read from avatars.json: record.load) or why it is not shown; None for anything else."""
    if not lowercase_hex(hash_, 40):
        return None
    if isinstance(refused, str):
        return Avatar(str(hash_), None, server_text(refused) or "refused")
    return Avatar(str(hash_), image=str(image)) if lowercase_hex(image, 64) else None


def _text(entry: dict[str, object], name: str, clean: Callable[[str], str | None]) -> str | None:
    """A text field of an entry, cleaned as what comes from elsewhere is; None if it is none."""
    value = entry.get(name)
    return clean(value) if isinstance(value, str) else None


def _dated(state: RoomState, now: datetime) -> RoomState:
    """A count dated after now: read as now within SKEW (a clock a little ahead took it);
    later, its time is not believed (it stands in for no failed count)."""
    if state.counted_at is None or state.counted_at <= now:
        return state
    believed = now if state.counted_at - now <= SKEW else None
    return dataclasses.replace(state, counted_at=believed)


def _checked_at(text: str, now: datetime) -> datetime | None:
    moment = parse_timestamp(string_field(text, "checked_at"))  # written first
    return moment if moment is not None and moment <= now + SKEW else None


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
