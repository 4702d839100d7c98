"""NAME.card.svg: a room's face, name, a line about it, its count and its week, for a README."""

from __future__ import annotations

import base64
from xml.etree import ElementTree

import pytest

from badgegen.render.avatar import small_png
from badgegen.render.card import (
    LINE_SIZE,
    NAME_SIZE,
    PAD,
    TEXT_LEFT,
    WIDTH,
    Card,
    card_svg,
    fit,
)
from badgegen.render.text import Font, text_width
from badgegen.text.graphemes import graphemes
from sandbox.avatars import good_png

SVG = "{http://www.w3.org/2000/svg}"
WEEK = [index % 7 for index in range(168)]


def _card(**changes: object) -> Card:
    fields: dict[str, object] = {
        "name": "Lobby", "line": "Say hello", "count": "12 online", "counted": True,
        "week": WEEK, "caption": "7 days: peak 6, average 3",
    }  # fmt: skip
    fields.update(changes)
    return Card(**fields)  # type: ignore[arg-type]


def _texts(svg: str) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_a_card_says_it_all_in_words_too() -> None:
    svg = card_svg(_card(note="stale: last counted 2026-12-07 11:00 UTC"))
    root = ElementTree.fromstring(svg)
    label = "Lobby: 12 online (stale: last counted 2026-12-07 11:00 UTC); 7 days: peak 6, average 3"
    assert root.get("role") == "img"
    assert root.get("aria-label") == label
    assert root.findtext(f"{SVG}title") == label
    assert _texts(svg) == ["L", "Lobby", "12 online", "Say hello", "7 days: peak 6, average 3"]
    assert "@media (prefers-color-scheme:dark)" in svg  # light and dark in one file


def test_long_words_are_cut_cleanly_at_a_grapheme() -> None:
    name = "Cafe\u0301 " * 30  # a combining accent at every cut the width could choose
    line = "Ре\u0301дкие слова и " * 30
    svg = card_svg(_card(name=name, line=line))
    shown_name, _count, shown_line = _texts(svg)[1:4]
    for shown, whole in ((shown_name, name), (shown_line, line)):
        assert shown.endswith("…")
        kept = shown.removesuffix("…")
        assert whole.startswith(kept)
        assert graphemes(kept) == graphemes(whole)[: len(graphemes(kept))]  # whole clusters
    count_width = text_width("12 online", Font.VERDANA_10_BOLD) * NAME_SIZE / 10
    name_room = WIDTH - TEXT_LEFT - PAD - count_width - 12
    assert text_width(shown_name, Font.VERDANA_10_BOLD) * NAME_SIZE / 10 <= name_room
    line_room = WIDTH - TEXT_LEFT - PAD
    assert text_width(shown_line, Font.VERDANA_11) * LINE_SIZE / 11 <= line_room
    assert fit("short", Font.VERDANA_11, LINE_SIZE, line_room) == "short"


def test_untrusted_words_are_inert() -> None:
    svg = card_svg(_card(name='<script>alert("x")</script>', line="a\x00b\x1bc & d"))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "\x00" not in svg
    assert "\x1b" not in svg
    ElementTree.fromstring(svg)  # well-formed


def test_the_face_is_the_avatar_or_an_initial() -> None:
    png = small_png(good_png())
    with_face = card_svg(_card(avatar=png))
    image = next(ElementTree.fromstring(with_face).iter(f"{SVG}image"))
    assert image.get("href") == "data:image/png;base64," + base64.b64encode(png).decode()
    assert _texts(card_svg(_card(name="élan")))[0] == "É"


@pytest.mark.parametrize(
    ("week", "lines", "dots"),
    [
        ([None] * 168, 0, 0),  # no history: the base line only
        ([3 if index % 2 else None for index in range(168)], 1, 0),  # every other hour: a line
        ([5 if index in (10, 100) else None for index in range(168)], 0, 2),  # two lone values
    ],
)
def test_the_week_is_joined_at_its_usual_interval(
    week: list[int | None], lines: int, dots: int
) -> None:
    root = ElementTree.fromstring(card_svg(_card(week=week)))
    assert len(list(root.iter(f"{SVG}polyline"))) == lines
    assert len(list(root.iter(f"{SVG}circle"))) == dots
    for polyline in root.iter(f"{SVG}polyline"):
        for point in (polyline.get("points") or "").split():
            x, y = map(float, point.split(","))
            assert TEXT_LEFT <= x <= WIDTH - PAD
            assert 60 <= y <= 88  # inside the sparkline's band, never on the card's edge
