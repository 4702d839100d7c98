"""What a refresh prints: progress, a line per room and a sum, JSON, the job summary."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgegen.cli.options import Failure
from badgegen.login import Login
from badgegen.pipeline import RefreshResult
from badgegen.results import RoomResult
from badgegen.state import TIMESTAMP, describe_age

if TYPE_CHECKING:
    from badgegen.cli.refresh import RefreshOptions


JSON_VERSION = 1
# Problems shared by more rooms than this are one line with a few examples.
GROUP_FROM = 4
EXAMPLES = 3
# Beyond this many rooms, the job summary folds the full table away.
SUMMARY_TABLE_OPEN_UP_TO = 20


@dataclass(frozen=True, slots=True)
class Line:
    """A line to print; problems go to stderr, prefixed "Warning: "."""

    text: str
    problem: bool = False


def summary(result: RefreshResult, out_dir: Path, *, verbose: bool = False) -> list[Line]:
    """Every line of a refresh's summary.

    Rooms counted get a line each; rooms that share a problem are one line
    with a count and a few examples, unless verbose (the full list is also
    in --json and badges.json).

    Args:
        result: what the refresh counted, showed and wrote.
        out_dir: where it wrote.
        verbose: a line for every room, whatever its problem.
    """
    lines = [Line(warning, problem=True) for warning in result.warnings]
    groups: dict[str, list[RoomResult]] = {}
    for room in result.rooms:
        if room.counted:
            lines.append(Line(f"{room.room.jid}: {room_result(room)}"))
        else:
            groups.setdefault(room.count.describe(), []).append(room)
    for reason, rooms in groups.items():
        if verbose or len(rooms) < GROUP_FROM:
            lines += [Line(f"{room.room.jid}: {room_result(room)}", problem=True) for room in rooms]
        else:
            lines.append(Line(_group_line(reason, rooms), problem=True))
    lines.append(Line(closing_line(result, out_dir)))
    return lines


def _group_line(reason: str, rooms: list[RoomResult]) -> str:
    """ "498 rooms: timed out (run deadline reached): a@x, b@x, c@x and 495 more"."""
    examples = ", ".join(room.room.jid for room in rooms[:EXAMPLES])
    stale = sum(room.state.status == "stale" for room in rooms)
    shown = f"; {stale} show their last count (stale)" if stale else ""
    return f"{len(rooms)} rooms: {reason}: {examples} and {len(rooms) - EXAMPLES} more{shown}"


def room_result(result: RoomResult) -> str:
    """What happened to one room, e.g. "12 online" or why it has no count."""
    text, state = result.count.describe(), result.state
    if state.status == "stale" and state.counted_at:
        text += f"; showing {state.occupants} from {describe_age(state.counted_at)} (stale)"
    return text


def closing_line(result: RefreshResult, out_dir: Path) -> str:
    """ "3 of 4 rooms counted; 8 files written, 1 unchanged in public/"."""
    rooms = len(result.rooms)
    counted = f"{sum(room.counted for room in result.rooms)} of {plural(rooms, 'room')} counted"
    if result.report is None:
        return f"{counted}; dry run, nothing written"
    written, unchanged = len(result.report.written), len(result.report.unchanged)
    return f"{counted}; {plural(written, 'file')} written, {unchanged} unchanged in {out_dir}/"


def plural(number: int, noun: str) -> str:
    """ "1 room", "2 rooms"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def result_json(result: RefreshResult, status: int, now: datetime) -> str:
    """--json for a run that counted: the schema README documents, version JSON_VERSION.

    Args:
        result: every room's result and what was written.
        status: the exit status.
        now: the time of the run.
    """
    report = result.report
    return _document(
        status,
        now,
        rooms=[_room_json(room) for room in result.rooms],
        written=list(report.written) if report else [],
        unchanged=list(report.unchanged) if report else [],
        warnings=list(result.warnings),
        error=None,
    )


def failure_json(failure: Failure, now: datetime) -> str:
    """--json for a run that failed before it could count or write: the same schema, an error."""
    error = {
        "kind": failure.kind,
        "message": "; ".join(failure.lines),
        "problems": list(failure.lines),
    }
    return _document(
        failure.status, now, rooms=[], written=[], unchanged=[], warnings=[], error=error
    )


def _document(status: int, now: datetime, **parts: object) -> str:
    document = {"version": JSON_VERSION, "status": status, "time": _timestamp(now), **parts}
    return json.dumps(document, ensure_ascii=False, indent=2)


def _room_json(result: RoomResult) -> dict[str, object]:
    room, count, badge, state = result.room, result.count, result.badge, result.state
    problem = None
    if count.problem:
        problem = {
            "code": count.problem.name.lower(),
            "text": count.problem.value,
            "detail": count.detail,
        }
    return {
        "jid": room.jid,
        "status": state.status,
        "occupants": state.occupants,
        "counted_at": _timestamp(state.counted_at) if state.counted_at else None,
        "problem": problem,
        "badge": {"label": badge.label, "message": badge.message, "color": badge.color},
        "files": [room.svg_name, room.json_name],
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIMESTAMP)


def step_summary(result: RefreshResult) -> str:
    """Markdown for GitHub Actions' job summary: a line of totals, problems grouped, every room.

    Beyond SUMMARY_TABLE_OPEN_UP_TO rooms the table of every room is folded
    into a <details> block, so the summary page stays short.
    """
    counted = sum(room.counted for room in result.rooms)
    heading = (
        f"### XMPP chat badges\n\n{counted} of {plural(len(result.rooms), 'room')} counted.\n\n"
    )
    rows = ["| room | result |", "| --- | --- |"]
    for room in result.rooms:
        cells = (_code_span(room.room.jid), room_result(room))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    table = "\n".join(rows) + "\n"
    if len(result.rooms) <= SUMMARY_TABLE_OPEN_UP_TO:
        return heading + table + "\n"
    problems = [line.text for line in summary(result, Path())[:-1] if line.problem]
    listed = "".join(f"- {_markdown_text(text)}\n" for text in problems)
    folded = f"<details><summary>Every room</summary>\n\n{table}\n</details>\n\n"
    return heading + (listed + "\n" if listed else "") + folded


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _code_span(text: str) -> str:
    """text as a Markdown code span, fenced so that a backtick inside cannot end it."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


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


def report(result: RefreshResult, options: RefreshOptions, status: int, now: datetime) -> None:
    """The summary on the terminal (or JSON), and GitHub's job summary inside Actions."""
    from badgegen.errors import PublishError
    from badgegen.publish import append_text

    if options.as_json:
        click.echo(result_json(result, status, now))
    else:
        for line in summary(result, options.out_dir, verbose=options.verbose > 0):
            if line.problem:
                click.echo(f"Warning: {line.text}", err=True)
            elif not options.quiet:
                click.echo(line.text)
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        try:
            append_text(Path(summary_file), step_summary(result))
        except PublishError as exc:  # the badges are written: the summary is a courtesy
            click.echo(f"Warning: GITHUB_STEP_SUMMARY: {exc}", err=True)
