"""The `discovery` condition of `benchmarks/run counting`: a service's public rooms, found.

A MUC service with 10,000 public rooms of known occupants (each configured,
so that Prosody lists it), on Prosody and on ejabberd (whose
max_rooms_discoitems stays at its default, 100: discovery pages through it).
`badgegen refresh` with `discover: - service: ...` against the same refresh
with the 10,000 rooms listed in rooms.yaml, whole processes, interleaved,
medians. Target: discovery plus counting within 1.5x, every count right.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from badgegen.demo.occupants import Occupants, SampleRoom
from benchmarks.measure import run_measured
from benchmarks.rooms import PASSWORD, Target, expected_count, room_name
from sandbox import running_server

ROOMS, QUICK_ROOMS = 10_000, 1_000
TARGET = 1.5
BADGEGEN = [sys.executable, "-m", "badgegen"]


@dataclass
class DiscoveryResult:
    """One server's figures: medians of the listed and discovered runs, and correctness."""

    kind: str
    rooms: int
    listed: list[float] = field(default_factory=list)
    discovered: list[float] = field(default_factory=list)
    correct: bool = True

    @property
    def ratio(self) -> float:
        return statistics.median(self.discovered) / statistics.median(self.listed)

    @property
    def holds(self) -> bool:
        return self.correct and self.ratio <= TARGET


@contextlib.contextmanager
def directory_server(kind: str, root: Path, rooms: int) -> Iterator[Target]:
    """A server whose MUC service lists `rooms` public rooms of known occupants."""
    with running_server(kind, root / "server") as server:
        started = time.perf_counter()
        samples = [
            SampleRoom(room_name(i), expected_count(i), title=f"Room {i}") for i in range(rooms)
        ]
        with Occupants(server, samples):
            jid = server.register("counter", PASSWORD)
            print(f"  {kind}: {rooms} public rooms in {time.perf_counter() - started:.1f} s")
            yield Target(server, server.address, jid, root)


def configs(target: Target, rooms: int) -> tuple[Path, Path]:
    """rooms.yaml listing every room, and one discovering them."""
    service = target.server.muc_domain
    listed = target.workdir / "listed.yaml"
    jids = "".join(f"  - {room_name(i)}@{service}\n" for i in range(rooms))
    listed.write_text(f"rooms:\n{jids}")
    discovering = target.workdir / "discover.yaml"
    discovering.write_text(f"discover:\n  - service: {service}\n    limit: {rooms}\n")
    return listed, discovering


def one_run(target: Target, config: Path, out: Path, rooms: int) -> tuple[float, bool]:
    """A whole refresh process: its wall time, and whether every room got its count."""
    command = [
        *BADGEGEN, "refresh", "--config", str(config), "--out", str(out), "--json",
        "--server", target.address, "--ca-file", str(target.server.ca_file), "--deadline", "900",
    ]  # fmt: skip
    run, text = run_measured(command, target.env, target.server.process_id, target.workdir)
    result = json.loads(text[text.index("{") :])
    counted = {room["jid"].split("@")[0]: room["occupants"] for room in result["rooms"]}
    expected = {room_name(i): expected_count(i) for i in range(rooms)}
    return run.wall, counted == expected


def measure_discovery(kind: str, rooms: int, repeats: int) -> DiscoveryResult:
    result = DiscoveryResult(kind, rooms)
    with (
        tempfile.TemporaryDirectory(prefix="badgegen-discovery-") as folder,
        directory_server(kind, Path(folder), rooms) as target,
    ):
        listed, discovering = configs(target, rooms)
        for repeat in range(repeats):
            for config, walls in ((listed, result.listed), (discovering, result.discovered)):
                out = target.workdir / f"out-{config.stem}-{repeat}"
                wall, correct = one_run(target, config, out, rooms)
                walls.append(wall)
                result.correct &= correct
    return result


def report_discovery(
    servers: list[str], quick: bool, repeats: int, everything: dict[str, object]
) -> int:
    """Measure and print the discovery condition per server; return how many targets fail."""
    rooms = QUICK_ROOMS if quick else ROOMS
    failures, figures = 0, []
    for kind in servers:
        result = measure_discovery(kind, rooms, repeats)
        figures.append({**result.__dict__, "ratio": result.ratio})
        print(
            f"discovery ({kind}): {rooms} rooms discovered and counted in"
            f" {statistics.median(result.discovered):.2f} s, listed in rooms.yaml"
            f" {statistics.median(result.listed):.2f} s ({result.ratio:.2f}x);"
            f" counts {'right' if result.correct else 'WRONG'}",
            flush=True,
        )
        outcome = "holds" if result.holds else "falls short"
        print(f"  [{outcome}] discovery ({kind}): within {TARGET}x of the rooms listed")
        failures += not result.holds
    everything["discovery"] = figures
    return failures
