"""`badgegen check`: rooms.yaml validated offline; what refresh would write."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import CONFIG_OPTION, exit_status_help, out_option
from badgegen.cli.words import plural, warn

if TYPE_CHECKING:
    from badgegen.config import Discover


@click.command(
    "check",
    short_help="Validate rooms.yaml offline.",
    epilog=exit_status_help(
        (0, "rooms.yaml is valid (warnings, if any, on stderr)"),
        (2, "rooms.yaml has problems, each printed with its file and line, or is missing"),
        (5, "--out is not a folder badges could be written to"),
    ),
)
@CONFIG_OPTION
@out_option("Where badges would be written.")
def check_command(config_path: Path, out_dir: Path) -> None:
    """Validate rooms.yaml offline and say what refresh would write.

    Every problem is reported with its file and line; exit status 2 if any, 5 if
    --out cannot be an output directory.

    \b
    Example:
      badgegen check --config rooms.yaml
    """
    from badgegen.commands.check import check

    with errors_reported():
        config = check(config_path, out_dir)
    for warning in config.warnings:
        warn(warning)
    for room in config.rooms:
        click.echo(
            f'{room.jid} -> {out_dir / room.svg_name} (label "{room.label}", method {room.method})'
        )
        click.echo(f"  and {', '.join(room.file_names[1:])}")
    for entry in config.discover:
        click.echo(f"{entry.service}: its public rooms, up to {entry.limit}{_filters(entry)}")
    found = plural(len(config.rooms), "room")
    services = (
        f" and {plural(len(config.discover), 'service')} to discover" if config.discover else ""
    )
    click.echo(f"{config_path}: OK, {found}{services}")


def _filters(entry: Discover) -> str:
    """ " with 1 or more occupants, not test-*@*": a discover entry's filters in words."""
    parts = []
    if entry.min_occupants:
        parts.append(f"with {entry.min_occupants} or more occupants")
    if entry.include:
        parts.append("matching " + " or ".join(entry.include))
    if entry.exclude:
        parts.append("not " + " or ".join(entry.exclude))
    return (", " + ", ".join(parts)) if parts else ""
