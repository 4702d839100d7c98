"""XMPP error conditions, classified as the problems a badge can say."""

from __future__ import annotations

from badgegen.core.counts import Count, Problem
from badgegen.text.untrusted import server_text

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

# Every defined stanza error condition: a server's reply names one of these or none.
DEFINED_CONDITIONS = frozenset((
    "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone",
    "internal-server-error", "item-not-found", "jid-malformed", "not-acceptable",
    "not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
    "redirect", "registration-required", "remote-server-not-found",
    "remote-server-timeout", "resource-constraint", "service-unavailable",
    "subscription-required", "undefined-condition", "unexpected-request",
))  # fmt: skip


def problem_for_condition(condition: str) -> Problem:
    """Classify an XMPP error condition.

    Args:
        condition: the condition element's name, e.g. "item-not-found".

    Returns:
        The matching problem; Problem.ERROR for conditions with no class.
    """
    return _PROBLEM_BY_CONDITION.get(condition, Problem.ERROR)


def failed(room: str, condition: str, text: str | None = None) -> Count:
    """The result for a room whose query got an XMPP error.

    Args:
        room: the room's JID.
        condition: the XMPP error condition; one RFC 6120 does not define
            (untrusted text from any server) reads "undefined-condition".
        text: the error's text, the server's own words (cleaned here).

    Returns:
        The count, its detail "condition" or "condition: text".
    """
    if condition not in DEFINED_CONDITIONS:
        condition = "undefined-condition"
    said = server_text(text)
    detail = f"{condition}: {said}" if said else condition
    return Count(room, None, problem_for_condition(condition), detail)
