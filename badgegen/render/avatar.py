"""A room's avatar as badgegen publishes it: a small PNG, made from untrusted bytes.

What a server serves as a room's photo may be anything: a huge file, an SVG
with script, a PNG that claims 900 megapixels in 100 KB. It is decoded only
after its size and its header's dimensions are checked (Pillow reads the
header without decoding), only in the raster formats below, and is then drawn
again into a new PNG of at most SIZE pixels a side and 256 colours: nothing of
the original's bytes (metadata, chunks, scripts) reaches the output. A PNG
read back from the record is checked chunk by chunk instead (checked_png):
only what small_png writes passes.
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
import zlib
from typing import Any

from badgegen.text.untrusted import MAX_PHOTO_BYTES

SIZE = 64  # pixels a side at most: 32 CSS pixels on a 2x screen
MAX_PIXELS = 2048 * 2048  # and one whose header claims more pixels (16 MB decoded)
MAX_TEXT_BYTES = 64 * 1024  # a PNG's text chunks, decompressed, in all
JPEG_START, JPEG_SCAN = b"\xff\xd8", b"\xff\xda"  # start of image; start of a scan
MAX_JPEG_SCANS = 32  # a progressive JPEG has about ten
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")  # decoded; anything else (SVG too) is refused
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The chunks small_png's PNGs hold, and so all a record's avatar may hold.
PNG_CHUNKS = (b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND")
MAX_PNG_BYTES = 8 * 1024  # 64 x 64 at one byte a pixel, its palette and framing fit


class AvatarRefused(ValueError):
    """The photo is not an image badgegen shows (the message says why)."""


def available() -> bool:
    """Whether Pillow can be imported (a dependency: only a broken install lacks it)."""
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def small_png(photo: bytes) -> bytes:
    """The photo drawn again as a PNG of at most SIZE x SIZE pixels and 256 colours.

    Raises:
        AvatarRefused: too large, too many pixels, not a raster image of FORMATS,
            or not decodable.
        ImportError: Pillow is missing.
    """
    if len(photo) > MAX_PHOTO_BYTES:
        raise AvatarRefused(f"{len(photo)} bytes, more than {MAX_PHOTO_BYTES}")
    if photo.startswith(JPEG_START) and (scans := photo.count(JPEG_SCAN)) > MAX_JPEG_SCANS:
        # Each scan of a progressive JPEG is decoded over the whole image: thousands of
        # tiny ones make a quarter megabyte cost a minute.
        raise AvatarRefused(f"a JPEG of {scans} scans, more than {MAX_JPEG_SCANS}")
    from PIL import Image, PngImagePlugin, UnidentifiedImageError

    PngImagePlugin.MAX_TEXT_CHUNK = PngImagePlugin.MAX_TEXT_MEMORY = MAX_TEXT_BYTES
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(photo), formats=FORMATS)
        with image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > MAX_PIXELS:
                raise AvatarRefused(f"{width} x {height} pixels, more than {MAX_PIXELS}")
            return _drawn_again(image)
    except UnidentifiedImageError:
        raise AvatarRefused(f"not an image in {', '.join(FORMATS)}") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise AvatarRefused(f"more than {MAX_PIXELS} pixels") from None
    except AvatarRefused:
        raise
    except (OSError, ValueError, SyntaxError, struct.error, EOFError) as exc:
        raise AvatarRefused(f"cannot be decoded ({type(exc).__name__})") from None


def _drawn_again(image: Any) -> bytes:
    """The first frame, turned as its EXIF says, scaled into SIZE x SIZE, quantised to a
    palette, as a plain PNG: no profile, text or metadata of the original goes along."""
    from PIL import Image, ImageOps

    image.seek(0)
    image.draft("RGB", (SIZE, SIZE))  # a JPEG decodes at a fraction of its size
    frame = ImageOps.exif_transpose(image)
    if frame.mode.startswith("I"):  # 16-bit grey: brought down to 8 bits, not clipped
        frame = frame.convert("I").point(lambda value: value / 256).convert("L")
    frame = frame.convert("RGBA")
    frame.thumbnail((SIZE, SIZE), Image.Resampling.LANCZOS)
    small = frame.quantize(256, method=Image.Quantize.FASTOCTREE)
    small.info.clear()  # an ICC profile would be written into the PNG from here
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def digest(png: bytes) -> str:
    """The name an avatar's image goes by in the record: its SHA-256, in hex."""
    return hashlib.sha256(png).hexdigest()


def checked_png(data: bytes) -> bool:
    """Whether data is a PNG as small_png writes them: its signature, a header of at most
    SIZE x SIZE, only PNG_CHUNKS with right checksums, IEND last, nothing after it."""
    if len(data) > MAX_PNG_BYTES or not data.startswith(PNG_SIGNATURE):
        return False
    offset, chunks = len(PNG_SIGNATURE), []
    while offset + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        end = offset + 12 + length
        if kind not in PNG_CHUNKS or end > len(data) or len(body) != length:
            return False
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            return False
        chunks.append((kind, body))
        offset = end
        if kind == b"IEND":
            break
    return offset == len(data) and _header_fits(chunks)


def _header_fits(chunks: list[tuple[bytes, bytes]]) -> bool:
    if len(chunks) < 3 or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        return False
    header = chunks[0][1]
    if len(header) != 13:
        return False
    width, height = struct.unpack(">II", header[:8])
    return bool(1 <= width <= SIZE and 1 <= height <= SIZE)
