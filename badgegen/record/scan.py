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

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# A key, then a flat object: strings (escapes allowed), and anything but braces and quotes.
_ENTRY = re.compile(
    r'(?<=[{,\s])"(?P<key>(?:[^"\\]++|\\.)*+)"\s*+:\s*+'
    r'(?P<value>\{(?:[^{}"]++|"(?:[^"\\]++|\\.)*+")*+\})',
    re.DOTALL,
)
_KEY = re.compile(r'(?<=[{,\s])"((?:[^"\\]++|\\.)*+)"\s*+:')
_VERSION = re.compile(r'"version"\s*+:\s*+(\d{1,9})(?=\s*+[,}])')
MAX_KEY_LENGTH = 4096


@dataclass(frozen=True, slots=True)
class Entry:
    """One `"key": {...}` of a record: the key decoded, the value as text (not decoded yet)."""

    key: str
    value: str


def entries(text: str) -> Iterator[Entry]:
    """Every flat-object entry in text, in order, whatever surrounds it."""
    for match in _ENTRY.finditer(text):
        raw_key = match.group("key")
        if len(raw_key) > MAX_KEY_LENGTH:
            continue
        try:
            key = json.loads(f'"{raw_key}"')
        except ValueError:
            continue
        yield Entry(key, match.group("value"))


def room_keys(text: str) -> set[str]:
    """Every key that looks like a room JID (holds an @), whatever its value."""
    found = set()
    for match in _KEY.finditer(text):
        raw = match.group(1)
        if "@" in raw and len(raw) <= MAX_KEY_LENGTH:
            with contextlib.suppress(ValueError):
                found.add(json.loads(f'"{raw}"'))
    return found


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
