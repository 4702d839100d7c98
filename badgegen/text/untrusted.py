"""Values from places badgegen does not control, checked once where they come in.

Server replies (over federation, any server can answer for its rooms) and the
last run's badges.json (perhaps fetched from the web) are untrusted: a count
must be a credible whole number, a name plain text of sensible length, a URL
an absolute https address. Whatever fails a check is dropped, so the worst a
hostile value can do is leave its own room without a count, name or link.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

from badgegen.text.graphemes import graphemes, is_emoji
from badgegen.text.invisible import visible

# No MUC room holds a million people; a larger "count" is garbage or an attack.
MAX_PHOTO_BYTES = 256 * 1024  # a room's avatar as served: larger is refused unread
MAX_OCCUPANTS = 999_999
# A room's own name, shown in labels, index.html and the JSON files.
MAX_NAME_CLUSTERS = 64
MAX_NAME_CODE_POINTS = 256
# Keeps zalgo text and endless emoji sequences from hiding inside one cluster.
MAX_CLUSTER_CODE_POINTS = 16
# A room's description, shown on index.html and `badgegen discover`.
MAX_DESCRIPTION_CLUSTERS = 200
MAX_DESCRIPTION_CODE_POINTS = 400
MAX_URL_LENGTH = 2048
MAX_SERVER_TEXT = 200
ELLIPSIS = "…"

# A language tag's shape (RFC 5646): a primary subtag and a few more, within 35 characters.
_LANGUAGE_TAG = re.compile(r"(?=.{1,35}$)[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,6}")
_DIGITS = re.compile(rf"[0-9]{{1,{len(str(MAX_OCCUPANTS))}}}")
_SPACES = re.compile(r"\s+")  # line and paragraph separators too: a name is one line
# Characters that would end or escape a URL in one of the snippet syntaxes.
_URL_UNSAFE = frozenset(" \"'<>\\^`{|}")


def credible_count(text: str | None) -> int | None:
    """A count of occupants from its text: 0 to MAX_OCCUPANTS in ASCII digits, else None.

    Args:
        text: the value as the server or the record gave it.
    """
    if text is None:
        return None
    stripped = text.strip()
    # The length is checked before int(): Python refuses to parse 4,300 digits.
    return int(stripped) if _DIGITS.fullmatch(stripped) else None


def credible_occupants(value: object) -> bool:
    """Whether a number from a JSON record is a credible count (bool is not a number)."""
    return type(value) is int and 0 <= value <= MAX_OCCUPANTS


def clean_name(text: str | None) -> str | None:
    """A room name from the server or the record as plain text, or None when nothing is left.

    Control, bidi-control and unassigned characters are dropped, runs of white
    space become one space, each grapheme cluster keeps at most
    MAX_CLUSTER_CODE_POINTS code points, and the whole at most
    MAX_NAME_CLUSTERS clusters and MAX_NAME_CODE_POINTS code points (cut with "…").

    Args:
        text: the name as received.
    """
    return clean_text(text, MAX_NAME_CLUSTERS, MAX_NAME_CODE_POINTS)


def clean_description(text: str | None) -> str | None:
    """A room's description as plain text on one line, capped like a name but longer."""
    return clean_text(text, MAX_DESCRIPTION_CLUSTERS, MAX_DESCRIPTION_CODE_POINTS)


def clean_language(text: str | None) -> str | None:
    """A room's language as a BCP 47 tag ("en", "pt-BR"), or None when it is not one."""
    if text is None:
        return None
    tag = text.strip()
    if not _LANGUAGE_TAG.fullmatch(tag):
        return None
    # Tags are compared without case (RFC 5646 2.1.1): one spelling, so that "EN" and "en"
    # are one language on the page. The conventional one: en, pt-BR, zh-Hant.
    first, *rest = tag.split("-")
    return "-".join([first.lower(), *(_subtag_case(part) for part in rest)])


def _subtag_case(part: str) -> str:
    if len(part) == 2 and part.isalpha():
        return part.upper()  # a region
    if len(part) == 4 and part.isalpha():
        return part.title()  # a script
    return part.lower()


def server_text(text: str | None) -> str | None:
    """A server's own words (a stream error's or SASL failure's text), cleaned like a name."""
    return clean_text(text, MAX_SERVER_TEXT, MAX_SERVER_TEXT * 2)


def clean_text(text: str | None, max_clusters: int, max_code_points: int) -> str | None:
    """Untrusted text made plain and capped in clusters and code points (see clean_name)."""
    if not text:
        return None
    # Bounded before the work below, so a megabyte of marks costs nothing.
    kept = "".join(char for char in text[: max_code_points * 4] if _is_plain(char))
    kept = _SPACES.sub(" ", kept).strip()
    clusters = [_visible(cluster)[:MAX_CLUSTER_CODE_POINTS] for cluster in graphemes(kept)]
    clusters = [cluster for cluster in clusters if cluster]
    cleaned = _SPACES.sub(" ", "".join(clusters)).strip()
    if len(clusters) > max_clusters or len(cleaned) > max_code_points:
        cleaned = _shortened(clusters, max_clusters, max_code_points)
    return cleaned or None


def _is_plain(char: str) -> bool:
    """Neither unassigned, private, a surrogate nor a control (white space stays, as space)."""
    if char.isspace():
        return True
    return unicodedata.category(char) not in ("Cc", "Cs", "Cn", "Co")


def _visible(cluster: str) -> str:
    # No ASCII cluster is an emoji: most names never need the regex module.
    return visible(cluster, emoji=not cluster.isascii() and is_emoji(cluster))


def _shortened(clusters: list[str], max_clusters: int, max_code_points: int) -> str:
    """The first clusters that fit both caps with room for the ellipsis."""
    kept: list[str] = []
    length = len(ELLIPSIS)
    for cluster in clusters[: max_clusters - 1]:
        if length + len(cluster) > max_code_points:
            break
        kept.append(cluster)
        length += len(cluster)
    return "".join(kept).rstrip() + ELLIPSIS


def https_url(text: str | None) -> str | None:
    """An absolute https URL from untrusted text, or None when it is not one (see web_url)."""
    return web_url(text, schemes=("https",))


def web_url(text: str | None, schemes: tuple[str, ...] = ("http", "https")) -> str | None:
    """An absolute http(s) URL from untrusted text (of schemes), or None when it is not one.

    The URL must parse, have a host, be at most MAX_URL_LENGTH characters and
    hold nothing that could end or escape it in Markdown, HTML,
    reStructuredText or AsciiDoc: no white space, control characters, quotes,
    brackets or backslashes (a well-formed URL percent-encodes all of them).

    Args:
        text: the URL as received.
        schemes: the schemes taken (lowercase).
    """
    if not text or len(text) > MAX_URL_LENGTH or not text.isascii():
        return None
    if any(char in _URL_UNSAFE or not char.isprintable() for char in text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return None
    if parts.scheme.lower() not in schemes or not parts.hostname or not port_ok:
        return None
    if "[" in text[len(parts.scheme) + 3 + len(parts.netloc) :] or "]" in parts.path:
        return None  # brackets belong around an IPv6 address only
    if parts.username is not None or parts.password is not None:
        return None  # https://evil@good.example tricks readers
    return text


_HEX = frozenset("0123456789abcdef")


def lowercase_hex(value: object, length: int) -> bool:
    """Whether value is a string of length lowercase hex digits (a hash, as records hold)."""
    return isinstance(value, str) and len(value) == length and _HEX.issuperset(value)
