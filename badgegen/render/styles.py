"""Where everything goes in each of shields' five styles (after badge-maker 6's renderers)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from badgegen.render.text import Font, preferred_width, text_width
from badgegen.text.colors import text_colors
from badgegen.text.graphemes import graphemes
from badgegen.text.logo import Logo

SCALE = 10  # text is drawn at font-size 110 under scale(.1), for sub-pixel placement
LOGO_WIDTH = 14
LOGO_HEIGHT = 14
PADDING = 5
DEFAULT_FILL = "#fff"
# Vertical placement by style: (height, text baseline in tenths of a px).
_CLASSIC = {"flat": (20, 140), "flat-square": (20, 140), "plastic": (18, 130)}
# shields fills a named logo with its brand colour, except a dark one on a dark label
# (whitesmoke instead) and a light one on social's light label (#333 instead).
LIGHT_LOGO = "whitesmoke"
DARK_LOGO = "#333"
DARK_BRAND = 0.4  # at or below this brightness, a brand colour is too dark for a label
LIGHT_BRAND = 0.6  # at or above, too light for social's


@dataclass(frozen=True, slots=True)
class Badge:
    """What to draw: texts, colours (SVG colours), style and an optional logo."""

    label: str
    message: str
    color: str = "#4b0"
    label_color: str = "#555"
    style: str = "flat"
    logo: Logo | None = None
    id_suffix: str = ""
    note: str = ""  # said after the text in the title and aria-label, e.g. staleness
    is_error: bool = False  # it says unknown (shields' endpoint calls that an error)


@dataclass(frozen=True, slots=True)
class Text:
    """One text and its shadow, in the tenfold coordinates of scale(.1)."""

    content: str
    x: str
    y: str
    length: str
    fill: str
    shadow: str
    shadow_y: str

    @property
    def fill_attribute(self) -> Markup:
        """` fill="..."`, left out for white, which the text group already sets."""
        return Markup("") if self.fill == DEFAULT_FILL else Markup(' fill="{}"').format(self.fill)


@dataclass(frozen=True, slots=True)
class Layout:
    """Everything a style's template needs; numbers are already formatted."""

    style: str
    title: str
    id: str
    width: str
    height: int
    left: str
    right: str
    label_color: str
    color: str
    label: Text | None
    message: Text | None
    logo: str | None
    logo_x: str
    logo_y: str
    bubble_x: str = ""  # social only: where the message bubble starts

    @property
    def texts(self) -> tuple[Text, ...]:
        """The label and the message, those that are drawn."""
        return tuple(text for text in (self.label, self.message) if text)


def lay_out(badge: Badge) -> Layout:
    """Compute a badge's geometry for its style.

    Args:
        badge: the badge, with texts already normalised.

    Returns:
        The layout its template draws.
    """
    if badge.style == "for-the-badge":
        return _for_the_badge(badge)
    if badge.style == "social":
        return _social(badge)
    return _classic(badge)


@lru_cache(maxsize=256)  # a few named logos, or one avatar a room: bounded
def logo_uri(logo: Logo, style: str) -> str:
    """The logo as a data: URI, built-in logos filled like shields fills them."""
    svg = logo.svg
    if logo.brand:
        svg = svg.replace("<svg ", f'<svg fill="{logo_fill(logo.brand, style)}" ', 1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def logo_fill(brand: str, style: str) -> str:
    """How shields fills a named logo of this brand colour (hex digits) in this style."""
    red, green, blue = (int(brand[index : index + 2], 16) for index in (0, 2, 4))
    # shields' brightness, rounded to two places as it rounds it.
    brightness = round((red * 299 + green * 587 + blue * 114) / 255000, 2)
    if style != "social" and brightness <= DARK_BRAND:
        return LIGHT_LOGO
    if style == "social" and brightness >= LIGHT_BRAND:
        return DARK_LOGO
    return f"#{brand}"


def number(value: float) -> str:
    """Format a coordinate as JavaScript prints it: 3, 2.5, 152.25."""
    rounded = round(value, 4)
    return str(int(rounded)) if rounded == int(rounded) else repr(rounded)


def _classic(badge: Badge) -> Layout:
    """flat, flat-square and plastic share one geometry."""
    height, baseline = _CLASSIC[badge.style]
    logo_width = LOGO_WIDTH if badge.logo else 0
    logo_total = logo_width + (3 if badge.logo and badge.label else 0)
    has_label = bool(badge.label)
    label_color = badge.label_color if has_label or badge.logo else badge.color
    label_width = preferred_width(badge.label) if has_label else 0
    left = label_width + 2 * PADDING + logo_total if has_label else 0
    message_width = preferred_width(badge.message)
    message_margin = left - (1 if badge.message else 0)
    right = message_width + 2 * PADDING
    if not has_label:
        message_margin += logo_total + PADDING if badge.logo else 1
        if badge.logo:
            right += logo_total + (PADDING - 1 if badge.message else 0)
    label = _classic_text(badge.label, logo_total + 1, label_width, label_color, baseline)
    message = _classic_text(badge.message, message_margin, message_width, badge.color, baseline)
    return Layout(
        style=badge.style,
        title=_title(badge.label, badge.message, badge.note),
        id=badge.id_suffix,
        width=number(left + right),
        height=height,
        left=number(left),
        right=number(right),
        label_color=label_color,
        color=badge.color,
        label=label if has_label else None,
        message=message if badge.message else None,
        logo=logo_uri(badge.logo, badge.style) if badge.logo else None,
        logo_x=number(PADDING),
        logo_y=number((height - LOGO_HEIGHT) / 2),
    )


def _classic_text(content: str, margin: float, width: int, background: str, baseline: int) -> Text:
    fill, shadow = text_colors(background)
    return Text(
        content=content,
        x=number(SCALE * (margin + width / 2 + PADDING)),
        y=number(baseline),
        length=number(SCALE * width),
        fill=fill,
        shadow=shadow,
        shadow_y=number(baseline + 10),
    )


def _for_the_badge(badge: Badge) -> Layout:
    """Uppercase, letter-spaced text on a 28 px badge with square corners."""
    height, margin, logo_margin, gutter, spacing = 28, 12, 9, 6, 1.25
    label, message = badge.label.upper(), badge.message.upper()
    # shields counts UTF-16 code units here; letters are grapheme clusters.
    label_width = _spaced_width(label, Font.VERDANA_10, spacing)
    message_width = _spaced_width(message, Font.VERDANA_10_BOLD, spacing)
    logo_width = LOGO_WIDTH if badge.logo else 0
    label_x = logo_margin + logo_width + gutter if badge.logo else margin
    left = label_x + label_width + margin if label else 0
    message_x = left + margin if left else margin + (logo_width + gutter if badge.logo else 0)
    right = 2 * margin + message_width + (logo_width + gutter if badge.logo and not left else 0)
    label_fill, _ = text_colors(badge.label_color)
    message_fill, _ = text_colors(badge.color)
    return Layout(
        style=badge.style,
        title=_title(label, message, badge.note),
        id=badge.id_suffix,
        width=number(left + right),
        height=height,
        left=number(left),
        right=number(right),
        label_color=badge.label_color,
        color=badge.color,
        label=_plain_text(label, label_x, label_width, label_fill, 175) if label else None,
        message=_plain_text(message, message_x, message_width, message_fill, 175),
        logo=logo_uri(badge.logo, badge.style) if badge.logo else None,
        logo_x=number(logo_margin),
        logo_y=number((height - LOGO_HEIGHT) / 2),
    )


def _spaced_width(text: str, font: Font, spacing: float) -> float:
    letters = len(text) if text.isascii() else len(graphemes(text))
    return int(text_width(text, font)) + spacing * letters if text else 0


def _social(badge: Badge) -> Layout:
    """GitHub's old social button: a label box and a speech-bubble count."""
    label = badge.label[:1].upper() + badge.label[1:]
    logo_total = LOGO_WIDTH + 3 if badge.logo and label else LOGO_WIDTH if badge.logo else 0
    label_text = preferred_width(label, Font.HELVETICA_11_BOLD)
    message_text = preferred_width(badge.message, Font.HELVETICA_11_BOLD)
    label_box = label_text + logo_total + 2 * PADDING
    message_box = message_text + 2 * 4
    bubble = label_box + 6
    label_x = SCALE * (logo_total + label_text / 2 + PADDING)
    message_x = SCALE * (bubble + message_box / 2)
    return Layout(
        style=badge.style,
        title=_title(label, badge.message, badge.note),
        id=badge.id_suffix,
        width=number(label_box + 1 + (6 + message_box if badge.message else 0)),
        height=20,
        left=number(label_box),
        right=number(message_box),
        label_color=badge.label_color,
        color=badge.color,
        label=_social_text(label, label_x, label_text),
        message=_social_text(badge.message, message_x, message_text) if badge.message else None,
        logo=logo_uri(badge.logo, badge.style) if badge.logo else None,
        logo_x=number(PADDING),
        logo_y=number((20 - LOGO_HEIGHT) / 2),
        bubble_x=number(bubble),
    )


def _social_text(content: str, x: float, width: int) -> Text:
    return Text(content, number(x), "140", number(SCALE * width), "#333", "#fff", "150")


def _plain_text(content: str, left: float, width: float, fill: str, baseline: int) -> Text:
    x = SCALE * (left + width / 2)
    return Text(content, number(x), str(baseline), number(SCALE * width), fill, "", "")


def _title(label: str, message: str, note: str) -> str:
    """The accessible text, "label: message" as shields writes it, and any note."""
    text = f"{label}: {message}" if label else message
    return f"{text} ({note})" if note else text
