"""What a refresh prints: progress, a line per room and a sum, JSON, the job summary."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from badgegen.login import Login
from badgegen.pipeline import RefreshResult
from badgegen.results import RoomResult
from badgegen.state import describe_age


@dataclass(frozen=True, slots=True)
class Line:
    """A line to print; problems go to stderr, prefixed "Warning: "."""

    text: str
    problem: bool = False


def summary(result: RefreshResult, out_dir: Path) -> list[Line]:
    """Every line of a refresh's summary.

    Args:
        result: what the refresh counted, showed and wrote.
        out_dir: where it wrote.
    """
    lines = [Line(warning, problem=True) for warning in result.warnings]
    for room in result.rooms:
        lines.append(Line(f"{room.room.jid}: {room_result(room)}", problem=not room.counted))
    lines.append(Line(closing_line(result, out_dir)))
    return lines


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


def result_json(result: RefreshResult, status: int) -> str:
    """The run's result for scripts (--json): each room, what was written, the status."""
    report = result.report
    document = {
        "status": status,
        "rooms": [_room_json(room) for room in result.rooms],
        "written": list(report.written) if report else [],
        "unchanged": list(report.unchanged) if report else [],
        "warnings": list(result.warnings),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _room_json(result: RoomResult) -> dict[str, object]:
    room, count, badge = result.room, result.count, result.badge
    return {
        "jid": room.jid,
        "status": result.state.status,
        "occupants": result.state.occupants,
        "problem": count.problem.name.lower() if count.problem else None,
        "detail": count.detail,
        "badge": {"label": badge.label, "message": badge.message, "color": badge.color},
        "files": [room.svg_name, room.json_name],
    }


def step_summary(result: RefreshResult) -> str:
    """A Markdown table of the run for GitHub Actions' job summary."""
    rows = ["| room | result |", "| --- | --- |"]
    for room in result.rooms:
        cells = (_code_span(room.room.jid), room_result(room))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "### XMPP chat badges\n\n" + "\n".join(rows) + "\n\n"


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


def report(
    result: RefreshResult, out_dir: Path, status: int, *, quiet: bool, as_json: bool
) -> None:
    """The summary on the terminal (or JSON), and GitHub's job summary inside Actions."""
    from badgegen.publish import append_text

    if as_json:
        click.echo(result_json(result, status))
    else:
        for line in summary(result, out_dir):
            if line.problem:
                click.echo(f"Warning: {line.text}", err=True)
            elif not quiet:
                click.echo(line.text)
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        append_text(Path(summary_file), step_summary(result))
