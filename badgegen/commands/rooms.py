"""Which rooms a command is about: rooms.yaml's, and those `discover:` put on the page."""

from __future__ import annotations

from collections.abc import Mapping

from badgegen.config import Config, Room
from badgegen.core.state import RoomState
from badgegen.errors import ConfigError


def choose_rooms(
    config: Config, names: tuple[str, ...], states: Mapping[str, RoomState] | None = None
) -> tuple[Room, ...]:
    """The rooms named by JID or file name, or all when none are named.

    Args:
        config: rooms.yaml.
        names: the rooms asked for; none: all.
        states: the last record, whose rooms found by `discover:` (and still on the
            page) count as rooms too.

    Raises:
        ConfigError: a name matches no room.
    """
    rooms = (*config.rooms, *discovered(config, states or {}))
    if not names:
        return rooms
    by_name = {key.casefold(): room for room in rooms for key in (room.jid, room.file)}
    unknown = [name for name in names if name.casefold() not in by_name]
    if unknown:
        raise ConfigError([f'"{name}" is not a room in {config.path}' for name in unknown])
    return tuple(by_name[name.casefold()] for name in names)


def discovered(config: Config, states: Mapping[str, RoomState]) -> list[Room]:
    """The rooms the record says `discover:` entries found (their files are published, on
    the page or left), with their entry's options."""
    entries = {entry.service: entry for entry in config.discover}
    configured = {room.jid for room in config.rooms}
    return [
        entries[state.service].room(jid)
        for jid, state in sorted(states.items())
        if state.service in entries and jid not in configured
    ]
