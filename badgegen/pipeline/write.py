"""A refresh's writing: the history with this run in it, every room's view and files, the record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from badgegen.config import Config
from badgegen.core.occupancy import History, Recorded, add_run, merged_at
from badgegen.core.results import RoomResult
from badgegen.errors import BadgegenError
from badgegen.pipeline.files import run_files
from badgegen.pipeline.output import REFETCH_SECONDS, Output, read_previous
from badgegen.publish import WriteReport, remove_leftovers, write_badges
from badgegen.record import Previous, is_url, record_files
from badgegen.view.room import RoomView, view_rooms


@dataclass(frozen=True, slots=True)
class Written:
    """Each room's view, and what was written (None on a dry run)."""

    views: tuple[RoomView, ...]
    report: WriteReport | None


def write_run(
    config: Config,
    output: Output,
    previous: Previous,
    results: Sequence[RoomResult],
    warnings: list[str],
    *,
    dry_run: bool,
    refetch: bool = True,
) -> Written:
    """Add the run to the history, view every room, and (unless a dry run) write it all:
    the badges and page first, the record last (a run that fails before it leaves the last).

    Args:
        config: the rooms' settings for the page and templates.
        output: where, when and by when.
        previous: the last run's record.
        results: every room's result.
        warnings: the run's warnings; a clock behind the history adds one.
        dry_run: write nothing.
        refetch: with a --previous URL, fetch the record again and merge what another run
            published meanwhile (the run's last write does; an early one need not).
    """
    counted = {result.room.jid: result.count.occupants for result in results if result.asked}
    history = previous.history
    if refetch and not dry_run:
        history = _with_newer_history(config, output, previous, warnings)
    recorded = add_run(history, counted, output.now)
    warnings += _clock_warnings(recorded)
    views = view_rooms(results, recorded.history, output.now)
    if dry_run:
        return Written(views, None)
    remove_leftovers(output.out_dir)  # of killed runs; this one holds the lock
    files = run_files(
        views, recorded.history, output.now, config.base_url, config.templates, config.site
    )
    badges = write_badges(output.out_dir, files)
    record = write_badges(output.out_dir, record_files(results, recorded.history, output.now))
    report = WriteReport(badges.written + record.written, badges.unchanged + record.unchanged)
    return Written(views, report)


def _clock_warnings(recorded: Recorded) -> list[str]:
    """What the run says of a clock behind the history, or a history moved back."""
    said = []
    if recorded.behind:
        said.append(_behind_warning(recorded.behind.total_seconds()))
    if recorded.redated:
        said.append(_redated_warning(recorded.redated.total_seconds()))
    return said


def _with_newer_history(
    config: Config, output: Output, previous: Previous, warnings: list[str]
) -> History:
    """The history, with what another run published meanwhile from the same record (a URL).

    Two runs that start from one published record would otherwise each publish
    their own counts only, and the later would take away the earlier's. Where
    both hold a bucket, the record fetched now is the newer (a cache may have
    served an older copy the first time).
    """
    if not is_url(output.previous):
        return previous.history  # a local record was read under the lock: no run wrote since
    try:
        again = read_previous(config, output, REFETCH_SECONDS, avatars=False)
    except BadgegenError as exc:
        warnings.append(f"could not fetch the record again before writing: {exc}")
        return previous.history
    return merged_at(again.history, previous.history, output.now)


def _behind_warning(seconds: float) -> str:
    return (
        f"this machine's clock is {seconds:.0f} s behind the history's newest quarter hour"
        " (a clock set back, or a history written by a clock ahead): this run's counts went"
        " into the newest buckets, and no closed bucket was changed"
    )


def _redated_warning(seconds: float) -> str:
    return (
        f"the history's newest quarter hour was {seconds / 3600:.1f} hours after this machine's"
        " clock (a clock ahead wrote it, or this one is behind): it was moved back, whole, to"
        " end just before this run, so that the runs after it go on from here"
    )
