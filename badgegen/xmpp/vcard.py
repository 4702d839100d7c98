"""A room's avatar: its vcard-temp PHOTO (XEP-0054, as XEP-0486 and XEP-0153 use it).

Asked only when the room announces a hash new to the record, at most
MAX_PHOTOS a run. The reply is untrusted: its photo is bounded in size before
it is decoded (and drawn again by badgegen.render.avatar before it is shown).
It is kept under the hash the room announced, which says when to fetch again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from xml.etree.ElementTree import Element

from slixmpp import ClientXMPP
from slixmpp.exceptions import IqError, IqTimeout

from badgegen.core.counts import Photo
from badgegen.text.untrusted import MAX_PHOTO_BYTES

log = logging.getLogger(__name__)

VCARD = "vcard-temp"
MAX_PHOTOS = 100  # photos fetched a run at most; the others wait for the next runs
# Errors that say nothing of the photo (a busy server, a link down): asked again next run.
TRANSIENT = frozenset((
    "remote-server-timeout", "remote-server-not-found", "resource-constraint",
    "internal-server-error", "recipient-unavailable", "policy-violation",
))  # fmt: skip
# Base64 of MAX_PHOTO_BYTES, with a line break every 76 characters and some spaces.
MAX_BINVAL_CHARS = MAX_PHOTO_BYTES * 4 // 3 * 11 // 10 + 1024


async def fetch_photo(
    client: ClientXMPP, room: str, announced: str, timeout: float
) -> Photo | None:
    """The room's photo as served, or why it has none for good; None when it did not answer
    in time or its server was busy (asked again next run).

    Args:
        client: the logged-in session.
        room: the room's JID.
        announced: the hash its disco#info announced (lowercase hex SHA-1).
        timeout: seconds to wait for the reply.
    """
    iq = client.make_iq_get(ito=room)
    iq.xml.append(Element(f"{{{VCARD}}}vCard"))
    try:
        reply = await iq.send(timeout=timeout)
    except IqError as exc:
        error = exc.iq["error"]
        if error["type"] == "wait" or error["condition"] in TRANSIENT:
            return None  # the server or the link is busy: asked again next run
        return Photo(announced, problem="no vCard")
    except IqTimeout:
        return None
    return photo_from_vcard(reply.xml, room, announced)


def photo_from_vcard(reply: Element, room: str, announced: str) -> Photo:
    """The PHOTO of a vCard reply, checked: its size and its base64."""
    binval = reply.find(f"{{{VCARD}}}vCard/{{{VCARD}}}PHOTO/{{{VCARD}}}BINVAL")
    text = binval.text if binval is not None else None
    if not text:
        return Photo(announced, problem="no photo in its vCard")
    if len(text) > MAX_BINVAL_CHARS:
        return Photo(announced, problem=f"a photo of more than {MAX_PHOTO_BYTES} bytes")
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return Photo(announced, problem="its photo is not base64")
    if len(data) > MAX_PHOTO_BYTES:
        return Photo(announced, problem=f"a photo of more than {MAX_PHOTO_BYTES} bytes")
    if hashlib.sha1(data).hexdigest() != announced:  # noqa: S324 (XEP-0153 names SHA-1)
        # The photo served is the room's face; the hash only says when it changes (Prosody
        # 13.0.1 goes on announcing a room's first hash after its owner sets another).
        log.debug("%s: the photo's SHA-1 is not the hash its room announced", room)
    return Photo(announced, data)
