"""A MUC service's public rooms: disco#items (XEP-0045 6.3), paged by RSM (XEP-0059).

Every page asks for at most PAGE items: ejabberd lists only occupied rooms
without paging (max_rooms_discoitems, 100 by default), and answers a page
of more than that with its last 100 items as though they were all. A
service that does not page (Prosody 0.12) answers the first query with
every room. What a service answers is untrusted: only bare JIDs on the
service itself are kept, the pages, the items read and the time are
bounded, and a service that never ends costs its own entry only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

from badgegen.config import Discover
from badgegen.core.discovery import Listing
from badgegen.text.jids import parse_jid
from badgegen.text.untrusted import server_text
from badgegen.xmpp.conditions import DEFINED_CONDITIONS

DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
RSM = "http://jabber.org/protocol/rsm"
# Items per page: ejabberd's max_rooms_discoitems default; a larger page is cut short there.
PAGE = 100
# Items read from one service in all, and pages asked: twice the most rooms a run badges.
MAX_ITEMS_READ = 20_000
MAX_PAGES = MAX_ITEMS_READ // PAGE
# A listing may take this share of the time left in the run when it starts: its rooms are
# counted after it, and the rooms that do not depend on it are counted meanwhile.
SHARE_OF_RUN = 1 / 2
MAX_RSM_TOKEN = 1024
MAX_JID_LENGTH = 3071  # RFC 7622's three parts of 1,023 bytes and their separators
# Bare domains kept from a listing (named when a server is asked instead of its MUC
# service), read from the first items of each page only.
MAX_SERVICES_KEPT, MAX_SERVICES_READ = 5, 20


def listing_until(deadline_at: float) -> float:
    """When a listing starting now must end: its share of the run, never past the deadline."""
    now = time.monotonic()
    return now + max(0.0, deadline_at - now) * SHARE_OF_RUN


@dataclass(slots=True)
class _Reading:
    """A listing under way: the wanted rooms and the domains read, pages and items."""

    rooms: dict[str, None] = field(default_factory=dict)
    services: dict[str, None] = field(default_factory=dict)  # bare domains: what a server lists
    tokens: set[str] = field(default_factory=set)  # every page token seen
    pages: int = 0
    items: int = 0

    def listing(
        self, service: str, problem: str | None = None, *, truncated: bool = False
    ) -> Listing:
        services = tuple(self.services)[:MAX_SERVICES_KEPT]
        return Listing(service, tuple(self.rooms), problem, truncated, services)

    def enough(self, on_page: frozenset[str], limit: int) -> bool:
        """Whether every room on the page was seen, and limit new rooms besides."""
        seen = self.rooms.keys()
        return on_page <= seen and len(seen - on_page) >= limit

    def read_so_far(self) -> str:
        """ "after 4 pages (400 items)", or "" before the first."""
        return f" after {self.pages} pages ({self.items} items)" if self.pages else ""


async def list_rooms(
    client: ClientXMPP,
    entry: Discover,
    on_page: frozenset[str],
    skip: frozenset[str],
    timeout: float,
    until: float,
) -> Listing:
    """The public rooms entry.service lists that entry wants (the rooms in skip, which
    rooms.yaml lists itself, aside), read until `until` at the latest: to the end, or until
    every room in on_page was seen and entry.limit new ones (truncated).

    A listing cut short (no answer, a refusal, a bound of pages, items or time, a page
    token seen before) says so in its problem, in words true to what happened.
    """
    reading, after = _Reading(), None
    share = until - time.monotonic()
    try:
        while True:
            reply = await _next_page(client, entry.service, after, reading, timeout, until, share)
            last = _take_page(reading, reply, entry, skip)
            if reading.enough(on_page, entry.limit):
                return reading.listing(entry.service, truncated=True)
            if last is None:
                return reading.listing(entry.service)
            if last in reading.tokens:
                raise _Cut(f"the listing loops: page {reading.pages} repeats a page token")
            reading.tokens.add(last)
            after = last
    except _Cut as cut:
        return reading.listing(entry.service, str(cut))


class _Cut(Exception):
    """Why a listing stops before its end, in words true to what happened."""


async def _next_page(
    client: ClientXMPP,
    service: str,
    after: str | None,
    reading: _Reading,
    timeout: float,
    until: float,
    share: float,
) -> Element:
    """The page after `after`, if the listing's bounds allow one and it comes in time.

    Raises:
        _Cut: a bound was reached, or the service did not answer or refused.
    """
    if (problem := _bound_reached(reading)) is not None:
        raise _Cut(problem)
    wait = min(timeout, until - time.monotonic())
    if wait <= 0:
        raise _Cut(_out_of_time(reading, share))
    try:
        return await _ask(client, service, after, wait)
    except IqTimeout:
        if wait < timeout:  # the listing's share of the run ran out, not the timeout
            raise _Cut(_out_of_time(reading, share)) from None
        raise _Cut(f"no answer within {wait:.0f} s{reading.read_so_far()}") from None
    except IqError as exc:
        raise _Cut(_refusal(exc) + reading.read_so_far()) from None


def _take_page(
    reading: _Reading, reply: Element, entry: Discover, skip: frozenset[str]
) -> str | None:
    """Add a page's wanted rooms and domains to reading; its RSM <last/> (None: the end)."""
    items, last = _page_of(reply, MAX_ITEMS_READ - reading.items)
    reading.pages += 1
    reading.items += len(items)
    for jid in _rooms_of(items, entry.service):
        if entry.wants(jid) and jid not in skip:
            reading.rooms.setdefault(jid)
    if len(reading.services) < MAX_SERVICES_KEPT:
        reading.services.update(dict.fromkeys(_domains_of(items[:MAX_SERVICES_READ])))
    return last if items else None


def _bound_reached(reading: _Reading) -> str | None:
    """Why reading must stop before the next page, when it must: a bound of the listing."""
    if reading.pages >= MAX_PAGES:
        return f"cut after {MAX_PAGES} pages (the most read from one service)"
    if reading.items >= MAX_ITEMS_READ:
        return f"cut after {MAX_ITEMS_READ} items (the most read from one service)"
    return None


def _out_of_time(reading: _Reading, share: float) -> str:
    return f"cut{reading.read_so_far()}: its share of the run ({share:.1f} s) ran out"


async def _ask(client: ClientXMPP, service: str, after: str | None, wait: float) -> Element:
    iq = client.make_iq_get(ito=service)
    query = Element(f"{{{DISCO_ITEMS}}}query")
    paging = SubElement(query, f"{{{RSM}}}set")
    SubElement(paging, f"{{{RSM}}}max").text = str(PAGE)
    if after is not None:
        SubElement(paging, f"{{{RSM}}}after").text = after
    iq.xml.append(query)
    reply = await iq.send(timeout=wait)
    xml: Element = reply.xml
    return xml


def _page_of(reply: Element, most: int) -> tuple[list[str], str | None]:
    """A reply's item JIDs (at most `most`), and its RSM <last/> (None: no more pages)."""
    query = reply.find(f"{{{DISCO_ITEMS}}}query")
    if query is None:
        return [], None
    items: list[str] = []
    for item in query.iterfind(f"{{{DISCO_ITEMS}}}item"):
        if len(items) >= most:
            break
        items.append(item.get("jid", ""))
    paging = query.find(f"{{{RSM}}}set")
    last = paging.findtext(f"{{{RSM}}}last") if paging is not None else None
    if last is not None and not 0 < len(last) <= MAX_RSM_TOKEN:
        last = None
    return items, last


def _rooms_of(items: list[str], service: str) -> list[str]:
    """The items that can be rooms of service: bare JIDs with a name, on service itself."""
    rooms = []
    for text in items:
        if len(text) > MAX_JID_LENGTH:  # longer than any JID: not parsed at all
            continue
        try:
            jid = parse_jid(text)
        except ValueError:
            continue
        if jid.local and not jid.resource and jid.domain == service:
            rooms.append(jid.bare)
    return rooms


def _domains_of(items: list[str]) -> list[str]:
    """The items that are bare domains: a server's components, such as its MUC service."""
    domains = []
    for text in items:
        if len(text) > MAX_JID_LENGTH:
            continue
        try:
            jid = parse_jid(text)
        except ValueError:
            continue
        if not jid.local and not jid.resource:
            domains.append(jid.domain)
    return domains


def _refusal(error: IqError) -> str:
    condition = str(error.iq["error"]["condition"] or "")
    if condition not in DEFINED_CONDITIONS:  # any server's text: only the defined ones shown
        condition = "undefined-condition"
    said = server_text(str(error.iq["error"]["text"] or ""))
    return f"the service refused the listing: {condition}" + (f' ("{said}")' if said else "")
