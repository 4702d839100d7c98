"""Counting by disco#info: the room's muc#roominfo form (XEP-0045 section 6.4)."""

from __future__ import annotations

from typing import Any

from slixmpp import JID, ClientXMPP, Iq
from slixmpp.exceptions import IqError, IqTimeout

from badgegen.counts import Count, Problem, failed

MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
OCCUPANTS_FIELD = "muc#roominfo_occupants"


async def count_by_disco(client: ClientXMPP, room: str, timeout: float) -> Count:
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
