"""Properties for any text: well-formed XML whose aria-label is the normalised text."""

from __future__ import annotations

import html
import unicodedata
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from badgegen.config import Room
from badgegen.config.logo import builtin_logo
from badgegen.core.state import RoomState
from badgegen.render import STYLES, Badge, clean_text, render_badge, render_layout
from badgegen.render.styles import lay_out
from badgegen.text.graphemes import graphemes
from badgegen.text.logo import Logo
from badgegen.text.untrusted import MAX_NAME_CLUSTERS, MAX_NAME_CODE_POINTS, clean_name, https_url
from badgegen.view.snippets import embeddable, snippet
from tests.properties import examples

SVG = "{http://www.w3.org/2000/svg}"


def shown(text: str, style: str, *, label: bool) -> str:
    """The text as the style shows it: for-the-badge in capitals, social's label capitalised."""
    if style == "for-the-badge":
        return text.upper()
    if style == "social" and label:
        return text[:1].upper() + text[1:]
    return text


@examples(300)
@given(label=st.text(), message=st.text(), style=st.sampled_from(STYLES))
def test_any_text_gives_well_formed_svg(label: str, message: str, style: str) -> None:
    """Any Unicode label and message yield XML a strict parser accepts, titled with the text."""
    svg = render_badge(Badge(label, message, "#4b0", style=style))
    root = ElementTree.fromstring(svg)
    label_text = shown(clean_text(label), style, label=True)
    message_text = shown(clean_text(message), style, label=False)
    expected = f"{label_text}: {message_text}" if label_text else message_text
    assert root.get("aria-label") == expected
    assert root.findtext(f"{SVG}title") == expected
    assert float(root.get("width") or 0) > 0


@examples(200)
@given(text=st.text())
def test_clean_text_is_idempotent_and_xml_safe(text: str) -> None:
    """Normalised text stays the same when normalised again and parses inside XML."""
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    element = ElementTree.Element("t")
    element.text = cleaned
    assert ElementTree.fromstring(ElementTree.tostring(element)).text in (cleaned, None)


@examples(300)
@given(
    label=st.text(max_size=30),
    message=st.text(max_size=30),
    style=st.sampled_from(STYLES),
    color=st.sampled_from(["#4b0", "#fe7", "#939393", "#fff"]),
    label_color=st.sampled_from(["#555", "#eee"]),
    logo=st.sampled_from([None, Logo("<svg/>"), builtin_logo("xmpp")]),
)
def test_fast_path_matches_the_template(
    label: str, message: str, style: str, color: str, label_color: str, logo: Logo | None
) -> None:
    """The compiled fast path renders byte for byte what the template renders."""
    badge = Badge(label, message, color, label_color, style, logo, id_suffix="&x")
    layout = lay_out(
        Badge(clean_text(label), clean_text(message), color, label_color, style, logo, "&x")
    )
    assert render_badge(badge) == render_layout(layout)


@examples(300)
@given(name=st.text(max_size=2000) | st.just("e" + "\u0301" * 5000))
def test_any_room_name_is_cleaned_once_and_for_all(name: str) -> None:
    """A name from a server is plain, capped text; cleaning it again changes nothing."""
    cleaned = clean_name(name)
    if cleaned is None:
        return
    assert cleaned == clean_name(cleaned)
    assert len(cleaned) <= MAX_NAME_CODE_POINTS
    assert len(graphemes(cleaned)) <= MAX_NAME_CLUSTERS
    assert not any(unicodedata.category(char) in ("Cc", "Cs", "Cn") for char in cleaned)
    assert not set(cleaned) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@examples(500)
@given(
    url=st.text(max_size=60).map(lambda text: "https://chat.example/" + text)
    | st.from_regex(r"\Ahttps?://[^\s]{0,40}\Z")
    | st.text(max_size=60),
    kind=st.sampled_from(["markdown", "html", "rst", "asciidoc"]),
)
def test_no_url_escapes_its_snippet(url: str, kind: str) -> None:
    """Whatever URL a server advertises, the snippet's structure is the one without it."""
    room = Room("lobby@conference.example.org", file="lobby", link="webchat")
    checked = https_url(url)
    code = snippet(room, RoomState(room.jid, "counted", 1, webchat=checked), kind, "https://e.org")
    plain = snippet(room, None, kind, "https://e.org")
    if checked is None:
        assert code == plain
        return
    link = embeddable(checked)
    shown = html.escape(link) if kind == "html" else link
    assert code == plain.replace("xmpp:lobby@conference.example.org?join", shown)
    assert not set(link) & set(" \t\r\n\"'<>()[]\\`") or link.startswith("https://[")
