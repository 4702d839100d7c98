"""history.json: each room's series per tier, compact; read as untrusted input."""

from __future__ import annotations

import json
from collections.abc import Iterable

from badgegen.history import TIERS, History, Series
from badgegen.untrusted import credible_occupants

HISTORY_FILE = "history.json"
HISTORY_VERSION = 1
# The longest a room's entry can be in the file: 630 values of up to 7 characters.
MAX_BYTES_PER_ROOM = 6 * 1024
BASE_BYTES = 64 * 1024


def history_json(history: History) -> str:
    """history.json: compact, keys sorted, byte-identical for the same history."""
    tiers = {
        tier.name: {"step": tier.step, "end": history.ends.get(tier.name, 0)} for tier in TIERS
    }
    document = {"version": HISTORY_VERSION, "tiers": tiers, "rooms": history.rooms}
    return json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"


def parse_history(text: str, rooms: Iterable[str]) -> History:
    """Read a history.json, keeping only the listed rooms' well-formed series.

    Raises:
        ValueError: the text is not a version 1 history at all.
    """
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply (expected a history.json)") from None
    if not isinstance(document, dict) or document.get("version") != HISTORY_VERSION:
        raise ValueError(f"not a version {HISTORY_VERSION} history.json")
    tiers, entries = document.get("tiers"), document.get("rooms")
    if not isinstance(tiers, dict) or not isinstance(entries, dict):
        raise ValueError("history.json has no tiers or rooms")
    ends: dict[str, int] = {}
    for tier in TIERS:
        found = tiers.get(tier.name)
        end = found.get("end") if isinstance(found, dict) else None
        if not isinstance(found, dict) or found.get("step") != tier.step:
            raise ValueError(f"history.json's {tier.name} tier is not {tier.step} s buckets")
        if type(end) is not int or end < 0 or end % tier.step:
            raise ValueError(f"history.json's {tier.name} tier has no valid end")
        ends[tier.name] = end
    kept = {jid: _parse_room(entries.get(jid)) for jid in rooms if jid in entries}
    return History(ends, {jid: series for jid, series in kept.items() if series})


def _parse_room(entry: object) -> dict[str, Series] | None:
    if not isinstance(entry, dict):
        return None
    parsed: dict[str, Series] = {}
    for tier in TIERS:
        values = entry.get(tier.name)
        if not isinstance(values, list) or len(values) != tier.length:
            return None
        if not all(value is None or credible_occupants(value) for value in values):
            return None
        parsed[tier.name] = values
    return parsed


def history_limit(rooms: int) -> int:
    """The largest history.json read for a config of this many rooms."""
    return BASE_BYTES + rooms * MAX_BYTES_PER_ROOM
