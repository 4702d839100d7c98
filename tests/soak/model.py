"""The soak's model: what each run must leave, from the world's own ground truth.

Nothing here comes from badgegen's code or from what a run published: the counts
are the occupants the world put in each room, the rooms a listing must find are
the rooms the world made public, and the rules are the promises the docs make:

- A run that nothing stops (no server down, no record unreachable, no full disk)
  publishes, and counts every room the server answers, truly.
- A stale count is one this room really had, counted within the hour. A room the
  server has no more is never counted: its last count stands in, stale, for the hour.
- A count a run published stays in the history: every quarter hour of the last
  day that a run with a right clock counted in holds that run's count, once the
  clock is right again (a clock ahead by more than 15 minutes does not hold the
  history up; one ahead by less is caught up with); no value is made up.
- The newest quarter hour holds the newest count.
- discover: badges min(limit, public) rooms, all public, the ones on the page first;
  a room that left keeps its files while no more than `limit:` rooms have left, its
  badge saying why (no longer listed, or no longer counted when past a lowered limit).
- Every file a room gets says the same thing: badge, endpoint JSON, trend badge,
  chart, record, page.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

QUARTER = 900
DAY_OF_QUARTERS = 96
STALE_AFTER = timedelta(hours=1)  # the soak's rooms.yaml leaves the default
SKEW = timedelta(minutes=15)  # how far ahead a clock may be and still be believed
ALLOWED_DRIFT = timedelta(seconds=30)  # a run's own clock moves on while it runs
NUMBER_SHOWN = re.compile(r"(?:peak|avg|average) (\d+(?:\.\d+)?)")  # in a trend or a chart
# Faults after which a run must publish, every room counted truly.
MUST_PUBLISH = {
    "none", "clock-back", "clock-ahead", "poisoned-entry", "poisoned-history", "stale-copy",
    "badges-404", "history-404", "two-runs", "limit-change", "rooms-change", "room-gone",
}  # fmt: skip
# Faults after which a run must not publish (refresh may not exit 0 or 3).
BLOCKING = {"server-down", "previous-unreachable", "previous-5xx", "disk-full"}


@dataclass(frozen=True)
class Run:
    """One run as the world made it: when (its clock, and how far off the truth), what the
    rooms held, which rooms rooms.yaml lists, which discoverable rooms are public."""

    number: int
    fault: str
    clock: datetime
    offset: timedelta
    truth: dict[str, int]
    listed: tuple[str, ...]
    public: frozenset[str]
    limit: int
    trends: dict[str, str]
    # Started from an older record than the last published (two runs from one record): it
    # knows neither the rooms the other run put on the page nor those that left since.
    from_older: bool = False
    gone: str | None = None  # a room of rooms.yaml destroyed for this run: the server says so

    @property
    def label(self) -> str:
        return f"run {self.number} ({self.fault}, {self.clock:%Y-%m-%d %H:%M})"


@dataclass
class Model:
    """What earlier runs published, as the model knows it from the world."""

    # Every count each room ever had (the world's), for "never made up".
    had: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The counts published (verified true), by room and counted_at, for stale counts.
    published: dict[str, dict[datetime, int]] = field(default_factory=lambda: defaultdict(dict))
    # Quarter hours that must hold a count: room -> quarter start -> count.
    kept: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    held_up_until: datetime | None = None  # a clock ahead by less than SKEW wrote up to here
    on_page: set[str] = field(default_factory=set)  # discovered rooms on the page now
    # Discovered rooms the site has files for (on the page, or left and kept).
    with_files: set[str] = field(default_factory=set)
    # The rooms the site shows as counted, and when, if its run's clock was right.
    counted_at: dict[str, datetime] = field(default_factory=dict)

    def before(self, run: Run) -> None:
        """A run is about to start: remember what its rooms hold."""
        for jid, count in run.truth.items():
            self.had[jid].add(count)
        if run.offset != timedelta(0):
            # A clock ahead moves the history with it; one behind counts into the newest
            # quarter hour: what was kept may rightly move.
            self.kept.clear()

    def forget_history(self, jids: list[str] | None = None) -> None:
        """A fault destroyed these rooms' history (None: all of it) in the published record."""
        for jid in list(self.kept) if jids is None else jids:
            self.kept.pop(jid, None)

    def record_lost(self, history_rooms: set[str]) -> None:
        """badges.json is missing for this run: the rooms that left are known from the
        published history.json only, which holds history_rooms (a room the page had
        dropped may come back from it, as one that left)."""
        self.with_files = (self.with_files & self.on_page) | history_rooms

    def trace(self, run: Run, status: int) -> str:
        """One line on a run, after it: what it was asked and what the model holds now."""
        older = ", from an older record" if run.from_older else ""
        return (
            f"{run.label}{older}: exit {status}; limit {run.limit}, public {_short(run.public)};"
            f" on the page {_short(self.on_page)}, with files {_short(self.with_files)}"
        )

    def expect_ran(self, run: Run, status: int, stderr: str) -> list[str]:
        """Whether the run ended as its fault allows."""
        problems = []
        if run.fault in MUST_PUBLISH and status not in (0, 3):
            problems.append(f"exit {status} where it must publish: {stderr[-600:]}")
        if run.fault in BLOCKING and status in (0, 3):
            problems.append(f"exit {status}: published in spite of {run.fault}")
        if status == 1 or "Traceback" in stderr:
            problems.append(f"a bug: {stderr[-1500:]}")
        return problems

    def published_run(self, run: Run, site: Path) -> list[str]:
        """The run's files were deployed as the site: check them, then learn from them."""
        try:
            record = json.loads((site / "badges.json").read_text())
            history = json.loads((site / "history.json").read_text())
            page = (site / "index.html").read_text()
        except (OSError, ValueError) as exc:
            return [f"record or page unreadable: {exc}"]
        leftovers = [path.name for path in site.iterdir() if ".tmp" in path.name]
        problems = [f"left behind: {name}" for name in leftovers]
        rooms: dict[str, dict[str, Any]] = record.get("rooms", {})
        asked = [jid for jid, entry in rooms.items() if entry.get("status") != "unlisted"]
        problems += self._discovered(run, rooms)
        for jid in asked:
            problems += self._room(run, site, jid, rooms[jid], page)
            problems += self._history(run, jid, rooms[jid], history)
        for jid, entry in rooms.items():
            if entry.get("status") == "unlisted":
                problems += self._gone(run, site, jid, page)
        self._learn(run, rooms, history)
        return problems

    def _discovered(self, run: Run, rooms: dict[str, dict[str, Any]]) -> list[str]:
        """discover:'s rooms: as many as the limit allows, all public, the ones on the page
        first; the rooms of rooms.yaml all there."""
        problems = [
            f"{jid}: listed in rooms.yaml, missing" for jid in run.listed if jid not in rooms
        ]
        found = {jid for jid, entry in rooms.items() if entry.get("service")}
        on_page = {jid for jid in found if rooms[jid].get("status") != "unlisted"}
        if run.fault not in MUST_PUBLISH:
            return problems  # a listing may fail: it then changes nothing (not checked here)
        if not on_page <= run.public:
            problems.append(
                f"discovered rooms on the page that are not public: {on_page - run.public}"
            )
        if len(on_page) != min(run.limit, len(run.public)):
            problems.append(
                f"{len(on_page)} discovered rooms on the page, expected"
                f" min(limit {run.limit}, {len(run.public)} public)"
            )
        if run.from_older or run.fault == "stale-copy":
            return problems  # it read an older badges.json: which rooms were on the page then
        context = (
            f" (limit {run.limit}; on the page before {_short(self.on_page)}, public"
            f" {_short(run.public)}; the record: {_statuses(rooms, found)})"
        )
        stayed = self.on_page & run.public
        # Without badges.json the run knows the rooms of the history only, not which of
        # them were on the page (they keep their files: checked below).
        if run.fault != "badges-404" and len(stayed) >= run.limit and not on_page <= stayed:
            problems.append(
                f"new rooms {_short(on_page - stayed)} took the place of rooms on the page"
                + context
            )
        left = self.with_files - on_page - set(run.listed)
        if len(left) <= run.limit and not left <= found:
            problems.append(f"rooms that left lost their files: {_short(left - found)}" + context)
        return problems

    def _room(self, run: Run, site: Path, jid: str, entry: dict[str, Any], page: str) -> list[str]:
        """One room on the page: its count true, or stale and true then, every file agreeing."""
        status, occupants = entry.get("status"), entry.get("occupants")
        problems = _files_agree(site, jid, entry, run.trends.get(jid), self.had[jid])
        if jid not in page:
            problems.append(f"{jid}: not on the page")
        if jid == run.gone:
            return problems + self._gone_from_server(run, jid, entry)
        if status == "counted" and occupants != run.truth.get(jid):
            problems.append(
                f"{jid}: shows {occupants} as counted, the room had {run.truth.get(jid)}"
            )
        elif status in ("stale", "unknown") and run.fault in MUST_PUBLISH:
            problems.append(f"{jid}: {status} though the server answered ({entry.get('detail')})")
        elif status == "stale":
            problems += self._stale(run, jid, entry)
        if status == "counted" and abs(_time(entry["counted_at"]) - run.clock) > ALLOWED_DRIFT:
            problems.append(
                f"{jid}: counted at {entry['counted_at']}, the run's clock was {run.clock}"
            )
        return problems

    def _gone_from_server(self, run: Run, jid: str, entry: dict[str, Any]) -> list[str]:
        """A room the server no longer has: never counted; its last count stands in, stale,
        while it is less than an hour old (the clocks right), then it is unknown."""
        status, last = entry.get("status"), self.counted_at.get(jid)
        if status == "counted":
            return [f"{jid}: counted {entry.get('occupants')}, though the server has no such room"]
        if status == "stale":
            return self._stale(run, jid, entry)
        if run.offset == timedelta(0) and last and run.clock - last < STALE_AFTER - ALLOWED_DRIFT:
            return [f"{jid}: {status}, though counted at {last:%H:%M:%S}, now {run.clock:%H:%M:%S}"]
        return []

    def _stale(self, run: Run, jid: str, entry: dict[str, Any]) -> list[str]:
        counted_at = _time(entry["counted_at"])
        then = self.published[jid].get(counted_at)
        if then != entry.get("occupants"):
            return [
                f"{jid}: stale {entry.get('occupants')} from {counted_at}, published then: {then}"
            ]
        if not run.clock - counted_at < STALE_AFTER + ALLOWED_DRIFT:
            return [f"{jid}: stale count from {counted_at} shown at {run.clock}"]
        return []

    def _history(
        self, run: Run, jid: str, entry: dict[str, Any], history: dict[str, Any]
    ) -> list[str]:
        """The room's quarter hours: the newest holds this run's count, none is lost or made up."""
        quarters = _tier(history, jid, "15m", QUARTER, DAY_OF_QUARTERS)
        problems = []
        if entry.get("status") == "counted":
            newest = quarters[max(quarters)] if quarters else None
            if newest != entry["occupants"]:
                problems.append(
                    f"{jid}: newest quarter hour {newest}, this run counted {entry['occupants']}"
                )
        made_up = {value for value in quarters.values() if value not in self.had[jid]}
        if made_up:
            problems.append(
                f"{jid}: quarter hours hold counts the room never had: {sorted(made_up)}"
            )
        end = history["tiers"]["15m"]["end"]
        mine = int(run.clock.timestamp()) // QUARTER * QUARTER  # this run's own, rightly new
        lost = [
            (_at(start), value, quarters.get(start))
            for start, value in sorted(self.kept.get(jid, {}).items())
            if end - DAY_OF_QUARTERS * QUARTER < start != mine and quarters.get(start) != value
        ]
        if lost:
            problems.append(f"{jid}: counts lost from the history (when, count, found): {lost[:3]}")
        for name, step, length in (("1h", 3600, 168), ("1d", 86400, 366)):
            for value in _tier(history, jid, name, step, length).values():
                if not min(self.had[jid]) <= value <= max(self.had[jid]):
                    problems.append(f"{jid}: {name} holds {value}, outside what the room ever had")
                    break
        return problems

    def _gone(self, run: Run, site: Path, jid: str, page: str) -> list[str]:
        """A room that left the page: its badge says why, it is off the page."""
        try:
            label = ElementTree.parse(site / f"{jid}.svg").getroot().get("aria-label", "")
        except (OSError, ElementTree.ParseError) as exc:
            return [f"{jid} (left): {exc}"]
        problems = [f"{jid}: left, but on the page"] if f">{jid}<" in page else []
        if run.fault in MUST_PUBLISH:
            why = "no longer counted" if jid in run.public else "no longer listed"
            if not label.endswith(why):
                problems.append(
                    f"{jid}: left ({'public' if jid in run.public else 'hidden'}), badge {label!r}"
                )
        return problems

    def _learn(self, run: Run, rooms: dict[str, dict[str, Any]], history: dict[str, Any]) -> None:
        """What this published run adds to what later runs must keep."""
        asked = {jid for jid, entry in rooms.items() if entry.get("status") != "unlisted"}
        for jid in set(self.kept) - asked:  # a room not asked may come back with no history
            del self.kept[jid]
        counted = {
            jid: entry["occupants"]
            for jid, entry in rooms.items()
            if entry.get("status") == "counted" and entry["occupants"] == run.truth.get(jid)
        }
        for jid, count in counted.items():
            self.published[jid][_time(rooms[jid]["counted_at"])] = count
        right = run.offset == timedelta(0) and not run.from_older
        self.counted_at = {jid: _time(rooms[jid]["counted_at"]) for jid in counted} if right else {}
        self.on_page = {jid for jid, entry in rooms.items()
                        if entry.get("service") and entry.get("status") != "unlisted"}  # fmt: skip
        # A room whose files went (beyond the limit) is no more.
        self.with_files = {jid for jid, entry in rooms.items() if entry.get("service")}
        if run.offset > timedelta(0) and run.offset <= SKEW:
            # Its buckets are ahead: the right clock catches up with them.
            self.held_up_until = max(self.held_up_until or run.clock, run.clock)
        if run.offset != timedelta(0):
            return
        if self.held_up_until is not None and run.clock < self.held_up_until + SKEW:
            return  # its quarter hour may be one a clock ahead wrote into
        start = int(run.clock.timestamp()) // QUARTER * QUARTER
        for jid, count in counted.items():
            self.kept[jid][start] = count


def _files_agree(
    site: Path, jid: str, entry: dict[str, Any], trend: str | None, had: set[int]
) -> list[str]:
    """The badge, its endpoint JSON, the chart and the trend badge say the same, truly."""
    try:
        label = ElementTree.parse(site / f"{jid}.svg").getroot().get("aria-label", "")
        endpoint = json.loads((site / f"{jid}.json").read_text())
        chart = ElementTree.parse(site / f"{jid}.chart.svg").getroot()
        narrow = ElementTree.parse(site / f"{jid}.chart-narrow.svg").getroot()
    except (OSError, ValueError, ElementTree.ParseError) as exc:
        return [f"{jid}: a file is missing or broken: {exc}"]
    problems = []
    said, said_narrow = _chart_texts(chart), _chart_texts(narrow)
    if said_narrow != said:
        problems.append(f"{jid}: the phone's chart says {sorted(said_narrow)}, not {sorted(said)}")
    # The badge's words are the endpoint JSON's; a stale count adds when it was counted
    # (to the badge's accessible text: the endpoint schema has no place for it).
    expected = f"{endpoint.get('label')}: {endpoint.get('message')}"
    if entry.get("status") == "stale":
        expected += f" (stale: last counted {_time(entry['counted_at']):%Y-%m-%d %H:%M} UTC)"
    if label != expected:
        problems.append(f"{jid}: badge {label!r}, expected {expected!r} (endpoint JSON, record)")
    shown = re.search(r": (\d+) online", label)
    if entry.get("status") == "unknown":
        if "unknown" not in label:
            problems.append(f"{jid}: unknown, the badge says {label!r}")
    elif not shown or int(shown.group(1)) != entry.get("occupants"):
        problems.append(f"{jid}: badges.json says {entry.get('occupants')}, the badge {label!r}")
    problems += _numbers_within(f"{jid}'s chart", _chart_words(chart), had)
    if trend:
        try:
            words = ElementTree.parse(site / f"{jid}.trend.svg").getroot().get("aria-label", "")
        except (OSError, ElementTree.ParseError) as exc:
            return [*problems, f"{jid}: trend badge: {exc}"]
        value = re.search(NUMBER_SHOWN, words)
        # A room not counted now (gone, say) may have no count in its trend's span.
        if value is None and entry.get("status") == "counted":
            problems.append(f"{jid}: trend badge {words!r}, though counted now")
        elif value is not None and not min(had) <= float(value.group(1)) <= max(had):
            problems.append(f"{jid}: trend badge {words!r}, the room had {sorted(had)}")
    return problems


def _chart_texts(chart: ElementTree.Element) -> set[str]:
    """Every text a chart draws and its description: the phone's must say the same."""
    namespace = "{http://www.w3.org/2000/svg}"
    return {element.text or "" for element in chart.iter() if element.tag in (
        f"{namespace}text", f"{namespace}desc", f"{namespace}title")}  # fmt: skip


def _chart_words(chart: ElementTree.Element) -> str:
    namespace = "{http://www.w3.org/2000/svg}"
    return " ".join(element.text or "" for element in chart.iter(f"{namespace}desc"))


def _numbers_within(what: str, words: str, had: set[int]) -> list[str]:
    """Every peak and average in words is within what the room ever had."""
    values = [float(value) for value in re.findall(NUMBER_SHOWN, words)]
    wrong = [value for value in values if not min(had) <= value <= max(had)]
    return [f"{what} says {wrong}, the room had {sorted(had)}"] if wrong else []


def _tier(history: dict[str, Any], jid: str, name: str, step: int, length: int) -> dict[int, int]:
    """A room's tier as {bucket start: value}, the empty buckets left out."""
    end = history["tiers"][name]["end"]
    values = history["rooms"].get(jid, {}).get(name, [None] * length)
    return {
        end - (length - 1 - index) * step: value
        for index, value in enumerate(values)
        if value is not None
    }


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _at(seconds: int) -> str:
    return f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%d %H:%M}"


def _short(jids: AbstractSet[str]) -> str:
    """Room JIDs in a message: their local parts, sorted."""
    return ", ".join(sorted(jid.partition("@")[0] for jid in jids)) or "none"


def _statuses(rooms: dict[str, dict[str, Any]], jids: set[str]) -> str:
    return ", ".join(f"{jid.partition('@')[0]} {rooms[jid].get('status')}" for jid in sorted(jids))
