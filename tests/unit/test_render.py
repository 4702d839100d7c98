"""Rendering: golden SVGs, escaping, well-formed XML and byte-identical output."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegen.counts import Count, Problem
from badgegen.render import clean_text, lay_out, render_badge, render_count, text_width

GOLDEN = Path(__file__).parent.parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("name", "label", "count"),
    [
        ("counted", "chat", Count("lobby@conference.example.org", 12)),
        ("empty", "chat", Count("quiet@conference.example.org", 0)),
        ("unknown", "dev chat", Count("gone@conference.example.org", None, Problem.NOT_FOUND)),
    ],
)
def test_golden_badges(name: str, label: str, count: Count, update_golden: bool) -> None:
    """Badges match the reviewed SVGs in tests/golden byte for byte."""
    svg = render_count(label, count)
    golden = GOLDEN / f"{name}.svg"
    if update_golden:
        golden.write_text(svg, encoding="utf-8")
    assert svg == golden.read_text(encoding="utf-8")


def test_rendering_is_deterministic() -> None:
    """The same input gives the same bytes: no clock, no random ids."""
    first = render_badge("chat", "3 online", "#4c1", "a@b")
    assert render_badge("chat", "3 online", "#4c1", "a@b") == first


def test_each_room_gets_its_own_ids() -> None:
    """Two badges inlined in one page do not share gradient or clip-path ids."""
    one = ElementTree.fromstring(render_badge("chat", "1 online", "#4c1", "a@b"))
    two = ElementTree.fromstring(render_badge("chat", "1 online", "#4c1", "c@d"))
    ids = {element.get("id") for element in one.iter() if element.get("id")}
    others = {element.get("id") for element in two.iter() if element.get("id")}
    assert len(ids) == 2
    assert not ids & others


@pytest.mark.parametrize(
    "label", ["a & b", "<script>alert(1)</script>", 'say "hi"', "it's", "<>&\"'"]
)
def test_markup_in_text_is_escaped(label: str) -> None:
    """Every string is escaped: the SVG parses and shows the text as written."""
    svg = render_badge(label, "1 online", "#4c1")
    root = ElementTree.fromstring(svg)
    assert root.get("aria-label") == f"{label}: 1 online"
    assert root.findtext(f"{SVG}title") == f"{label}: 1 online"
    assert [text.text for text in root.iter(f"{SVG}text")][:2] == [label, label]
    assert "<script" not in svg


def test_accessibility_attributes() -> None:
    """role=img, aria-label and title carry "label: message"; shadows are hidden."""
    root = ElementTree.fromstring(render_badge("chat", "5 online", "#4c1"))
    assert root.get("role") == "img"
    shadows = [text for text in root.iter(f"{SVG}text") if text.get("aria-hidden") == "true"]
    assert len(shadows) == 2


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  chat  ", "chat"),
        ("a \t\n b", "a b"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_text_is_normalised(raw: str, clean: str) -> None:
    """Whitespace is collapsed, XML-forbidden characters dropped, length capped."""
    assert clean_text(raw) == clean


def test_forbidden_characters_still_give_xml() -> None:
    """A label full of control characters still renders a parseable SVG."""
    svg = render_badge("\x01\x02chat\x0b\ufffe", "\x1f0 online", "#4c1")
    assert ElementTree.fromstring(svg).get("aria-label") == "chat: 0 online"


def test_widths_come_from_the_verdana_table() -> None:
    """Known Verdana 11px widths, and an unknown character measured as "m"."""
    assert text_width("0") == pytest.approx(6.99)
    assert text_width("W") == pytest.approx(10.88)
    assert text_width("\U0001f600") == pytest.approx(text_width("m"))


def test_layout_grows_with_the_text() -> None:
    """Wider text makes a wider badge; widths are odd, as in shields."""
    short = lay_out("chat", "1 online", "#4c1", "")
    long = lay_out("chat", "12345 online", "#4c1", "")
    assert long.width > short.width
    assert [text.length // 10 % 2 for text in short.texts] == [1, 1]
    assert short.width == short.label_width + short.message_width


def test_unknown_count_says_unknown_not_a_number() -> None:
    """A room without a count shows "unknown" in grey."""
    root = ElementTree.fromstring(render_count("chat", Count("r@m", None, Problem.TIMEOUT)))
    assert root.get("aria-label") == "chat: unknown"
