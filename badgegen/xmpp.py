"""The one network boundary: count every room's occupants over one connection."""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slixmpp import JID, ClientXMPP, Iq
from slixmpp.exceptions import IqError, IqTimeout, PresenceError

from badgegen.config import Room
from badgegen.counts import Count, Problem, failed
from badgegen.errors import XmppError
from badgegen.login import Login

log = logging.getLogger(__name__)

MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
OCCUPANTS_FIELD = "muc#roominfo_occupants"
STATUS_SELF = "110"
STATUS_ROOM_CREATED = "201"


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    """Where and how to connect, and how long to wait.

    `timeout` bounds connecting and logging in, and each query; `deadline`
    bounds the whole run.
    """

    server: tuple[str, int] | None = None
    ca_file: Path | None = None
    timeout: float = 10.0
    deadline: float = 120.0
    concurrency: int = 32


def fetch_counts(login: Login, rooms: Iterable[Room], options: ConnectOptions) -> tuple[Count, ...]:
    """Log in once and count every room's occupants.

    Args:
        login: the account to log in with.
        rooms: the rooms to count.
        options: connection settings and time limits.

    Returns:
        One Count per room, in the order given.

    Raises:
        XmppError: the connection, TLS or login failed; nothing was counted.
    """
    return asyncio.run(_fetch_counts(login, tuple(rooms), options))


async def _fetch_counts(
    login: Login, rooms: tuple[Room, ...], options: ConnectOptions
) -> tuple[Count, ...]:
    started = time.monotonic()
    client = make_client(login, options)
    try:
        await _start_session(client, login, options)
        remaining = options.deadline - (time.monotonic() - started)
        results = await _count_rooms(client, rooms, options, remaining)
    finally:
        client.cancel_connection_attempt()
        await _close(client)
    return tuple(results[room.jid] for room in rooms)


def make_client(login: Login, options: ConnectOptions) -> ClientXMPP:
    """A client with the plugins counting needs; not connected yet."""
    password = login.password.reveal() if login.password else ""
    mech = "ANONYMOUS" if login.anonymous else None
    client = ClientXMPP(login.jid, password, sasl_mech=mech)
    if options.ca_file:
        client.ca_certs = options.ca_file
    for plugin in ("xep_0030", "xep_0004", "xep_0128", "xep_0045"):
        client.register_plugin(plugin)
    return client


async def _start_session(client: ClientXMPP, login: Login, options: ConnectOptions) -> None:
    """Connect and log in, or raise XmppError at the first fatal event."""
    outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watcher = _SessionWatcher(client, login, outcome)
    watcher.attach()
    try:
        host, port = options.server or (None, None)
        attempt = await client.connect(host, port)
        if attempt is not None:  # slixmpp has scheduled a retry: every address failed
            watcher.fail(f"cannot connect to {_address(client, options)}: {watcher.last_error}")
        await asyncio.wait_for(outcome, options.timeout)
    except TimeoutError as exc:
        what = f"no session with {_address(client, options)} after {options.timeout:g} s"
        raise XmppError(what) from exc
    finally:
        watcher.detach()
    if not _is_encrypted(client):
        raise XmppError(f"{_address(client, options)} did not offer TLS (it is required)")


class _SessionWatcher:
    """Turns slixmpp's session events into one outcome."""

    def __init__(self, client: ClientXMPP, login: Login, outcome: asyncio.Future[None]):
        self.client, self.login, self.outcome = client, login, outcome
        self.last_error = "no address to try"
        self.handlers = {
            "session_start": self.on_session_start,
            "connection_failed": self.on_connection_failed,
            "ssl_invalid_chain": self.on_invalid_certificate,
            "failed_auth": self.on_failed_auth,
            "failed_all_auth": self.on_no_mechanism,
            "disconnected": self.on_disconnected,
        }

    def attach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.add_event_handler(event, handler)

    def detach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.del_event_handler(event, handler)

    def fail(self, message: str) -> None:
        if not self.outcome.done():
            self.outcome.set_exception(XmppError(message))

    def on_session_start(self, _event: Any) -> None:
        if not self.outcome.done():
            self.outcome.set_result(None)

    def on_connection_failed(self, error: Any) -> None:
        # A certificate error is the one worth reporting, even when a later
        # attempt (say, STARTTLS after direct TLS) fails differently.
        if "certificate" not in self.last_error or "certificate" in str(error):
            self.last_error = _describe_error(error)

    def on_invalid_certificate(self, error: Any) -> None:
        self.fail(f"TLS with the server failed: {_describe_error(error)}")

    def on_failed_auth(self, failure: Any) -> None:
        condition = failure["condition"] or "failure"
        self.fail(f"login as {self.login.jid} failed: {condition}")

    def on_no_mechanism(self, _event: Any) -> None:
        offered = ", ".join(sorted(self.client.plugin["feature_mechanisms"].mech_list))
        self.fail(
            f"login as {self.login.jid} failed: no usable SASL mechanism over TLS"
            f" (server offers: {offered or 'none'})"
        )

    def on_disconnected(self, reason: Any) -> None:
        if isinstance(reason, ssl.SSLError):
            self.fail(f"TLS with the server failed: {_describe_error(reason)}")
        self.fail(f"the server closed the connection: {_describe_error(reason)}")


async def _count_rooms(
    client: ClientXMPP, rooms: tuple[Room, ...], options: ConnectOptions, remaining: float
) -> dict[str, Count]:
    """Count with a bounded number of queries in flight until the deadline."""
    queue: asyncio.Queue[Room] = asyncio.Queue()
    for room in rooms:
        queue.put_nowait(room)
    results: dict[str, Count] = {}
    workers = min(options.concurrency, len(rooms)) or 1
    tasks = [asyncio.create_task(_worker(client, queue, results, options)) for _ in range(workers)]
    lost = _disconnection(client)
    everything: asyncio.Future[Any] = asyncio.gather(*tasks)
    await asyncio.wait(
        [everything, lost], timeout=max(remaining, 0), return_when=asyncio.FIRST_COMPLETED
    )
    everything.cancel()
    await asyncio.gather(everything, return_exceptions=True)
    problem = Problem.CONNECTION_LOST if lost.done() else Problem.TIMEOUT
    for room in rooms:
        results.setdefault(room.jid, Count(room.jid, None, problem, _unfinished(problem)))
    return results


def _disconnection(client: ClientXMPP) -> asyncio.Future[Any]:
    """A future that completes when the connection drops."""
    lost: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def on_disconnected(reason: Any) -> None:
        if not lost.done():
            lost.set_result(reason)

    client.add_event_handler("disconnected", on_disconnected)
    return lost


def _unfinished(problem: Problem) -> str:
    return "run deadline reached" if problem is Problem.TIMEOUT else ""


async def _worker(
    client: ClientXMPP,
    queue: asyncio.Queue[Room],
    results: dict[str, Count],
    options: ConnectOptions,
) -> None:
    while not queue.empty():
        room = queue.get_nowait()
        count = _count_by_joining if room.method == "join" else _count_by_disco
        results[room.jid] = await count(client, room.jid, options.timeout)
        log.debug("%s: %s", room.jid, results[room.jid].describe())


async def _count_by_disco(client: ClientXMPP, room: str, timeout: float) -> Count:
    """Count with one disco#info query (XEP-0045 section 6.4)."""
    try:
        reply = await client.plugin["xep_0030"].get_info(jid=JID(room), timeout=timeout)
    except IqError as exc:
        reply = exc.iq
    except IqTimeout:
        return Count(room, None, Problem.TIMEOUT)
    return count_from_reply(room, reply)


def count_from_reply(room: str, reply: Iq) -> Count:
    """Turn a disco#info reply, result or error, into the room's Count.

    Args:
        room: the room's JID.
        reply: the reply stanza.
    """
    if reply["type"] == "error":
        return failed(room, reply["error"]["condition"])
    occupants = occupants_from_info(reply)
    if occupants is None:
        return Count(room, None, Problem.NOT_PUBLISHED)
    return Count(room, occupants)


def occupants_from_info(info: Iq) -> int | None:
    """Read muc#roominfo_occupants from a disco#info result.

    Args:
        info: the disco#info result stanza.

    Returns:
        The occupant count, or None when the room does not publish one.
    """
    disco = info.get_plugin("disco_info", check=True)
    for form in disco["forms"] if disco is not None else ():
        values = form.get_values()
        if _single(values.get("FORM_TYPE")) == MUC_ROOMINFO:
            return _count_value(_single(values.get(OCCUPANTS_FIELD)))
    return None


def _single(value: Any) -> Any:
    """A form field's one value; hidden and list fields come as lists."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 else None
    return value


def _count_value(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and text.isascii() else None


async def _count_by_joining(client: ClientXMPP, room: str, timeout: float) -> Count:
    """Count by joining without history, then leaving at once."""
    muc = client.plugin["xep_0045"]
    nick = f"badgegen-{secrets.token_hex(4)}"
    try:
        own, _subject, presences, _history = await muc.join_muc_wait(
            JID(room), nick, maxstanzas=0, timeout=timeout
        )
    except PresenceError as exc:
        return failed(room, exc.presence["error"]["condition"])
    except TimeoutError:
        return Count(room, None, Problem.TIMEOUT)
    if STATUS_ROOM_CREATED in _status_codes(own):
        # Our join created the room: it did not exist, so remove it again.
        await _destroy(client, room)
        return Count(room, None, Problem.NOT_FOUND, "created by joining; destroyed")
    muc.leave_muc(JID(room), own["from"].resource)
    return Count(room, occupants_from_presences(presences, own["from"].resource))


def occupants_from_presences(presences: Iterable[Any], own_nick: str) -> int:
    """Count the occupants in a room's join presences, leaving out ourselves.

    Args:
        presences: the available presences received while joining.
        own_nick: the nickname the room gave us.

    Returns:
        How many other nicknames are in the room.
    """
    nicks = {
        presence["from"].resource
        for presence in presences
        # ejabberd also sends a presence from the room's bare JID.
        if presence["from"].resource and STATUS_SELF not in _status_codes(presence)
    }
    nicks.discard(own_nick)
    return len(nicks)


def _status_codes(presence: Any) -> set[str]:
    return {str(code) for code in presence["muc"]["status_codes"]}


async def _destroy(client: ClientXMPP, room: str) -> None:
    try:
        await client.plugin["xep_0045"].destroy(room, reason="created by mistake")
    except (IqError, IqTimeout) as exc:
        log.warning("%s: could not destroy the room our join created: %s", room, exc)


async def _close(client: ClientXMPP) -> None:
    if client.transport is None:
        return
    try:
        await client.disconnect(wait=1.0)
    except (TimeoutError, OSError, asyncio.CancelledError):
        client.abort()


def _is_encrypted(client: ClientXMPP) -> bool:
    return "starttls" in client.features or isinstance(client.socket, ssl.SSLObject)


def _address(client: ClientXMPP, options: ConnectOptions) -> str:
    if options.server:
        host, port = options.server
        return f"{host}:{port}"
    return str(client.boundjid.domain)


def _describe_error(error: Any) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
