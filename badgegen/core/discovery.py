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
from dataclasses import dataclass

from badgegen.config import Discover, Room
from badgegen.config.names import file_name_problem
from badgegen.core.counts import Count
from badgegen.core.state import RoomState


@dataclass(frozen=True, slots=True)
class Listing:
    """What one service listed: room JIDs in its order, and why the list may be short.

    problem is None when the list is whole, or stopped early on purpose (truncated:
    every room on the page before was seen, and more new ones than the limit);
    otherwise (the listing failed, or was cut: at a bound of pages, items or time, or
    at a page token seen before) the rooms are what was read before, and the
    listing removes no room from the page.
    """

    service: str
    rooms: tuple[str, ...]
    problem: str | None = None
    truncated: bool = False  # it lists more wanted new rooms than the entry's limit
    services: tuple[str, ...] = ()  # bare domains it listed (a server lists its MUC service)

    @property
    def whole(self) -> bool:
        """Whether the listing says which rooms on the page are still listed: only then
        may a room leave."""
        return self.problem is None


@dataclass(frozen=True, slots=True)
class Found:
    """The rooms to count beyond rooms.yaml's, and what the listings said."""

    rooms: tuple[Room, ...] = ()
    listed: frozenset[str] = frozenset()  # services whose listing was whole
    warnings: tuple[str, ...] = ()
    # Rooms the listings list (or, when not whole, on the page before) past their entry's
    # limit: a room among them that was on the page says it is no longer counted.
    over_limit: frozenset[str] = frozenset()

    def joined(self, other: Found) -> Found:
        """This and other's rooms, services and warnings, this first."""
        return Found(
            (*self.rooms, *other.rooms),
            self.listed | other.listed,
            (*self.warnings, *other.warnings),
            self.over_limit | other.over_limit,
        )


@dataclass(frozen=True, slots=True)
class DiscoveryPlan:
    """What a run lists and how it chooses the rooms to count from each listing.

    The counter lists each entry's service until it has seen the rooms on the
    page before (on_page(entry)) and entry.limit new ones, the ones in skip
    aside, and counts the rooms choose() returns for it in the same session
    (those early() returns may be counted before the listing ends): a plan is a
    value, the counter returns what it found.
    """

    entries: tuple[Discover, ...]
    known: Mapping[str, tuple[str, ...]]  # each service's rooms on the page before, by service
    configured: tuple[Room, ...] = ()  # rooms.yaml's rooms, which keep their own settings

    @classmethod
    def of(
        cls,
        entries: Sequence[Discover],
        previous: Mapping[str, RoomState],
        configured: Sequence[Room],
    ) -> DiscoveryPlan:
        """The plan for entries, given the last record's states and rooms.yaml's rooms."""
        return cls(tuple(entries), listed_before(previous), tuple(configured))

    @property
    def skip(self) -> frozenset[str]:
        """The JIDs under rooms:: listed or not, they are no discovered room."""
        return frozenset(room.jid for room in self.configured)

    def on_page(self, entry: Discover) -> frozenset[str]:
        """entry's rooms on the page before: a listing reads on until it has seen each (they
        come first, wherever the service lists them), or to its end."""
        return frozenset(jid for jid in self.known.get(entry.service, ()) if entry.wants(jid))

    def early(self, entry: Discover) -> tuple[Room, ...]:
        """The rooms of entry to count while its service is being listed: those on the page
        before, up to its limit (the listing decides later whether they stay)."""
        before = [jid for jid in self.known.get(entry.service, ()) if entry.wants(jid)]
        return tuple(entry.room(jid) for jid in self._without_clashes("", before)[0][: entry.limit])

    def choose(self, entry: Discover, listing: Listing) -> Found:
        """entry's rooms to count, up to its limit: those on the page first, then new ones in
        the service's order. A listing that is not whole removes none: the rooms on the page
        stay, with what was read."""
        before = [jid for jid in self.known.get(entry.service, ()) if entry.wants(jid)]
        warnings = []
        if listing.problem:
            read = len(set(listing.rooms) - set(before))
            warnings.append(_failed_listing(entry.service, listing.problem, len(before), read))
        if listing.whole:
            now = set(listing.rooms)
            jids = [*(jid for jid in before if jid in now), *listing.rooms]
        else:
            jids = [*before, *listing.rooms]
        chosen, skipped = self._without_clashes(entry.service, list(dict.fromkeys(jids)))
        if len(chosen) > entry.limit or listing.truncated:
            warnings.append(
                f"{entry.service} lists more rooms than its limit of {entry.limit}: the first"
                f" {entry.limit} are asked (raise `limit:` to badge more)"
            )
        listed = frozenset((entry.service,) if listing.whole else ())
        rooms = tuple(entry.room(jid) for jid in chosen[: entry.limit])
        return Found(rooms, listed, (*warnings, *skipped), frozenset(chosen[entry.limit :]))

    def choose_all(self, listings: Sequence[Listing]) -> Found:
        """Every entry's rooms, in the entries' order (a service not listed failed)."""
        by_service = {listing.service: listing for listing in listings}
        found = Found()
        for entry in self.entries:
            missing = Listing(entry.service, (), "not listed")
            found = found.joined(self.choose(entry, by_service.get(entry.service, missing)))
        return found

    def _without_clashes(self, service: str, jids: list[str]) -> tuple[list[str], list[str]]:
        """The JIDs that can have files of their own, and a warning for each kind left out."""
        taken = self.skip
        files = {room.file.casefold() for room in self.configured}
        mine = [jid for jid in jids if jid not in taken]
        clash = [jid for jid in mine if jid.casefold() in files]
        nameless = [jid for jid in mine if file_name_problem(jid)]
        warnings = [
            f"{service}: {len(skipped)} rooms skipped, {why} (e.g. {skipped[0][:80]});"
            " list them under rooms: with `file:`"
            for skipped, why in (
                (clash, "a room under rooms: writes its files"),
                (nameless, "their JIDs make no file name"),
            )
            if skipped
        ]
        return [jid for jid in mine if jid not in clash and jid not in nameless], warnings


def _failed_listing(service: str, problem: str, before: int, read: int) -> str:
    """What a listing that is not whole means for its rooms: "S: problem; what is counted"."""
    if before and read:
        counted = f"the {before} rooms on the page before and {read} more read are counted"
    elif before:
        counted = f"the {before} rooms on the page before are counted"
    elif read:
        counted = f"the {read} rooms read are counted"
    else:
        return f"{service}: {problem}; no room of it is counted this run"
    return f"{service}: {problem}; {counted}, and none leaves the page"


def listed_before(previous: Mapping[str, RoomState]) -> dict[str, tuple[str, ...]]:
    """Each service's rooms in the last record that were on the page (not gone)."""
    known: dict[str, list[str]] = {}
    for jid, state in previous.items():
        if state.service and state.status != "unlisted":
            known.setdefault(state.service, []).append(jid)
    return {service: tuple(jids) for service, jids in known.items()}


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
    entries: Sequence[Discover], previous: Mapping[str, RoomState], still: frozenset[str]
) -> list[tuple[Room, RoomState]]:
    """The rooms once found that are not on the page now: (room, before), to write as unlisted.

    Each service keeps up to its entry's limit of them, the newest first. (A record's rooms
    of services no longer under `discover:` were dropped when it was read.)
    """
    by_service = {entry.service: entry for entry in entries}
    gone: dict[str, list[tuple[Room, RoomState]]] = {}
    for jid, state in previous.items():
        entry = by_service.get(state.service or "")
        if entry is None or jid in still or file_name_problem(jid):
            continue
        gone.setdefault(entry.service, []).append((entry.room(jid), state))
    kept: list[tuple[Room, RoomState]] = []
    for service, rooms in gone.items():
        rooms.sort(key=_newest_first)
        kept += rooms[: by_service[service].limit]
    return kept


def _newest_first(pair: tuple[Room, RoomState]) -> tuple[float, str]:
    state = pair[1]
    return (-(state.counted_at.timestamp() if state.counted_at else 0.0), state.jid)
