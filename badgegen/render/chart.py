"""A room's pulse as a static SVG: the last day, week and month side by side, or stacked.

Drawn by badgegen, no script and no request: three panels of occupants over
time on one vertical scale (its marks on the left), each with its time marks
below, a gap in the line where the room was not counted for longer than its
usual interval (so a schedule every half hour draws a line, not dots), and "no counts yet"
in a panel that has none. Light and dark follow the reader's colour scheme.
A title and a description say what a picture cannot: peak and average.
The wide layout (720 px) is for a desktop's page; the narrow one stacks the
panels 288 px wide, so that a phone shows all three with text at 11 px or more.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SCALE_WIDTH = 34  # the vertical scale's marks, left of the first panel
RIGHT = 4  # room for the last panel's frame and a dot on its edge
PANEL_GAP = 16
TOP, BOTTOM = 8, 36  # room for the time marks and the panel's name below
FONT = 11


@dataclass(frozen=True, slots=True)
class Layout:
    """The chart's width, and each row's height: one row of panels side by side, or one
    row per panel (stacked), each with its own scale marks."""

    width: int
    row_height: int
    stacked: bool = False


WIDE = Layout(720, 160)
# 288 px: a 320 px phone's page shows it at its own size (text at 11 px), a wider one larger.
NARROW = Layout(288, 128, stacked=True)


@dataclass(frozen=True, slots=True)
class _Row:
    """Where a row of panels is drawn: its top edge and its height."""

    y: float
    height: int

    @property
    def bottom(self) -> float:
        """The frames' bottom edge (the time marks and names are below)."""
        return self.y + self.height - BOTTOM

    def y_of(self, value: float, top: int) -> float:
        """Where value sits on a scale ending at top, inside the frame, clear of its edges."""
        inner = self.height - TOP - BOTTOM
        return self.y + TOP + inner - value / top * (inner - 4) - 2


@dataclass(frozen=True, slots=True)
class Panel:
    """One span of the chart: its name ("last day"), its values oldest first (None: gap),
    and its time marks: the first bucket, the middle one and the last."""

    name: str
    values: Sequence[int | None]
    marks: tuple[str, str, str] = ("", "", "")
    # Its last bucket is still under way (today so far): drawn dashed, its value a ring, its
    # mark says "so far", so that a day half over never reads as a drop.
    partial: bool = False


def chart_svg(panels: Sequence[Panel], title: str, description: str, layout: Layout = WIDE) -> str:
    """The chart of panels, with an accessible title and description (escaped here).

    Args:
        panels: the spans to draw, left to right (or top to bottom, stacked).
        title: e.g. the room's JID.
        description: what the chart shows, in words (see Pulse.describe).
        layout: WIDE, or NARROW for a phone.
    """
    known = [value for panel in panels for value in panel.values if value is not None]
    top = nice_top(max(known, default=0))
    parts = []
    for index, (left, width, row) in enumerate(_places(len(panels), layout)):
        if index == 0 or layout.stacked:
            parts += _scale(top, row)
        parts += _panel(panels[index], left, width, top, row)
    rows = len(panels) if layout.stacked else 1
    width, height = layout.width, layout.row_height * rows
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        "<style>.frame{fill:#f6f8fa;stroke:#d1d9e0}.grid{stroke:#d1d9e0;stroke-dasharray:3 3}"
        "polyline{fill:none;stroke:#0969da;stroke-width:2;stroke-linejoin:round}"
        "circle{fill:#0969da}.part{stroke-dasharray:4 3}circle.part{fill:none;stroke:#0969da;"
        "stroke-width:1.5}"
        f"text{{font:{FONT}px system-ui,sans-serif;fill:#59636e;text-anchor:middle}}"
        ".name{font-weight:600;fill:#1f2328}.start{text-anchor:start}.end{text-anchor:end}"
        "@media (prefers-color-scheme:dark){.frame{fill:#151b23;stroke:#3d444d}"
        ".grid{stroke:#3d444d}polyline{stroke:#4493f8}circle{fill:#4493f8}"
        "circle.part{fill:none;stroke:#4493f8}"
        "text{fill:#9198a1}.name{fill:#e6edf3}}</style>" + "".join(parts) + "</svg>\n"
    )


def _places(count: int, layout: Layout) -> list[tuple[float, float, _Row]]:
    """Each panel's left edge, width and row."""
    inner = layout.width - SCALE_WIDTH - RIGHT
    if layout.stacked:
        return [(SCALE_WIDTH, inner, _Row(i * layout.row_height, layout.row_height))
                for i in range(count)]  # fmt: skip
    width = (inner - PANEL_GAP * (count - 1)) / count
    row = _Row(0, layout.row_height)
    return [(SCALE_WIDTH + i * (width + PANEL_GAP), width, row) for i in range(count)]


# The scale's top, in tenths of a power of ten: close above any peak (at most a third
# more), and a number people read at a glance.
_NICE_TENTHS = (10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100)


def nice_top(peak: int) -> int:
    """The scale's top: a round number just above the peak (a line never sits on the frame),
    at least 2."""
    if peak < 2:
        return 2
    power: int = 10 ** (len(str(peak)) - 1)
    tops = [tenths * power // 10 for tenths in _NICE_TENTHS if tenths * power % 10 == 0]
    return next(top for top in tops if top > peak)


def _scale(top: int, row: _Row) -> list[str]:
    """The vertical scale: 0, the middle (when a whole number) and the top, right-aligned."""
    marks = [(0, "0"), (top, str(top))]
    if top % 2 == 0:
        marks.insert(1, (top // 2, str(top // 2)))
    return [
        f'<text class="end" x="{SCALE_WIDTH - 6}" y="{row.y_of(value, top) + FONT / 3:.1f}">'
        f"{label}</text>"
        for value, label in marks
    ]


def _panel(panel: Panel, left: float, width: float, top: int, row: _Row) -> list[str]:
    """A panel's frame, middle grid line, line, time marks and name."""
    bottom = row.bottom
    middle_y = row.y_of(top / 2, top)
    parts = [
        f'<rect class="frame" x="{left:.1f}" y="{row.y + TOP:g}" width="{width:.1f}"'
        f' height="{bottom - row.y - TOP:g}"/>',
        f'<line class="grid" x1="{left:.1f}" x2="{left + width:.1f}"'
        f' y1="{middle_y:.1f}" y2="{middle_y:.1f}"/>',
    ]
    drawn = _lines(panel.values, (left, width, row), top, partial=panel.partial)
    if not drawn:
        parts.append(
            f'<text x="{left + width / 2:.1f}" y="{(row.y + TOP + bottom) / 2 + FONT / 3:.1f}">'
            "no counts yet</text>"
        )
    parts += drawn
    start, middle, end = (escape(mark) for mark in panel.marks)
    if panel.partial and end:
        end += " so far"
    marks_y = f"{bottom + FONT + 2:g}"
    parts += [
        f'<text class="start" x="{left:.1f}" y="{marks_y}">{start}</text>',
        f'<text x="{left + width / 2:.1f}" y="{marks_y}">{middle}</text>',
        f'<text class="end" x="{left + width:.1f}" y="{marks_y}">{end}</text>',
        f'<text class="name" x="{left + width / 2:.1f}" y="{row.y + row.height - 4:g}">'
        f"{escape(panel.name)}</text>",
    ]
    return parts


def usual_gap(values: Sequence[int | None]) -> int:
    """How many buckets apart the panel's values usually are: the median step between
    consecutive ones (the lower of two), or 1 with fewer than two steps to judge by. A
    schedule every half hour fills every other quarter hour: its values are still a line."""
    known = [index for index, value in enumerate(values) if value is not None]
    gaps = sorted(later - earlier for earlier, later in itertools.pairwise(known))
    return gaps[(len(gaps) - 1) // 2] if len(gaps) >= 2 else 1


def _lines(
    values: Sequence[int | None],
    place: tuple[float, float, _Row],
    top: int,
    *,
    partial: bool = False,
) -> list[str]:
    """A polyline per run of values no further apart than usual (usual_gap); a lone value
    is a dot. A longer gap (the room not counted) stays empty. With partial, the last value
    (a bucket still under way) is a ring, joined to the one before by a dashed line."""
    if not values:
        return []
    left, width, row = place
    step, joined = width / max(len(values) - 1, 1), usual_gap(values)
    runs: list[list[tuple[float, float]]] = [[]]
    last = None
    for index, value in enumerate(values):
        if value is None:
            continue
        if last is not None and index - last > joined:
            runs.append([])
        runs[-1].append((left + index * step, row.y_of(value, top)))
        last = index
    under_way = runs[-1].pop() if partial and values[-1] is not None else None
    drawn = []
    if under_way is not None:
        joined_to = f"{runs[-1][-1][0]:.1f},{runs[-1][-1][1]:.1f} " if runs[-1] else ""
        x, y = f"{under_way[0]:.1f}", f"{under_way[1]:.1f}"
        if joined_to:
            drawn.append(f'<polyline class="part" points="{joined_to}{x},{y}"/>')
        drawn.append(f'<circle class="part" cx="{x}" cy="{y}" r="2.5"/>')
    for run in runs:
        if len(run) == 1:
            drawn.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="2.5"/>')
        elif run:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            drawn.append(f'<polyline points="{points}"/>')
    return drawn
