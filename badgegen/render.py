"""Render badges: pure functions from text to SVG, with no clock and no I/O."""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2

from badgegen.counts import Count
from badgegen.errors import RenderError

TEMPLATE = "badge.svg.j2"
LABEL_COLOR = "#555"
COUNTED_COLOR = "#4c1"  # shields' brightgreen
EMPTY_COLOR = "#9f9f9f"  # shields' lightgrey: nobody there, or no count
UNKNOWN_MESSAGE = "unknown"
HORIZONTAL_PADDING = 5
MAX_TEXT_LENGTH = 200
_GAP = -1.0
# Characters XML 1.0 forbids anywhere in a document (section 2.2).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class BadgeText:
    """One run of text, in the template's tenfold coordinates."""

    content: str
    x: int
    length: int


@dataclass(frozen=True, slots=True)
class Layout:
    """What the template needs to draw one badge."""

    title: str
    id: str
    width: int
    label_width: int
    message_width: int
    label_color: str
    color: str
    texts: tuple[BadgeText, ...]


def render_badge(label: str, message: str, color: str, id_seed: str = "") -> str:
    """Render a shields-style flat badge.

    Args:
        label: the text on the left.
        message: the text on the right.
        color: the message's background colour.
        id_seed: makes the SVG's ids unique to this badge when several are
            inlined in one page; the same seed always gives the same ids.

    Returns:
        The SVG document.
    """
    layout = lay_out(clean_text(label), clean_text(message), color, id_seed)
    try:
        return _template().render(b=layout)
    except jinja2.TemplateError as exc:
        raise RenderError(f"{TEMPLATE}: {exc}") from exc


def render_count(label: str, count: Count) -> str:
    """Render a room's badge: "N online", or "unknown" when it has no count.

    Args:
        label: the text on the left.
        count: the room's result.
    """
    if count.occupants is None:
        return render_badge(label, UNKNOWN_MESSAGE, EMPTY_COLOR, count.room)
    color = COUNTED_COLOR if count.occupants else EMPTY_COLOR
    return render_badge(label, f"{count.occupants} online", color, count.room)


def lay_out(label: str, message: str, color: str, id_seed: str) -> Layout:
    """Place the texts the way shields' badge-maker does for "flat"."""
    label_text, message_text = _text_width(label), _text_width(message)
    label_width = label_text + 2 * HORIZONTAL_PADDING
    message_width = message_text + 2 * HORIZONTAL_PADDING
    texts = (
        BadgeText(label, _center(1, label_text), label_text * 10),
        BadgeText(message, _center(label_width - 1, message_text), message_text * 10),
    )
    return Layout(
        title=f"{label}: {message}",
        id=hashlib.sha256(id_seed.encode("utf-8")).hexdigest()[:8],
        width=label_width + message_width,
        label_width=label_width,
        message_width=message_width,
        label_color=LABEL_COLOR,
        color=color,
        texts=texts,
    )


def clean_text(text: str) -> str:
    """Trim, collapse whitespace, drop what XML forbids and cap the length."""
    text = _SPACES.sub(" ", _NOT_XML.sub("", text)).strip()
    return text if len(text) <= MAX_TEXT_LENGTH else text[: MAX_TEXT_LENGTH - 1] + "…"


def text_width(text: str) -> float:
    """The width of text in 11px Verdana, from a shipped per-character table.

    Args:
        text: the text to measure.

    Returns:
        Its width in pixels; characters missing from the table count as "m".
    """
    starts, widths = _width_table()
    fallback = widths[bisect.bisect_right(starts, ord("m")) - 1]
    total = 0.0
    for char in text:
        width = widths[bisect.bisect_right(starts, ord(char)) - 1]
        total += width if width >= 0 else fallback
    return total


def _text_width(text: str) -> int:
    """Round up to an odd pixel count, as badge-maker does, to align with the grid."""
    width = int(text_width(text) + 0.999)
    return width if width % 2 else width + 1


def _center(margin: int, width: int) -> int:
    return round(10 * (margin + width / 2 + HORIZONTAL_PADDING))


@cache
def _width_table() -> tuple[list[int], list[float]]:
    """Range starts and widths, sorted; a negative width marks a gap in the table.

    Where a range begins right after another, its entry follows the gap
    marker with the same start, and bisect_right finds the range.
    """
    data = resources.files("badgegen").joinpath("data/verdana-11px.json").read_text("utf-8")
    starts: list[int] = [-1]
    widths: list[float] = [_GAP]
    for start, end, width in json.loads(data)["ranges"]:
        starts += [start, end + 1]
        widths += [width, _GAP]
    return starts, widths


@cache
def _template() -> jinja2.Template:
    folder = Path(str(resources.files("badgegen.templates")))
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=jinja2.select_autoescape(["svg", "svg.j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    try:
        return environment.get_template(TEMPLATE)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template {TEMPLATE} not found in {folder}") from exc
