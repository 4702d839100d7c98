"""Trend badges: the day's peak or the week's average, in the count badge's look."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from badgegen.config import Room
from badgegen.config.appearance import Appearance
from badgegen.render import render_badge
from badgegen.render.content import endpoint_json, id_suffix, trend_badge, trend_value

ROOM = Room("lobby@conference.example.org", file="lobby", trend="week")


@pytest.mark.parametrize(
    ("trend", "day", "week", "expected"),
    [
        ("day", [None, 3, 9, None], [5, 5], 9),
        ("week", [None, 3], [4, None, 7], 5.5),
        ("week", [2, 4], [None, None], 3.0),  # no hour closed yet: the day's quarter hours
        ("week", [None], [None], None),
        ("day", [None], [8], None),
    ],
)
def test_trend_values(
    trend: str, day: list[int | None], week: list[int | None], expected: float | None
) -> None:
    assert trend_value(trend, day, week) == expected


def test_the_badge_says_the_trend_in_the_rooms_look() -> None:
    badge = trend_badge(ROOM, "chat", 5.5)
    assert (badge.label, badge.message) == ("chat", "avg 5.5 (7d)")
    assert badge.color == Appearance().colors[-1][1]  # 5.5 rounds to 6: the 1+ colour
    assert badge.id_suffix != id_suffix(ROOM.jid)  # unique beside the count badge
    day = trend_badge(Room(ROOM.jid, trend="day"), "chat", 12)
    assert day.message == "peak 12 (24h)"
    unknown = trend_badge(ROOM, "chat", None)
    assert (unknown.message, unknown.color) == ("no history", Appearance().unknown_color)
    assert trend_badge(ROOM, "chat", 1234.0).message == "avg 1.2k (7d)"


def test_the_badge_renders_with_its_label_escaped() -> None:
    svg = render_badge(trend_badge(ROOM, '<b>"x"</b>', 3))
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == '<b>"x"</b>: avg 3 (7d)'


def test_the_endpoint_json_follows_shields_schema() -> None:
    badge = trend_badge(ROOM, "chat", None)
    document = json.loads(endpoint_json(badge))
    assert document["schemaVersion"] == 1
    assert (document["message"], document["isError"]) == ("no history", True)
