"""Rendering: golden SVGs per style, escaping, well-formed XML, ids, widths and colours."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegen.config.logo import builtin_logo
from badgegen.errors import RenderError
from badgegen.render import STYLES, Badge, clean_text, parse_color, render_badge, text_width
from badgegen.render.text import Font, preferred_width
from badgegen.text.colors import brightness, text_colors

GOLDEN = Path(__file__).parent.parent / "golden"
SVG = "{http://www.w3.org/2000/svg}"


def golden(name: str, svg: str, update: bool) -> None:
    """Compare with (or, with --update-golden, rewrite) tests/golden/NAME.svg."""
    path = GOLDEN / f"{name}.svg"
    if update:
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("style", STYLES)
def test_golden_styles(style: str, update_golden: bool) -> None:
    """Each style matches its reviewed SVG byte for byte."""
    badge = Badge("chat", "12 online", parse_color("brightgreen") or "", style=style, id_suffix="1")
    golden(style, render_badge(badge), update_golden)


@pytest.mark.parametrize("style", STYLES)
def test_golden_logo(style: str, update_golden: bool) -> None:
    """The built-in XMPP logo sits where shields puts logos, in each style."""
    logo = builtin_logo("xmpp")
    badge = Badge("chat", "unknown", "#939393", style=style, logo=logo, id_suffix="2")
    golden(f"{style}-logo", render_badge(badge), update_golden)


def test_rendering_is_deterministic() -> None:
    """The same input gives the same bytes: no clock, no random ids."""
    badge = Badge("chat", "3 online", "#4b0", id_suffix="x")
    assert render_badge(badge) == render_badge(badge)


@pytest.mark.parametrize("style", STYLES)
def test_ids_are_suffixed(style: str) -> None:
    """Two badges inlined in one page share no id; references use the suffix."""
    one = render_badge(Badge("chat", "1 online", "#4b0", style=style, id_suffix="aa"))
    two = render_badge(Badge("chat", "1 online", "#4b0", style=style, id_suffix="bb"))
    ids = {e.get("id") for e in ElementTree.fromstring(one).iter() if e.get("id")}
    others = {e.get("id") for e in ElementTree.fromstring(two).iter() if e.get("id")}
    assert all(str(value).endswith("aa") for value in ids)
    assert not ids & others


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(
    "label", ["a & b", "<script>alert(1)</script>", 'say "hi"', "it's", "<>&\"'"]
)
def test_markup_in_text_is_escaped(style: str, label: str) -> None:
    """Every string is escaped: the SVG parses and shows the text as written."""
    svg = render_badge(Badge(label, "1 online", "#4b0", style=style))
    root = ElementTree.fromstring(svg)
    shown = label[:1].upper() + label[1:] if style == "social" else label
    shown = shown.upper() if style == "for-the-badge" else shown
    message = "1 ONLINE" if style == "for-the-badge" else "1 online"
    assert root.get("aria-label") == f"{shown}: {message}"
    assert root.findtext(f"{SVG}title") == f"{shown}: {message}"
    assert shown in [text.text for text in root.iter(f"{SVG}text")]
    assert "<script" not in svg


@pytest.mark.parametrize("style", ["flat", "plastic", "social"])
def test_shadows_are_hidden_from_screen_readers(style: str) -> None:
    """role=img with a title; a screen reader meets each text at most once."""
    root = ElementTree.fromstring(render_badge(Badge("chat", "5 online", "#4b0", style=style)))
    assert root.get("role") == "img"
    parents = {child: parent for parent in root.iter() for child in parent}

    def hidden(element: ElementTree.Element | None) -> bool:
        while element is not None:
            if element.get("aria-hidden") == "true":
                return True
            element = parents.get(element)
        return False

    visible = [text.text for text in root.iter(f"{SVG}text") if not hidden(text)]
    # shields hides all of social's texts and lets the title speak for them.
    assert visible == ([] if style == "social" else ["chat", "5 online"])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  chat  ", "chat"),
        ("a \t\n b", "a b"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("x" * 300, "x" * 199 + "…"),
        ("👨‍👩‍👧‍👦" * 250, "👨‍👩‍👧‍👦" * 199 + "…"),
    ],
)
def test_text_is_normalised(raw: str, clean: str) -> None:
    """Whitespace collapsed, XML-forbidden characters dropped, length capped by clusters."""
    assert clean_text(raw) == clean


def test_forbidden_characters_still_give_xml() -> None:
    """A label full of control characters still renders a parseable SVG."""
    svg = render_badge(Badge("\x01\x02chat\x0b\ufffe", "\x1f0 online", "#4b0"))
    assert ElementTree.fromstring(svg).get("aria-label") == "chat: 0 online"


@pytest.mark.parametrize(
    ("text", "font", "width"),
    [
        ("0", Font.VERDANA_11, 6.99),
        ("W", Font.VERDANA_11, 10.88),
        ("chat", Font.VERDANA_11, 23.63),
        ("CHAT", Font.VERDANA_10, 27.49),
        ("12 ONLINE", Font.VERDANA_10_BOLD, 61.74),
        ("Chat", Font.HELVETICA_11_BOLD, 24.85),
    ],
)
def test_widths_come_from_shields_tables(text: str, font: Font, width: float) -> None:
    """Latin text measures exactly as anafanafo (shields' table) does (values from node)."""
    assert text_width(text, font) == pytest.approx(width, abs=0.01)


def test_shields_rounding() -> None:
    """Widths are truncated, then rounded up to an odd number, like badge-maker's."""
    assert preferred_width("chat") == 23  # 23.63
    assert preferred_width("12 online") == 51  # 51.04


@pytest.mark.parametrize(
    ("text", "at_least", "at_most"),
    [
        ("שלום", 20, 30),  # Hebrew: shields guesses 4 times "m", 42.8
        ("مرحبا", 24, 36),  # Arabic
        ("นมสเต", 20, 40),  # Thai
        ("こんにちは", 50, 60),  # kana: full-width, 11 px each
        ("👍", 12, 15),  # one emoji
        ("👨‍👩‍👧‍👦", 12, 15),  # a ZWJ family is one emoji, not seven characters
        ("🇫🇷", 12, 15),  # a flag is two code points, one emoji
        ("e\u0301", 6, 8),  # a combining accent adds no width
    ],
)
def test_scripts_shields_guesses_are_measured(text: str, at_least: float, at_most: float) -> None:
    """Where shields counts each code point as an "m", real font metrics are used."""
    assert at_least <= text_width(text) <= at_most


def test_unknown_character_counts_as_m() -> None:
    """A code point no table knows is as wide as "m", as in shields."""
    assert text_width("\U000f0000\U0010fffd") == pytest.approx(2 * text_width("m"))


@pytest.mark.parametrize(
    ("text", "color"),
    [
        ("brightgreen", "#4b0"),
        ("success", "#4b0"),
        ("lightgray", "#939393"),
        ("ABC", "#abc"),
        ("#A1B2C3", "#a1b2c3"),
        ("4b0", "#4b0"),
        ("nope", None),
        ("#12", None),
        ("#1234", "#1234"),  # CSS hex with alpha, as badge-maker takes it
        ("1234", None),
        ("", None),
    ],
)
def test_colours(text: str, color: str | None) -> None:
    """Names, aliases and 3/6-digit hex resolve; anything else is refused."""
    assert parse_color(text) == color


def test_text_turns_dark_on_light_backgrounds() -> None:
    """Like shields: white text up to brightness 0.69, dark text above."""
    assert brightness("#fff") == 1.0
    assert text_colors("#4b0") == ("#fff", "#010101")
    assert text_colors("#dfb317") == ("#fff", "#010101")
    assert text_colors("#fe7") == ("#333", "#ccc")
    svg = render_badge(Badge("chat", "1 online", "#fe7"))
    assert 'fill="#333"' in svg


def test_user_templates_override_by_name(tmp_path: Path) -> None:
    """A template in the user's folder replaces the built-in one of the same name."""
    (tmp_path / "flat.svg.j2").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">{{ b.title }}</svg>'
    )
    svg = render_badge(Badge("a<b", "1", "#4b0"), tmp_path)
    assert svg == '<svg xmlns="http://www.w3.org/2000/svg">a&lt;b: 1</svg>\n'
    plastic = render_badge(Badge("a", "1", "#4b0", style="plastic"), tmp_path)
    assert 'height="18"' in plastic


def test_broken_template_is_a_render_error(tmp_path: Path) -> None:
    """A template syntax error names the file and line, with no traceback."""
    (tmp_path / "social.svg.j2").write_text("<svg>\n{% if %}\n")
    with pytest.raises(RenderError, match=r"social\.svg\.j2:2: "):
        render_badge(Badge("a", "1", "#4b0", style="social"), tmp_path)


@pytest.mark.parametrize("font", list(Font))
def test_the_shipped_ascii_widths_are_the_tables(font: Font) -> None:
    """widths-ascii.json holds what the full tables say (scripts/make_ascii_widths.py writes it)."""
    from badgegen.render.text import _ascii_widths, ascii_widths

    assert _ascii_widths(font) == ascii_widths(font)
