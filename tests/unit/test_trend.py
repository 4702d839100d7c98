"""Trend badges: the day's peak or the week's average, in the count badge's look."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from badgegen.config import Room
from badgegen.config.appearance import Appearance
from badgegen.render import render_badge
from badgegen.render.endpoint import endpoint_json
from badgegen.view.badges import Trend, id_suffix, trend_badge, trend_value

ROOM = Room("lobby@conference.example.org", file="lobby", trend="week")


@pytest.mark.parametrize(
    ("trend", "day", "week", "expected"),
    [
        ("day", [None, 3, 9, None], [5, 5], Trend(9, 2, 1)),
        ("day", [None] * 80 + [3] * 16, [5], Trend(3, 16, 4)),
        ("day", [7] + [None] * 95, [], Trend(7, 1, 24)),
        ("week", [None, 3], [4, None, 7], Trend(5.5, 2, 3)),
        ("week", [], [None] * 100 + [2] * 68, Trend(2.0, 68, 68)),
        ("week", [2, 4], [None, None], Trend(3.0, 2, 1)),  # no hour yet: the quarter hours
        ("week", [None], [None], None),
        ("day", [None], [8], None),
    ],
)
def test_trend_values(
    trend: str, day: list[int | None], week: list[int | None], expected: Trend | None
) -> None:
    """The day's peak, the week's mean, how many buckets each was built from, and the hours
    from the first of them to now."""
    assert trend_value(trend, day, week) == expected


FULL_WEEK, FULL_DAY = 168, 96


def test_the_badge_says_the_trend_in_the_rooms_look() -> None:
    """The message says the trend and its span; the colour is the rooms' threshold colour."""
    badge = trend_badge(ROOM, "chat", Trend(5.5, FULL_WEEK))
    assert (badge.label, badge.message) == ("chat", "avg 5.5 (7d)")
    assert badge.color == Appearance().colors[-1][1]  # 5.5 rounds to 6: the 1+ colour
    assert badge.id_suffix != id_suffix(ROOM.jid)  # unique beside the count badge
    day = trend_badge(Room(ROOM.jid, trend="day"), "chat", Trend(12, FULL_DAY))
    assert day.message == "peak 12 (24h)"
    unknown = trend_badge(ROOM, "chat", None)
    assert (unknown.message, unknown.color) == ("no history", Appearance().unknown_color)
    assert trend_badge(ROOM, "chat", Trend(1234.0, FULL_WEEK)).message == "avg 1.2k (7d)"


@pytest.mark.parametrize(
    ("trend", "built_from", "hours", "message"),
    [
        ("week", 1, 1, "avg 5 (1h so far)"),
        ("week", 30, 47, "avg 5 (47h so far)"),
        ("week", 83, 100, "avg 5 (4d so far)"),
        ("week", 84, 168, "avg 5 (7d)"),
        ("day", 1, 1, "peak 5 (1h so far)"),
        ("day", 3, 5, "peak 5 (5h so far)"),
        ("day", 48, 24, "peak 5 (24h)"),
    ],
)
def test_a_young_trend_says_how_far_back_it_goes(
    trend: str, built_from: int, hours: int, message: str
) -> None:
    """A trend on its first day is not "24h" or "7d": the badge says the span it has so far
    (on day one, "peak 5 (1h so far)", not "(1 count)")."""
    badge = trend_badge(Room(ROOM.jid, trend=trend), "chat", Trend(5, built_from, hours))
    assert badge.message == message


def test_the_badge_renders_with_its_label_escaped() -> None:
    svg = render_badge(trend_badge(ROOM, '<b>"x"</b>', Trend(3, FULL_WEEK)))
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == '<b>"x"</b>: avg 3 (7d)'


def test_the_endpoint_json_follows_shields_schema() -> None:
    badge = trend_badge(ROOM, "chat", None)
    document = json.loads(endpoint_json(badge))
    assert document["schemaVersion"] == 1
    assert (document["message"], document["isError"]) == ("no history", True)
