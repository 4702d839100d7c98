"""What the history costs a refresh: 5,000 rooms with a full year of it, in-process.

    benchmarks/run history

Builds the history of 5,000 rooms over a year (every bucket of every tier
filled, one-digit and two-digit counts), then times, as a refresh does them:
reading history.json, recording a run, writing history.json, drawing every
room's chart and the index page with its charts. Prints medians of the
rounds, the bytes of each output, and the added time as a share of the
5,000-room refresh in README's Performance table (15.34 s on Prosody).
Target (issue: history): the whole stays within that refresh's budget, i.e.
well under its time.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from badgegen.config import Room
from badgegen.core.counts import Count
from badgegen.core.occupancy import TIERS, History, Series, add_run
from badgegen.core.results import settle
from badgegen.record.history_json import history_json, parse_history
from badgegen.view.page import index_html
from badgegen.view.room import view_rooms

ROOMS = 5000
ROUNDS = 3
REFRESH_5000_S = 15.34  # README's Performance table: Prosody, loopback, 5,000 rooms
NOW = datetime(2026, 11, 30, 12, 7, tzinfo=UTC)


def full_history(jids: list[str]) -> History:
    """Every bucket of every tier filled for every room, as after a year of runs."""
    ends = {tier.name: int(NOW.timestamp()) // tier.step * tier.step for tier in TIERS}
    rooms: dict[str, dict[str, Series]] = {
        jid: {tier.name: [(index + i) % 40 for i in range(tier.length)] for tier in TIERS}
        for index, jid in enumerate(jids)
    }
    return History(ends, rooms)


def median_seconds(action: object) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    rooms = [
        Room(f"room{index}@conference.example.org", file=f"room{index}") for index in range(ROOMS)
    ]
    jids = [room.jid for room in rooms]
    history = full_history(jids)
    text = history_json(history)
    counts = {jid: index % 40 for index, jid in enumerate(jids)}
    later = NOW + timedelta(minutes=15)
    results = settle(
        rooms, [Count(jid, counts[jid]) for jid in jids], {}, later, timedelta(hours=1)
    )
    updated = add_run(history, counts, later).history
    views = view_rooms(results, updated, later)
    charts = [view.chart.svg() for view in views]
    page_with = index_html(views, "", later)
    page_without = index_html(view_rooms(results, History(), later), "", later)
    figures = {
        "read history.json": median_seconds(lambda: parse_history(text)),
        "record a run": median_seconds(lambda: add_run(history, counts, later)),
        "write history.json": median_seconds(lambda: history_json(updated)),
        "view 5,000 rooms": median_seconds(lambda: view_rooms(results, updated, later)),
        "draw 5,000 charts": median_seconds(lambda: [view.chart.svg() for view in views]),
        "index.html with charts": median_seconds(lambda: index_html(views, "", later)),
    }
    total = sum(figures.values())
    print(f"history of {ROOMS} rooms over a year, medians of {ROUNDS} rounds:")
    for name, seconds in figures.items():
        print(f"  {name:<24} {seconds:7.3f} s")
    share = f"{total / REFRESH_5000_S:.0%} of the 5,000-room refresh ({REFRESH_5000_S} s)"
    print(f"  {'added to a refresh':<24} {total:7.3f} s = {share}")
    print(f"bytes: history.json {len(text.encode()):,}; charts {sum(map(len, charts)):,}"
          f" ({sum(map(len, charts)) // ROOMS:,} a room, loaded lazily); index.html"
          f" {len(page_with.encode()):,} ({len(page_with.encode()) - len(page_without.encode()):+,}"
          " for the charts)")  # fmt: skip
    holds = total < REFRESH_5000_S / 2
    print(f"[{'holds' if holds else 'falls short'}] history within the refresh budget"
          " (under half the 5,000-room refresh)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
