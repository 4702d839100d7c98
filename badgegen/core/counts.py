"""What a run learned about each room: its occupant count or why it has none."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Problem(Enum):
    """Why a room could not be counted."""

    NOT_FOUND = "room does not exist"
    NOT_ALLOWED = "not allowed"
    REMOTE_UNREACHABLE = "remote server unreachable"
    SERVICE_UNAVAILABLE = "service unavailable"
    TIMEOUT = "timed out"
    NOT_PUBLISHED = "count not published"
    CONNECTION_LOST = "connection lost"
    ERROR = "error"
    # A discovered room its service no longer lists (or now hides): not asked.
    UNLISTED = "no longer listed by its service"
    # A discovered room still listed, beyond its entry's limit (lowered since): not asked.
    OVER_LIMIT = "beyond its discover: entry's limit"

    @property
    def left_the_page(self) -> bool:
        """Whether the room was not asked: it left the page, and its files say why."""
        return self in (Problem.UNLISTED, Problem.OVER_LIMIT)


@dataclass(frozen=True, slots=True)
class Photo:
    """A room's avatar as its server served it (vcard-temp PHOTO), fetched because its hash
    was new to the record: the image's bytes as served (untrusted: never written as they
    are), then the small PNG drawn from them (pipeline.avatars), or why there is none for
    good (this hash is not fetched again)."""

    hash: str  # the SHA-1 the room announced (lowercase hex), which says when it changes
    data: bytes | None = None  # as served
    problem: str = ""
    png: bytes | None = None  # drawn again by badgegen.render.avatar


@dataclass(frozen=True, slots=True)
class Count:
    """One room's result: occupants, or None with the problem."""

    jid: str  # the room's
    occupants: int | None
    problem: Problem | None = None
    detail: str = ""
    name: str | None = None  # the room's own name, when it published one
    webchat: str | None = None  # the room's advertised web client URL
    description: str | None = None  # the room's own description, when it published one
    language: str | None = None  # the room's language (a BCP 47 tag), when it published one
    logs: str | None = None  # the room's public logs (an http(s) URL), when it published them
    # Whether its disco#info shows a public room (a conference/text identity, no muc_hidden);
    # None when there was no such reply. Only discovered rooms need it.
    public: bool | None = None
    # The SHA-1 of the room's avatar (XEP-0486's muc#roominfo_avatarhash), when it announced one.
    avatar_hash: str | None = None
    photo: Photo | None = None  # the avatar, fetched this run because its hash was new

    @property
    def counted(self) -> bool:
        """Whether the room has a count."""
        return self.occupants is not None

    def describe(self) -> str:
        """A short human-readable result, e.g. "3 online" or the problem."""
        if self.occupants is not None:
            return f"{self.occupants} online"
        reason = self.problem.value if self.problem else "unknown"
        return f"{reason} ({self.detail})" if self.detail else reason
