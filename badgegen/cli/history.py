"""`badgegen history ROOM`: a room's occupants over time, from history.json."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import CONFIG_OPTION, exit_status_help, out_option, runtime_of
from badgegen.cli.words import warn
from badgegen.core.occupancy import TIERS, History, Tier
from badgegen.vocabulary import TIER_NAMES

TIME = "%Y-%m-%d %H:%M"


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
    default="1h",
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
    import json

    from badgegen.cli.arguments import choose_rooms
    from badgegen.config import load_rooms
    from badgegen.core.occupancy import newest_bucket
    from badgegen.core.state import describe_age, describe_span
    from badgegen.record import load_history, load_states

    now = runtime_of(context).now()
    with errors_reported():
        config = load_rooms(config_path)
        states = load_states(out_dir, now, config.capacity)[0]
        (chosen,) = choose_rooms(config, (room,), states)
    history, warnings = load_history(out_dir, now, config.capacity)
    for warning in warnings:
        warn(warning)
    points = (
        _from_first_count(history.series(chosen.jid, tier)) if chosen.jid in history.rooms else []
    )
    newest = newest_bucket(history, chosen.jid)
    last = None if newest is None else (newest[0], newest[1])
    bucket_tier = TIERS[0] if newest is None else newest[2]
    state = states.get(chosen.jid)
    counted_at = _counted_at(last, bucket_tier, state.counted_at if state else None)
    if as_json:
        document = _document(chosen.jid, tier, points, last, counted_at, now)
        click.echo(json.dumps(document, indent=2))
        return
    if last is None:
        why = f" (its last refresh: {state.status})" if state and state.status != "counted" else ""
        click.echo(f"No count of {chosen.jid} in {out_dir / 'history.json'} yet{why};"
                   " badgegen refresh makes one.", err=True)  # fmt: skip
        return
    value, bucket = last
    when = (
        f"at {describe_age(counted_at)} ({describe_span(now - counted_at)} ago)"
        if counted_at
        else f"in the {_BUCKET_NAMES[bucket_tier.name]} from {describe_age(bucket)}"
    )
    click.echo(f"{chosen.jid}: last count {value}, {when}")
    for moment, count in points:
        click.echo(f"{moment:{TIME}} UTC  {'-' if count is None else count}")
    if hint := _finer_hint(history, chosen.jid, tier, points):
        click.echo(hint)


def _from_first_count(
    points: list[tuple[datetime, int | None]],
) -> list[tuple[datetime, int | None]]:
    """The series from its first count on (the buckets before it were never counted)."""
    first = next((index for index, (_, value) in enumerate(points) if value is not None), None)
    return [] if first is None else points[first:]


def _finer_hint(
    history: History, jid: str, tier: str, points: list[tuple[datetime, int | None]]
) -> str:
    """A line pointing to a finer tier when it holds more counts than this one shows."""
    shown = sum(value is not None for _, value in points)
    for finer in TIERS:
        if finer.name == tier:
            return ""
        held = sum(value is not None for value in history.values(jid, finer.name))
        if held > shown:
            minutes = finer.step // 60
            return f"(--tier {finer.name} shows more: {held} counted buckets of {minutes} minutes)"
    return ""


_BUCKET_NAMES = dict(zip(TIER_NAMES, ("quarter hour", "hour", "day"), strict=True))


def _counted_at(
    last: tuple[int, datetime] | None, tier: Tier, recorded: datetime | None
) -> datetime | None:
    """When the last count was taken, to the second: the record's time of the room's last good
    count, when it falls in the history's newest bucket of it (the two files agree)."""
    if last is None or recorded is None:
        return None
    bucket = last[1]
    return recorded if bucket <= recorded < bucket + timedelta(seconds=tier.step) else None


def _document(
    jid: str,
    tier: str,
    points: list[tuple[datetime, int | None]],
    last: tuple[int, datetime] | None,
    counted_at: datetime | None,
    now: datetime,
) -> dict[str, object]:
    stamped = [[moment.strftime("%Y-%m-%dT%H:%M:%SZ"), value] for moment, value in points]
    last_json = None
    if last is not None:
        # The count's own time when known; else its quarter hour's start (an upper bound).
        taken = counted_at or last[1]
        last_json = {
            "occupants": last[0],
            "bucket": last[1].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "counted_at": counted_at.strftime("%Y-%m-%dT%H:%M:%SZ") if counted_at else None,
            "age_seconds": max(0, int((now - taken).total_seconds())),
        }
    return {"room": jid, "tier": tier, "last_count": last_json, "points": stamped}
