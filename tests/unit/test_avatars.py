"""Room avatars: what a server serves is drawn again as a small PNG, or refused; the record
keeps it by hash so that an unchanged avatar is never fetched again."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import resource
import struct
import zlib
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement

import pytest
from PIL import Image

from badgegen.config import Room
from badgegen.core.avatars import Avatar, resolve_avatar
from badgegen.core.counts import Count, Photo, Problem
from badgegen.core.results import RoomResult
from badgegen.core.state import RoomState, resolve_state
from badgegen.pipeline.avatars import drawn_photos
from badgegen.record.avatars_json import avatars_json, parse_avatars
from badgegen.record.badges_json import parse_state, state_json
from badgegen.render.avatar import SIZE, AvatarRefused, checked_png, digest, small_png
from badgegen.text.logo import AVATAR, avatar_logo
from badgegen.view.badges import badge_for
from badgegen.xmpp.disco import avatar_hash
from badgegen.xmpp.vcard import photo_from_vcard
from sandbox import avatars as images

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
ROOM = "lobby@rooms.example.org"


def _chunks(png: bytes) -> list[bytes]:
    offset, kinds = 8, []
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kinds.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return kinds


@pytest.mark.parametrize(
    ("photo", "size"),
    [
        (images.good_png, (64, 64)),
        (images.good_jpeg, (64, 48)),
        (images.animated_gif, (32, 32)),
    ],
)
def test_a_good_photo_is_drawn_again_small(photo: object, size: tuple[int, int]) -> None:
    data = photo()  # type: ignore[operator]
    png = small_png(data)
    assert png != data
    assert checked_png(png)
    assert set(_chunks(png)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == size
        assert not getattr(image, "is_animated", False)


@pytest.mark.parametrize(
    ("photo", "why"),
    [
        (images.huge_png, "bytes, more than"),
        (images.bomb_png, "pixels"),
        (images.svg_image, "not an image"),
        (images.corrupt_png, "cannot be decoded"),
        (lambda: b"", "not an image"),
        (lambda: images.good_jpeg()[:400], "cannot be decoded"),
    ],
)
def test_a_hostile_photo_is_refused(photo: object, why: str) -> None:
    with pytest.raises(AvatarRefused, match=why):
        small_png(photo())  # type: ignore[operator]


def test_a_bomb_is_refused_before_its_pixels_are_decoded() -> None:
    """900 megapixels in 110 KB: refused from its header. Decoded, it would take 900 MB
    (tracemalloc cannot see Pillow's C buffers: the process's peak memory can)."""
    bomb = images.bomb_png()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(AvatarRefused, match="pixels"):
        small_png(bomb)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 64 * 1024, f"peak memory grew {grown} KiB"


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body))
    return out


def test_a_record_png_passes_only_as_badgegen_writes_them() -> None:
    good = small_png(images.good_png())
    assert checked_png(good)
    assert not checked_png(good + b"x")  # something after IEND
    assert not checked_png(good[:-1])
    assert not checked_png(good[:20] + bytes([good[20] ^ 1]) + good[21:])  # a checksum wrong
    header = struct.pack(">IIBBBBB", SIZE + 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * (SIZE + 2))
    assert not checked_png(_png([(b"IHDR", header), (b"IDAT", idat), (b"IEND", b"")]))
    small = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    text = (b"tEXt", b"Comment\0<script>")
    assert checked_png(_png([(b"IHDR", small), (b"IDAT", zlib.compress(b"\0\0")), (b"IEND", b"")]))
    assert not checked_png(
        _png([(b"IHDR", small), text, (b"IDAT", zlib.compress(b"\0\0")), (b"IEND", b"")])
    )
    assert not checked_png(images.svg_image())
    assert not checked_png(images.good_png())


def test_the_hash_is_the_first_sha1_a_room_announces() -> None:
    sha = "ab" * 20
    assert avatar_hash({"muc#roominfo_avatarhash": ["not-a-hash", sha.upper()]}) == sha
    assert avatar_hash({"muc#roominfo_avatarhash": []}) is None
    assert avatar_hash({"muc#roominfo_avatarhash": ["g" * 40]}) is None
    assert avatar_hash({}) is None


def _vcard(binval: str | None) -> Element:
    iq = Element("{jabber:client}iq")
    vcard = SubElement(iq, "{vcard-temp}vCard")
    if binval is not None:
        photo = SubElement(vcard, "{vcard-temp}PHOTO")
        SubElement(photo, "{vcard-temp}BINVAL").text = binval
    return iq


def test_a_vcard_photo_is_bounded_before_it_is_decoded() -> None:
    data = images.good_png()
    sha = hashlib.sha1(data).hexdigest()  # noqa: S324
    wrapped = base64.encodebytes(data).decode("ascii")  # lines of 76, as vCards have them
    assert photo_from_vcard(_vcard(wrapped), ROOM, sha) == Photo(sha, data)
    assert photo_from_vcard(_vcard(None), ROOM, sha).problem == "no photo in its vCard"
    assert "base64" in photo_from_vcard(_vcard("!!!!"), ROOM, sha).problem
    huge = base64.b64encode(images.huge_png()).decode("ascii")
    assert "more than" in photo_from_vcard(_vcard(huge), ROOM, sha).problem
    # The photo served is the room's face, whatever hash was announced (Prosody 13 keeps
    # announcing a room's first): kept under the announced one, which says when it changes.
    assert photo_from_vcard(_vcard(wrapped), ROOM, "cd" * 20) == Photo("cd" * 20, data)


def _count(avatar: str | None, photo: Photo | None = None, occupants: int | None = 3) -> Count:
    problem = None if occupants is not None else Problem.TIMEOUT
    return Count(ROOM, occupants, problem, avatar_hash=avatar, photo=photo)


def test_an_avatar_is_kept_while_its_hash_stays_and_made_when_it_changes() -> None:
    old = Avatar("aa" * 20, b"old png")
    assert resolve_avatar(_count("aa" * 20), old) is old  # the same hash: not drawn again
    assert resolve_avatar(_count(None, occupants=None), old) is old  # no answer: kept
    assert resolve_avatar(_count(None), old) is None  # the room has none now
    assert resolve_avatar(_count("bb" * 20), old) is old  # not fetched yet: the last stands
    fetched = _count("bb" * 20, Photo("bb" * 20, images.good_png()))
    assert resolve_avatar(fetched, old) is old  # fetched, not drawn: the last stands
    (drawn,) = drawn_photos([fetched], 60, {})
    made = resolve_avatar(drawn, old)
    assert made is not None
    assert made.hash == "bb" * 20
    assert checked_png(made.png or b"")
    (svg,) = drawn_photos([_count("bb" * 20, Photo("bb" * 20, images.svg_image()))], 60, {})
    assert resolve_avatar(svg, old) == Avatar(
        "bb" * 20, None, "not an image in PNG, JPEG, GIF, WEBP"
    )
    gone = resolve_avatar(_count("bb" * 20, Photo("bb" * 20, problem="no vCard")), None)
    assert gone == Avatar("bb" * 20, None, "no vCard")


def test_photos_are_drawn_once_a_run_and_only_while_time_is_left() -> None:
    counts = [
        Count(f"room{number}@rooms.example.org", 1, avatar_hash="aa" * 20,
              photo=Photo("aa" * 20, images.good_png()))
        for number in range(3)
    ]  # fmt: skip
    drawn: dict[tuple[str, str], Photo] = {}
    assert [count.photo for count in drawn_photos(counts, 0, drawn)] == [None] * 3
    assert drawn == {}  # no time left: none drawn, each fetched again next run
    first = drawn_photos(counts, 60, drawn)
    assert len(drawn) == 3
    again = drawn_photos(counts, 0, drawn)  # an early publication drew them: not again
    assert again == first
    assert all(count.photo and checked_png(count.photo.png or b"") for count in again)


@pytest.mark.parametrize("kind", ["icc", "text", "exif"])
def test_nothing_of_the_original_reaches_the_png(kind: str) -> None:
    """A profile, text or EXIF of the photo is never written into what is published, so
    the PNG always reads back as badgegen's own (else it would be fetched every run)."""
    from PIL import Image, ImageCms, PngImagePlugin

    image = Image.new("RGB", (100, 200), (200, 30, 30))
    out = io.BytesIO()
    if kind == "icc":
        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        image.save(out, "JPEG", icc_profile=profile)
    elif kind == "text":
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "<script>alert(1)</script>")
        image.save(out, "PNG", pnginfo=info)
    else:
        exif = Image.Exif()
        exif[0x0112] = 6  # turned: drawn upright
        image.save(out, "JPEG", exif=exif.tobytes())
    png = small_png(out.getvalue())
    assert checked_png(png)
    assert b"script" not in png
    with Image.open(io.BytesIO(png)) as drawn:
        assert drawn.size == ((64, 32) if kind == "exif" else (32, 64))


def test_sixteen_bit_grey_is_brought_down_not_clipped() -> None:
    grey = Image.new("I;16", (50, 50), 16384)  # a quarter of white
    out = io.BytesIO()
    grey.save(out, "PNG")
    with Image.open(io.BytesIO(small_png(out.getvalue()))) as drawn:
        assert drawn.convert("RGBA").getpixel((5, 5)) == (64, 64, 64, 255)


def test_a_jpeg_of_thousands_of_scans_is_refused_unread() -> None:
    """Each scan of a progressive JPEG is decoded over the whole picture."""
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x00\x00"
    with pytest.raises(AvatarRefused, match="scans"):
        small_png(b"\xff\xd8" + scan * 1000 + b"\xff\xd9")


def test_the_record_keeps_the_hash_and_avatars_json_the_image() -> None:
    png = small_png(images.good_png())
    shown, refused = Avatar("aa" * 20, png), Avatar("bb" * 20, None, "too large")
    results = []
    for number, avatar in enumerate((shown, refused, None)):
        jid = f"room{number}@rooms.example.org"
        state = RoomState(jid, "counted", 1, NOW, avatar=avatar)
        results.append(RoomResult(Room(jid, file=jid), Count(jid, 1), state))
    record = parse_state(state_json(results, NOW), NOW + timedelta(minutes=5))
    name = digest(png)  # the image apart, by its digest
    assert record.states["room0@rooms.example.org"].avatar == Avatar("aa" * 20, image=name)
    assert record.states["room1@rooms.example.org"].avatar == refused
    assert record.states["room2@rooms.example.org"].avatar is None
    files = [room["files"] for room in json.loads(state_json(results, NOW))["rooms"].values()]
    assert [name for name in files[0] if name.endswith(".png")] == [
        "room0@rooms.example.org.avatar.png"  # only while the room shows an image
    ]
    assert [name for listed in files[1:] for name in listed if name.endswith(".png")] == []
    text = avatars_json([shown, refused, None])
    assert "bb" * 20 not in text
    assert parse_avatars(text, {name}) == {name: png}
    assert parse_avatars(text, {"cc" * 32}) == {}
    forged = text.replace(base64.b64encode(png).decode(), base64.b64encode(b"<svg/>").decode())
    assert parse_avatars(forged, {name}) == {}
    other = small_png(images.good_jpeg())  # a good PNG, but not the one its name says
    swapped = text.replace(base64.b64encode(png).decode(), base64.b64encode(other).decode())
    assert parse_avatars(swapped, {name}) == {}


def test_two_rooms_announcing_one_hash_keep_their_own_images() -> None:
    """A hash says when to fetch again, not what the image is (a server may lie, or keep
    announcing an old one): images are named by their own digest."""
    first, second = small_png(images.good_png()), small_png(images.good_jpeg())
    avatars = [Avatar("aa" * 20, first), Avatar("aa" * 20, second)]
    found = parse_avatars(avatars_json(avatars), {digest(first), digest(second)})
    assert found == {digest(first): first, digest(second): second}


def test_logo_avatar_puts_the_room_s_own_face_on_its_badge() -> None:
    room = Room(ROOM, file=ROOM)
    room = Room(ROOM, file=ROOM, appearance=room.appearance.__class__(logo=AVATAR))
    png = small_png(images.good_png())
    with_face = badge_for(room, RoomState(ROOM, "counted", 2, NOW, avatar=Avatar("aa" * 20, png)))
    assert with_face.logo == avatar_logo(png)
    assert "data:image/png;base64," in with_face.logo.svg
    without = badge_for(room, RoomState(ROOM, "counted", 2, NOW))
    assert without.logo is None


def test_a_stale_room_keeps_its_avatar() -> None:
    before = RoomState(ROOM, "counted", 4, NOW, avatar=Avatar("aa" * 20, b"png"))
    state = resolve_state(_count(None, occupants=None), before, NOW, timedelta(hours=1))
    assert state.status == "stale"
    assert state.avatar == before.avatar
