"""Reading a record without trusting it: linear time, memory only for what is kept.

A record (badges.json, history.json) is an object whose entries are flat
objects: `"key": {...}` with strings, numbers and flat lists inside. Rather
than json.loads of the whole file, which a file of `[[[[...` or `[],[],...`
makes cost thirty times its size in memory, the entries are found with
possessive patterns (no backtracking: one pass over the text) and each is
decoded on its own, within a size bound, its numbers bounded as they are
read. What does not have that shape (a poison) is skipped: it costs the
entries it spans, never the others, and never more than one look at its
bytes.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from badgegen.config.model import RoomNames

# A key, then a flat object: strings (escapes allowed), and anything but braces and quotes.
_ENTRY = re.compile(
    r'(?<=[{,\s])"(?P<key>(?:[^"\\]++|\\.)*+)"\s*+:\s*+'
    r'(?P<value>\{(?:[^{}"]++|"(?:[^"\\]++|\\.)*+")*+\})',
    re.DOTALL,
)
_KEY = re.compile(r'(?<=[{,\s])"((?:[^"\\]++|\\.)*+)"\s*+:')
_VERSION = re.compile(r'"version"\s*+:\s*+(\d{1,9})(?=\s*+[,}])')
MAX_KEY_LENGTH = 4096
_LEFT = re.compile(r'"status"\s*+:\s*+"unlisted"')
_CONTROLS = re.compile("[\x00-\x1f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# The least text a key with an @ can take with a value: "@":1
_SHORTEST_ENTRY = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """One `"key": {...}` of a record: the key decoded, the value as text (not decoded yet)."""

    key: str
    value: str


def entries(text: str) -> Iterator[Entry]:
    """Every flat-object entry in text, in order, whatever surrounds it."""
    for match in _ENTRY.finditer(text):
        key = _key(match.group("key"))
        if key is not None:
            yield Entry(key, match.group("value"))


@dataclass(slots=True)
class Dropped:
    """The entries of rooms a configuration does not name: how many, and the first one."""

    count: int = 0
    example: str = ""

    def add(self, key: str) -> None:
        self.count += 1
        self.example = self.example or key


def room_keys(text: str) -> set[str]:
    """Every key that looks like a room JID (holds an @), whatever its value."""
    return set(iter_room_keys(text))


def iter_room_keys(text: str) -> Iterator[str]:
    """Every key that looks like a room JID (holds an @), whatever its value, in order."""
    return _room_keys_in(text, 0, len(text))


@dataclass(frozen=True, slots=True)
class Rooms:
    """A record's room entries as a run may use them: those kept (rooms the configuration
    names, within its discover: limits), and the rest: dropped (counted, one example) or
    unread (named, but their value is no flat object: how many, the first few)."""

    kept: tuple[Entry, ...]
    dropped: Dropped
    unread: int = 0
    unread_shown: tuple[str, ...] = ()


def scan_rooms(text: str, names: RoomNames | None, shown: int) -> Rooms:
    """The room entries of text, sorted as Rooms says; memory for the kept ones only.

    One pass over the entries; the other room keys (an entry whose value is no flat
    object) are looked for only where they can be: in the text between two entries that
    holds a quote, and in the values of entries that are no room. A flood of tiny
    entries costs one match each.

    Args:
        text: the record's content.
        names: the rooms the configuration names; None: every room (for reading only).
        shown: how many unread keys to name.
    """
    scan, end = _Scan(names, names or _every_room), 0
    for match in _ENTRY.finditer(text):
        start = match.start()
        if start - end >= _SHORTEST_ENTRY:
            scan.may_hold_keys(text, end, start)
        end = match.end()
        scan.add(text, match)
    scan.may_hold_keys(text, end, len(text))
    unread, unread_shown = scan.unread(text, shown)
    return Rooms(tuple(scan.kept), scan.dropped, unread, tuple(unread_shown))


@dataclass(slots=True)
class _Scan:
    """A scan under way: what is kept, dropped and read, and where other keys may be."""

    names: RoomNames | None
    taken: Callable[[str], bool]  # names, or every room
    dropped: Dropped = field(default_factory=Dropped)
    kept: list[Entry] = field(default_factory=list)
    read: set[str] = field(default_factory=set)
    per_service: Counter[tuple[str, bool]] = field(default_factory=Counter)
    capped: set[str] = field(default_factory=set)
    # Where room keys outside the entries may be: start and end offsets, in pairs (an array:
    # a flood of entries must not cost a tuple each).
    gaps: array[int] = field(default_factory=lambda: array("q"))

    def may_hold_keys(self, text: str, start: int, end: int) -> None:
        """Keep text[start:end] to look for room keys in, if it could hold one."""
        if text.find('"', start, end) != -1 and text.find("@", start, end) != -1:
            self.gaps.extend((start, end))

    def add(self, text: str, match: re.Match[str]) -> None:
        """One entry: kept, dropped, or (no room) its value searched for room keys later."""
        key = _key(match.group("key"))
        if key is None or "@" not in key:
            self.may_hold_keys(text, match.start("value"), match.end())
            return
        if not self.taken(key):
            self.dropped.add(key)
            return
        service, value = key.rpartition("@")[2], match.group("value")
        most = self.names.most_found(key) if self.names is not None else None
        # Rooms on the page and rooms that left are capped apart: a record's left rooms,
        # first in it, never push out the rooms on the page.
        kind = (service, bool(_LEFT.search(value)))
        if most is not None and self.per_service[kind] >= most:
            self.capped.add(service)
            self.dropped.add(key)
            return
        self.per_service[kind] += most is not None
        self.read.add(key)
        self.kept.append(Entry(key, value))

    def unread(self, text: str, shown: int) -> tuple[int, list[str]]:
        """How many room keys in the gaps name a room but were not read, the first shown."""
        unread, unread_shown = 0, list[str]()
        for start, end in zip(self.gaps[::2], self.gaps[1::2], strict=True):
            for key in _room_keys_in(text, start, end):
                if key in self.read or key.rpartition("@")[2] in self.capped:
                    continue
                if not self.taken(key):
                    self.dropped.add(key)
                elif (unread := unread + 1) <= shown:
                    unread_shown.append(key)
        return unread, unread_shown


def _every_room(_key: str) -> bool:
    return True


def _room_keys_in(text: str, start: int, stop: int) -> Iterator[str]:
    """The keys that look like room JIDs in text[start:stop] (searched in place)."""
    for match in _KEY.finditer(text, start, stop):
        raw = match.group(1)
        if "@" in raw and (key := _key(raw)) is not None:
            yield key


def unread_reasons(rooms: Rooms, shown: Callable[[str], str], reason: str) -> tuple[str, ...]:
    """ "room: reason" for each unread entry named, and "N more rooms: reason" for the rest."""
    said = tuple(f"{shown(key)}: {reason}" for key in rooms.unread_shown)
    more = rooms.unread - len(rooms.unread_shown)
    return said + ((f"{more} more rooms: {reason}",) if more > 0 else ())


def _key(raw: str) -> str | None:
    """A key as JSON wrote it, decoded; None when it is too long or no JSON string."""
    if len(raw) > MAX_KEY_LENGTH or _CONTROLS.search(raw):
        return None  # JSON writes a control character escaped: this is none of ours
    if "\\" not in raw:
        return raw  # nothing to decode: most keys, and the cheap way through a flood of them
    try:
        key = json.loads(f'"{raw}"')
    except ValueError:
        return None
    if not isinstance(key, str) or _SURROGATES.search(key):
        return None  # a lone surrogate (an escaped \ud800) is no text a JID can hold
    return key


def has_object(text: str, name: str) -> bool:
    """Whether text has a `"name": {` anywhere (the record's rooms)."""
    return re.search(rf'"{re.escape(name)}"\s*+:\s*+\{{', text) is not None


def string_field(text: str, name: str) -> str | None:
    """The first `"name": "value"` in text (a top-level field written before the rooms)."""
    pattern = re.compile(rf'"{re.escape(name)}"\s*+:\s*+"((?:[^"\\]++|\\.){{0,256}}+)"')
    found = pattern.search(text)
    if found is None:
        return None
    try:
        value = json.loads(f'"{found.group(1)}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def version_of(text: str) -> int | None:
    """The record's version: the last top-level-looking `"version": N` (written last)."""
    found = None
    for found in _VERSION.finditer(text):  # noqa: B007 (the last one is wanted)
        pass
    return int(found.group(1)) if found else None


def decode(value: str, max_bytes: int, *, every_int: bool = False) -> dict[str, object] | None:
    """An entry's value as a dict; None when larger than max_bytes or not JSON.

    Numbers are bounded as they are read: an integer of more than 18 digits, a
    fraction, NaN or Infinity becomes UNUSABLE. With every_int, integers are
    left to the C parser (several times faster for entries of many numbers;
    the size bound keeps them small, and int()'s own limit makes a longer one
    fail the entry).
    """
    if len(value) > max_bytes:
        return None
    hooks: dict[str, Any] = {"parse_float": _unusable, "parse_constant": _unusable}
    if not every_int:
        hooks["parse_int"] = _small_int
    try:
        decoded = json.loads(value, **hooks)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python recurses
        return None
    return decoded if isinstance(decoded, dict) else None


class Unusable:
    """What a JSON number that cannot be a count, a time or a version is read as."""

    def __repr__(self) -> str:
        return "unusable number"


UNUSABLE = Unusable()


def _small_int(text: str) -> int | Unusable:
    """A JSON integer of sensible size (int() would refuse 4,300 digits anyway)."""
    return int(text) if len(text) <= 18 else UNUSABLE


def _unusable(_text: str) -> Unusable:
    """Fractions, NaN and Infinity are never a count, a time or a version."""
    return UNUSABLE
