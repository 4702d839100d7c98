"""A room's chart as data: the last day, week and month of its history, and its pulse in words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from badgegen.core.occupancy import DAYS, HOURS, QUARTER_HOURS, History, tier_named
from badgegen.render.chart import WIDE, Layout, Panel, chart_svg

MONTH_DAYS = 30
# Fewer counted hours than half a week: the words say how many.
THIN_BELOW = 84


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

    @property
    def thin(self) -> bool:
        """Whether the history is still short (less than half a week of hours)."""
        return self.counts < THIN_BELOW


def pulse(day: Sequence[int | None], week: Sequence[int | None]) -> Pulse:
    """The week's peak and mean (its hours, or before the first hour the day's quarter hours)."""
    known = [value for value in [*week, *day] if value is not None]
    hours = [value for value in week if value is not None]
    quarters = [value for value in day if value is not None]
    weekly, unit = (hours, "hour") if hours else (quarters, "quarter hour")
    average = sum(weekly) / len(weekly) if weekly else None
    return Pulse(max(known) if known else None, average, len(weekly), unit)


@dataclass(frozen=True, slots=True)
class Chart:
    """A room's chart: its panels, its title, and its pulse (the chart in words)."""

    panels: tuple[Panel, ...]
    title: str
    pulse: Pulse

    def svg(self, layout: Layout = WIDE) -> str:
        """The chart drawn (WIDE, or NARROW for a phone), its pulse as its description."""
        return chart_svg(self.panels, self.title, self.pulse.describe(), layout)


def chart_of(jid: str, history: History, now: datetime) -> Chart:
    """A room's chart: the last day (quarter hours), week (hours) and month (days); an hour
    or a day still under way at now is marked as partial (a quarter hour holds a count)."""
    day, week, year = (history.values(jid, tier) for tier in (QUARTER_HOURS, HOURS, DAYS))
    week_marks, month_marks = (
        _marks(history, HOURS, 168, _date),
        _marks(history, DAYS, MONTH_DAYS, _date),
    )
    panels = (
        Panel("last 24 hours (UTC)", day, _marks(history, QUARTER_HOURS, 96, _clock)),
        Panel("last 7 days", week, week_marks, _under_way(history, HOURS, now)),
        Panel("last 30 days", year[-MONTH_DAYS:], month_marks, _under_way(history, DAYS, now)),
    )
    title = f"{jid}: occupants over the last day, week and month"
    return Chart(panels, title, pulse(day, week))


def _under_way(history: History, tier: str, now: datetime) -> bool:
    """Whether the tier's last bucket has not ended at now."""
    end = history.ends.get(tier)
    return end is not None and end + tier_named(tier).step > now.timestamp()


def _marks(
    history: History, tier: str, shown: int, label: Callable[[datetime], str]
) -> tuple[str, str, str]:
    """A panel's time marks: its first bucket, its middle one and its last."""
    if tier not in history.ends:
        return ("", "", "")
    step = tier_named(tier).step
    last = datetime.fromtimestamp(history.ends[tier], UTC)
    first = last - timedelta(seconds=step * (shown - 1))
    middle = last - timedelta(seconds=step * (shown // 2))
    return label(first), label(middle), label(last)


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _date(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}"
