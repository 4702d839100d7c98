"""Rooms that answer late, never, or only when asked twice: an XEP-0114 component in Prosody.

Room JIDs on the component's domain say how they behave:
`count-N[-x]@...` answers at once with N occupants; `silent-...@` never
answers; `late-S-...@` answers after S seconds; `flaky-...@` ignores the
first query and answers the next; `missing-...@` answers item-not-found;
`hostile-NAME@` answers with HOSTILE_REPLIES[NAME], the garbage or attack
a server anywhere could send; `unreachable-...@` answers
remote-server-not-found, as a server does for a domain that does not exist;
`flood-N@` first sends the asker N iq requests (disco#info and a namespace
nobody knows, by turns), then answers with 1 occupant; `notaroom-...@`
answers as a client, not a room; `hidden-...@` as a hidden room.
`avatar-KIND[-x]@` answers like `count-2`, its roominfo form announcing its avatar's
SHA-1 (muc#roominfo_avatarhash, XEP-0486), and answers a vCard get (XEP-0153) with
its photo, as avatar_rooms()[KIND] says: "good", "jpeg", "gif", "huge", "bomb", "svg",
"svgpng" (an SVG said to be a PNG), "corrupt", "wronghash" (announces another
image's hash), "nophoto" (a vCard without one), "novcard" (item-not-found), "busy"
(resource-constraint: a server too busy now),
"slow" (the vCard 30 s late), "nohash" (no hash announced, a photo served) and
"multi" (two hashes: the photo's, then "not-a-hash"). `avatar-good-...@` rooms
in `changed_avatars` have good_jpeg instead, as if their owner had changed it.
The component's own disco#items lists rooms as `listing` says: LISTED
(rooms, non-rooms and items that are no rooms of its own), two a page by
RSM; "endless" pages that never end; "looping" pages whose tokens go back
and forth between two pages for ever; "silent" never answers; with
`page_delay` seconds, each page is answered that late.
This is how a slow or hostile federation link looks from a client.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import functools
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from slixmpp import ComponentXMPP
from slixmpp.plugins.xep_0004 import Form
from slixmpp.plugins.xep_0030 import DiscoInfo
from slixmpp.xmlstream import register_stanza_plugin
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from sandbox import avatars
from sandbox.servers import COMPONENT_SECRET, SandboxServer

MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
DISCO_INFO = "{http://jabber.org/protocol/disco#info}query"
DISCO_ITEMS = "{http://jabber.org/protocol/disco#items}query"
RSM = "http://jabber.org/protocol/rsm"
VCARD = "{vcard-temp}vCard"
# What the component's disco#items lists: three rooms, and items that are not its rooms.
LISTED = (
    "count-3-listed", "count-0-listed", "notaroom-1", "hidden-2", "someone@elsewhere.example",
    "count-2-listed@{domain}/resource", "not a jid@@", "count-1-listed",
)  # fmt: skip
LISTED_ROOMS = ("count-3-listed", "count-0-listed", "count-1-listed")
LISTED_PAGE = 2  # items a page, whatever the asker's <max/>: paging is walked
FLAKY_COUNT = 5  # what a flaky room answers the second time
HOSTILE_COUNT = "4"  # what the hostile rooms with a fine count say
AVATAR_OCCUPANTS = 2  # what every avatar-* room counts
SLOW_VCARD = 30.0  # seconds before an avatar-slow room answers a vCard get


@dataclass(frozen=True)
class Hostile:
    """One hostile room's reply: its roominfo fields (each with its values) or an error."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    identity_name: str = "room"
    condition: str = ""  # answer with an error with this condition instead
    text: str = ""  # and this text


def sha1_hex(data: bytes) -> str:
    """The lowercase hex SHA-1 of data: an avatar's hash (XEP-0153, XEP-0486)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class RoomAvatar:
    """What an avatar-* room announces in disco#info and serves as its vCard."""

    hashes: tuple[str, ...]  # muc#roominfo_avatarhash's values; none: no such field
    photo: bytes | None  # its vCard's PHOTO; None: a vCard without one
    mime: str = "image/png"
    condition: str = ""  # answer a vCard get with this error instead
    delay: float = 0.0  # seconds before the vCard is sent

    @functools.cached_property
    def vcard(self) -> str:
        """The vCard, as XML (made once: the huge one is 3 MB)."""
        if self.photo is None:
            return "<vCard xmlns='vcard-temp'/>"
        binval = base64.b64encode(self.photo).decode("ascii")
        photo = f"<PHOTO><TYPE>{escape(self.mime)}</TYPE><BINVAL>{binval}</BINVAL></PHOTO>"
        return f"<vCard xmlns='vcard-temp'>{photo}</vCard>"


def _avatar(photo: bytes, mime: str = "image/png", delay: float = 0.0) -> RoomAvatar:
    return RoomAvatar((sha1_hex(photo),), photo, mime, delay=delay)


@functools.cache
def avatar_rooms() -> dict[str, RoomAvatar]:
    """Each avatar-KIND room's avatar, by KIND (see the module's docstring); made once."""
    good, announced = avatars.good_png(), (sha1_hex(avatars.good_png()),)
    return {
        "good": _avatar(good),
        "jpeg": _avatar(avatars.good_jpeg(), "image/jpeg"),
        "gif": _avatar(avatars.animated_gif(), "image/gif"),
        "huge": _avatar(avatars.huge_png()),
        "bomb": _avatar(avatars.bomb_png()),
        "svg": _avatar(avatars.svg_image(), "image/svg+xml"),
        "svgpng": _avatar(avatars.svg_image()),
        "corrupt": _avatar(avatars.corrupt_png()),
        "wronghash": RoomAvatar((sha1_hex(avatars.good_jpeg()),), good),
        "nophoto": RoomAvatar(announced, None),
        "novcard": RoomAvatar(announced, None, condition="item-not-found"),
        "busy": RoomAvatar(announced, None, condition="resource-constraint"),
        "slow": _avatar(good, delay=SLOW_VCARD),
        "nohash": RoomAvatar((), good),
        "multi": RoomAvatar((*announced, "not-a-hash"), good),
    }


def _fields(**values: str | list[str]) -> dict[str, list[str]]:
    names = {"occupants": "muc#roominfo_occupants", "name": "muc#roomconfig_roomname",
             "webchat": "muc#roominfo_webchat_url", "logs": "muc#roominfo_logs"}  # fmt: skip
    return {
        names[key]: value if isinstance(value, list) else [value] for key, value in values.items()
    }


UNREACHABLE_TEXT = "NXDomain in AAAA lookup"
GOOD_LOGS = "http://logs.example.org/room/?day=1&lang=en"  # the one logs address kept
UNREACHABLE = Hostile(condition="remote-server-not-found", text=UNREACHABLE_TEXT)
HOSTILE_REPLIES = {
    "huge-count": Hostile(_fields(occupants="9" * 400)),
    "past-int-limit": Hostile(_fields(occupants="9" * 5000)),
    "negative-count": Hostile(_fields(occupants="-5")),
    "fraction-count": Hostile(_fields(occupants="2.5")),
    "arabic-digits": Hostile(_fields(occupants="\u0661\u0662")),
    "two-counts": Hostile(_fields(occupants=["1", "2"])),
    "million": Hostile(_fields(occupants="1000000")),
    "bidi-name": Hostile(_fields(occupants=HOSTILE_COUNT, name="\u202eevil\u202c name")),
    "zalgo-name": Hostile(_fields(occupants=HOSTILE_COUNT, name="e" + "\u0301" * 20_000)),
    "long-name": Hostile(_fields(occupants=HOSTILE_COUNT, name="x" * 50_000)),
    "markup-name": Hostile(_fields(occupants=HOSTILE_COUNT, name='<script>"x"</script>|`a`')),
    "identity-bidi": Hostile(_fields(occupants=HOSTILE_COUNT), identity_name="\u2067id\u2069"),
    "javascript-url": Hostile(_fields(occupants=HOSTILE_COUNT, webchat="javascript:alert(1)")),
    "newline-url": Hostile(
        _fields(occupants=HOSTILE_COUNT, webchat="https://x.example/\n.. raw:: html\n<script>")
    ),
    "quote-url": Hostile(_fields(occupants=HOSTILE_COUNT, webchat='https://x.example/"><b>')),
    "http-url": Hostile(_fields(occupants=HOSTILE_COUNT, webchat="http://x.example/")),
    "javascript-logs": Hostile(_fields(occupants=HOSTILE_COUNT, logs="javascript:alert(1)")),
    "quote-logs": Hostile(_fields(occupants=HOSTILE_COUNT, logs='http://x.example/"><b>')),
    "two-logs": Hostile(
        _fields(occupants=HOSTILE_COUNT, logs=["http://x.example/a", "http://x.example/b"])
    ),
    "good-logs": Hostile(_fields(occupants=HOSTILE_COUNT, logs=GOOD_LOGS)),
    "unknown-condition": Hostile(condition="made-up-" + "x" * 500),
}


class SlowRooms:
    """Runs the component in a background thread until closed; counts the queries."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.asked: collections.Counter[str] = collections.Counter()
        self.first_query = threading.Event()
        self._queried = threading.Condition()
        self.flood_answers = 0  # replies the askers sent to the floods' requests
        self.late_pending = 0  # queries to late-* rooms not answered yet
        self.most_late_pending = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.component: ComponentXMPP | None = None
        # How disco#items answers: "rooms", "endless", "looping" or "silent".
        self.listing = "rooms"
        self.page_delay = 0.0  # seconds before each page is answered
        self.pages_asked = 0
        self.vcards_asked: collections.Counter[str] = collections.Counter()  # gets, by room
        # avatar-good-* rooms whose avatar is good_jpeg instead, as if their owner changed it
        self.changed_avatars: set[str] = set()
        self.avatars = avatar_rooms()  # made here, never while a query waits

    def wait_until_asked(self, local: str, timeout: float) -> bool:
        """Wait until the room local@ has been asked at least once; whether it was in time."""
        with self._queried:
            return self._queried.wait_for(lambda: self.asked[local] > 0, timeout)

    def forget_queries(self) -> None:
        """Start counting queries afresh (each test counts its own)."""
        self.asked.clear()
        self.vcards_asked.clear()
        self.changed_avatars.clear()
        self.first_query.clear()
        self.flood_answers = self.most_late_pending = self.pages_asked = 0
        self.listing, self.page_delay = "rooms", 0.0

    def jid(self, local: str) -> str:
        """A room JID on the component."""
        return f"{local}@{self.server.component_domain}"

    def __enter__(self) -> SlowRooms:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._connect(), self.loop).result(timeout=30)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.component is not None:
            future = asyncio.run_coroutine_threadsafe(self._close(), self.loop)
            future.result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    async def _connect(self) -> None:
        component = ComponentXMPP(
            self.server.component_domain, COMPONENT_SECRET, "127.0.0.1", self.server.component_port
        )
        component.register_plugin("xep_0004")
        register_stanza_plugin(DiscoInfo, Form, iterable=True)
        # The rooms answer for themselves, not xep_0030 (which xep_0004 pulls in).
        component.remove_handler("Disco Info")
        component.remove_handler("Disco Items")
        component.register_handler(
            Callback(
                "disco#info",
                MatchXPath(f"{{jabber:component:accept}}iq/{DISCO_INFO}"),
                self._on_info,
            )
        )
        component.register_handler(
            Callback(
                "disco#items",
                MatchXPath(f"{{jabber:component:accept}}iq/{DISCO_ITEMS}"),
                self._on_items,
            )
        )
        component.register_handler(
            Callback("vCard", MatchXPath(f"{{jabber:component:accept}}iq/{VCARD}"), self._on_vcard)
        )
        self._next_filter = component.incoming_filter
        component.incoming_filter = self._count_flood_answers  # type: ignore[method-assign]
        component.connect()
        await component.wait_until("session_start", 15)
        self.component = component

    async def _close(self) -> None:
        assert self.component is not None
        await self.component.disconnect(wait=1.0)
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def _on_info(self, iq: Any) -> None:
        room = iq["to"].user
        with self._queried:
            self.asked[room] += 1
            self._queried.notify_all()
        self.first_query.set()
        kind, _, rest = room.partition("-")
        if kind == "count":
            self._answer(iq, int(rest.split("-")[0]))
        elif kind == "missing":
            self._refuse(iq)
        elif kind == "late":
            delay = float(rest.split("-")[0])
            self.late_pending += 1
            self.most_late_pending = max(self.most_late_pending, self.late_pending)
            self.loop.call_later(delay, self._answer_late, iq)
        elif kind == "flaky" and self.asked[room] > 1:
            self._answer(iq, FLAKY_COUNT)
        elif kind == "hostile":
            self._answer_hostile(iq, HOSTILE_REPLIES[rest])
        elif kind == "unreachable":  # what a server says of a domain that does not exist
            self._answer_hostile(iq, UNREACHABLE)
        elif kind == "flood":
            self._flood(iq, int(rest.split("-")[0]))
            self._answer(iq, 1)
        elif kind == "notaroom":
            identity = "<identity category='client' type='pc'/>"
            self._send_raw_reply(
                iq, "result", f"<query xmlns='{DISCO_INFO[1:].split('}')[0]}'>{identity}</query>"
            )
        elif kind == "hidden":
            self._answer(iq, int(rest.split("-")[0]), hidden=True)
        elif kind == "avatar":
            self._answer_avatar(iq, self._avatar_of(room))

    def _avatar_of(self, room: str) -> RoomAvatar | None:
        """An avatar-KIND[-x] room's avatar; None for other rooms and unknown kinds."""
        prefix, _, rest = room.partition("-")
        kind = rest.split("-")[0] if prefix == "avatar" else ""
        if kind == "good" and room in self.changed_avatars:
            return self.avatars["jpeg"]
        return self.avatars.get(kind)

    def _answer_avatar(self, iq: Any, avatar: RoomAvatar | None) -> None:
        """count-2's reply with, as Prosody 13 has them, the vcard-temp feature and the
        avatar's hashes in a text-multi muc#roominfo_avatarhash field (none: no field)."""
        if avatar is None:
            self._refuse(iq)
            return
        rows: list[tuple[str, str, tuple[str, ...]]] = [
            ("FORM_TYPE", "hidden", (MUC_ROOMINFO,)),
            ("muc#roominfo_occupants", "text-single", (str(AVATAR_OCCUPANTS),)),
        ]
        if avatar.hashes:
            rows.append(("muc#roominfo_avatarhash", "text-multi", avatar.hashes))
        fields = "".join(
            f"<field var='{var}' type='{kind}'>"
            + "".join(f"<value>{escape(value)}</value>" for value in values)
            + "</field>"
            for var, kind, values in rows
        )
        query = (
            "<query xmlns='http://jabber.org/protocol/disco#info'>"
            "<identity category='conference' type='text'/><feature var='vcard-temp'/>"
            f"<x xmlns='jabber:x:data' type='result'>{fields}</x></query>"
        )
        self._send_raw_reply(iq, "result", query)

    def _on_vcard(self, iq: Any) -> None:
        """A room's vCard (its avatar), as its avatar says; sets are forbidden (no owner here)."""
        if iq["type"] != "get":
            self._answer_hostile(iq, Hostile(condition="forbidden"))
            return
        room = iq["to"].user
        with self._queried:
            self.vcards_asked[room] += 1
            self._queried.notify_all()
        avatar = self._avatar_of(room)
        if avatar is None or avatar.condition:
            condition = avatar.condition if avatar else "item-not-found"
            self._answer_hostile(iq, Hostile(condition=condition))
            return
        self.loop.call_later(avatar.delay, self._send_raw_reply, iq, "result", avatar.vcard)

    def _on_items(self, iq: Any) -> None:
        """The component's room list, as `listing` says (see the module's docstring)."""
        if iq["to"].user or self.listing == "silent":
            return
        self.pages_asked += 1
        after = iq.xml.findtext(f"{DISCO_ITEMS}/{{{RSM}}}set/{{{RSM}}}after")
        start = int(after) if after and after.isdigit() else 0
        if self.listing in ("endless", "looping"):  # a full page, and another after it
            items = [f"{self.listing}-{start + number}" for number in range(100)]
            end = start + 100 if self.listing == "endless" or start == 0 else 0
        else:
            items = list(LISTED[start : start + LISTED_PAGE])
            end = start + len(items)
        domain = self.server.component_domain
        jids = [item.format(domain=domain) if "@" in item else f"{item}@{domain}" for item in items]
        shown = "".join(f"<item jid={quoteattr(jid)}/>" for jid in jids)
        paging = (
            f"<set xmlns='{RSM}'><first>{start}</first><last>{end}</last></set>" if items else ""
        )
        namespace = DISCO_ITEMS[1:].split("}")[0]
        page = f"<query xmlns='{namespace}'>{shown}{paging}</query>"
        self.loop.call_later(self.page_delay, self._send_raw_reply, iq, "result", page)

    def _answer_late(self, iq: Any) -> None:
        self.late_pending -= 1
        self._answer(iq, 1)

    def _flood(self, iq: Any, requests: int) -> None:
        """Requests the asker never asked for, to its full JID, as fast as they go out."""
        assert self.component is not None
        namespaces = ("http://jabber.org/protocol/disco#info", "urn:x-nobody-knows")
        for number in range(requests):
            self.component.send_raw(
                f"<iq xmlns='jabber:component:accept' type='get' id='flood{number}'"
                f" from={quoteattr(str(iq['to']))} to={quoteattr(str(iq['from']))}>"
                f"<query xmlns='{namespaces[number % 2]}'/></iq>"
            )

    def _count_flood_answers(self, xml: Any) -> Any:
        if xml.get("id", "").startswith("flood") and xml.get("type") in ("result", "error"):
            self.flood_answers += 1
        return self._next_filter(xml)

    def _refuse(self, iq: Any) -> None:
        error = iq.reply(clear=True)
        error["type"] = "error"
        error["error"]["type"] = "cancel"
        error["error"]["condition"] = "item-not-found"
        error.send()

    def _answer_hostile(self, iq: Any, hostile: Hostile) -> None:
        """Reply with raw XML: slixmpp's form API would not send some of these values."""
        if hostile.condition:
            stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas"
            said = f"<text xmlns='{stanzas}'>{escape(hostile.text)}</text>" if hostile.text else ""
            error = f"<error type='cancel'><{hostile.condition} xmlns='{stanzas}'/>{said}</error>"
            self._send_raw_reply(iq, "error", error)
            return
        fields = "".join(
            f"<field var='{var}'>"
            + "".join(f"<value>{escape(value)}</value>" for value in values)
            + "</field>"
            for var, values in {"FORM_TYPE": [MUC_ROOMINFO], **hostile.fields}.items()
        )
        query = (
            "<query xmlns='http://jabber.org/protocol/disco#info'>"
            f"<identity category='conference' type='text' name={quoteattr(hostile.identity_name)}/>"
            f"<x xmlns='jabber:x:data' type='result'>{fields}</x></query>"
        )
        self._send_raw_reply(iq, "result", query)

    def _send_raw_reply(self, iq: Any, kind: str, payload: str) -> None:
        assert self.component is not None
        self.component.send_raw(
            f"<iq xmlns='jabber:component:accept' type='{kind}' id={quoteattr(iq['id'])}"
            f" from={quoteattr(str(iq['to']))} to={quoteattr(str(iq['from']))}>{payload}</iq>"
        )

    def _answer(self, iq: Any, occupants: int, *, hidden: bool = False) -> None:
        assert self.component is not None
        reply = iq.reply(clear=False)
        reply["disco_info"].add_identity("conference", "text")
        if hidden:
            reply["disco_info"].add_feature("muc_hidden")
        form = self.component.plugin["xep_0004"].make_form(ftype="result")
        form.add_field("FORM_TYPE", ftype="hidden", value=MUC_ROOMINFO)
        form.add_field("muc#roominfo_occupants", value=str(occupants))
        reply["disco_info"].append(form)
        reply.send()
