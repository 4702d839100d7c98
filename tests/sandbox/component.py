"""Rooms that answer late, never, or only when asked twice: an XEP-0114 component in Prosody.

Room JIDs on the component's domain say how they behave:
`count-N[-x]@...` answers at once with N occupants; `silent-...@` never
answers; `late-S-...@` answers after S seconds; `flaky-...@` ignores the
first query and answers the next; `missing-...@` answers item-not-found.
This is how a slow federation link looks from a client.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import Any

from slixmpp import ComponentXMPP
from slixmpp.plugins.xep_0004 import Form
from slixmpp.plugins.xep_0030 import DiscoInfo
from slixmpp.xmlstream import register_stanza_plugin
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from badgegen.demo.server import COMPONENT_SECRET, SandboxServer

MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
DISCO_INFO = "{http://jabber.org/protocol/disco#info}query"
FLAKY_COUNT = 5  # what a flaky room answers the second time


class SlowRooms:
    """Runs the component in a background thread until closed; counts the queries."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.asked: collections.Counter[str] = collections.Counter()
        self.first_query = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.component: ComponentXMPP | None = None

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
        component.register_handler(
            Callback(
                "disco#info",
                MatchXPath(f"{{jabber:component:accept}}iq/{DISCO_INFO}"),
                self._on_info,
            )
        )
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
        self.asked[room] += 1
        self.first_query.set()
        kind, _, rest = room.partition("-")
        if kind == "count":
            self._answer(iq, int(rest.split("-")[0]))
        elif kind == "missing":
            self._refuse(iq)
        elif kind == "late":
            delay = float(rest.split("-")[0])
            self.loop.call_later(delay, self._answer, iq, 1)
        elif kind == "flaky" and self.asked[room] > 1:
            self._answer(iq, FLAKY_COUNT)

    def _refuse(self, iq: Any) -> None:
        error = iq.reply(clear=True)
        error["type"] = "error"
        error["error"]["type"] = "cancel"
        error["error"]["condition"] = "item-not-found"
        error.send()

    def _answer(self, iq: Any, occupants: int) -> None:
        assert self.component is not None
        reply = iq.reply(clear=False)
        reply["disco_info"].add_identity("conference", "text")
        form = self.component.plugin["xep_0004"].make_form(ftype="result")
        form.add_field("FORM_TYPE", ftype="hidden", value=MUC_ROOMINFO)
        form.add_field("muc#roominfo_occupants", value=str(occupants))
        reply["disco_info"].append(form)
        reply.send()
