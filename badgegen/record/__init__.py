"""The run's record, badges.json and history.json: read (bounded), parsed and written here only.

What the record says is untrusted input when it is read back: a poisoned
entry costs its room, a poisoned file its own contents, never the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from badgegen.core.occupancy import History
from badgegen.core.results import RoomResult
from badgegen.record.avatars_json import AVATARS_FILE, avatars_json
from badgegen.record.badges_json import STATE_FILE, TIMESTAMP, state_json, timestamp
from badgegen.record.history_json import HISTORY_FILE, history_json, within_capacity
from badgegen.record.load import Previous, load_history, load_previous_run, load_states
from badgegen.record.reading import check_source, is_url

__all__ = [
    "AVATARS_FILE",
    "HISTORY_FILE",
    "STATE_FILE",
    "TIMESTAMP",
    "Previous",
    "check_source",
    "is_url",
    "load_history",
    "load_previous_run",
    "load_states",
    "record_files",
    "timestamp",
]


def record_files(
    results: Sequence[RoomResult], history: History, checked_at: datetime
) -> dict[str, bytes]:
    """The record's files as a run writes them, history.json first, then avatars.json (when
    a room has an avatar), badges.json last.

    Args:
        results: every room's result of the run.
        history: the history with this run's counts (rooms no longer listed are kept
            within the record's capacity).
        checked_at: the time of the run.
    """
    listed = {result.room.jid for result in results}
    files = {HISTORY_FILE: history_json(within_capacity(history, listed)).encode("utf-8")}
    avatars = [result.state.avatar for result in results if result.state.avatar]
    if any(avatar.png for avatar in avatars):  # a site without avatars has no such file
        files[AVATARS_FILE] = avatars_json(avatars).encode("utf-8")
    files[STATE_FILE] = state_json(results, checked_at).encode("utf-8")
    return files
