"""`badgegen discover SERVICE`: what a `discover:` entry would find, busiest room first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.commands.refresh import DEFAULT_CONFIG
from badgegen.core.connection import Connection
from badgegen.errors import EXIT_NOTHING_COUNTED, EXIT_OK, EXIT_SOME_UNCOUNTED, ConfigError
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT

if TYPE_CHECKING:  # the command line reads DiscoverRequest's defaults for --help: light imports
    from badgegen.commands.runtime import Runtime
    from badgegen.config import Account, Discover, Room
    from badgegen.core.counts import Count
    from badgegen.core.discovery import Listing


@dataclass(frozen=True, slots=True)
class DiscoverRequest:
    """One listing of a MUC service, as asked for; the command line's defaults are these."""

    service: str
    config_path: Path = DEFAULT_CONFIG  # for its account, when there is one
    connection: Connection = field(default_factory=Connection)
    limit: int = DEFAULT_DISCOVER_LIMIT
    min_occupants: int = 0
    include: tuple[str, ...] = ()  # globs on room JIDs
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Discovered:
    """What the service listed and the rooms' counts, busiest first; and what went wrong."""

    service: str
    now: datetime
    rooms: tuple[tuple[Room, Count], ...]
    warnings: tuple[str, ...] = ()  # the listing cut short, rooms skipped
    uncounted: int = 0  # rooms listed but not counted
    hint: str = ""  # what to try when the service lists no public room
    failed: bool = False  # the listing failed before a room was read: nothing to show

    @property
    def status(self) -> int:
        """0 when the list was read whole and every room counted, 4 when it could not be
        read at all, else 3."""
        if self.failed:
            return EXIT_NOTHING_COUNTED
        return EXIT_OK if not self.warnings and not self.uncounted else EXIT_SOME_UNCOUNTED


def discover(request: DiscoverRequest, environ: Mapping[str, str], runtime: Runtime) -> Discovered:
    """List the service's public rooms and count them, as a `discover:` entry would.

    Args:
        request: the service and the entry's filters.
        environ: where BADGEGEN_JID and the password come from.
        runtime: the counter (by default one XMPP session) and the clock.

    Raises:
        ConfigError: the service is no domain, rooms.yaml or the login is wrong.
        XmppError: the connection or the login failed.
    """
    from badgegen.commands.connect import check_connection
    from badgegen.config import Account
    from badgegen.config.login import resolve_login
    from badgegen.core.counting import CountRequest
    from badgegen.core.discovery import DiscoveryPlan, entered

    entry = _entry(request)
    login = resolve_login(_account(request.config_path) or Account(), environ)
    connection = check_connection(request.connection)
    asked = CountRequest((), DiscoveryPlan((entry,), {}))
    counted = runtime.counter_for(connection)(login, asked)
    pairs = zip(counted.found.rooms, counted.counts, strict=True)
    found = [(room, count) for room, count in pairs if entered(room, count, None, entry)]
    found.sort(key=lambda pair: (-(pair[1].occupants or 0), pair[0].jid))
    warnings = counted.found.warnings
    uncounted = sum(count.occupants is None for _room, count in found)
    if failed := any(listing.problem and not listing.rooms for listing in counted.listings):
        hint = _not_listed(entry.service)
    else:
        hint = "" if found or warnings else _nothing_found(entry.service, counted.listings)
    rooms = tuple(found)
    return Discovered(entry.service, runtime.now(), rooms, warnings, uncounted, hint, failed)


def _entry(request: DiscoverRequest) -> Discover:
    """The `discover:` entry the request stands for."""
    from badgegen.config import Discover, Room

    return Discover(
        muc_service(request.service),
        Room(""),
        request.min_occupants,
        tuple(glob.casefold() for glob in request.include),
        tuple(glob.casefold() for glob in request.exclude),
        request.limit,
    )


def _not_listed(service: str) -> str:
    """What to check when a service could not be listed at all (a typo, most often)."""
    return (
        f"check the name: {service} must be a MUC service the server you log in to can"
        " reach (e.g. conference.example.org; `badgegen discover` of your server's own"
        " domain shows the services it lists)"
    )


def muc_service(text: str) -> str:
    """A MUC service as typed, normalised.

    Raises:
        ConfigError: it is no domain, or a room's or a user's address.
    """
    from badgegen.text.jids import parse_jid

    try:
        jid = parse_jid(text)
    except ValueError as exc:
        raise ConfigError([f'"{text}" is not a MUC service: {exc}']) from exc
    if jid.local or jid.resource:
        raise ConfigError(
            [f'"{text}" is a room or a user, not a MUC service (e.g. conference.example.org)']
        )
    return jid.domain


# The first label of most MUC services' names.
_USUAL_MUC_NAMES = frozenset(("conference", "muc", "chat", "rooms", "groupchat", "chatrooms"))


def _nothing_found(service: str, listings: Sequence[Listing]) -> str:
    """What to try when a service lists no public room: often it is the server, not its MUC."""
    others = [domain for listing in listings for domain in listing.services if domain != service]
    others.sort(key=lambda domain: domain.split(".")[0] not in _USUAL_MUC_NAMES)  # likely first
    if others:
        return (
            f"{service} lists no public rooms, but it lists {', '.join(others)}: if it is a"
            f" server, try its MUC service, e.g. badgegen discover {others[0]}"
        )
    return (
        f"{service} lists no public rooms: is it a MUC service? A room's JID ends in its"
        " service (lobby@conference.example.org is on conference.example.org)"
    )


def _account(config_path: Path) -> Account | None:
    """rooms.yaml's account, when there is a rooms.yaml (discover works without one)."""
    from badgegen.config import load_rooms

    if not config_path.exists():
        return None
    return load_rooms(config_path).account
