"""A badge's logo as the renderer takes it: SVG text, and for a named logo its brand colour."""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Logo:
    """An SVG logo: a named one (badgegen's xmpp or a Simple Icon) or a user's file (its text).

    A named logo has its brand colour (hex digits), with which it is filled as
    shields fills it; a user's file is drawn as it is.
    """

    svg: str
    name: str | None = None
    brand: str | None = None


# `logo: avatar`: the room's own avatar, put in when its badge is made (no logo without one).
AVATAR = Logo("", "avatar")


def avatar_logo(png: bytes) -> Logo:
    """A room's avatar (a PNG badgegen drew) as a logo: an SVG that holds it, square."""
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return Logo(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<image width="64" height="64" href="{uri}"/></svg>'
    )
