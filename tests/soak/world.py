"""The soak's world: a real Prosody whose rooms gain and lose occupants, a published site
served over HTTPS that can fail or lie, and badgegen runs under a clock of their own."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import http.server
import resource
import shutil
import signal
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import trustme
from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError

from badgegen.demo.server import OWNER_USER, free_port, occupant_user
from sandbox.servers import SandboxServer, running_sandbox_prosody

PASSWORD = "soak-password"
MOST_OCCUPANTS = 4
TIMEOUT = 15.0


class Rooms:
    """The world's rooms on a real Prosody: their occupants (clients that join and leave on
    command) and, for the rooms discover: finds, whether they are public.

    The ground truth is the world's own: the occupants it put in each room. Before a run,
    the server is asked (with slixmpp's own disco#info and data-form parsing, none of
    badgegen's) until it shows every count and lists exactly the public rooms.
    """

    def __init__(self, server: SandboxServer, rooms: list[str], public: dict[str, bool]) -> None:
        self.server, self.rooms = server, rooms
        self.public = dict(public)  # the discoverable rooms, and whether each is public now
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.clients: list[ClientXMPP] = []
        self.inside: dict[str, set[int]] = {room: set() for room in rooms}

    def __enter__(self) -> Rooms:
        self.thread.start()
        self._run(self._start())
        return self

    def __exit__(self, *_exc: object) -> None:
        with contextlib.suppress(Exception):
            self._run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        # What the cancellations left to do, here, before the loop and the clients go.
        pending = [task for task in asyncio.all_tasks(self.loop) if not task.done()]
        for task in pending:
            task.cancel()
        self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.clients.clear()
        gc.collect()
        self.loop.close()

    def set_counts(self, counts: dict[str, int]) -> None:
        """Make each room hold exactly this many occupants (the server has seen every change)."""
        self._run(self._set_counts(counts))

    def set_public(self, room: str, public: bool) -> None:
        """Make a discoverable room public (listed) or hidden; the server lists it so."""
        self._run(self._set_public(room, public))

    def _run(self, coroutine: object) -> object:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(120)  # type: ignore[arg-type]

    def destroy(self, room: str) -> None:
        """Destroy room (its occupants are put out): the server answers for it no more."""
        self._run(self._destroy(room))

    def recreate(self, room: str) -> None:
        """Create a destroyed room again, as it was made at the start (and empty)."""
        self._run(self._create(room))

    async def _start(self) -> None:
        await self._connect(OWNER_USER)
        for room in self.rooms:
            await self._create(room)
        for number in range(1, MOST_OCCUPANTS + 1):
            await self._connect(occupant_user(number))
        await self._listed()

    async def _create(self, room: str) -> None:
        """Create room (persistent, public unless a discoverable room hidden), leave it empty."""
        muc = self.clients[0].plugin["xep_0045"]
        await muc.join_muc_wait(JID(room), "owner", maxstanzas=0, timeout=TIMEOUT)
        await self._configure(room, {"muc#roomconfig_roomname": room.split("@")[0],
                                     "muc#roomconfig_persistentroom": True})  # fmt: skip
        if room in self.public:
            await self._configure(room, {"muc#roomconfig_publicroom": self.public[room]})
        muc.leave_muc(JID(room), "owner")

    async def _destroy(self, room: str) -> None:
        muc = self.clients[0].plugin["xep_0045"]
        await muc.join_muc_wait(JID(room), "owner", maxstanzas=0, timeout=TIMEOUT)
        # Not persistent first: Prosody leaves no tombstone then (one would refuse the room's
        # creation again for a month).
        await self._configure(room, {"muc#roomconfig_persistentroom": False})
        await muc.destroy(JID(room), timeout=TIMEOUT)
        self.inside[room] = set()
        disco = self.clients[0].plugin["xep_0030"]
        for _ in range(200):  # until the server says so itself
            try:
                await disco.get_info(jid=JID(room), timeout=TIMEOUT)
            except IqError:
                return
            await asyncio.sleep(0.02)
        raise RuntimeError(f"{room} still answers after it was destroyed")

    async def _connect(self, user: str) -> ClientXMPP:
        jid = await asyncio.to_thread(self.server.register, user, PASSWORD)
        client = ClientXMPP(jid, PASSWORD)
        client.ca_certs = self.server.ca_file
        for plugin in ("xep_0004", "xep_0030", "xep_0045", "xep_0128"):
            client.register_plugin(plugin)
        client.connect("127.0.0.1", self.server.port)
        await client.wait_until("session_start", TIMEOUT)
        self.clients.append(client)
        return client

    async def _configure(self, room: str, fields: dict[str, str | bool]) -> None:
        owner = self.clients[0]
        form = owner.plugin["xep_0004"].make_form(ftype="submit")  # type: ignore[no-untyped-call]
        form.add_field(
            "FORM_TYPE", ftype="hidden", value="http://jabber.org/protocol/muc#roomconfig"
        )
        for name, value in fields.items():
            form.add_field(name, ftype="boolean" if isinstance(value, bool) else "text-single",
                           value=value)  # fmt: skip
        await owner.plugin["xep_0045"].set_room_config(JID(room), form, timeout=TIMEOUT)

    async def _set_public(self, room: str, public: bool) -> None:
        muc = self.clients[0].plugin["xep_0045"]
        await muc.join_muc_wait(JID(room), "owner", maxstanzas=0, timeout=TIMEOUT)
        await self._configure(room, {"muc#roomconfig_publicroom": public})
        muc.leave_muc(JID(room), "owner")
        self.public[room] = public
        await self._listed()

    async def _set_counts(self, counts: dict[str, int]) -> None:
        for room, count in counts.items():
            inside = self.inside[room]
            for number in range(1, MOST_OCCUPANTS + 1):
                muc = self.clients[number].plugin["xep_0045"]
                if number <= count and number not in inside:
                    await muc.join_muc_wait(JID(room), f"p{number}", maxstanzas=0, timeout=TIMEOUT)
                    inside.add(number)
                elif number > count and number in inside:
                    muc.leave_muc(JID(room), f"p{number}")
                    inside.discard(number)
        await self._settled(counts)

    async def _settled(self, counts: dict[str, int]) -> None:
        """Wait until the server's own disco#info says each room's count (leaves are async)."""
        disco = self.clients[0].plugin["xep_0030"]
        for room, count in counts.items():
            for _ in range(200):
                info = await disco.get_info(jid=JID(room), timeout=TIMEOUT)
                values = info["disco_info"]["form"].get_values()
                if values.get("muc#roominfo_occupants") == str(count):
                    break
                await asyncio.sleep(0.02)
            else:
                raise RuntimeError(f"{room} never showed {count} occupants")

    async def _listed(self) -> None:
        """Wait until the service lists exactly the public discoverable rooms."""
        if not self.public:
            return
        disco = self.clients[0].plugin["xep_0030"]
        service = next(iter(self.public)).split("@")[1]
        wanted = {room for room, public in self.public.items() if public}
        for _ in range(200):
            items = await disco.get_items(jid=JID(service), timeout=TIMEOUT)
            listed = {str(item[0]) for item in items["disco_items"]["items"]}
            if listed & set(self.public) == wanted:
                return
            await asyncio.sleep(0.02)
        raise RuntimeError(f"{service} never listed exactly {sorted(wanted)}")

    async def _stop(self) -> None:
        await asyncio.gather(
            *(c.disconnect(wait=1.0) for c in self.clients), return_exceptions=True
        )


@dataclass
class Site:
    """The published directory, served over HTTPS, with the faults a host or CDN has."""

    root: Path
    fail: bool = False  # answer 503
    poison: dict[str, bytes] = field(default_factory=dict)  # name -> what to serve instead
    stale: dict[str, bytes] = field(default_factory=dict)  # served once, then the real file
    missing: set[str] = field(default_factory=set)  # answered 404 (the file is there)

    def answer(self, name: str) -> tuple[int, bytes]:
        if self.fail:
            return 503, b"busy"
        if name in self.missing:
            return 404, b""
        if name in self.stale:
            return 200, self.stale.pop(name)
        if name in self.poison:
            return 200, self.poison[name]
        path = self.root / name
        return (200, path.read_bytes()) if path.is_file() else (404, b"")

    def deploy(self, out: Path) -> None:
        """Publish out as the site, as GitHub Pages does: the new files replace the old."""
        staged = self.root.with_name("staged")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(out, staged)
        shutil.rmtree(self.root)
        staged.rename(self.root)


@contextlib.contextmanager
def serving(site: Site, folder: Path) -> Iterator[tuple[str, Path]]:
    """The site on https://127.0.0.1:PORT/ and the CA file that makes it trusted."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = site.answer(self.path.lstrip("/"))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    authority = trustme.CA()
    ca_file = folder / "site-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca_file
    finally:
        server.shutdown()


@dataclass(frozen=True)
class Outcome:
    """How a run ended: its status (negative: killed by that signal) and its stderr."""

    status: int
    stderr: str


def run_refresh(
    badgegen: list[str], config: Path, out: Path, clock: datetime, env: dict[str, str],
    args: list[str], kill_after: float | None = None, small_disk: bool = False,
) -> Outcome:  # fmt: skip
    """`badgegen refresh` as its own process (badgegen: the command that runs badgegen), its
    clock set to clock by libfaketime.

    libfaketime is preloaded into the process itself rather than through the
    `faketime` wrapper: SIGKILL then kills badgegen, not a wrapper that would
    leave it running (and its semaphore behind, which a later wrapper with
    the same process id trips over).
    """
    command = [*badgegen, "refresh", "--config", str(config), "--out", str(out), *args]
    faked = {
        **env,
        "LD_PRELOAD": libfaketime(),
        "FAKETIME": "@" + clock.strftime("%Y-%m-%d %H:%M:%S"),
    }
    # From the soak's folder, as a user's job runs it (not the checkout: `python -m` would
    # import the badgegen found there before any other).
    process = subprocess.Popen(
        command, env=faked, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        cwd=config.parent,
        preexec_fn=_small_disk if small_disk else None,
    )  # fmt: skip
    if kill_after is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(kill_after)
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=300)
    return Outcome(process.returncode, stderr)


def libfaketime() -> str:
    """The path of Debian's libfaketime (the faketime package installs it per architecture)."""
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        raise RuntimeError("libfaketime is not installed (scripts/install-packages faketime)")
    return str(found[0])


def _small_disk() -> None:
    """A disk with no room: no file may grow past 100 bytes."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


@contextlib.contextmanager
def prosody(root: Path) -> Iterator[SandboxServer]:
    """The soak's Prosody, its certificate good for the years the soak's clocks cover."""
    with running_sandbox_prosody(root, valid_for=timedelta(days=3650)) as server:
        yield server


def closed_port() -> int:
    """A port nothing listens on (connect() is refused at once)."""
    return free_port()
