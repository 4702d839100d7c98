"""Rooms found by `discover:`: which a run counts, which it badges, which have left.

Pure: the listings come from the network boundary (badgegen.xmpp.listing),
the last record tells which rooms each service listed before. A room enters
once its service lists it, its disco#info shows a public room and it has
min_occupants; it stays while the service lists it. A room that leaves (no
longer listed, or now hidden or not a room) keeps its files, rewritten each
run with a badge that says so, so that a README linking it never breaks; it
leaves the page. A listing that fails changes nothing: the rooms the service
listed before are counted as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from badgegen.config import Discover, Room
from badgegen.config.names import file_name_problem
from badgegen.core.counts import Count
from badgegen.core.state import RoomState
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT

# Rooms found by entries no longer in rooms.yaml keep their files, this many in all.
MAX_UNLISTED_ELSEWHERE = DEFAULT_DISCOVER_LIMIT


@dataclass(frozen=True, slots=True)
class Listing:
    """What one service listed: room JIDs in its order, and why the list may be short.

    problem is None when the list is whole; otherwise the rooms are what was
    read before the listing failed.
    """

    service: str
    rooms: tuple[str, ...]
    problem: str | None = None
    truncated: bool = False  # it listed more wanted rooms than the entry's limit
    services: tuple[str, ...] = ()  # bare domains it listed (a server lists its MUC service)


@dataclass(frozen=True, slots=True)
class Found:
    """The rooms to count beyond rooms.yaml's, and what the listings said."""

    rooms: tuple[Room, ...] = ()
    listed: frozenset[str] = frozenset()  # services whose listing was whole
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class Discovery:
    """What a refresh asks the counter to discover; choose() turns listings into rooms.

    The counter lists the entries' services, each up to reading(entry) wanted
    rooms besides the ones in skip, hands the listings to choose() and counts
    the rooms it returns in the same session; found keeps them.
    """

    entries: tuple[Discover, ...]
    previous: Mapping[str, RoomState]  # the last record's states, by JID
    configured: Sequence[Room] = ()  # rooms.yaml's rooms, which keep their own settings
    default_room: Room = field(default_factory=lambda: Room(""))  # `defaults:`, for strays
    found: Found = field(default_factory=Found)
    listings: tuple[Listing, ...] = ()

    @property
    def skip(self) -> frozenset[str]:
        """The JIDs under rooms:: listed or not, they are no discovered room."""
        return frozenset(room.jid for room in self.configured)

    def reading(self, entry: Discover) -> int:
        """How many wanted rooms to read from entry's service: its limit, and room for the
        rooms already on the page (which come first, wherever the service lists them)."""
        return entry.limit + len(listed_before(self.previous).get(entry.service, ()))

    def choose(self, listings: Sequence[Listing]) -> tuple[Room, ...]:
        """The discovered rooms to count, from the listings (kept in listings and found)."""
        self.listings = tuple(listings)
        self.found = found_rooms(
            self.entries, listings, listed_before(self.previous), self.configured
        )
        return self.found.rooms


def listed_before(previous: Mapping[str, RoomState]) -> dict[str, list[str]]:
    """Each service's rooms in the last record that were on the page (not gone)."""
    known: dict[str, list[str]] = {}
    for jid, state in previous.items():
        if state.service and state.status != "unlisted":
            known.setdefault(state.service, []).append(jid)
    return known


def found_rooms(
    entries: Sequence[Discover],
    listings: Sequence[Listing],
    known: Mapping[str, Sequence[str]],
    configured: Sequence[Room],
) -> Found:
    """Each entry's rooms to count, up to its limit: those on the page first, then new ones
    in the service's order; when the listing failed, those on the page and what was read."""
    by_service = {listing.service: listing for listing in listings}
    rooms: list[Room] = []
    listed: set[str] = set()
    warnings: list[str] = []
    taken = {room.jid for room in configured}
    files = {room.file.casefold() for room in configured}
    for entry in entries:
        listing = by_service.get(entry.service, Listing(entry.service, (), "not listed"))
        before = [jid for jid in known.get(entry.service, ()) if entry.wants(jid)]
        if listing.problem:
            warnings.append(
                f"{entry.service}: {listing.problem}; "
                + (f"counting the {len(before)} rooms it listed before, and no room leaves"
                   if before else "no room of it is counted this run")
            )  # fmt: skip
            jids = [*before, *listing.rooms]
        else:
            listed.add(entry.service)
            now = set(listing.rooms)
            jids = [*(jid for jid in before if jid in now), *listing.rooms]
        mine = [jid for jid in dict.fromkeys(jids) if jid not in taken]
        clash = [jid for jid in mine if jid.casefold() in files]
        nameless = [jid for jid in mine if file_name_problem(jid)]
        for skipped, why in ((clash, "a room under rooms: writes its files"),
                             (nameless, "their JIDs make no file name")):  # fmt: skip
            if skipped:
                warnings.append(
                    f"{entry.service}: {len(skipped)} rooms skipped, {why}"
                    f" (e.g. {skipped[0][:80]}); list them under rooms: with `file:`"
                )
        chosen = [jid for jid in mine if jid not in clash and jid not in nameless]
        if len(chosen) > entry.limit or listing.truncated:
            warnings.append(
                f"{entry.service} lists more rooms than its limit of {entry.limit}: the first"
                f" {entry.limit} are asked (raise `limit:` to badge more)"
            )
        chosen = chosen[: entry.limit]
        taken.update(chosen)
        files.update(jid.casefold() for jid in chosen)
        rooms += [entry.room(jid) for jid in chosen]
    return Found(tuple(rooms), frozenset(listed), tuple(warnings))


def entered(room: Room, count: Count, before: RoomState | None, entry: Discover | None) -> bool:
    """Whether a discovered room, counted this run, is on the page.

    It enters when its reply shows a public room with min_occupants; once on the
    page (found, or listed in rooms.yaml before), it stays while its reply does not
    say otherwise (a failed query keeps it).
    """
    was_in = before is not None and before.status != "unlisted"
    if count.public is False:
        return False
    if count.public is None:
        return was_in
    least = entry.min_occupants if entry else 0
    return was_in or (count.occupants is not None and count.occupants >= least)


def left(
    discovery: Discovery, previous: Mapping[str, RoomState], still: frozenset[str]
) -> list[tuple[Room, RoomState]]:
    """The rooms once found that are not on the page now: (room, before), to write as unlisted.

    Each service keeps up to its entry's limit of them (the newest first); the
    services no longer under `discover:` keep MAX_UNLISTED_ELSEWHERE in all.
    """
    by_service = {entry.service: entry for entry in discovery.entries}
    gone: dict[str | None, list[tuple[Room, RoomState]]] = {}
    for jid, state in previous.items():
        if not state.service or jid in still or file_name_problem(jid):
            continue
        entry = by_service.get(state.service)
        if entry is not None:
            room = entry.room(jid)
        else:
            room = replace(discovery.default_room, jid=jid, file=jid, service=state.service)
        gone.setdefault(entry.service if entry else None, []).append((room, state))
    kept: list[tuple[Room, RoomState]] = []
    for service, rooms in gone.items():
        rooms.sort(key=_newest_first)
        most = by_service[service].limit if service else MAX_UNLISTED_ELSEWHERE
        kept += rooms[:most]
    return kept


def _newest_first(pair: tuple[Room, RoomState]) -> tuple[float, str]:
    state = pair[1]
    return (-(state.counted_at.timestamp() if state.counted_at else 0.0), state.jid)
