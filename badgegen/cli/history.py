"""`badgegen history ROOM`: its options in, the room's series out, as lines or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import CONFIG_OPTION, exit_status_help, out_option, runtime_of
from badgegen.cli.words import warn
from badgegen.commands.history import HistoryRequest, RoomHistory
from badgegen.vocabulary import TIER_NAMES

HISTORY = HistoryRequest("")


@click.command(
    "history",
    short_help="Print a room's occupants over time.",
    epilog=exit_status_help(
        (0, "the series was printed (empty when the room has no count yet)"),
        (2, "rooms.yaml has problems, or ROOM is not in it"),
    ),
)
@click.argument("room", metavar="ROOM")
@CONFIG_OPTION
@out_option("The output directory, whose history.json is read.")
@click.option(
    "--tier",
    type=click.Choice(TIER_NAMES),
    default=HISTORY.tier,
    show_default=True,
    help="15m: the last day by quarter hours; 1h: the last week by hours; 1d: the last year.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON, for scripts.")
@click.pass_context
def history_command(
    context: click.Context, room: str, config_path: Path, out_dir: Path, tier: str, as_json: bool
) -> None:
    """Print ROOM's occupants over time (ROOM: its JID or file name), from history.json.

    Quarter hours hold the latest count; hours and days the mean of theirs,
    the current hour and day included. A gap (-) is a time the room was not
    counted; the series starts at its first count.

    \b
    Example:
      badgegen history lobby@conference.example.org --tier 15m
    """
    from badgegen.commands.history import room_history

    request = HistoryRequest(room, config_path, out_dir, tier)
    with errors_reported():
        found = room_history(request, runtime_of(context))
    for warning in found.warnings:
        warn(warning)
    if as_json:
        click.echo(json.dumps(as_document(found), indent=2))
    else:
        print_history(found, out_dir)


def print_history(found: RoomHistory, out_dir: Path) -> None:
    """The last count, then a line per bucket, then where more is to be seen."""
    from badgegen.view.words import describe_age, last_count_words

    if found.last is None:
        why = (
            f" (its last refresh: {found.status})" if found.status not in (None, "counted") else ""
        )
        click.echo(f"No count of {found.jid} in {out_dir / 'history.json'} yet{why};"
                   " badgegen refresh makes one.", err=True)  # fmt: skip
        return
    click.echo(
        f"{found.jid}: last count {found.last.occupants}, {last_count_words(found.last, found.now)}"
    )
    for moment, count in found.points:
        click.echo(f"{describe_age(moment)}  {'-' if count is None else count}")
    if found.finer:
        name, held, step = found.finer
        click.echo(f"(--tier {name} shows more: {held} counted buckets of {step // 60} minutes)")


def as_document(found: RoomHistory) -> dict[str, object]:
    """The room's history as --json prints it."""
    from badgegen.record import timestamp

    last = None
    if found.last is not None:
        last = {
            "occupants": found.last.occupants,
            "bucket": timestamp(found.last.bucket),
            "counted_at": timestamp(found.last.counted_at),
            "age_seconds": max(0, int((found.now - found.last.taken).total_seconds())),
        }
    points = [[timestamp(moment), value] for moment, value in found.points]
    return {"room": found.jid, "tier": found.tier, "last_count": last, "points": points}
