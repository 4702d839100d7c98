"""What a refresh prints: progress, a line per room and a sum, and where the report goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from badgegen.cli.words import plural
from badgegen.core.counts import Problem
from badgegen.pipeline.run import RefreshResult
from badgegen.view.room import RoomView

# Problems shared by more rooms than this are one line with a few examples.
GROUP_FROM = 4
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Line:
    """A line to print; problems go to stderr, prefixed "Warning: "."""

    text: str
    problem: bool = False


def summary(run: RefreshResult, out_dir: Path, *, verbose: bool = False) -> list[Line]:
    """Every line of a refresh's summary: its rooms' lines, then the sum.

    Args:
        run: what the refresh counted, showed and wrote.
        out_dir: where it wrote.
        verbose: a line for every room, whatever its problem.
    """
    return [*room_lines(run, verbose=verbose), Line(closing_line(run, out_dir))]


def room_lines(run: RefreshResult, *, verbose: bool = False) -> list[Line]:
    """The warnings, and a line per room or per problem that rooms share.

    Rooms counted get a line each; rooms that share a problem are one line
    with a count and a few examples, unless verbose (the full list is also
    in --json and badges.json).

    Args:
        run: what the refresh counted and showed.
        verbose: a line for every room, whatever its problem.
    """
    lines = [Line(warning, problem=True) for warning in run.warnings]
    groups: dict[str, list[RoomView]] = {}
    gone = [view for view in run.rooms if not view.result.asked]
    for view in run.rooms:
        if not view.result.asked:
            continue
        if view.result.counted:
            lines.append(Line(f"{view.room.jid}: {view.summary}"))
        else:
            groups.setdefault(view.count.describe(), []).append(view)
    for reason, views in groups.items():
        if verbose or len(views) < GROUP_FROM:
            lines += [Line(f"{view.room.jid}: {view.summary}", problem=True) for view in views]
        else:
            lines.append(Line(_group_line(reason, views), problem=True))
    for why, views in _left_the_page(gone).items():
        examples = ", ".join(view.room.jid for view in views[:EXAMPLES])
        more = f" and {len(views) - EXAMPLES} more" if len(views) > EXAMPLES else ""
        lines.append(
            Line(
                f"{plural(len(views), 'room')} {why} keep their badges, which say so"
                f" ({examples}{more})"
            )
        )
    return lines


def _left_the_page(gone: list[RoomView]) -> dict[str, list[RoomView]]:
    """The rooms that left the page, by why: "no longer listed by their service", or
    "beyond their discover: limit"."""
    by_why: dict[str, list[RoomView]] = {}
    for view in gone:
        over = view.count.problem is Problem.OVER_LIMIT
        why = "beyond their discover: limit" if over else "no longer listed by their service"
        by_why.setdefault(why, []).append(view)
    return by_why


def _group_line(reason: str, views: list[RoomView]) -> str:
    """ "498 rooms: timed out (run deadline reached): a@x, b@x, c@x and 495 more"."""
    examples = ", ".join(view.room.jid for view in views[:EXAMPLES])
    stale = sum(view.state.status == "stale" for view in views)
    shown = f"; {stale} show their last count (stale)" if stale else ""
    more = len(views) - EXAMPLES
    return f"{len(views)} rooms: {reason}: {examples} and {more} more{shown}"


def closing_line(run: RefreshResult, out_dir: Path) -> str:
    """ "3 of 4 rooms counted; 8 files written, 1 unchanged in public/"."""
    rooms = sum(view.result.asked for view in run.rooms)
    counted = f"{sum(view.result.counted for view in run.rooms)} of {plural(rooms, 'room')} counted"
    if run.report is None:
        return f"{counted}; dry run, nothing written"
    written, unchanged = len(run.report.written), len(run.report.unchanged)
    return f"{counted}; {plural(written, 'file')} written, {unchanged} unchanged in {out_dir}/"


def progress_printer(quiet: bool) -> Callable[[int, int], None] | None:
    """Rooms done out of total, on a terminal only (not with -q or --json, in CI logs or pipes)."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        end = "\r" if done < total else "\r" + " " * 30 + "\r"
        click.echo(f"{done}/{total} rooms" + end, err=True, nl=False)

    return show
