"""`badgegen discover SERVICE`: its options in, the rooms found out, as rooms.yaml or JSON."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from badgegen.cli.failures import errors_reported, fail
from badgegen.cli.options import (
    CONFIG_OPTION,
    connection_of,
    connection_options,
    exit_status_help,
    runtime_of,
)
from badgegen.cli.words import printable, warn
from badgegen.commands.discover import Discovered, DiscoverRequest
from badgegen.vocabulary import MAX_DISCOVER_LIMIT

JSON_VERSION = 1
DISCOVER = DiscoverRequest("")


@click.command(
    "discover",
    short_help="List a MUC service's public rooms, to paste or as JSON.",
    epilog=exit_status_help(
        (0, "the service's list was read whole, every room counted"),
        (2, "usage error: SERVICE is not a domain, or rooms.yaml has problems"),
        (3, "the list was cut short or some rooms could not be counted (said on stderr)"),
        (
            4,
            "nothing counted: connection, TLS or login failed, or the service could not be"
            " listed at all (no such service, a refusal)",
        ),
    ),
)
@click.argument("service")
@CONFIG_OPTION
@connection_options
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_DISCOVER_LIMIT),
    default=DISCOVER.limit,
    show_default=True,
    help="At most this many rooms.",
)
@click.option(
    "--min-occupants",
    type=click.IntRange(0),
    default=DISCOVER.min_occupants,
    show_default=True,
    help="Only rooms with at least this many occupants.",
)
@click.option("--include", multiple=True, metavar="GLOB", help="Only rooms whose JID matches.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="No room whose JID matches.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each room's JID, name,"
              " description, language and count.")  # fmt: skip
@click.pass_context
def discover_command(context: click.Context, /, **options: Any) -> None:
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
    from badgegen.commands.discover import discover

    as_json = options.pop("as_json")
    request = DiscoverRequest(connection=connection_of(options), **options)
    with errors_reported():
        found = discover(request, os.environ, runtime_of(context))
    if found.failed:  # nothing to paste: the listing's problem and the next step, as errors
        fail([*found.warnings, found.hint], found.status)
    for warning in found.warnings:
        warn(warning)
    if found.hint:
        warn(found.hint)
    if found.uncounted:
        warn(f"{found.uncounted} of {len(found.rooms)} rooms could not be counted")
    click.echo(as_json_text(found) if as_json else as_yaml(found))
    sys.exit(found.status)


def as_yaml(found: Discovered) -> str:
    """A `rooms:` block to paste: one JID a line, its name, language and count as a comment.

    Names come from servers: cleaned to one line of plain text (no newline can
    end the comment) and escaped for the terminal.
    """
    lines = [f"# {len(found.rooms)} public rooms on {found.service}, busiest first", "rooms:"]
    for room, count in found.rooms:
        shown = ", ".join(printable(part) for part in (count.name, count.language) if part)
        now = f"{count.occupants} online" if count.occupants is not None else "not counted"
        comment = f"  # {shown}: {now}" if shown else f"  # {now}"
        lines.append(f"  - {json.dumps(room.jid, ensure_ascii=False)}{comment}")  # YAML reads JSON
    return "\n".join(lines)


def as_json_text(found: Discovered) -> str:
    """The rooms found as one JSON document: each room's JID, name, description, language,
    count."""
    from badgegen.record import timestamp

    rooms = [
        {
            "jid": room.jid,
            "name": count.name,
            "description": count.description,
            "language": count.language,
            "occupants": count.occupants,
        }
        for room, count in found.rooms
    ]
    document = {"version": JSON_VERSION, "service": found.service, "time": timestamp(found.now)}
    return json.dumps({**document, "rooms": rooms}, ensure_ascii=False, indent=2)
