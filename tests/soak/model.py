"""The soak's model: what was really counted and published, and the invariants a site must hold.

Independent of badgegen's own code: the expected buckets are computed from
every count that was published (quarter hours keep the latest count, hours
the mean of their quarter hours, days the mean of their hours), so a soak
that finds none of the published values missing proves the history right.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

TIERS = (("15m", 900, 96), ("1h", 3600, 168), ("1d", 86400, 366))
STALE_AFTER = timedelta(hours=1)  # the soak's rooms.yaml leaves the default
ALLOWED_DRIFT = timedelta(seconds=30)  # a run's own clock moves on while it runs


@dataclass
class Model:
    """Every count published per room, the newest quarter hour published, and the states."""

    counts: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    newest: int = 0  # the start of the newest quarter hour any published run counted in
    published: dict[str, tuple[int, datetime]] = field(default_factory=dict)  # last count, when
    tainted: set[str] = field(default_factory=set)  # rooms whose record a fault destroyed
    # The counts a destroyed record held: a stale copy merged in may bring them back.
    forgotten: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))

    def clamp(self, moment: datetime) -> int:
        """Where a run at moment puts its counts: its time, or the newest bucket if behind."""
        seconds = int(moment.timestamp())
        return max(seconds, self.newest)

    def publish(self, clock: datetime, counted: dict[str, int], listed: list[str]) -> None:
        """A run at clock counted these rooms (of those listed), and its files were deployed."""
        moment = self.clamp(clock)
        for jid, count in counted.items():
            self.counts[jid].append((moment, count))
            self.published[jid] = (count, clock)
        self.newest = max(self.newest, moment - moment % 900)
        self._forget_retired(listed)

    def restored(self, jid: str, found: dict[int, int]) -> dict[int, int]:
        """The quarter hours found that hold a count of the room's destroyed record."""
        lost: dict[int, int] = {}
        for moment, count in self.forgotten.get(jid, []):
            lost[moment - moment % 900] = count
        return {start: value for start, value in found.items() if lost.get(start) == value}

    def forget(self, jids: list[str] | None = None) -> None:
        """A poison destroyed these rooms' history (None: all of it) in the published record."""
        for jid in list(self.counts) if jids is None else jids:
            self.forgotten[jid] += self.counts.pop(jid, [])
            self.tainted.add(jid)
        if jids is None:
            self.newest = 0  # a history started afresh ends where its first run puts it

    def _forget_retired(self, listed: list[str]) -> None:
        """badgegen keeps a room no longer listed while its last week holds a count."""
        hour = self.newest - self.newest % 3600
        for jid in [jid for jid in self.counts if jid not in listed]:
            if not any(moment >= hour - 167 * 3600 for moment, _ in self.counts[jid]):
                del self.counts[jid]

    def buckets(
        self, jid: str, restored: dict[int, int] | None = None
    ) -> dict[str, dict[int, int]]:
        """Each tier's expected buckets (start -> value) for a room, within its window.

        restored: quarter hours of a destroyed record that a merged copy brought back.
        """
        quarters: dict[int, int] = {}
        for moment, count in self.counts.get(jid, []):
            quarters[moment - moment % 900] = count
        for start, value in (restored or {}).items():
            quarters.setdefault(start, value)
        hourly = _means(quarters, 3600)
        tiers = {"15m": quarters, "1h": hourly, "1d": _means(hourly, 86400)}
        return {
            name: {
                start: value
                for start, value in tiers[name].items()
                if (self.newest - self.newest % step) - start < step * length
            }
            for name, step, length in TIERS
        }


def _means(values: dict[int, int], step: int) -> dict[int, int]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for start, value in values.items():
        grouped[start - start % step].append(value)
    return {start: round(sum(vs) / len(vs)) for start, vs in grouped.items()}


def check_site(
    site: Path, model: Model, listed: list[str], truth: dict[str, int], clock: datetime
) -> list[str]:
    """Every invariant of a deployed site after a run at clock; the violations, in words."""
    problems = _files_valid(site, listed)
    if problems:
        return problems
    record = json.loads((site / "badges.json").read_text())
    history = json.loads((site / "history.json").read_text())
    for jid in listed:
        problems += _badge_true(site, jid, record["rooms"][jid], model, truth, clock)
        problems += _history_kept(jid, history, model)
    return problems


def _files_valid(site: Path, listed: list[str]) -> list[str]:
    problems = [f"left behind: {path.name}" for path in site.iterdir() if ".tmp" in path.name]
    try:
        record = json.loads((site / "badges.json").read_text())
        history = json.loads((site / "history.json").read_text())
        page = (site / "index.html").read_text()
    except (OSError, ValueError) as exc:
        return [*problems, f"record or page unreadable: {exc}"]
    if record.get("version") != 1 or set(record.get("rooms", {})) != set(listed):
        problems.append("badges.json does not list exactly the rooms of rooms.yaml")
    if history.get("version") != 1:
        problems.append("history.json is not version 1")
    problems += [f"index.html does not list {jid}" for jid in listed if jid not in page]
    for jid in listed:
        try:
            ElementTree.parse(site / f"{jid}.svg")
        except (OSError, ElementTree.ParseError) as exc:
            problems.append(f"{jid}.svg: {exc}")
    return problems


def _badge_true(
    site: Path,
    jid: str,
    entry: dict[str, Any],
    model: Model,
    truth: dict[str, int],
    clock: datetime,
) -> list[str]:
    """A badge shows the true count at its time, or says stale (a true earlier one) or unknown."""
    label = ElementTree.parse(site / f"{jid}.svg").getroot().get("aria-label", "")
    status, occupants = entry["status"], entry["occupants"]
    shown = re.search(r": (\d+) online", label)
    if status == "unknown":
        return [] if "unknown" in label else [f"{jid}: unknown, but the badge says {label!r}"]
    if not shown or int(shown.group(1)) != occupants:
        return [f"{jid}: badges.json says {occupants}, the badge {label!r}"]
    counted_at = datetime.strptime(entry["counted_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    if status == "counted":
        if occupants != truth[jid]:
            return [f"{jid}: shows {occupants} as counted, the room had {truth[jid]}"]
        if abs(counted_at - clock) > ALLOWED_DRIFT:
            return [f"{jid}: counted at {counted_at}, the run's clock was {clock}"]
        return []
    earlier = {count for _, count in model.counts.get(jid, [])}
    earlier |= {model.published[jid][0]} if jid in model.published else set()
    if occupants not in earlier:
        return [f"{jid}: stale {occupants}, never a published count"]
    if not clock - counted_at < STALE_AFTER + ALLOWED_DRIFT:
        return [f"{jid}: stale count from {counted_at} shown at {clock}"]
    return []


def _history_kept(jid: str, history: dict[str, Any], model: Model) -> list[str]:
    """No value that reached a bucket is lost; none is made up."""
    stored = history["rooms"].get(jid, {})
    problems = []
    found_by_tier = {}
    for name, step, length in TIERS:
        end = history["tiers"][name]["end"]
        values = stored.get(name, [None] * length)
        found_by_tier[name] = {
            end - (length - 1 - index) * step: value
            for index, value in enumerate(values)
            if value is not None
        }
    # A copy merged in after the room's record was destroyed may bring true counts back;
    # hours and days are then the means of those too.
    restored = model.restored(jid, found_by_tier["15m"]) if jid in model.tainted else {}
    expected_by_tier = model.buckets(jid, restored)
    for name, _step, _length in TIERS:
        found = found_by_tier[name]
        expected = expected_by_tier[name]
        lost = sorted(set(expected.items()) - set(found.items()))[:3]
        # A bucket the model does not know is made up, unless a fault destroyed the room's
        # record and a copy (a stale one, merged) brought older true counts back.
        made = sorted(
            (start, value)
            for start, value in found.items()
            if start not in expected and jid not in model.tainted
        )[:3]
        if lost or made:
            instead = {start: found.get(start) for start, _value in lost}
            tainted = " (its record was destroyed once)" if jid in model.tainted else ""
            problems.append(
                f"{jid} {name}{tainted}: expected but not found {lost} (found there: {instead}),"
                f" found unexpected {made}"
            )
    return problems
