"""Sample rooms with real occupants: one client connection per occupant account."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slixmpp import JID, ClientXMPP

from badgegen.demo.server import OWNER_USER, LocalServer, occupant_user

PASSWORD = "demo-occupant"  # noqa: S105, throwaway accounts on a throwaway server
TIMEOUT = 15.0
# Joins in flight at once while populating: thousands of rooms in seconds.
JOINS_IN_FLIGHT = 32


@dataclass(frozen=True, slots=True)
class SampleRoom:
    """A room to create, with how many occupants to put in it."""

    name: str
    occupants: int
    public: bool = True
    members_only: bool = False
    title: str = ""
    description: str = ""
    language: str = ""
    password: str = ""

    @property
    def settings(self) -> dict[str, bool | str]:
        """The room configuration fields that differ from the server's defaults."""
        settings: dict[str, bool | str] = {}
        if self.title:
            settings["muc#roomconfig_roomname"] = self.title
        if self.description:
            settings["muc#roomconfig_roomdesc"] = self.description
        if self.language:
            settings["muc#roomconfig_lang"] = self.language
        if self.password:
            settings["muc#roomconfig_passwordprotectedroom"] = True
            settings["muc#roomconfig_roomsecret"] = self.password
        if not self.public:
            settings["muc#roomconfig_publicroom"] = False
        if self.members_only:
            settings["muc#roomconfig_membersonly"] = True
        return settings


class Occupants:
    """Keeps occupants in their rooms from a background thread until closed.

    The thread has its own event loop, so that a refresh in the same process
    may run asyncio.run() (as `badgegen demo` does) while the occupants stay.
    """

    def __init__(self, server: LocalServer, rooms: Sequence[SampleRoom]) -> None:
        self.server, self.rooms = server, tuple(rooms)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.clients: list[ClientXMPP] = []

    def room_jid(self, name: str) -> str:
        """The full room JID of a sample room."""
        return f"{name}@{self.server.muc_domain}"

    def __enter__(self) -> Occupants:
        self.thread.start()
        try:
            self._run(self._populate())
        except BaseException:  # Ctrl-C too: the clients leave before their server stops
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        try:
            self._run(self._leave())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    def _run(self, coroutine: Any) -> Any:
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(timeout=120 + len(self.rooms) / 20)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise RuntimeError("the occupants did not settle in time") from exc
        except BaseException:
            future.cancel()
            raise

    async def _populate(self) -> None:
        owner = await self._connect(OWNER_USER)
        await _bounded(self._create(owner, room) for room in self.rooms)
        most = max((room.occupants for room in self.rooms), default=0)
        for index in range(most):
            client = await self._connect(occupant_user(index + 1))
            nick = f"person{index + 1}"
            await _bounded(
                _join(client, self.room_jid(room.name), nick)
                for room in self.rooms
                if index < room.occupants
            )

    async def _create(self, owner: ClientXMPP, room: SampleRoom) -> None:
        """Create a persistent room, emptied again, by joining and leaving."""
        jid = self.room_jid(room.name)
        await _join(owner, jid, "owner")
        if room.settings:
            await _configure(owner, jid, room.settings)
        owner.plugin["xep_0045"].leave_muc(JID(jid), "owner")

    async def _connect(self, user: str) -> ClientXMPP:
        jid = await asyncio.to_thread(self.server.register, user, PASSWORD)
        client = ClientXMPP(jid, PASSWORD)
        client.ca_certs = self.server.ca_file
        client.register_plugin("xep_0004")
        client.register_plugin("xep_0045")
        client.connect("127.0.0.1", self.server.port)
        await client.wait_until("session_start", TIMEOUT)
        self.clients.append(client)
        return client

    async def _leave(self) -> None:
        waits = [client.disconnect(wait=1.0) for client in self.clients]
        await asyncio.gather(*waits, return_exceptions=True)
        # Finish slixmpp's own tasks so none is left on a stopped loop.
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)


async def _bounded(coroutines: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Await every coroutine, JOINS_IN_FLIGHT at a time."""
    slots = asyncio.Semaphore(JOINS_IN_FLIGHT)

    async def in_slot(coroutine: Coroutine[Any, Any, None]) -> None:
        async with slots:
            await coroutine

    await asyncio.gather(*(in_slot(coroutine) for coroutine in coroutines))


async def _configure(owner: ClientXMPP, room: str, settings: dict[str, bool | str]) -> None:
    """Submit the room configuration form with the given fields."""
    form = owner.plugin["xep_0004"].make_form(ftype="submit")
    form.add_field("FORM_TYPE", ftype="hidden", value="http://jabber.org/protocol/muc#roomconfig")
    for field, value in settings.items():
        kind = "boolean" if isinstance(value, bool) else "text-single"
        form.add_field(field, ftype=kind, value=value)
    await owner.plugin["xep_0045"].set_room_config(JID(room), form, timeout=TIMEOUT)


async def _join(client: ClientXMPP, room: str, nick: str) -> None:
    await client.plugin["xep_0045"].join_muc_wait(JID(room), nick, maxstanzas=0, timeout=TIMEOUT)
