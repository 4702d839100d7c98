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


# XMPP error conditions (RFC 6120 section 8.3.3) by the problem they mean here.
_PROBLEM_BY_CONDITION = {
    "item-not-found": Problem.NOT_FOUND,
    "gone": Problem.NOT_FOUND,
    "forbidden": Problem.NOT_ALLOWED,
    "registration-required": Problem.NOT_ALLOWED,
    "not-authorized": Problem.NOT_ALLOWED,
    "not-allowed": Problem.NOT_ALLOWED,
    "remote-server-not-found": Problem.REMOTE_UNREACHABLE,
    "remote-server-timeout": Problem.REMOTE_UNREACHABLE,
    "service-unavailable": Problem.SERVICE_UNAVAILABLE,
}


@dataclass(frozen=True, slots=True)
class Count:
    """One room's result: occupants, or None with the problem."""

    room: str
    occupants: int | None
    problem: Problem | None = None
    detail: str = ""
    name: str | None = None  # the room's own name, when it published one
    webchat: str | None = None  # the room's advertised web client URL

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


def problem_for_condition(condition: str) -> Problem:
    """Classify an XMPP error condition.

    Args:
        condition: the condition element's name, e.g. "item-not-found".

    Returns:
        The matching problem; Problem.ERROR for conditions with no class.
    """
    return _PROBLEM_BY_CONDITION.get(condition, Problem.ERROR)


def failed(room: str, condition: str) -> Count:
    """The result for a room whose query got an XMPP error.

    Args:
        room: the room's JID.
        condition: the XMPP error condition.
    """
    return Count(room, None, problem_for_condition(condition), condition)
