"""What makes a valid room JID, account JID and badge file name."""

from __future__ import annotations

import difflib
import re
import unicodedata

from badgegen.text.invisible import first_invisible
from badgegen.text.jids import parse_jid

_CONFUSABLE_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC")
# Embeddings, overrides and isolates reorder text; marks are harmless.

# Leaves room for ".svg"/".json" and a temporary-file prefix within the
# 255-byte name limit of common filesystems.
MAX_FILE_NAME_BYTES = 200
RESERVED_NAMES = ("badges", "history")  # badges.json, history.json: the run's own
# NAME.chart.svg and NAME.chart-narrow.svg, a room's history chart (wide, and stacked for a
# phone); NAME.trend.svg and .json, its trend badge.
DERIVED_SUFFIXES = (".chart", ".chart-narrow", ".trend", ".card")


def parse_room_jid(text: str) -> tuple[str | None, str | None]:
    """Check that text is a bare room JID.

    Args:
        text: the JID as written.

    Returns:
        The normalised bare JID, or None with the reason it is not one.
    """
    expected = "(expected name@service)"
    if text.lower().startswith("xmpp:"):
        inside = text[len("xmpp:") :].lstrip("/").split("?")[0]
        hint = f"write {inside}" if "@" in inside else "write the room's name@service"
        return None, f'"{text}" is an xmpp: link, not a JID ({hint})'
    if text.lower().startswith(("https://", "http://")):
        return None, f'"{text}" is a web address, not a room JID {expected}'
    try:
        jid = parse_jid(text)
    except ValueError as exc:
        return None, f'"{text}" is not a valid JID: {exc} {expected}'
    if not jid.local:
        return None, f'"{text}" is not a room JID {expected}'
    if jid.resource:
        return None, f'"{text}" has a /resource part {expected}'
    if scripts := mixed_scripts(jid.local) or mixed_scripts(jid.domain):
        return None, f'"{text}" mixes {scripts} letters, so it looks like another JID {expected}'
    return jid.bare, None


def account_jid_problem(text: str, *, anonymous: bool) -> str | None:
    """Say why text cannot be the account's JID, or None when it can.

    Args:
        text: the JID as written.
        anonymous: an anonymous login names only a domain.
    """
    expected = "(expected a domain that offers anonymous login)"
    if not anonymous:
        expected = "(expected user@domain)"
    try:
        jid = parse_jid(text)
    except ValueError as exc:
        return f'"{text}" is not a valid JID: {exc} {expected}'
    if jid.resource or bool(jid.local) == anonymous:
        return f'"{text}" is not an account JID {expected}'
    return None


def mixed_scripts(text: str) -> str:
    """Name the scripts when text mixes Latin, Greek and Cyrillic letters, else "".

    A "lobby" whose "o" is Cyrillic reads as "lobby" but is another JID.
    """
    scripts = sorted({
        name for char in text if char.isalpha()
        for name in _CONFUSABLE_SCRIPTS if unicodedata.name(char, "").startswith(name)
    })  # fmt: skip
    return " and ".join(script.title() for script in scripts) if len(scripts) > 1 else ""


def text_problem(text: str) -> str | None:
    """Say why text cannot be shown on a badge: a control, bidi or invisible character."""
    if (char := first_invisible(text)) is not None:
        return f"contains the control character U+{ord(char):04X} (expected plain text)"
    return None


def shown_text_problem(text: str, placeholder: str, what: str, empty: str) -> str | None:
    """Say why text cannot be a badge's label or message: empty (empty says what to write),
    invisible characters, or {placeholders} other than placeholder. what names the field."""
    if not text.strip():
        return empty
    return text_problem(text) or placeholder_problem(text, placeholder, what)


def placeholder_problem(text: str, allowed: str | None, what: str) -> str | None:
    """Say why text's {placeholders} are wrong: any but allowed (None: none at all), or a
    lone brace. what names the field ("a message", "a label") for the words."""
    rest = text.replace(allowed, "") if allowed else text
    if "{" not in rest and "}" not in rest:
        return None
    takes = f"{what} takes only {allowed}" if allowed else f"{what} takes none"
    typed = re.search(r"\{[^{}]*\}", rest)
    if typed is None:
        return f'"{text}" has a brace that is no placeholder ({takes})'
    close = allowed and difflib.get_close_matches(typed.group(), [allowed], n=1, cutoff=0.6)
    hint = f"did you mean {allowed}? " if close else ""
    return f'"{text}" has the placeholder {typed.group()} ({hint}{takes})'


def url_problem(
    text: str, expected: str = "an https:// URL", *, base: bool = False, template: bool = False
) -> str | None:
    """Say why text is no https:// URL (badges are embedded in https pages, which block or
    flag http:// ones); a base URL (base=True) takes no query or fragment either, and only a
    link template (template=True) takes a placeholder: {jid}."""
    if text.lower().startswith("http://") and not _is_loopback(text):
        secure = "https://" + text[len("http://") :]
        return f'"{text}" is plain http (expected {expected}, e.g. {secure})'
    if not text.lower().startswith(("https://", "http://")) or text.lower() in SCHEMES_ONLY:
        return f'"{text}" is not a link (expected {expected})'
    if base and ("?" in text or "#" in text):
        return (
            f'"{text}" has a query or fragment (expected the address the files are published'
            " under, e.g. https://you.github.io/project)"
        )
    return placeholder_problem(text, "{jid}" if template else None, "a link")


SCHEMES_ONLY = ("https://", "http://")


def _is_loopback(url: str) -> bool:
    """Whether an http:// URL names this machine (a page tried locally: browsers trust it)."""
    import ipaddress
    import urllib.parse

    try:
        host = urllib.parse.urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def file_name_problem(name: str) -> str | None:
    """Say why name cannot be a badge's file name, or None when it can.

    Args:
        name: the output name without ".svg".
    """
    if name in ("", ".", "..") or "/" in name or "\\" in name:
        return f'"{name}" is not a file name'
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return f"{name!r} contains control characters"
    if len(name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
        return f"the name is longer than {MAX_FILE_NAME_BYTES} bytes"
    if name.casefold() in RESERVED_NAMES:
        return f'"{name}" is taken by the run\'s own {name.casefold()}.json'
    if suffix := next((s for s in DERIVED_SUFFIXES if name.casefold().endswith(s)), None):
        return f'"{name}" ends in {suffix}, which names history charts and trend badges'
    return None
