"""What a refresh prints: progress, a line per room and a sum, and where the report goes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from badgegen.cli.words import plural
from badgegen.config.login import Login
from badgegen.core.results import RoomResult
from badgegen.core.state import describe_age
from badgegen.pipeline.run import RefreshResult

# Problems shared by more rooms than this are one line with a few examples.
GROUP_FROM = 4
EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Line:
    """A line to print; problems go to stderr, prefixed "Warning: "."""

    text: str
    problem: bool = False


def summary(run: RefreshResult, out_dir: Path, *, verbose: bool = False) -> list[Line]:
    """Every line of a refresh's summary.

    Rooms counted get a line each; rooms that share a problem are one line
    with a count and a few examples, unless verbose (the full list is also
    in --json and badges.json).

    Args:
        run: what the refresh counted, showed and wrote.
        out_dir: where it wrote.
        verbose: a line for every room, whatever its problem.
    """
    lines = [Line(warning, problem=True) for warning in run.warnings]
    groups: dict[str, list[RoomResult]] = {}
    gone = [result for result in run.results if not result.asked]
    for result in run.results:
        if not result.asked:
            continue
        if result.counted:
            lines.append(Line(f"{result.room.jid}: {describe_result(result)}"))
        else:
            groups.setdefault(result.count.describe(), []).append(result)
    for reason, results in groups.items():
        if verbose or len(results) < GROUP_FROM:
            lines += [
                Line(f"{result.room.jid}: {describe_result(result)}", problem=True)
                for result in results
            ]
        else:
            lines.append(Line(_group_line(reason, results), problem=True))
    if gone:
        examples = ", ".join(result.room.jid for result in gone[:EXAMPLES])
        more = f" and {len(gone) - EXAMPLES} more" if len(gone) > EXAMPLES else ""
        lines.append(
            Line(
                f"{plural(len(gone), 'room')} no longer listed by their service keep their"
                f" badges, which say so ({examples}{more})"
            )
        )
    lines.append(Line(closing_line(run, out_dir)))
    return lines


def _group_line(reason: str, results: list[RoomResult]) -> str:
    """ "498 rooms: timed out (run deadline reached): a@x, b@x, c@x and 495 more"."""
    examples = ", ".join(result.room.jid for result in results[:EXAMPLES])
    stale = sum(result.state.status == "stale" for result in results)
    shown = f"; {stale} show their last count (stale)" if stale else ""
    more = len(results) - EXAMPLES
    return f"{len(results)} rooms: {reason}: {examples} and {more} more{shown}"


def describe_result(result: RoomResult) -> str:
    """What happened to one room, e.g. "12 online" or why it has no count."""
    text, state = result.count.describe(), result.state
    if state.status == "stale" and state.counted_at:
        text += f"; showing {state.occupants} from {describe_age(state.counted_at)} (stale)"
    return text


def closing_line(run: RefreshResult, out_dir: Path) -> str:
    """ "3 of 4 rooms counted; 8 files written, 1 unchanged in public/"."""
    rooms = sum(result.asked for result in run.results)
    counted = f"{sum(result.counted for result in run.results)} of {plural(rooms, 'room')} counted"
    if run.report is None:
        return f"{counted}; dry run, nothing written"
    written, unchanged = len(run.report.written), len(run.report.unchanged)
    return f"{counted}; {plural(written, 'file')} written, {unchanged} unchanged in {out_dir}/"


def start_logging(verbose: int, login: Login) -> None:
    """Turn on logging for -v / -vv, with the login's password redacted from every record."""
    from badgegen.logs import configure_logging

    secrets = [login.password.reveal()] if login.password else []
    configure_logging(verbose, secrets)


def progress_printer(quiet: bool) -> Callable[[int, int], None] | None:
    """Rooms done out of total, on a terminal only (not with -q or --json, in CI logs or pipes)."""
    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        end = "\r" if done < total else "\r" + " " * 30 + "\r"
        click.echo(f"{done}/{total} rooms" + end, err=True, nl=False)

    return show
