"""A badge's logo as the renderer takes it: SVG text, and for a named logo its brand colour."""

from __future__ import annotations

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
