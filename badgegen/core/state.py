"""What each room shows after a run: its count, a stale one standing in, or unknown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from badgegen.core.avatars import Avatar, resolve_avatar
from badgegen.core.counts import Count

Status = Literal["counted", "stale", "unknown", "unlisted"]
STATUSES: tuple[Status, ...] = ("counted", "stale", "unknown", "unlisted")


@dataclass(frozen=True, slots=True)
class RoomState:
    """What a room's badge shows after a run (badges.json records it).

    occupants is the count shown: this run's, or while stale the last good
    one; None when the badge says unknown. counted_at is when the room was
    last counted successfully. name and webchat are the room's own, from this
    run or, when it did not say, from the record. Why a room has no count this
    run is its Count's problem, not part of the state.
    """

    jid: str  # the room's
    status: Status
    occupants: int | None
    counted_at: datetime | None = None
    name: str | None = None
    webchat: str | None = None
    description: str | None = None
    language: str | None = None
    service: str | None = None  # the MUC service that listed it (`discover:`); None: rooms:
    logs: str | None = None  # the room's public logs, from this run or the record
    avatar: Avatar | None = None  # the room's face, from this run or the record

    @property
    def avatar_png(self) -> bytes | None:
        """The avatar image the room shows (NAME.avatar.png); None when it shows none."""
        return self.avatar.png if self.avatar is not None else None


def resolve_state(
    count: Count, before: RoomState | None, now: datetime, stale_after: timedelta
) -> RoomState:
    """Decide what a room shows: its new count, its last good one, or unknown.

    Args:
        count: this run's result for the room.
        before: the room's entry in the last run's record, if any.
        now: the time of this run (UTC).
        stale_after: how long a last good count may stand in for a failed one.

    Returns:
        The room's state. A count is never invented.
    """
    # What the room says of itself stands until it says otherwise.
    description = count.description or (before.description if before else None)
    language = count.language or (before.language if before else None)
    avatar = resolve_avatar(count, before.avatar if before else None)
    if count.occupants is not None:  # what the room announces now, as its web chat
        return RoomState(
            count.jid, "counted", count.occupants, now, count.name, count.webchat,
            description, language, logs=count.logs, avatar=avatar,
        )  # fmt: skip
    logs = count.logs or (before.logs if before else None)
    webchat = count.webchat or (before.webchat if before else None)
    last_good = before.counted_at if before and before.occupants is not None else None
    if before and last_good and now - last_good < stale_after:
        name = count.name or before.name
        return RoomState(
            count.jid, "stale", before.occupants, last_good, name, webchat, description,
            language, logs=logs, avatar=avatar,
        )  # fmt: skip
    return RoomState(
        count.jid, "unknown", None, last_good, count.name, webchat, description, language,
        logs=logs, avatar=avatar,
    )  # fmt: skip
