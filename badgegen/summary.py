"""The lines a refresh prints: one per room, then one that sums up."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from badgegen.config import Config
from badgegen.counts import Count
from badgegen.pipeline import RefreshResult
from badgegen.state import RoomState, describe_age


@dataclass(frozen=True, slots=True)
class Line:
    """A line to print; problems go to stderr, prefixed "Warning: "."""

    text: str
    problem: bool = False


def summary(config: Config, result: RefreshResult, out_dir: Path) -> list[Line]:
    """Every line of a refresh's summary.

    Args:
        config: the rooms, in order.
        result: what the refresh counted, showed and wrote.
        out_dir: where it wrote.
    """
    lines = [Line(warning, problem=True) for warning in result.warnings]
    for room, count, state in zip(config.rooms, result.counts, result.states, strict=True):
        lines.append(Line(f"{room.jid}: {room_result(count, state)}", problem=not count.counted))
    lines.append(Line(closing_line(result, out_dir)))
    return lines


def room_result(count: Count, state: RoomState) -> str:
    """What happened to one room, e.g. "12 online" or why it has no count."""
    text = count.describe()
    if state.status == "stale" and state.counted_at:
        text += f"; showing {state.occupants} from {describe_age(state.counted_at)} (stale)"
    return text


def closing_line(result: RefreshResult, out_dir: Path) -> str:
    """ "3 of 4 rooms counted; 8 files written, 1 unchanged in public/"."""
    rooms = len(result.counts)
    counted = f"{sum(count.counted for count in result.counts)} of {plural(rooms, 'room')} counted"
    if result.report is None:
        return f"{counted}; dry run, nothing written"
    written, unchanged = len(result.report.written), len(result.report.unchanged)
    return f"{counted}; {plural(written, 'file')} written, {unchanged} unchanged in {out_dir}/"


def plural(number: int, noun: str) -> str:
    """ "1 room", "2 rooms"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def result_json(config: Config, result: RefreshResult, status: int) -> str:
    """The run's result for scripts (--json): each room, what was written, the status."""
    rooms = [
        {
            "jid": room.jid,
            "status": state.status,
            "occupants": state.occupants,
            "problem": count.problem.name.lower() if count.problem else None,
            "detail": count.detail,
            "files": [room.svg_name, room.json_name],
        }
        for room, count, state in zip(config.rooms, result.counts, result.states, strict=True)
    ]
    report = result.report
    document = {
        "status": status,
        "rooms": rooms,
        "written": list(report.written) if report else [],
        "unchanged": list(report.unchanged) if report else [],
        "warnings": list(result.warnings),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def step_summary(config: Config, result: RefreshResult) -> str:
    """A Markdown table of the run for GitHub Actions' job summary."""
    rows = ["| room | result |", "| --- | --- |"]
    for room, count, state in zip(config.rooms, result.counts, result.states, strict=True):
        text = room_result(count, state).replace("|", "\\|")
        rows.append(f"| `{room.jid}` | {text} |")
    return "### XMPP chat badges\n\n" + "\n".join(rows) + "\n\n"
