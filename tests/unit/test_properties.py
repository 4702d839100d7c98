"""Properties for any text: well-formed XML whose aria-label is the normalised text."""

from __future__ import annotations

from xml.etree import ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.render import STYLES, Badge, clean_text, render_badge, render_layout
from badgegen.render.styles import lay_out

SVG = "{http://www.w3.org/2000/svg}"


def shown(text: str, style: str, *, label: bool) -> str:
    """The text as the style shows it: for-the-badge in capitals, social's label capitalised."""
    if style == "for-the-badge":
        return text.upper()
    if style == "social" and label:
        return text[:1].upper() + text[1:]
    return text


@settings(max_examples=300, deadline=None)
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


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_clean_text_is_idempotent_and_xml_safe(text: str) -> None:
    """Normalised text stays the same when normalised again and parses inside XML."""
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    element = ElementTree.Element("t")
    element.text = cleaned
    assert ElementTree.fromstring(ElementTree.tostring(element)).text in (cleaned, None)


@settings(max_examples=300, deadline=None)
@given(
    label=st.text(max_size=30),
    message=st.text(max_size=30),
    style=st.sampled_from(STYLES),
    color=st.sampled_from(["#4b0", "#fe7", "#939393", "#fff"]),
    label_color=st.sampled_from(["#555", "#eee"]),
    logo=st.sampled_from([None, "data:image/svg+xml;base64,PHN2Zy8+"]),
)
def test_fast_path_matches_the_template(
    label: str, message: str, style: str, color: str, label_color: str, logo: str | None
) -> None:
    """The compiled fast path renders byte for byte what the template renders."""
    badge = Badge(label, message, color, label_color, style, logo, id_suffix="&x")
    layout = lay_out(
        Badge(clean_text(label), clean_text(message), color, label_color, style, logo, "&x")
    )
    assert render_badge(badge) == render_layout(layout)
