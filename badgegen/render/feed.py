"""An Atom feed (RFC 4287) as text: pure, no clock, no I/O; every text escaped by ElementTree.

Ids are `urn:uuid:` names derived from what an entry is about (uuid5), so they
stay the same from run to run and from one published address to another.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree

from badgegen.render.text import NOT_XML

ATOM = "http://www.w3.org/2005/Atom"
# badgegen's own namespace for feed ids: uuid5 of it and an entry's key is the entry's id.
# It is uuid5(NAMESPACE_URL, "https://badgegen.readthedocs.io/feed"), written out (tested).
ID_NAMESPACE = uuid.UUID("74add4b4-ed6b-59eb-ba10-48753e5165af")
# What XML 1.0 cannot hold at all (ElementTree would write it, and a reader would fail).


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One entry: key names what it is about (its id is made from it)."""

    key: str
    title: str
    summary: str
    updated: datetime
    link: str


def atom_feed(
    title: str,
    key: str,
    page: str,
    entries: Sequence[AtomEntry],
    made: datetime,
    self_link: str = "",
) -> str:
    """The feed's XML.

    Args:
        title: the feed's title (the page's).
        key: names the feed once and for good (its id is made from it).
        page: the page the feed belongs to (relative to the feed, or absolute).
        entries: newest first.
        made: when it is made: its time while it has no entry (then the newest entry's).
        self_link: the feed's own absolute address, when known.
    """
    # Tags without a prefix, Atom's namespace the root's default: no process-wide prefix.
    feed = ElementTree.Element("feed", xmlns=ATOM)
    _text(feed, "title", title)
    _text(feed, "id", _id(key))
    _text(feed, "updated", _time(max((entry.updated for entry in entries), default=made)))
    author = ElementTree.SubElement(feed, "author")
    _text(author, "name", title)
    _link(feed, page, "alternate", "text/html")
    if self_link:
        _link(feed, self_link, "self", "application/atom+xml")
    _text(feed, "generator", "badgegen")
    for entry in entries:
        element = ElementTree.SubElement(feed, "entry")
        _text(element, "title", entry.title)
        _text(element, "id", _id(entry.key))
        _text(element, "updated", _time(entry.updated))
        if entry.link:
            _link(element, entry.link, "alternate")
        _text(element, "summary", entry.summary)
    body = ElementTree.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def _text(parent: ElementTree.Element, name: str, text: str) -> None:
    ElementTree.SubElement(parent, name).text = NOT_XML.sub("\ufffd", text)


def _link(parent: ElementTree.Element, href: str, rel: str, kind: str = "") -> None:
    attributes = {"href": NOT_XML.sub("", href), "rel": rel}
    if kind:
        attributes["type"] = kind
    ElementTree.SubElement(parent, "link", attributes)


def _id(key: str) -> str:
    return uuid.uuid5(ID_NAMESPACE, key).urn


def _time(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
