"""Ready-to-paste embed code: a badge image with its alt text, linked to its room."""

from __future__ import annotations

import html
import urllib.parse

from badgegen.config import Room
from badgegen.state import RoomState


def link_for(room: Room, state: RoomState | None) -> str:
    """Where a badge links: the xmpp: URI, the room's web client, or a URL template.

    Args:
        room: the room, whose `link` option says which.
        state: its last record, for the web client URL the room advertises.
    """
    if room.link == "webchat" and state and state.webchat:
        return state.webchat
    if room.link.startswith(("https://", "http://")):
        return room.link.replace("{jid}", urllib.parse.quote(room.jid, safe="@"))
    # RFC 5122: xmpp:room@service?join
    return f"xmpp:{urllib.parse.quote(room.jid, safe='@')}?join"


def image_url(room: Room, base_url: str) -> str:
    """The badge's address: base_url plus its file name, quoted."""
    name = urllib.parse.quote(room.svg_name, safe="@")
    return f"{base_url.rstrip('/')}/{name}" if base_url else name


def alt_text(room: Room) -> str:
    """The image's alt text."""
    return f"XMPP chat {room.jid}"


def snippet(room: Room, state: RoomState | None, kind: str, base_url: str) -> str:
    """Embed code for one badge.

    Args:
        room: the room.
        state: its last record (for the advertised web client), if any.
        kind: one of FORMATS.
        base_url: where the output directory is published.
    """
    image, link, alt = image_url(room, base_url), link_for(room, state), alt_text(room)
    if kind == "html":
        return (
            f'<a href="{html.escape(link)}"><img src="{html.escape(image)}"'
            f' alt="{html.escape(alt)}"></a>'
        )
    if kind == "rst":
        return f".. image:: {image}\n   :alt: {alt}\n   :target: {link}"
    if kind == "asciidoc":
        return f'image:{image}[{alt.replace("]", "")},link="{link}"]'
    return f"[![{_markdown(alt)}]({image})]({link})"


def _markdown(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")
