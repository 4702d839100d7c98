"""avatars.json: the rooms' avatars as published (small PNGs by their SHA-256), so that an
avatar whose hash stays is never fetched again, even by stateless runs; read as untrusted
input.

badges.json says which image each room shows ("avatar_image", beside the hash
its room announced); this file holds the images, one line each. Reading it
wants only the images the record names: it costs at most their worth, whatever
the file holds, and an image is taken only when it is what its name says and
a PNG as badgegen writes them (badgegen.render.avatar.checked_png).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection, Iterable

from badgegen.core.avatars import Avatar
from badgegen.render.avatar import MAX_PNG_BYTES, checked_png, digest

AVATARS_FILE = "avatars.json"
AVATARS_VERSION = 1
BASE_BYTES = 64 * 1024
_ENCODED = (MAX_PNG_BYTES + 2) // 3 * 4
BYTES_PER_IMAGE = _ENCODED + 64  # its hash, quotes and line
_IMAGE = re.compile(rf'"([0-9a-f]{{64}})": ?"([A-Za-z0-9+/=]{{1,{_ENCODED}}})"')


def avatars_json(avatars: Iterable[Avatar | None]) -> str:
    """avatars.json: each image shown, by digest, keys sorted (byte-identical run to run)."""
    images = {
        digest(avatar.png): base64.b64encode(avatar.png).decode("ascii")
        for avatar in avatars
        if avatar is not None and avatar.png is not None
    }
    document = {"version": AVATARS_VERSION, "images": images}
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def avatars_limit(wanted: int) -> int:
    """The largest avatars.json read when the record names wanted images."""
    return BASE_BYTES + wanted * BYTES_PER_IMAGE


def parse_avatars(text: str, wanted: Collection[str]) -> dict[str, bytes]:
    """The wanted images (by digest) that the text holds, each what its digest says and a
    PNG as badgegen writes them; anything else in it is passed over."""
    found: dict[str, bytes] = {}
    for match in _IMAGE.finditer(text):
        name, encoded = match.groups()
        if name not in wanted or name in found:
            continue
        try:
            png = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if digest(png) == name and checked_png(png):
            found[name] = png
        if len(found) == len(wanted):
            break
    return found
