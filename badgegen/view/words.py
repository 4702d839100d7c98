"""A room's count in words, said one way wherever it is shown: page, summary, history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from badgegen.core.occupancy import LastCount
from badgegen.core.results import RoomResult
from badgegen.core.state import RoomState
from badgegen.vocabulary import TIER_NAMES


def describe_age(moment: datetime) -> str:
    """ "2026-11-25 12:00 UTC": when a count was taken, for titles and summaries."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def describe_span(span: timedelta) -> str:
    """ "40 seconds", "7 minutes", "3 hours", "2 days": how long, rounded down, for people."""
    seconds = max(0, int(span.total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = seconds // size
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def stale_note(state: RoomState) -> str:
    """ "stale: last counted ..." for a count that stands in for a failed one, else ""."""
    if state.status != "stale" or state.counted_at is None:
        return ""
    return f"stale: last counted {describe_age(state.counted_at)}"


def run_words(result: RoomResult) -> str:
    """What happened to a room this run, e.g. "12 online", or why it has no count and what
    it shows instead: "timed out; showing 5 from 2026-11-25 12:00 UTC (stale)"."""
    text, state = result.count.describe(), result.state
    if state.status == "stale" and state.counted_at:
        text += f"; showing {state.occupants} from {describe_age(state.counted_at)} (stale)"
    return text


def status_words(result: RoomResult, last: LastCount | None, checked_at: datetime) -> str:
    """A room's count in words for its page: counted in this check, or its last count and
    how long before the check that was.

    "5 online"; "showing 5 from 2026-12-01 12:26 UTC, 7 minutes before this check (stale);
    not counted now: timed out"; "unknown: timed out; last count 5 at ..., 3 hours before
    this check"; "unknown: timed out; never counted".
    """
    state, problem = result.state, result.count.problem
    if state.status == "counted":
        return f"{state.occupants} online"
    reason = problem.value if problem else "not counted"
    if state.status == "stale" and state.counted_at:
        when = _before_check(state.counted_at, checked_at)
        return f"showing {state.occupants} from {when} (stale); not counted now: {reason}"
    if last is None:
        return f"unknown: {reason}; never counted"
    return (
        f"unknown: {reason}; last count {last.occupants} at {_before_check(last.taken, checked_at)}"
    )


def last_count_words(last: LastCount, now: datetime) -> str:
    """ "at 2026-12-01 12:26 UTC (7 minutes ago)", or when only the bucket is known, "in the
    hour from 2026-12-01 12:00 UTC"."""
    if last.counted_at:
        return f"at {describe_age(last.counted_at)} ({describe_span(now - last.counted_at)} ago)"
    return f"in the {BUCKET_NAMES[last.tier.name]} from {describe_age(last.bucket)}"


BUCKET_NAMES = dict(zip(TIER_NAMES, ("quarter hour", "hour", "day"), strict=True))


def _before_check(moment: datetime, checked_at: datetime) -> str:
    """ "2026-12-01 12:26 UTC, 7 minutes before this check"."""
    return f"{describe_age(moment)}, {describe_span(checked_at - moment)} before this check"
