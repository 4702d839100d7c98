"""Where and by when a refresh writes, and the last record it starts from."""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from badgegen.config import Config
from badgegen.record import Previous, is_url, load_previous_run


@dataclass(frozen=True, slots=True)
class Output:
    """Where and how a refresh writes, and by when (time.monotonic()) it must be done."""

    out_dir: Path
    now: datetime
    previous: str | None = None  # --previous: a path or https URL
    lock_wait: float = 10.0
    dry_run: bool = False
    deadline_at: float = math.inf

    def left(self) -> float:
        """Seconds left before the deadline."""
        return max(0.0, self.deadline_at - time.monotonic())


def read_previous(
    config: Config, output: Output, seconds: float | None = None, *, avatars: bool = True
) -> Previous:
    """The last run's record (--previous, or in --out), within the time left; without its
    avatars' images when avatars is False (the refetch before writing needs the history)."""
    wait = output.left() if seconds is None else min(seconds, output.left())
    return load_previous_run(
        output.previous, output.out_dir, output.now, config, wait, avatars=avatars
    )


# Kept back from counting so that rendering and writing end by the deadline too: about
# 1.3 ms a room on a shared disk (a badge, its JSON, two charts; docs/performance.md), with
# room to spare; never more than MOST_KEPT of the time left, so that counting always has
# the larger part.
WRITE_RESERVE = 0.5
WRITE_RESERVE_PER_ROOM = 0.002
MOST_KEPT = 1 / 3
# Before writing over a published record, it is fetched again (see pipeline.write).
REFETCH_SECONDS = 5.0


def write_reserve(config: Config, output: Output, previous: Previous) -> float:
    """Seconds kept back from counting for the rest of the run (writing, a record fetched
    again), for the rooms the run expects to write: rooms.yaml's, and each discover:
    service's rooms in the last record and as many new ones as its limit allows."""
    known = Counter(state.service for state in previous.states.values() if state.service)
    found = sum(min(entry.limit, known[entry.service]) + entry.limit for entry in config.discover)
    reserve = WRITE_RESERVE + WRITE_RESERVE_PER_ROOM * (len(config.rooms) + found)
    if is_url(output.previous):
        reserve += REFETCH_SECONDS
    return min(reserve, output.left() * MOST_KEPT)
