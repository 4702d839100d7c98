"""Counting by joining: enter without history, count the others, leave at once."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout, PresenceError

from badgegen.core.counts import Count, Problem
from badgegen.text.untrusted import MAX_OCCUPANTS
from badgegen.xmpp.conditions import failed

log = logging.getLogger(__name__)

STATUS_SELF = "110"
STATUS_ROOM_CREATED = "201"


async def count_by_joining(client: ClientXMPP, room: str, timeout: float) -> Count:
    """Count by joining without history, then leaving at once."""
    muc = client.plugin["xep_0045"]
    nick = f"badgegen-{secrets.token_hex(4)}"
    try:
        own, presences = await _join(client, room, nick, timeout)
    except PresenceError as exc:
        error = exc.presence["error"]
        return failed(room, error["condition"], error["text"])
    except TimeoutError:
        return Count(room, None, Problem.TIMEOUT)
    if STATUS_ROOM_CREATED in _status_codes(own):
        # Our join created the room: it did not exist, so remove it again.
        await _destroy(client, room)
        return Count(room, None, Problem.NOT_FOUND, "created by joining; destroyed")
    muc.leave_muc(JID(room), own["from"].resource)
    occupants = occupants_from_presences(presences, own["from"].resource)
    if occupants > MAX_OCCUPANTS:
        detail = f"more than {MAX_OCCUPANTS} occupants, not credible"
        return Count(room, None, Problem.NOT_PUBLISHED, detail)
    return Count(room, occupants)


async def _join(client: ClientXMPP, room: str, nick: str, timeout: float) -> tuple[Any, Any]:
    """Join like join_muc_wait, but also notice error presences without a muc element.

    slixmpp only routes a join error that echoes <x xmlns=".../muc"/>, which
    Prosody's do not; unnoticed, the join would wait for its timeout.
    """
    refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def on_error(presence: Any) -> None:
        if presence["from"].bare == room and not refused.done():
            refused.set_result(presence)

    join = asyncio.ensure_future(
        client.plugin["xep_0045"].join_muc_wait(JID(room), nick, maxstanzas=0, timeout=timeout)
    )
    with client.event_handler("presence_error", on_error):
        await asyncio.wait([join, refused], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if refused.done():
        join.cancel()
        raise PresenceError(refused.result())
    if not join.done():
        join.cancel()
        raise TimeoutError
    own, _subject, presences, _history = join.result()
    return own, presences


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
