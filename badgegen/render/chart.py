"""A room's pulse as a small static SVG: the last day, week and month side by side.

Drawn by badgegen, no script and no request: three panels of occupants over
time, the same vertical scale in each, a gap in the line where the room was
not counted. Light and dark follow the reader's colour scheme. A title and a
description say what a picture cannot: now, peak and average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 300, 44
PANEL_GAP = 8
TOP, BOTTOM = 4, 14  # room for the panel names below


@dataclass(frozen=True, slots=True)
class Panel:
    """One span of the chart: its name ("day") and its values, oldest first (None: gap)."""

    name: str
    values: Sequence[int | None]


@dataclass(frozen=True, slots=True)
class Pulse:
    """What the text beside a chart says: the week's peak and mean, and how many hours
    (or, before the first hour, quarter hours) the mean is built from."""

    peak: int | None
    average: float | None
    counts: int = 0
    unit: str = "hour"

    def describe(self) -> str:
        """ "7 days: peak 12, average 5.5", with "(3 hours counted)" while that is thin."""
        if self.peak is None:
            return "no history yet"
        average = f"{self.average:.1f}".removesuffix(".0") if self.average is not None else "-"
        text = f"7 days: peak {self.peak}, average {average}"
        if self.counts < THIN_BELOW:
            text += f" ({self.counts} {self.unit}{'' if self.counts == 1 else 's'} counted)"
        return text


# Fewer counted hours than half a week: the words say how many.
THIN_BELOW = 84


def pulse(day: Sequence[int | None], week: Sequence[int | None]) -> Pulse:
    """The week's peak and mean (its hours, or before the first hour the day's quarter hours)."""
    known = [value for value in [*week, *day] if value is not None]
    hours = [value for value in week if value is not None]
    quarters = [value for value in day if value is not None]
    weekly, unit = (hours, "hour") if hours else (quarters, "quarter hour")
    average = sum(weekly) / len(weekly) if weekly else None
    return Pulse(max(known) if known else None, average, len(weekly), unit)


def chart_svg(panels: Sequence[Panel], title: str, description: str) -> str:
    """The chart of panels, with an accessible title and description (escaped here).

    Args:
        panels: the spans to draw, left to right.
        title: e.g. the room's JID.
        description: what the chart shows, in words (see Pulse.describe).
    """
    width = (WIDTH - PANEL_GAP * (len(panels) - 1)) / len(panels)
    known = [value for panel in panels for value in panel.values if value is not None]
    top = max([*known, 1])
    parts = []
    for index, panel in enumerate(panels):
        left = index * (width + PANEL_GAP)
        parts.append(
            f'<rect class="frame" x="{left:.1f}" y="{TOP}" width="{width:.1f}"'
            f' height="{HEIGHT - TOP - BOTTOM}"/>'
        )
        parts += _lines(panel.values, left, width, top)
        parts.append(
            f'<text x="{left + width / 2:.1f}" y="{HEIGHT - 3}">{escape(panel.name)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="t d">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        "<style>.frame{fill:#f6f8fa;stroke:#d1d9e0}polyline{fill:none;stroke:#0969da;"
        "stroke-width:1.5;stroke-linejoin:round}circle{fill:#0969da}"
        "text{font:9px system-ui,sans-serif;fill:#59636e;text-anchor:middle}"
        "@media (prefers-color-scheme:dark){.frame{fill:#151b23;stroke:#3d444d}"
        "polyline{stroke:#4493f8}circle{fill:#4493f8}text{fill:#9198a1}}</style>"
        + "".join(parts)
        + "</svg>\n"
    )


def _lines(values: Sequence[int | None], left: float, width: float, top: int) -> list[str]:
    """A polyline per run of known values; a lone value is a dot. Gaps stay empty."""
    if not values:
        return []
    step = width / max(len(values) - 1, 1)
    height = HEIGHT - TOP - BOTTOM
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        runs[-1].append((left + index * step, TOP + height - value / top * (height - 2) - 1))
    drawn = []
    for run in runs:
        if len(run) == 1:
            drawn.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="1.5"/>')
        elif run:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            drawn.append(f'<polyline points="{points}"/>')
    return drawn
