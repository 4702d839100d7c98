"""`badgegen discover SERVICE`: what a `discover:` entry would find, as rooms.yaml or JSON."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import (
    CONFIG_OPTION,
    Runtime,
    connection_options,
    exit_status_help,
    runtime_of,
)
from badgegen.cli.words import printable, warn
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, ConfigError
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT, MAX_DISCOVER_LIMIT

if TYPE_CHECKING:
    from badgegen.config import Account, Room
    from badgegen.core.counts import Count
    from badgegen.core.discovery import Listing

JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class DiscoverOptions:
    """The options of `badgegen discover`, as typed."""

    service: str
    config_path: Path
    server: str | None = None
    ca_file: Path | None = None
    timeout: float = 10.0
    deadline: float = 120.0
    concurrency: int = 64
    limit: int = 1000
    min_occupants: int = 0
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    as_json: bool = False


@click.command(
    "discover",
    short_help="List a MUC service's public rooms, to paste or as JSON.",
    epilog=exit_status_help(
        (0, "the service's list was read whole, every room counted"),
        (2, "usage error: SERVICE is not a domain, or rooms.yaml has problems"),
        (3, "the list was cut short or some rooms could not be counted (said on stderr)"),
        (4, "nothing counted: connection, TLS or login failed"),
    ),
)
@click.argument("service")
@CONFIG_OPTION
@connection_options
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_DISCOVER_LIMIT),
    default=DEFAULT_DISCOVER_LIMIT,
    show_default=True,
    help="At most this many rooms.",
)
@click.option(
    "--min-occupants",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Only rooms with at least this many occupants.",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Only rooms whose JID matches.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="No room whose JID matches.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each room's JID, name,"
              " description, language and count.")  # fmt: skip
@click.pass_context
def discover_command(context: click.Context, /, service: str, **options: object) -> None:
    """List SERVICE's public rooms (a MUC service, e.g. conference.example.org).

    Logs in as refresh does (BADGEGEN_JID or account.jid in --config, with
    BADGEGEN_PASSWORD or BADGEGEN_PASSWORD_FILE), reads the service's room
    list and asks each room for its name, description, language and count.
    Prints a `rooms:` block to paste into rooms.yaml (its items under your
    `rooms:`), busiest first; or put the service under `discover:` to badge
    its rooms as they come and go.

    \b
    Example:
      badgegen discover conference.example.org --min-occupants 1
    """
    chosen = DiscoverOptions(service, **options)  # type: ignore[arg-type]
    sys.exit(run_discover(chosen, runtime_of(context)))


def run_discover(options: DiscoverOptions, runtime: Runtime) -> int:
    """List, count and print; return the exit status."""
    from badgegen.cli.arguments import connect_options
    from badgegen.config import Discover, Room
    from badgegen.config.login import resolve_login
    from badgegen.config.model import Account
    from badgegen.core.discovery import Discovery, entered
    from badgegen.xmpp import fetch_counts

    with errors_reported():
        entry = Discover(
            muc_service(options.service),
            Room(""),
            options.min_occupants,
            tuple(glob.casefold() for glob in options.include),
            tuple(glob.casefold() for glob in options.exclude),
            options.limit,
        )
        login = resolve_login(_account(options.config_path) or Account(), os.environ)
        discovery = Discovery((entry,), {})
        counts = fetch_counts(login, (), connect_options(options), None, discovery=discovery)
    found = [
        (room, count)
        for room, count in zip(discovery.found.rooms, counts, strict=True)
        if entered(room, count, None, entry)
    ]
    found.sort(key=lambda pair: (-(pair[1].occupants or 0), pair[0].jid))
    for warning in discovery.found.warnings:
        warn(warning)
    if not found and not discovery.found.warnings:
        warn(_nothing_found(entry.service, discovery.listings))
    uncounted = sum(count.occupants is None for _room, count in found)
    if uncounted:
        warn(f"{uncounted} of {len(found)} rooms could not be counted")
    if options.as_json:
        click.echo(_as_json(entry.service, found, runtime.now()))
    else:
        click.echo(_as_yaml(entry.service, found), nl=False)
    whole = not discovery.found.warnings and not uncounted
    return EXIT_OK if whole else EXIT_SOME_UNCOUNTED


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


def muc_service(text: str) -> str:
    """A MUC service as typed, normalised; ConfigError when it is no domain."""
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


def _account(config_path: Path) -> Account | None:
    """rooms.yaml's account, when there is a rooms.yaml (discover works without one)."""
    from badgegen.config import load_rooms

    if not config_path.exists():
        return None
    return load_rooms(config_path).account


def _as_yaml(service: str, found: list[tuple[Room, Count]]) -> str:
    """A `rooms:` block to paste: one JID a line, its name, language and count as a comment.

    Names come from servers: cleaned to one line of plain text (no newline can
    end the comment) and escaped for the terminal.
    """
    lines = [f"# {len(found)} public rooms on {service}, busiest first", "rooms:"]
    for room, count in found:
        shown = ", ".join(printable(part) for part in (count.name, count.language) if part)
        now = f"{count.occupants} online" if count.occupants is not None else "not counted"
        comment = f"  # {shown}: {now}" if shown else f"  # {now}"
        lines.append(f"  - {json.dumps(room.jid, ensure_ascii=False)}{comment}")  # YAML reads JSON
    return "\n".join(lines) + "\n"


def _as_json(service: str, found: list[tuple[Room, Count]], now: datetime) -> str:
    from badgegen.record import timestamp

    rooms = [
        {
            "jid": room.jid,
            "name": count.name,
            "description": count.description,
            "language": count.language,
            "occupants": count.occupants,
        }
        for room, count in found
    ]
    document = {"version": JSON_VERSION, "service": service, "time": timestamp(now), "rooms": rooms}
    return json.dumps(document, ensure_ascii=False, indent=2)
