"""The `slow-domain` condition of `benchmarks/run counting`: a slow domain beside a fast one.

600 rooms on a domain that answers each query after 2.6 s (the test
server's component, `--timeout 3`) beside 3,000 rooms on the server's own MUC
service, which answers at once: when is the last fast room counted, against
the fast rooms counted alone? Target: within 1.5x (before the fair share the
last fast query went out at 24.3 s instead of 2.9 s).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counting import CountRequest
from badgegen.xmpp import count_rooms
from benchmarks.rooms import PASSWORD, populated_server, room_name
from sandbox.component import SlowRooms

SLOW, FAST = 600, 3000
QUICK_SLOW, QUICK_FAST = 60, 300


class _Settled(logging.Handler):
    """When each room was settled (the scheduler logs every one at debug level)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.times: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.endswith(" online"):
            self.times[message.split(":")[0]] = time.monotonic()


@dataclass(frozen=True)
class SlowDomain:
    alone: float  # the fast rooms alone: seconds until the last is counted
    beside: float  # the same beside the slow domain
    total: float  # the whole mixed run
    correct: bool

    @property
    def holds(self) -> bool:
        return self.beside <= 1.5 * self.alone


def measure_slow_domain(quick: bool, repeats: int) -> SlowDomain:
    slow_n, fast_n = (QUICK_SLOW, QUICK_FAST) if quick else (SLOW, FAST)
    with (
        tempfile.TemporaryDirectory(prefix="badgegen-slow-") as folder,
        populated_server("prosody", Path(folder), fast_n, False) as target,
        SlowRooms(target.server) as slow,
    ):
        server = target.server
        fast = [Room(f"{room_name(index)}@{server.muc_domain}") for index in range(fast_n)]
        late = [Room(slow.jid(f"late-2.6-s{index}")) for index in range(slow_n)]
        login = Login(target.jid, Secret(PASSWORD))
        options = Connection(f"127.0.0.1:{server.port}", server.ca_file, timeout=3, deadline=300)
        expected = [index % 6 for index in range(fast_n)]
        alone = [last_fast(login, fast, expected, options)[0] for _ in range(repeats)]
        mixed = [last_fast(login, late + fast, expected, options) for _ in range(repeats)]
    return SlowDomain(
        statistics.median(alone),
        statistics.median(beside for beside, _, _ in mixed),
        statistics.median(total for _, total, _ in mixed),
        all(correct for _, _, correct in mixed),
    )


def last_fast(
    login: Login, rooms: list[Room], expected: list[int], options: Connection
) -> tuple[float, float, bool]:
    """Count rooms, the fast ones last (their expected counts given), the slow ones (late-*,
    1 occupant) first: when the last fast room was counted, the whole run, whether all
    counts were right."""
    fast = rooms[len(rooms) - len(expected) :]
    handler = _Settled()
    logger = logging.getLogger("badgegen.xmpp.scheduler")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    started = time.monotonic()
    try:
        counts = count_rooms(login, CountRequest(tuple(rooms)), options).counts
    finally:
        logger.removeHandler(handler)
    total = time.monotonic() - started
    last = max(handler.times.get(room.jid, started + total) for room in fast) - started
    correct = [count.occupants for count in counts[-len(fast) :]] == expected
    return last, total, correct and all(count.occupants == 1 for count in counts[: -len(fast)])


def report_slow_domain(quick: bool, repeats: int, everything: dict[str, object]) -> int:
    """Measure and print the slow-domain condition; return how many targets fall short."""
    result = measure_slow_domain(quick, repeats)
    everything["slow_domain"] = result.__dict__
    print(
        f"slow domain: the fast rooms' last count at {result.beside:.2f} s beside the slow"
        f" domain, {result.alone:.2f} s alone ({result.beside / result.alone:.2f}x); the whole"
        f" run {result.total:.2f} s; counts {'right' if result.correct else 'WRONG'}",
        flush=True,
    )
    outcome = "holds" if result.holds and result.correct else "falls short"
    print(f"  [{outcome}] slow domain: the fast rooms within 1.5x of alone")
    return 0 if result.holds and result.correct else 1
