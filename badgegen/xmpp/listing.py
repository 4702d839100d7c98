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

import asyncio
import time
from xml.etree.ElementTree import Element, SubElement

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

from badgegen.config import Discover
from badgegen.core.discovery import DiscoveryPlan, Listing
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
# A listing may take this share of the time left in the run (counting needs the rest).
SHARE_OF_RUN = 1 / 3
MAX_RSM_TOKEN = 1024
MAX_JID_LENGTH = 3071  # RFC 7622's three parts of 1,023 bytes and their separators
# Bare domains kept from a listing (named when a server is asked instead of its MUC
# service), read from the first items of each page only.
MAX_SERVICES_KEPT, MAX_SERVICES_READ = 5, 20


async def list_services(
    client: ClientXMPP, plan: DiscoveryPlan, timeout: float, deadline_at: float
) -> tuple[Listing, ...]:
    """Every entry's service listed at once, each bounded in pages, items and time."""
    now = time.monotonic()
    until = min(deadline_at, now + max(timeout * 3, (deadline_at - now) * SHARE_OF_RUN))
    listings = [
        list_rooms(client, entry, plan.reading(entry), plan.skip, timeout, until)
        for entry in plan.entries
    ]
    return tuple(await asyncio.gather(*listings))


async def list_rooms(
    client: ClientXMPP,
    entry: Discover,
    most: int,
    skip: frozenset[str],
    timeout: float,
    until: float,
) -> Listing:
    """The public rooms entry.service lists that entry wants, up to most (the rooms in
    skip, which rooms.yaml lists itself, aside)."""
    rooms: dict[str, None] = {}
    services: dict[str, None] = {}  # bare domains listed: what a server lists
    after: str | None = None
    read = 0
    for _page in range(MAX_PAGES):
        wait = min(timeout, until - time.monotonic())
        if wait <= 0:
            return Listing(entry.service, tuple(rooms), "the listing took too long")
        try:
            reply = await _ask(client, entry.service, after, wait)
        except IqTimeout:
            return Listing(entry.service, tuple(rooms), f"no answer within {wait:.0f} s")
        except IqError as exc:
            return Listing(entry.service, tuple(rooms), _refusal(exc))
        items, last = _page_of(reply, MAX_ITEMS_READ - read)
        read += len(items)
        for jid in _rooms_of(items, entry.service):
            if entry.wants(jid) and jid not in skip:
                rooms.setdefault(jid)
        if len(services) < MAX_SERVICES_KEPT:
            services.update(dict.fromkeys(_domains_of(items[:MAX_SERVICES_READ])))
        if len(rooms) >= most:
            return Listing(entry.service, tuple(rooms)[:most], truncated=True)
        if last is None or last == after or not items or read >= MAX_ITEMS_READ:
            return Listing(
                entry.service, tuple(rooms), services=tuple(services)[:MAX_SERVICES_KEPT]
            )
        after = last
    return Listing(entry.service, tuple(rooms), services=tuple(services)[:MAX_SERVICES_KEPT])


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
