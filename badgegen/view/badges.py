"""What a room's badges say: label, message and colour from its count, trend and appearance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from badgegen.config import Room
from badgegen.config.appearance import Appearance
from badgegen.core.state import RoomState
from badgegen.render.styles import Badge
from badgegen.text.logo import AVATAR, avatar_logo
from badgegen.view.words import stale_note

ROOM_NAME = "{name}"
_PREFIXES = ("k", "M", "G", "T")


def badge_for(room: Room, state: RoomState) -> Badge:
    """The badge a room gets for what it shows after a run.

    Args:
        room: the room and how its badge looks.
        state: its count (fresh or stale) or unknown.

    Returns:
        The badge to render; its ids are unique to the room.
    """
    look = room.appearance
    return badge_in_look(
        look,
        label_for(room, state.name),
        message_for(look, state.occupants),
        color_for(look, state.occupants, stale=state.status == "stale"),
        id_suffix(room.jid),
        note=stale_note(state),
        is_error=state.occupants is None,
        avatar=avatar_png(state),
    )


def avatar_png(state: RoomState) -> bytes | None:
    """The room's avatar image, when it shows one (for `logo: avatar`)."""
    return state.avatar.png if state.avatar is not None else None


UNLISTED_MESSAGE = "no longer listed"
OVER_LIMIT_MESSAGE = "no longer counted"


def unlisted_badge(room: Room, state: RoomState, *, over_limit: bool = False) -> Badge:
    """The badge of a room that left the page: its label, and "no longer listed" (its
    service lists it no more) or "no longer counted" (beyond its discover: limit)."""
    look = room.appearance
    return badge_in_look(
        look,
        label_for(room, state.name),
        OVER_LIMIT_MESSAGE if over_limit else UNLISTED_MESSAGE,
        look.unknown_color,
        id_suffix(room.jid),
        avatar=avatar_png(state),
    )


def badge_in_look(
    look: Appearance,
    label: str,
    message: str,
    color: str,
    suffix: str,
    note: str = "",
    *,
    is_error: bool = False,
    avatar: bytes | None = None,
) -> Badge:
    """A badge with these texts and colour in look's style, label colour and logo (with
    `logo: avatar`, the room's avatar, or none when it has none)."""
    logo = look.logo
    if logo == AVATAR:
        logo = avatar_logo(avatar) if avatar else None
    return Badge(
        label=label,
        message=message,
        color=color,
        label_color=look.label_color,
        style=look.style,
        logo=logo,
        id_suffix=suffix,
        note=note,
        is_error=is_error,
    )


def message_badge(label: str, message: str, color: str, look: Appearance) -> Badge:
    """A badge with a message of one's own (`badgegen badge`), drawn like a room's.

    Args:
        label: the left text.
        message: the right text.
        color: the message's colour, parsed.
        look: the style, label colour and logo.
    """
    return badge_in_look(look, label, message, color, id_suffix(f"{label}\0{message}"))


def label_for(room: Room, name: str | None) -> str:
    """The label, with {name} replaced by the room's own name (or its JID's local part)."""
    if ROOM_NAME not in room.label:
        return room.label
    return room.label.replace(ROOM_NAME, name or room.jid.split("@")[0])


def message_for(look: Appearance, occupants: int | None) -> str:
    """The message: the unknown text, the zero text, or the singular/plural template.

    Args:
        look: the room's appearance.
        occupants: the count, or None when there is none.
    """
    if occupants is None:
        return look.unknown_message
    if occupants == 0 and look.zero_message is not None:
        return look.zero_message
    template = look.message_one if occupants == 1 and look.message_one else look.message
    shown = compact_number(occupants) if look.compact else str(occupants)
    return template.replace("{count}", shown)


def color_for(look: Appearance, occupants: int | None, *, stale: bool = False) -> str:
    """The message's colour: the last threshold the count reaches, or unknown's or stale's."""
    if occupants is None:
        return look.unknown_color
    if stale:
        return look.stale_color
    reached = [color for minimum, color in look.colors if occupants >= minimum]
    return reached[-1] if reached else look.unknown_color


def compact_number(number: int) -> str:
    """Shorten large numbers like shields' metric format: 999, 1.2k, 12k, 3.4M.

    Args:
        number: a count of 0 or more.
    """
    if number < 1000:
        return str(number)
    for power, prefix in enumerate(_PREFIXES, start=1):
        scaled = number / 1000**power
        if scaled < 999.95 or prefix == _PREFIXES[-1]:
            break
    text = f"{scaled:.1f}" if scaled < 9.95 else str(round(scaled))
    return text.removesuffix(".0") + prefix


def id_suffix(seed: str) -> str:
    """A short suffix that keeps ids apart when several badges share a page, yet is stable."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()[:8]


# What a trend badge says: the day's peak, or the week's average, and what it is built
# from when that is less than half its span ("peak 5 (1 count)").
TREND_MESSAGES = {"day": "peak {value} ({span})", "week": "avg {value} ({span})"}
TREND_SPANS = {"day": "24h", "week": "7d"}
# Half a day of quarter hours, half a week of hours.
FULL_ENOUGH = {"day": 48, "week": 84}
NO_TREND = "no history"


@dataclass(frozen=True, slots=True)
class Trend:
    """A trend's value, how many buckets (quarter hours, hours) it was built from, and how
    many hours they span (from the first to now)."""

    value: float
    counts: int
    hours: int = 1


def trend_value(trend: str, day: list[int | None], week: list[int | None]) -> Trend | None:
    """The day's peak (its quarter hours) or the week's mean (its hours, else the day's)."""
    if trend == "day":
        known = [value for value in day if value is not None]
        return Trend(max(known), len(known), _hours(day, 4)) if known else None
    if any(value is not None for value in week):
        known, hours = [value for value in week if value is not None], _hours(week, 1)
    else:
        known, hours = [value for value in day if value is not None], _hours(day, 4)
    return Trend(sum(known) / len(known), len(known), hours) if known else None


def _hours(buckets: list[int | None], per_hour: int) -> int:
    """The hours from the first bucket with a value to the end (the newest), rounded up."""
    first = next((index for index, value in enumerate(buckets) if value is not None), None)
    return 0 if first is None else -(-(len(buckets) - first) // per_hour)


def trend_badge(room: Room, label: str, trend: Trend | None, avatar: bytes | None = None) -> Badge:
    """A room's trend badge: its count badge's label and look, the trend as the message.

    Args:
        room: the room, whose `trend` says which.
        label: the room's badge label (its {name} filled in).
        trend: the trend; None when there is no history yet.
        avatar: the room's avatar image, for `logo: avatar`.
    """
    look, kind = room.appearance, room.trend or "week"
    if trend is None:
        message, color = NO_TREND, look.unknown_color
    else:
        shown = f"{trend.value:.1f}".removesuffix(".0")
        if look.compact and trend.value >= 1000:
            shown = compact_number(round(trend.value))
        span = TREND_SPANS[kind] if trend.counts >= FULL_ENOUGH[kind] else _so_far(trend.hours)
        message = TREND_MESSAGES[kind].format(value=shown, span=span)
        color = color_for(look, round(trend.value))
    suffix = id_suffix(f"{room.jid}\0trend")
    return badge_in_look(look, label, message, color, suffix, is_error=trend is None, avatar=avatar)


def _so_far(hours: int) -> str:
    """A trend's span while its history is young: "3h so far", "2d so far"."""
    return f"{hours}h so far" if hours < 48 else f"{hours // 24}d so far"
