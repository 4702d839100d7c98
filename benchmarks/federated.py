"""The `federated` condition of `benchmarks/run counting`: rooms over 20 remote domains, 2 dead,
and a slow one.

In the federation lab (sandbox/federation.py) the account lives on the
home server and the rooms on 18 MUC services of the rooms server, each its
own remote domain reached over s2s; two more domains are dead, one silent
(accepts, never speaks) and one dropping packets. The rooms are spread over
the 20 domains in turn. badgegen refreshes them all, and, in the same run,
only the rooms of the live domains; the target is that the dead domains cost
at most one --timeout: wall(all) <= 1.5 x (wall(live only) + timeout).

Then a slow domain, as in the slow-domain condition but over s2s: the lab's
component (slow.rooms.lab.example) with 3/5 as many rooms as the condition
has, each answering after 2.6 s, listed before three times as many queries
to one live domain (its rooms each asked many times over): the last live
query is answered within 1.5x of the time the live queries take alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.demo.occupants import Occupants, SampleRoom
from benchmarks.slow_domain import last_fast
from sandbox.component import SlowRooms
from sandbox.federation import Lab, running_lab

DOMAINS = 20
DEAD_DOMAINS = ("silent.lab.example", "drop.lab.example")
TIMEOUT = 10.0  # badgegen's default --timeout
PASSWORD = "benchmark-password"  # noqa: S105, a throwaway lab's
MOST_OCCUPANTS = 5


@dataclass(frozen=True)
class Federated:
    """The medians of one federated measurement, and its verdict."""

    rooms: int
    with_dead: float
    live_only: float
    correct: bool
    slow_rooms: int  # on the slow domain
    live_alone: float  # seconds until the last live room is counted, alone
    live_beside_slow: float  # the same beside the slow domain

    @property
    def bound(self) -> float:
        return 1.5 * (self.live_only + TIMEOUT)

    @property
    def slow_ratio(self) -> float:
        return self.live_beside_slow / self.live_alone

    @property
    def holds(self) -> bool:
        return self.correct and self.with_dead <= self.bound and self.slow_ratio <= 1.5

    def summary(self) -> dict[str, object]:
        return {
            "rooms": self.rooms, "domains": DOMAINS, "dead_domains": len(DEAD_DOMAINS),
            "with_dead_s": round(self.with_dead, 2), "live_only_s": round(self.live_only, 2),
            "timeout_s": TIMEOUT, "bound_s": round(self.bound, 2), "correct": self.correct,
            "slow_rooms": self.slow_rooms, "live_alone_s": round(self.live_alone, 2),
            "live_beside_slow_s": round(self.live_beside_slow, 2),
        }  # fmt: skip


def measure_federated(rooms: int, repeats: int, workdir: Path) -> Federated:
    """Refresh rooms spread over 20 domains (2 dead) and the live ones alone, medians of repeats."""
    live_domains = DOMAINS - len(DEAD_DOMAINS)
    with running_lab(workdir / "lab", mucs=live_domains) as lab:
        jids: list[str] = []
        expected: list[int | None] = []
        samples: dict[str, list[SampleRoom]] = {muc: [] for muc in lab.mucs}
        domains = [*lab.mucs, *DEAD_DOMAINS]
        for index in range(rooms):
            domain = domains[index % DOMAINS]
            jids.append(f"r{index}@{domain}")
            if domain in samples:
                occupants = index % (MOST_OCCUPANTS + 1)
                samples[domain].append(SampleRoom(f"r{index}", occupants))
                expected.append(occupants)
            else:
                expected.append(None)
        started = time.perf_counter()
        with contextlib.ExitStack() as stack:
            for muc, rooms_there in samples.items():
                stack.enter_context(Occupants(lab.server_for(muc), rooms_there))
            print(f"  federated: {rooms} rooms over {DOMAINS} domains populated in"
                  f" {time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
            jid = lab.home.register("counter", PASSWORD)
            everything = _config(workdir / "federated-all.yaml", jids)
            live = [j for j, count in zip(jids, expected, strict=True) if count is not None]
            live_only = _config(workdir / "federated-live.yaml", live)
            with_dead, live_walls, correct = [], [], True
            for repeat in range(repeats):
                wall, counts = _refresh(lab, jid, everything, workdir / f"out-all-{repeat}")
                with_dead.append(wall)
                correct &= counts == expected
                wall, counts = _refresh(lab, jid, live_only, workdir / f"out-live-{repeat}")
                live_walls.append(wall)
                correct &= counts == [count for count in expected if count is not None]
            live_counts = [count for count in expected if count is not None]
            # One live domain's rooms, asked three times as often as the condition has rooms.
            first = {room: count for room, count in zip(live, live_counts, strict=True)
                     if room.endswith(f"@{lab.mucs[0]}")}  # fmt: skip
            times = -(-3 * rooms // len(first))
            alone, beside, slow_right = _beside_a_slow_domain(
                lab, Login(jid, Secret(PASSWORD)), [*first] * times,
                [*first.values()] * times, 3 * rooms // 5, repeats,
            )  # fmt: skip
    return Federated(
        rooms, statistics.median(with_dead), statistics.median(live_walls),
        correct and slow_right, 3 * rooms // 5, alone, beside,
    )  # fmt: skip


def _beside_a_slow_domain(
    lab: Lab, login: Login, live: list[str], expected: list[int], slow_rooms: int, repeats: int
) -> tuple[float, float, bool]:
    """When the last live room is counted alone and after slow_rooms rooms of the slow
    domain (medians of repeats), and whether every count was right."""
    options = Connection(f"127.0.0.1:{lab.home.port}", lab.ca_file, timeout=TIMEOUT, deadline=300)
    fast = [Room(jid) for jid in live]
    with SlowRooms(lab.rooms) as slow:
        late = [Room(slow.jid(f"late-2.6-lab{index}")) for index in range(slow_rooms)]
        alone = [last_fast(login, fast, expected, options) for _ in range(repeats)]
        beside = [last_fast(login, late + fast, expected, options) for _ in range(repeats)]
    return (
        statistics.median(last for last, _, _ in alone),
        statistics.median(last for last, _, _ in beside),
        all(right for _, _, right in alone + beside),
    )


def _config(path: Path, jids: list[str]) -> Path:
    path.write_text("rooms:\n" + "".join(f"  - {jid}\n" for jid in jids))
    return path


def _refresh(lab: object, jid: str, config: Path, out: Path) -> tuple[float, list[int | None]]:
    """One `badgegen refresh` process: its wall time and the counts it printed (--json)."""
    env = {**os.environ, "BADGEGEN_JID": jid, "BADGEGEN_PASSWORD": PASSWORD}
    command = [
        sys.executable, "-m", "badgegen", "refresh", "--config", str(config), "--out", str(out),
        "--server", f"127.0.0.1:{lab.home.port}", "--ca-file", str(lab.ca_file),  # type: ignore[attr-defined]
        "--timeout", str(TIMEOUT), "--deadline", "600", "--json",
    ]  # fmt: skip
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if result.returncode not in (0, 3):
        raise RuntimeError(f"refresh exited with {result.returncode}: {result.stderr[-2000:]}")
    document = json.loads(result.stdout)
    return wall, [room["occupants"] for room in document["rooms"]]
