"""--json: one versioned document on stdout for every outcome (README documents the schema)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from badgegen.cli.failures import Failure
from badgegen.pipeline.run import RefreshResult
from badgegen.record import timestamp
from badgegen.view.room import RoomView

JSON_VERSION = 1


def result_json(run: RefreshResult, status: int, now: datetime, logged: Sequence[str] = ()) -> str:
    """--json for a run that counted: the schema README documents, version JSON_VERSION.

    Args:
        run: every room's result and what was written.
        status: the exit status.
        now: the time of the run.
        logged: warnings logged while counting (a domain flooding us, a room left behind).
    """
    report = run.report
    return _document(
        status,
        now,
        rooms=[_room_json(view) for view in run.rooms],
        written=list(report.written) if report else [],
        unchanged=list(report.unchanged) if report else [],
        warnings=[*run.warnings, *logged],
        error=None,
    )


def failure_json(failure: Failure, now: datetime, logged: Sequence[str] = ()) -> str:
    """--json for a run that failed before it could count or write: the same schema, an error."""
    error = {
        "kind": failure.kind,
        "message": "; ".join(failure.lines),
        "problems": list(failure.lines),
    }
    return _document(
        failure.status, now, rooms=[], written=[], unchanged=[], warnings=list(logged), error=error
    )


def _document(status: int, now: datetime, **parts: object) -> str:
    document = {"version": JSON_VERSION, "status": status, "time": timestamp(now), **parts}
    return json.dumps(document, ensure_ascii=False, indent=2)


def _room_json(view: RoomView) -> dict[str, object]:
    room, count, badge, state = view.room, view.count, view.badge, view.state
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
        "counted_at": timestamp(state.counted_at),
        "problem": problem,
        "badge": {"label": badge.label, "message": badge.message, "color": badge.color},
        "files": list(room.files_written(state.avatar_png)),
    }
