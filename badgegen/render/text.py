"""Text for badges: normalisation and widths measured from shipped tables, never from fonts."""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from importlib import resources

from badgegen.text.graphemes import graphemes, is_emoji

MAX_TEXT_LENGTH = 200
# Characters XML 1.0 forbids anywhere in a document (section 2.2).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")  # after NOT_XML, re's \s and regex's agree
# A cluster drawn as one emoji: presentation emoji, flags, keycaps, or
# anything turned into an emoji by VS16 or joined with ZWJ.
_ZERO_WIDTH_CATEGORIES = ("Mn", "Me", "Cf")


class Font(Enum):
    """The fonts shields measures with, each a table and a size in px."""

    VERDANA_11 = ("verdana-11px", "regular", 11)
    VERDANA_10 = ("verdana-10px", "regular", 10)
    VERDANA_10_BOLD = ("verdana-10px-bold", "bold", 10)
    HELVETICA_11_BOLD = ("helvetica-11px-bold", "bold", 11)

    def __init__(self, table: str, weight: str, size: int) -> None:
        self.table, self.weight, self.size = table, weight, size


@dataclass(frozen=True, slots=True)
class WidthTable:
    """Sorted code point ranges with a width each; starts[i] begins ranges[i]."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    widths: tuple[float, ...]
    emoji: float = 0.0

    def lookup(self, code: int) -> float | None:
        """The width of one code point, or None when the table lacks it."""
        index = bisect.bisect_right(self.starts, code) - 1
        if index >= 0 and code <= self.ends[index]:
            return self.widths[index]
        return None


def clean_text(text: str) -> str:
    """Trim, collapse whitespace, drop what XML forbids and cap the length.

    Args:
        text: any string, possibly from an untrusted server.

    Returns:
        Text that is safe to escape into XML and sensible to show.
    """
    text = _SPACES.sub(" ", NOT_XML.sub("", text)).strip()
    if len(text) <= MAX_TEXT_LENGTH:  # never more clusters than code points
        return text
    clusters = graphemes(text)
    if len(clusters) <= MAX_TEXT_LENGTH:
        return text
    return "".join(clusters[: MAX_TEXT_LENGTH - 1]) + "…"


# Labels repeat from badge to badge; remembering their widths is cheap.
@lru_cache(maxsize=4096)
def text_width(text: str, font: Font = Font.VERDANA_11) -> float:
    """The width of text in px, as shields measures it, and better where shields guesses.

    Characters in shields' table are measured exactly as shields does. For
    scripts shields has no widths for (it counts each as an "m"), clusters
    are measured with the advances of Noto fonts for the script, emoji as
    one emoji each, and combining marks as zero.

    Args:
        text: the text to measure.
        font: which of shields' fonts the badge style uses.

    Returns:
        The width in pixels.
    """
    if text.isascii():
        ascii_widths = _ascii_widths(font)
        return sum(ascii_widths[ord(char)] for char in text)
    table, fallback = _table(font.table), _table(f"fallback-{font.weight}")
    em = table.lookup(ord("m")) or 0.0
    return sum(
        _cluster_width(cluster, table, fallback, font.size, em) for cluster in graphemes(text)
    )


@cache
def _ascii_widths(font: Font) -> tuple[float, ...]:
    """Widths of the 128 ASCII characters: most badge text, measured without segmenting.

    Read from widths-ascii.json, which ascii_widths() computes from the full
    tables (a test holds them equal): parsing a full table costs a run 13 ms.
    """
    path = resources.files("badgegen").joinpath("data/widths-ascii.json")
    return tuple(json.loads(path.read_text("utf-8"))["fonts"][font.table])


def ascii_widths(font: Font) -> tuple[float, ...]:
    """The 128 ASCII widths of a font, computed from its full table (see _ascii_widths)."""
    table = _table(font.table)
    em = table.lookup(ord("m")) or 0.0
    return tuple(_char_width(chr(code), table, table, font.size, em) for code in range(128))


def preferred_width(text: str, font: Font = Font.VERDANA_11) -> int:
    """The width shields lays text out with: truncated, then rounded up to odd."""
    width = int(text_width(text, font))
    return width if width % 2 else width + 1


def _cluster_width(
    cluster: str, table: WidthTable, fallback: WidthTable, size: int, em: float
) -> float:
    known = len(cluster) == 1 and table.lookup(ord(cluster)) is not None
    if not known and (is_emoji(cluster) or ("\u200d" in cluster and len(cluster) > 2)):
        return fallback.emoji * size
    return sum(_char_width(char, table, fallback, size, em) for char in cluster)


def _char_width(char: str, table: WidthTable, fallback: WidthTable, size: int, em: float) -> float:
    code = ord(char)
    if code <= 31 or code == 127:
        return 0.0
    width = table.lookup(code)
    if width is not None:
        return width
    width = fallback.lookup(code)
    if width is not None:
        return width * size
    return 0.0 if unicodedata.category(char) in _ZERO_WIDTH_CATEGORIES else em


@cache
def _table(name: str) -> WidthTable:
    path = resources.files("badgegen").joinpath(f"data/widths-{name}.json")
    data = json.loads(path.read_text("utf-8"))
    starts, ends, widths = zip(*data["ranges"], strict=True)
    return WidthTable(starts, ends, widths, data.get("emoji", 0.0))
