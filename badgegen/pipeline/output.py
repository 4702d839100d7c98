"""Where and by when a refresh writes, and the last record it starts from."""

from __future__ import annotations

import math
import time
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


def read_previous(config: Config, output: Output, seconds: float | None = None) -> Previous:
    """The last run's record (--previous, or in --out), within the time left."""
    wait = output.left() if seconds is None else min(seconds, output.left())
    return load_previous_run(output.previous, output.out_dir, output.now, config.capacity, wait)


# Kept back from counting so that rendering and writing end by the deadline too: about
# 1 ms a room on a shared disk (README's figures), with room to spare.
WRITE_RESERVE = 0.5
WRITE_RESERVE_PER_ROOM = 0.0015
# Before writing over a published record, it is fetched again (see pipeline.write).
REFETCH_SECONDS = 5.0


def counting_until(config: Config, output: Output) -> float:
    """When counting must stop, so that the rest of the run still ends by the deadline."""
    # Discovered rooms are not known before counting: as many as the limits allow.
    rooms = len(config.rooms) + sum(entry.limit for entry in config.discover)
    reserve = WRITE_RESERVE + WRITE_RESERVE_PER_ROOM * rooms
    if is_url(output.previous):
        reserve += REFETCH_SECONDS
    return output.deadline_at - reserve
