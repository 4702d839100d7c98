"""Colours as badge-maker takes them (shields' names and aliases, hex, any CSS colour),
and which text colour reads on them."""

from __future__ import annotations

import colorsys
import math
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
# CSS's own hex forms (with the #): 3, 4, 6 or 8 digits, the last ones alpha.
_CSS_HEX = re.compile(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", re.IGNORECASE)
# The function forms badge-maker (css-color-converter) accepts, no more: whole
# numbers; rgb() all in % or none, by commas or spaces; hsl() by commas, its
# hue in deg, rad or grad. The function names in lower case only.
_RGB = re.compile(
    r"rgba?\(\s*(\d+)(%?)\s*[,\s]\s*(\d+)(%?)\s*[,\s]\s*(\d+)(%?)\s*(?:[,/]\s*(\d*\.?\d+)(%?)\s*)?\)"
)
_HSL = re.compile(
    r"hsla?\(\s*(\d+)(deg|rad|grad)?\s*,\s*(\d+)%\s*,\s*(\d+)%\s*(?:,\s*(\d*\.?\d+)(%?)\s*)?\)"
)
_HUE_TURNS = {None: 1 / 360, "deg": 1 / 360, "rad": 1 / (2 * math.pi), "grad": 1 / 400}
# Above this brightness, white text is hard to read; shields switches to dark.
BRIGHTNESS_THRESHOLD = 0.69
# badge-maker takes CSS named colours from the color-name package (CSS Color 4):
# webcolors' CSS3 list, and the one name CSS4 added.
CSS4_ADDITIONS = {"rebeccapurple": (0x66, 0x33, 0x99)}


def parse_color(text: str) -> str | None:
    """Resolve a colour as badge-maker does: a shields name or alias, bare hex, or any CSS colour.

    Args:
        text: e.g. "brightgreen", "success", "4b0", "#44bb00", "purple",
            "rgb(10, 20, 30)" or "hsl(120, 50%, 40%)".

    Returns:
        An SVG colour ("#4b0", "purple", "rgb(10, 20, 30)"), or None when text is
        not a colour.
    """
    name = ALIASES.get(text, text)
    if name in NAMED:
        return NAMED[name]
    if match := _HEX.fullmatch(text):
        return f"#{match.group(1).lower()}"
    return text.lower() if css_rgb(text) is not None else None


def css_rgb(color: str) -> tuple[int, int, int] | None:
    """A CSS colour's red, green and blue (0-255), or None when badge-maker would refuse it.

    Names and functions count in lower case only, as badge-maker's do; hex in any case.
    """
    if match := _CSS_HEX.fullmatch(color):
        digits = match.group(1).lower()
        if len(digits) in (3, 4):
            digits = "".join(digit * 2 for digit in digits)
        red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
        return red, green, blue
    if match := _RGB.fullmatch(color):
        return _rgb_function(match)
    if match := _HSL.fullmatch(color):
        return _hsl_function(match)
    if color in CSS4_ADDITIONS:
        return CSS4_ADDITIONS[color]
    if color != color.lower():
        return None
    try:
        import webcolors  # only for CSS's named colours, most runs use none

        red, green, blue = webcolors.name_to_rgb(color)
    except ValueError:
        return None
    return red, green, blue


def _rgb_function(match: re.Match[str]) -> tuple[int, int, int] | None:
    red, red_percent, green, green_percent, blue, blue_percent, alpha, alpha_percent = (
        match.groups()
    )
    if not red_percent == green_percent == blue_percent or not _alpha_ok(alpha, alpha_percent):
        return None
    percent = bool(red_percent)
    return _channel(int(red), percent), _channel(int(green), percent), _channel(int(blue), percent)


def _hsl_function(match: re.Match[str]) -> tuple[int, int, int] | None:
    hue, unit, saturation, lightness, alpha, alpha_percent = match.groups()
    if not _alpha_ok(alpha, alpha_percent):
        return None
    turn = int(hue) * _HUE_TURNS[unit] % 1.0
    channels = colorsys.hls_to_rgb(turn, _unit(int(lightness) / 100), _unit(int(saturation) / 100))
    return round(channels[0] * 255), round(channels[1] * 255), round(channels[2] * 255)


def _alpha_ok(alpha: str | None, percent: str | None) -> bool:
    return alpha is None or float(alpha) <= (100 if percent else 1)


def _channel(value: int, percent: bool) -> int:
    return round(_unit(value / 100) * 255) if percent else min(value, 255)


def _unit(value: float) -> float:
    return min(max(value, 0.0), 1.0)


def color_names() -> tuple[str, ...]:
    """Every shields colour name and alias, for error messages."""
    return (*NAMED, *ALIASES)


def closest_color(text: str) -> str | None:
    """The colour name nearest a misspelt one ("greem" -> "green"), or None."""
    import difflib  # for a mistake only

    import webcolors

    css = tuple(webcolors.names(webcolors.CSS3))
    typed = text.strip().lower()
    close = difflib.get_close_matches(typed, (*color_names(), *css, *CSS4_ADDITIONS), n=1)
    return close[0] if close and close[0] != text else None


def expected_color() -> str:
    """What a colour may be, for error messages."""
    return (
        f"one of {', '.join(color_names())}, hex digits such as 4b0,"
        " or a CSS colour such as purple, rgb(10, 20, 30) or hsl(120, 50%, 40%)"
    )


def brightness(color: str) -> float:
    """Perceived brightness from 0 to 1 (W3C's formula, rounded like shields).

    Args:
        color: an SVG colour from parse_color.
    """
    red, green, blue = css_rgb(color) or (0, 0, 0)
    return round((red * 299 + green * 587 + blue * 114) / 255000, 2)


@cache
def text_colors(background: str) -> tuple[str, str]:
    """Text and shadow colour that read on a background, as shields picks them."""
    if brightness(background) <= BRIGHTNESS_THRESHOLD:
        return "#fff", "#010101"
    return "#333", "#ccc"
