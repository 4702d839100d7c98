"""A room's card: its face, name, one line about it, its count and its week, in one SVG.

GitHub READMEs take SVG images and nothing interactive, so the card carries
everything itself: the avatar as a data: PNG (badgegen drew it), text
measured as the badges measure theirs (shields' Verdana widths, scaled to
the card's sizes) and cut at a grapheme with "…" where it would not fit,
light and dark colours chosen by the reader's scheme inside the SVG, and,
like the badges, a title and an aria-label that say it all in words.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from badgegen.render.chart import usual_gap
from badgegen.render.text import Font, clean_text, text_width
from badgegen.text.graphemes import graphemes

WIDTH, HEIGHT = 420, 112
PAD, FACE = 16, 48
TEXT_LEFT = PAD + FACE + 12
NAME_SIZE, LINE_SIZE, CAPTION_SIZE = 14, 12, 11
SPARK_TOP, SPARK_BOTTOM = 62, 88
ELLIPSIS = "…"
FONT_FAMILY = "Verdana,Geneva,DejaVu Sans,sans-serif"  # the badges' (shields')
STYLE = (
    f"text{{font-family:{FONT_FAMILY};fill:#59636e}}"
    ".bg{fill:#ffffff;stroke:#d1d9e0}.name{fill:#1f2328;font-weight:bold}"
    ".count{fill:#1a7f37;font-weight:bold}.none{fill:#59636e}"
    ".face{fill:#ddf4ff}.initial{fill:#0969da;font-weight:bold}"
    "polyline{fill:none;stroke:#0969da;stroke-width:1.5;stroke-linejoin:round}"
    ".base{stroke:#d1d9e0}.dot{fill:#0969da}"
    "@media (prefers-color-scheme:dark){.bg{fill:#0d1117;stroke:#3d444d}"
    "text{fill:#9198a1}.name{fill:#e6edf3}.count{fill:#3fb950}.none{fill:#9198a1}"
    ".face{fill:#121d2f}.initial{fill:#4493f8}polyline{stroke:#4493f8}.base{stroke:#3d444d}"
    ".dot{fill:#4493f8}}"
)


@dataclass(frozen=True, slots=True)
class Card:
    """What a room's card shows: all of it from the room's view (badgegen.view.room)."""

    name: str  # the room's own name, or its JID
    line: str  # its description, or its JID when it has a name and no description
    count: str  # the badge's message, e.g. "12 online" or "unknown"
    counted: bool  # whether the count is a number (coloured) or not (muted)
    week: Sequence[int | None]  # hourly values, oldest first (None: not counted)
    caption: str  # the week in words, e.g. "7 days: peak 12, average 5.5"
    avatar: bytes | None = None  # a PNG badgegen drew, or None for the initial
    note: str = ""  # said after the count in the title and aria-label, e.g. staleness


def card_svg(card: Card) -> str:
    """The card as a standalone SVG (every text escaped here)."""
    count = clean_text(card.count)
    count_width = _width(count, Font.VERDANA_10_BOLD, NAME_SIZE)
    name_room = WIDTH - TEXT_LEFT - PAD - count_width - 12
    name = fit(clean_text(card.name), Font.VERDANA_10_BOLD, NAME_SIZE, name_room)
    line = fit(clean_text(card.line), Font.VERDANA_11, LINE_SIZE, WIDTH - TEXT_LEFT - PAD)
    caption = fit(clean_text(card.caption), Font.VERDANA_11, CAPTION_SIZE, WIDTH - TEXT_LEFT - PAD)
    note = f" ({clean_text(card.note)})" if card.note else ""
    label = f"{clean_text(card.name)}: {count}{note}; {clean_text(card.caption)}"
    right = WIDTH - PAD
    parts = [
        f'<rect class="bg" x=".5" y=".5" width="{WIDTH - 1}" height="{HEIGHT - 1}" rx="8"/>',
        _face(card.avatar, clean_text(card.name)),
        f'<text class="name" x="{TEXT_LEFT}" y="34" font-size="{NAME_SIZE}">{escape(name)}</text>',
        f'<text class="{"count" if card.counted else "none"}" x="{right}" y="34"'
        f' font-size="{NAME_SIZE}" text-anchor="end">{escape(count)}</text>',
        f'<text x="{TEXT_LEFT}" y="52" font-size="{LINE_SIZE}">{escape(line)}</text>',
        *_sparkline(card.week, TEXT_LEFT, right),
        f'<text x="{TEXT_LEFT}" y="{HEIGHT - 10}" font-size="{CAPTION_SIZE}">'
        f"{escape(caption)}</text>",
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title><style>{STYLE}</style>" + "".join(parts) + "</svg>\n"
    )


def fit(text: str, font: Font, size: int, room: float) -> str:
    """text as wide as room allows at size px: whole, or cut at a grapheme with "…"."""
    if _width(text, font, size) <= room:
        return text
    kept, used = [], _width(ELLIPSIS, font, size)
    for cluster in graphemes(text):
        used += _width(cluster, font, size)
        if used > room:
            break
        kept.append(cluster)
    return "".join(kept).rstrip() + ELLIPSIS


def _width(text: str, font: Font, size: int) -> float:
    """text's width at size px, from the widths shields measures font with."""
    return text_width(text, font) * size / font.size


def _face(avatar: bytes | None, name: str) -> str:
    """The avatar, rounded; without one, the name's first letter on a tinted square."""
    box = f'x="{PAD}" y="{PAD}" width="{FACE}" height="{FACE}"'
    if avatar is not None:
        uri = "data:image/png;base64," + base64.b64encode(avatar).decode("ascii")
        return (
            f'<clipPath id="f"><rect {box} rx="10"/></clipPath>'
            f'<image {box} clip-path="url(#f)" href="{uri}"/>'
        )
    initial = (graphemes(name)[:1] or ["#"])[0].upper()
    middle = PAD + FACE / 2
    return (
        f'<rect class="face" {box} rx="10"/><text class="initial" x="{middle:g}" y="{middle + 8:g}"'
        f' font-size="22" text-anchor="middle">{escape(initial)}</text>'
    )


def _sparkline(week: Sequence[int | None], left: float, right: float) -> list[str]:
    """The week's hourly values over a base line: joined where no further apart than usual
    (as the charts join them, render.chart.usual_gap), a lone value a dot."""
    base = f'<line class="base" x1="{left}" y1="{SPARK_BOTTOM}" x2="{right}" y2="{SPARK_BOTTOM}"/>'
    known = [(index, value) for index, value in enumerate(week) if value is not None]
    if not known:
        return [base]
    values = {value for _, value in known}
    top, joined = max(max(values), 1), usual_gap(week)
    ys = {value: _y(value, top) for value in values}  # each height formatted once
    xs = _xs(len(week), left, right)
    runs: list[list[str]] = [[]]
    for number, (index, value) in enumerate(known):
        if number and index - known[number - 1][0] > joined:
            runs.append([])
        runs[-1].append(f"{xs[index]},{ys[value]}")
    drawn = [base]
    for run in runs:
        if len(run) == 1:
            x, y = run[0].split(",")
            drawn.append(f'<circle class="dot" cx="{x}" cy="{y}" r="1.5"/>')
        else:
            drawn.append(f'<polyline points="{" ".join(run)}"/>')
    return drawn


def _y(value: int, top: int) -> str:
    return f"{SPARK_BOTTOM - 1 - value / top * (SPARK_BOTTOM - SPARK_TOP - 2):.1f}"


@lru_cache(maxsize=8)
def _xs(count: int, left: float, right: float) -> tuple[str, ...]:
    """Where each of count values sits across the sparkline (the same for every card)."""
    step = (right - left) / max(count - 1, 1)
    return tuple(f"{left + index * step:.1f}" for index in range(count))
