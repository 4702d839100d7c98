"""Badge content: messages, plurals, compact numbers, colours by count, labels, endpoint JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from badgegen.config import Room
from badgegen.config.appearance import Appearance
from badgegen.config.logo import builtin_logo
from badgegen.core.counts import Count, Problem
from badgegen.core.results import settle
from badgegen.core.state import RoomState
from badgegen.render.endpoint import endpoint_json
from badgegen.render.styles import Badge
from badgegen.view.badges import badge_for, color_for, compact_number, label_for, message_for

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

LOOK = Appearance()
PEOPLE = Appearance(message="{count} people here", message_one="{count} person here",
                    zero_message="nobody here", unknown_message="no idea")  # fmt: skip


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0"), (999, "999"), (1000, "1k"), (1234, "1.2k"), (9949, "9.9k"), (9950, "10k"),
        (12345, "12k"), (999_499, "999k"), (999_960, "1M"), (1_500_000, "1.5M"),
        (2_000_000_000, "2G"), (7 * 10**15, "7000T"),
    ],
)  # fmt: skip
def test_compact_numbers(number: int, text: str) -> None:
    """Large counts shorten like shields' metric numbers."""
    assert compact_number(number) == text


@pytest.mark.parametrize(
    ("look", "occupants", "message"),
    [
        (LOOK, 12, "12 online"),
        (LOOK, 0, "0 online"),
        (LOOK, None, "unknown"),
        (LOOK, 12_345, "12k online"),
        (Appearance(compact=False), 12_345, "12345 online"),
        (PEOPLE, 1, "1 person here"),
        (PEOPLE, 2, "2 people here"),
        (PEOPLE, 0, "nobody here"),
        (PEOPLE, None, "no idea"),
    ],
)
def test_messages(look: Appearance, occupants: int | None, message: str) -> None:
    """Templates fill in {count}; one/other forms, zero and unknown texts apply."""
    assert message_for(look, occupants) == message


def test_colour_thresholds() -> None:
    """A count takes the colour of the highest threshold it reaches; no count, unknown's."""
    look = Appearance(
        colors=((0, "#939393"), (1, "#4b0"), (10, "#007ec6")), unknown_color="#e05d44"
    )
    assert [color_for(look, n) for n in (0, 1, 9, 10, 500, None)] == [
        "#939393", "#4b0", "#4b0", "#007ec6", "#007ec6", "#e05d44",
    ]  # fmt: skip


def test_default_colours_are_grey_for_nobody_and_unknown() -> None:
    """By default: grey for 0 and unknown, green for anyone there."""
    assert (color_for(LOOK, 0), color_for(LOOK, 3), color_for(LOOK, None)) == (
        "#939393", "#4b0", "#939393",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("label", "name", "shown"),
    [
        ("chat", "Lobby", "chat"),
        ("{name}", "The Lobby", "The Lobby"),
        ("#{name}", None, "#lobby"),
    ],
)
def test_label_from_room_name(label: str, name: str | None, shown: str) -> None:
    """{name} is the room's own name from disco#info, or its JID's local part."""
    room = Room("lobby@conference.example.org", label=label)
    assert label_for(room, name) == shown


def test_badge_ids_differ_per_room_and_stay_stable() -> None:
    """Each room's badge has its own id suffix, the same on every run."""
    one, two = Room("a@b.example"), Room("c@d.example")
    first, again = badge_for(one, counted(one.jid, 1)), badge_for(one, counted(one.jid, 5))
    other = badge_for(two, counted(two.jid, 1))
    assert first.id_suffix == again.id_suffix
    assert first.id_suffix != other.id_suffix


def test_endpoint_json() -> None:
    """The JSON follows shields' endpoint schema and is byte-stable."""
    room = Room("lobby@conference.example.org", appearance=Appearance(logo=builtin_logo("xmpp")))
    text = endpoint_json(badge_after(room, Count(room.jid, 4)))
    assert json.loads(text) == {
        "schemaVersion": 1, "label": "chat", "message": "4 online", "color": "#4b0",
        "labelColor": "#555", "isError": False, "style": "flat", "cacheSeconds": 300,
        "namedLogo": "xmpp",
    }  # fmt: skip
    assert text == endpoint_json(badge_after(room, Count(room.jid, 4)))
    unknown_badge = badge_after(room, Count(room.jid, None, Problem.TIMEOUT))
    unknown = json.loads(endpoint_json(unknown_badge))
    assert (unknown["message"], unknown["isError"]) == ("unknown", True)


def badge_after(room: Room, count: Count) -> Badge:
    """The room's badge after a first run that got this count."""
    (result,) = settle([room], [count], {}, NOW, timedelta(hours=1))
    return badge_for(room, result.state)


def counted(jid: str, occupants: int) -> RoomState:
    """A room counted just now."""
    return RoomState(jid, "counted", occupants, NOW)


def test_stale_badge_says_so() -> None:
    """A stale count keeps its number, turns grey and says since when in its title."""
    room = Room("lobby@conference.example.org")
    badge = badge_for(room, RoomState(room.jid, "stale", 12, NOW))
    assert (badge.message, badge.color) == ("12 online", "#939393")
    assert badge.note == "stale: last counted 2026-11-25 12:00 UTC"
