"""`badgegen badge LABEL MESSAGE`: one SVG badge, like shields' badge-maker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.errors import ConfigError

if TYPE_CHECKING:
    from badgegen.text.logo import Logo


@dataclass(frozen=True, slots=True)
class BadgeRequest:
    """One badge, as asked for; the command line's defaults are these."""

    label: str
    message: str
    color: str = "brightgreen"
    label_color: str = "grey"
    style: str = "flat"
    logo: str | None = None  # a logo's name, or an SVG file
    templates: Path | None = None  # a folder of templates overriding the built-in ones


def badge_svg(request: BadgeRequest) -> str:
    """The badge as an SVG document, drawn as a room's badge is.

    Raises:
        ConfigError: a colour or the logo is not one (with the nearest name).
        RenderError: a template is missing or broken.
    """
    from badgegen.config.appearance import Appearance
    from badgegen.render import render_badge
    from badgegen.view.badges import message_badge

    look = Appearance(
        style=request.style,
        label_color=color_option("--label-color", request.label_color),
        logo=logo_option(request.logo) if request.logo else None,
    )
    color = color_option("--color", request.color)
    return render_badge(
        message_badge(request.label, request.message, color, look), request.templates
    )


def color_option(option: str, text: str) -> str:
    """A colour option's SVG colour, or a ConfigError naming the option."""
    from badgegen.text.colors import closest_color, expected_color, parse_color

    color = parse_color(text)
    if color is None:
        close = closest_color(text)
        hint = f'did you mean "{close}"? ' if close else ""
        raise ConfigError(
            [f'{option}: "{text}" is not a colour ({hint}expected {expected_color()})']
        )
    return color


def logo_option(text: str) -> Logo:
    """--logo: a logo's name (xmpp, or any Simple Icons name) or an SVG file, or a ConfigError."""
    from badgegen.config.icons import find_logo
    from badgegen.text.logo import AVATAR

    if text.strip().casefold() == AVATAR.name:
        raise ConfigError(
            ["--logo avatar: only a room has an avatar; put `logo: avatar` on it in rooms.yaml"]
        )
    try:
        return find_logo(text, Path())
    except ValueError as exc:
        raise ConfigError([f"--logo: {exc}"]) from exc
