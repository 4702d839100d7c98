"""Counting by disco#info: the room's muc#roominfo form (XEP-0045 section 6.4)."""

from __future__ import annotations

from typing import Any

from slixmpp import JID, ClientXMPP, Iq
from slixmpp.exceptions import IqError, IqTimeout

from badgegen.counts import Count, Problem, failed

MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo"
OCCUPANTS_FIELD = "muc#roominfo_occupants"
ROOM_NAME_FIELD = "muc#roomconfig_roomname"
WEBCHAT_FIELD = "muc#roominfo_webchat_url"


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
    name, webchat = room_name_from_info(reply), webchat_url_from_info(reply)
    if occupants is None:
        return Count(room, None, Problem.NOT_PUBLISHED, name=name, webchat=webchat)
    return Count(room, occupants, name=name, webchat=webchat)


def webchat_url_from_info(info: Iq) -> str | None:
    """The room's advertised web client address, when it is an http(s) URL."""
    url = _single(_roominfo(info).get(WEBCHAT_FIELD))
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def occupants_from_info(info: Iq) -> int | None:
    """Read muc#roominfo_occupants from a disco#info result.

    Args:
        info: the disco#info result stanza.

    Returns:
        The occupant count, or None when the room does not publish one.
    """
    values = _roominfo(info)
    return _count_value(_single(values.get(OCCUPANTS_FIELD)))


def room_name_from_info(info: Iq) -> str | None:
    """The room's own name: its roominfo form's room name, else its identity's name.

    Args:
        info: the disco#info result stanza.

    Returns:
        The name, or None when the room has none. It is untrusted text.
    """
    name = _single(_roominfo(info).get(ROOM_NAME_FIELD))
    if isinstance(name, str) and name.strip():
        return name
    disco = info.get_plugin("disco_info", check=True)
    for category, _type, _lang, identity_name in disco["identities"] if disco is not None else ():
        if category == "conference" and identity_name and identity_name.strip():
            return str(identity_name)
    return None


def _roominfo(info: Iq) -> dict[str, Any]:
    """The values of the muc#roominfo form, found the way slixmpp's xep_0502 finds it."""
    disco = info.get_plugin("disco_info", check=True)
    for form in disco["forms"] if disco is not None else ():
        values = form.get_values()
        if _single(values.get("FORM_TYPE")) == MUC_ROOMINFO:
            return dict(values)
    return {}


def _single(value: Any) -> Any:
    """A form field's one value; hidden and list fields come as lists."""
    if isinstance(value, list):
        return value[0] if len(value) == 1 else None
    return value


def _count_value(value: Any) -> int | None:
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() and text.isascii() else None
