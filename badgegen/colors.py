"""Shields' named colours, aliases and hex colours, and which text colour reads on them."""

from __future__ import annotations

import re
from functools import cache

# badge-maker 6's palette (lib/color.js), which shields.io renders with.
NAMED = {
    "brightgreen": "#4b0",
    "green": "#67ac09",
    "yellow": "#d8b800",
    "yellowgreen": "#95991a",
    "orange": "#ea7233",
    "red": "#dd4343",
    "blue": "#007ec6",
    "grey": "#555",
    "lightgrey": "#939393",
}
ALIASES = {
    "gray": "grey",
    "lightgray": "lightgrey",
    "critical": "red",
    "important": "orange",
    "success": "brightgreen",
    "informational": "blue",
    "inactive": "lightgrey",
}
_HEX = re.compile(r"#?((?:[0-9a-f]{3}){1,2})", re.IGNORECASE)
# Above this brightness, white text is hard to read; shields switches to dark.
BRIGHTNESS_THRESHOLD = 0.69


def parse_color(text: str) -> str | None:
    """Resolve a colour as shields does: a name, an alias, or 3/6-digit hex.

    Args:
        text: e.g. "brightgreen", "success", "4b0" or "#44bb00".

    Returns:
        An SVG colour ("#4b0"), or None when text is not a colour.
    """
    name = ALIASES.get(text, text)
    if name in NAMED:
        return NAMED[name]
    match = _HEX.fullmatch(text)
    return f"#{match.group(1).lower()}" if match else None


def color_names() -> tuple[str, ...]:
    """Every colour name and alias, for error messages."""
    return (*NAMED, *ALIASES)


def brightness(color: str) -> float:
    """Perceived brightness from 0 to 1 (W3C's formula, rounded like shields).

    Args:
        color: an SVG colour from parse_color.
    """
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
    return round((red * 299 + green * 587 + blue * 114) / 255000, 2)


@cache
def text_colors(background: str) -> tuple[str, str]:
    """Text and shadow colour that read on a background, as shields picks them."""
    if brightness(background) <= BRIGHTNESS_THRESHOLD:
        return "#fff", "#010101"
    return "#333", "#ccc"
