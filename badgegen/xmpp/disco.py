"""Counting by disco#info: the room's muc#roominfo form (XEP-0045 section 6.4).

Queries go out as the smallest stanza the protocol allows (rate limits count
bytes), and replies are read straight from the parsed XML, matched to their
query by id in one dict. The cost of a query is the same however many are in
flight: slixmpp's own Iq.send adds a handler per query, and every incoming
stanza is matched against every handler.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import itertools
from collections.abc import Callable
from xml.etree.ElementTree import Element

from slixmpp import ClientXMPP

from badgegen.core.counts import Count, Problem
from badgegen.text.untrusted import (
    MAX_OCCUPANTS,
    clean_description,
    clean_language,
    clean_name,
    credible_count,
    https_url,
    lowercase_hex,
    web_url,
)
from badgegen.xmpp.conditions import failed
from badgegen.xmpp.waits import within

CLIENT = "jabber:client"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
DATA_FORMS = "jabber:x:data"
STANZA_ERRORS = "urn:ietf:params:xml:ns:xmpp-stanzas"
IQ = f"{{{CLIENT}}}iq"
VALUE = f"{{{DATA_FORMS}}}value"
MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
OCCUPANTS_FIELD = "muc#roominfo_occupants"
ROOM_NAME_FIELD = "muc#roomconfig_roomname"
DESCRIPTION_FIELD = "muc#roominfo_description"
LANGUAGE_FIELD = "muc#roominfo_lang"
WEBCHAT_FIELD = "muc#roominfo_webchat_url"
LOGS_FIELD = "muc#roominfo_logs"  # XEP-0045: where the room's discussion logs are
AVATAR_FIELD = "muc#roominfo_avatarhash"  # XEP-0486: the SHA-1 of the room's vCard PHOTO
HIDDEN_FEATURE = "muc_hidden"
# Timed-out query ids remembered for their late replies (see DiscoQueries).
MAX_LATE = 10_000
# What slixmpp is handed instead of a reply already taken: no handler matches it.
_TAKEN = Element("{urn:x-badgegen}taken")


class DiscoQueries:
    """disco#info queries over one logged-in client, each reply matched by its id.

    Ids are "q1", "q2"...: short, and never one of slixmpp's (hexadecimal).
    A reply is taken only from the room that was asked. A reply that comes
    after its query timed out still answers the room if it is being asked
    again: behind a rate limit the late reply is already on its way, and
    waiting for it costs nothing where asking again costs another reply.
    """

    def __init__(self, client: ClientXMPP, on_late: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.on_late = on_late  # told the room of each reply that came after its timeout
        self.waiting: dict[str, tuple[str, asyncio.Future[Element]]] = {}
        self.asking: dict[str, asyncio.Future[Element]] = {}  # by room: the pending query
        # Ids that timed out, by room; bounded, oldest dropped first.
        self.late: collections.OrderedDict[str, str] = collections.OrderedDict()
        # Late replies whose room's retry has not started yet, by room.
        self.arrived: collections.OrderedDict[str, Element] = collections.OrderedDict()
        self.numbers = itertools.count(1)
        self.next_filter = client.incoming_filter
        # slixmpp documents incoming_filter as meant to be overridden.
        client.incoming_filter = self._take_reply  # type: ignore[method-assign]

    async def count(self, room: str, timeout: float, *, resend: bool = True) -> Count:
        """Ask one room for its disco#info and read the count from the reply.

        Args:
            room: the room's JID.
            timeout: seconds to wait for the reply.
            resend: False to wait again for the reply to a query that timed out
                (behind a rate limit it is on its way) instead of asking anew.
        """
        query_id, key = f"q{next(self.numbers)}", room.lower()
        if (arrived := self.arrived.pop(key, None)) is not None:
            return count_from_reply(room, arrived)  # a late reply, kept for this retry
        reply: asyncio.Future[Element] = asyncio.get_running_loop().create_future()
        self.waiting[query_id] = (key, reply)
        self.asking[key] = reply
        if resend or key not in self.late.values():
            self.client.send_raw(query_stanza(query_id, room))
        try:
            return count_from_reply(room, await within(timeout, reply))
        except TimeoutError:
            self.late[query_id] = key
            while len(self.late) > MAX_LATE:
                self.late.popitem(last=False)
            return Count(room, None, Problem.TIMEOUT)
        finally:
            self.waiting.pop(query_id, None)
            if self.asking.get(key) is reply:
                del self.asking[key]

    def _take_reply(self, xml: Element) -> Element:
        if xml.tag == IQ:
            query_id, sender = xml.get("id", ""), xml.get("from", "").lower()
            room, reply = self.waiting.get(query_id, ("", None))
            if reply is None and self.late.get(query_id) == sender:
                del self.late[query_id]
                if self.on_late is not None:
                    self.on_late(sender)
                room, reply = sender, self.asking.get(sender)
                if reply is None:  # its retry waits its turn: keep the reply for it
                    self.arrived[sender] = xml
                    while len(self.arrived) > MAX_LATE:
                        self.arrived.popitem(last=False)
                    return _TAKEN
            if reply is not None and sender == room and not reply.done():
                reply.set_result(xml)
                return _TAKEN
        return self.next_filter(xml)


def query_stanza(query_id: str, room: str) -> str:
    """<iq type='get' id='q1' to='room'><query xmlns='...disco#info'/></iq>, nothing more."""
    to = room.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;")
    return f"<iq type='get' id='{query_id}' to='{to}'><query xmlns='{DISCO_INFO}'/></iq>"


def count_from_reply(room: str, reply: Element) -> Count:
    """Turn a disco#info reply, result or error, into the room's Count.

    Args:
        room: the room's JID.
        reply: the reply's <iq/> element.
    """
    if reply.get("type") == "error":
        return failed(room, error_condition(reply), error_text(reply))
    query = reply.find(f"{{{DISCO_INFO}}}query")
    info = query if query is not None else Element("query")
    roominfo = roominfo_values(info)
    published = _single(roominfo.get(OCCUPANTS_FIELD))
    occupants = credible_count(published)
    counted = Count(
        room,
        occupants,
        name=room_name(info, roominfo),
        webchat=webchat_url(roominfo),
        description=clean_description(_single(roominfo.get(DESCRIPTION_FIELD))),
        language=clean_language(_single(roominfo.get(LANGUAGE_FIELD))),
        public=is_public_room(info),
        logs=web_url(_single(roominfo.get(LOGS_FIELD))),
        avatar_hash=avatar_hash(roominfo),
    )
    if occupants is None:
        detail = "" if published is None else f"not a whole number from 0 to {MAX_OCCUPANTS}"
        return dataclasses.replace(counted, problem=Problem.NOT_PUBLISHED, detail=detail)
    return counted


def error_condition(reply: Element) -> str:
    """The defined condition of an error reply, e.g. "item-not-found"."""
    for error in reply.findall(f"{{{CLIENT}}}error"):
        for condition in error:
            namespace, _, name = condition.tag[1:].partition("}")
            if namespace == STANZA_ERRORS and name != "text":
                return name
    return "undefined-condition"


def error_text(reply: Element) -> str | None:
    """The text of an error reply, e.g. Prosody's "NXDomain in AAAA lookup" (untrusted)."""
    for error in reply.findall(f"{{{CLIENT}}}error"):
        text = error.find(f"{{{STANZA_ERRORS}}}text")
        if text is not None and text.text:
            return text.text
    return None


def roominfo_values(info: Element) -> dict[str, list[str]]:
    """The fields of the query's muc#roominfo form, each with its values."""
    for form in info.findall(f"{{{DATA_FORMS}}}x"):
        values = {
            field.get("var", ""): [value.text or "" for value in field.findall(VALUE)]
            for field in form.findall(f"{{{DATA_FORMS}}}field")
        }
        if _single(values.get("FORM_TYPE")) == MUC_ROOMINFO:
            return values
    return {}


def room_name(info: Element, roominfo: dict[str, list[str]]) -> str | None:
    """The room's own name: its roominfo form's room name, else its identity's name.

    It is untrusted text, cleaned (badgegen.text.untrusted.clean_name).
    """
    if name := clean_name(_single(roominfo.get(ROOM_NAME_FIELD))):
        return name
    for identity in info.findall(f"{{{DISCO_INFO}}}identity"):
        if identity.get("category") == "conference" and (name := clean_name(identity.get("name"))):
            return name
    return None


def is_public_room(info: Element) -> bool:
    """Whether a disco#info result is a room's (conference/text) and the room is not hidden."""
    room = any(
        identity.get("category") == "conference" and identity.get("type") == "text"
        for identity in info.iterfind(f"{{{DISCO_INFO}}}identity")
    )
    features = {feature.get("var") for feature in info.iterfind(f"{{{DISCO_INFO}}}feature")}
    return room and HIDDEN_FEATURE not in features


def avatar_hash(roominfo: dict[str, list[str]]) -> str | None:
    """The room's avatar hash: the field's first value that is a SHA-1 in hex (a text-multi
    field may hold more, e.g. of other formats), lowercased; None when none is."""
    for value in (roominfo.get(AVATAR_FIELD) or [])[:8]:
        text = value.strip().lower()
        if lowercase_hex(text, 40):
            return text
    return None


def webchat_url(roominfo: dict[str, list[str]]) -> str | None:
    """The room's advertised web client address, when it is an absolute https URL."""
    return https_url(_single(roominfo.get(WEBCHAT_FIELD)))


def _single(values: list[str] | None) -> str | None:
    """A field's one value; none or several make no answer."""
    return values[0] if values and len(values) == 1 else None
