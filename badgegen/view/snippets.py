"""Ready-to-paste embed code: a badge image with its alt text, linked to its room."""

from __future__ import annotations

import html
import re
import urllib.parse

from badgegen.config import Room
from badgegen.core.state import RoomState
from badgegen.text.untrusted import https_url


def link_for(room: Room, state: RoomState | None) -> str:
    """Where a badge links: the xmpp: URI, the room's web client, or a URL template.

    Args:
        room: the room, whose `link` option says which.
        state: its last record, for the web client URL the room advertises
            (checked to be absolute https where it came in).
    """
    if room.link == "webchat" and state and (webchat := https_url(state.webchat)):
        return webchat
    if room.link.startswith(("https://", "http://")):
        return room.link.replace("{jid}", urllib.parse.quote(room.jid, safe="@"))
    # RFC 5122: xmpp:room@service?join
    return f"xmpp:{urllib.parse.quote(room.jid, safe='@')}?join"


# The badges a room may have: its count, and with `trend:` its trend badge; and its card.
COUNT, TREND, CARD = "count", "trend", "card"
# What a trend badge shows, for its alt text.
TREND_WORDS = {"day": "peak of the last 24 hours", "week": "average of the last 7 days"}


def badges_of(room: Room) -> tuple[str, ...]:
    """The badges a room has, count first: ("count",) or ("count", "trend")."""
    return (COUNT, TREND) if room.trend else (COUNT,)


def image_url(room: Room, base_url: str, badge: str = COUNT) -> str:
    """The badge's address: base_url plus its file name, quoted."""
    file = {TREND: room.trend_names[0], CARD: room.card_name}.get(badge, room.svg_name)
    name = urllib.parse.quote(file, safe="@")
    return f"{base_url.rstrip('/')}/{name}" if base_url else name


def alt_text(room: Room, badge: str = COUNT) -> str:
    """The image's alt text: "XMPP chat lobby@..." (", peak of the last 24 hours")."""
    if badge == TREND and room.trend:
        return f"XMPP chat {room.jid}, {TREND_WORDS[room.trend]}"
    if badge == CARD:
        return f"XMPP chat {room.jid}: its count and its week"
    return f"XMPP chat {room.jid}"


def embeddable(url: str) -> str:
    """url with every character that could end it or escape it in a snippet percent-encoded.

    White space, quotes, brackets, parentheses, angle brackets and backslashes
    end a URL or a link in at least one of Markdown, HTML, reStructuredText
    and AsciiDoc; in a URL they mean the same percent-encoded. Only an IPv6
    host keeps its brackets.
    """
    scheme, separator, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    if separator and _HOST.fullmatch(host):
        return f"{scheme}://{host}{slash}{urllib.parse.quote(path, safe=_SAFE)}"
    return urllib.parse.quote(url, safe=_SAFE)


def snippet_parts(
    room: Room, state: RoomState | None, base_url: str, badge: str = COUNT
) -> tuple[str, str, str]:
    """What every snippet of a badge is made of: its image URL, its link, its alt text.

    The URLs are embeddable (see embeddable()); the alt text is one line.
    """
    image = embeddable(image_url(room, base_url, badge))
    link = embeddable(link_for(room, state))
    return image, link, " ".join(alt_text(room, badge).split())


def snippet(
    room: Room, state: RoomState | None, kind: str, base_url: str, badge: str = COUNT
) -> str:
    """Embed code for one badge, every part escaped for its syntax.

    Args:
        room: the room.
        state: its last record (for the advertised web client), if any.
        kind: one of FORMATS.
        base_url: where the output directory is published.
        badge: which of the room's badges: "count", or "trend" (see badges_of).
    """
    image, link, alt = snippet_parts(room, state, base_url, badge)
    if kind == "html":
        return (
            f'<a href="{html.escape(link)}"><img src="{html.escape(image)}"'
            f' alt="{html.escape(alt)}"></a>'
        )
    if kind == "rst":
        return f".. image:: {image}\n   :alt: {alt}\n   :target: {link}"
    if kind == "asciidoc":
        return f'image:{image}[{_asciidoc(alt)},link="{link}"]'
    return f"[![{_markdown(alt)}]({image})]({link})"


# RFC 3986's unreserved and reserved characters that no snippet syntax minds.
_SAFE = "-._~:/?#@!$&*+,;=%"
_HOST = re.compile(r"[A-Za-z0-9.\-_~%]+(:[0-9]*)?|\[[0-9A-Fa-f:.]+\](:[0-9]*)?")


def _markdown(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _asciidoc(text: str) -> str:
    # In an inline macro's attribute list, "]" ends it and "," starts another attribute.
    return text.replace("]", "").replace(",", " ").replace('"', "")
