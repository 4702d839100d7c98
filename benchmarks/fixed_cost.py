"""The `fixed` condition of `benchmarks/run counting`: the cost of a refresh of a handful of rooms.

A 5-room refresh over loopback into an empty directory, as a whole process
(start to exit), against the least a script can do: stock slixmpp logging in
and asking the same 5 rooms at once (benchmarks/baselines.py bare). The runs
alternate, so that the machine's noise falls on both alike; the medians and
their ratio come from the same run. Target: within 1.2x of the bare script.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import HERE, run_measured
from benchmarks.methods import BADGEGEN, refresh_arguments
from benchmarks.rooms import Target, populated_server, rooms_files

ROOMS = 5
REPEATS = 21
TARGET_RATIO = 1.2


@dataclass(frozen=True)
class FixedCost:
    """The medians of badgegen's and the bare script's walls, and of their CPU."""

    server: str
    badgegen: float
    bare: float
    badgegen_cpu: float
    bare_cpu: float

    @property
    def ratio(self) -> float:
        return self.badgegen / self.bare

    @property
    def holds(self) -> bool:
        return self.ratio <= TARGET_RATIO


def measure_fixed_cost(kind: str, repeats: int = REPEATS) -> FixedCost:
    """Both processes, alternately, repeats times each, on a fresh server with ROOMS rooms."""
    with tempfile.TemporaryDirectory(prefix="badgegen-fixed-") as folder:
        root = Path(folder)
        with populated_server(kind, root, ROOMS, rate_limits=False) as target:
            rooms_files(target.workdir, target.server, [ROOMS])
            walls: dict[str, list[float]] = {"badgegen": [], "bare": []}
            cpus: dict[str, list[float]] = {"badgegen": [], "bare": []}
            for repeat in range(repeats):
                for method, command in _commands(target, root / f"out-{repeat}").items():
                    run, _ = run_measured(command, target.env, target.server.process_id, root)
                    walls[method].append(run.wall)
                    cpus[method].append(run.client_cpu)
    return FixedCost(
        kind,
        statistics.median(walls["badgegen"]),
        statistics.median(walls["bare"]),
        statistics.median(cpus["badgegen"]),
        statistics.median(cpus["bare"]),
    )


def _commands(target: Target, out: Path) -> dict[str, list[str]]:
    """badgegen into out (an empty directory), and the bare script over the same rooms."""
    rooms = str(target.workdir / f"rooms-{ROOMS}.txt")
    script = [sys.executable, str(HERE / "baselines.py"), "bare", rooms]
    bare = [*script, target.address, str(target.server.ca_file)]
    return {"badgegen": [*BADGEGEN, *refresh_arguments(target, ROOMS, out), "-q"], "bare": bare}


def report_fixed_cost(kinds: list[str], everything: dict[str, object]) -> int:
    """Measure and print the fixed condition per server; return how many targets fall short."""
    failures, figures = 0, []
    for kind in kinds:
        result = measure_fixed_cost(kind)
        figures.append(result.__dict__)
        print(
            f"fixed, {kind}: {ROOMS}-room refresh {result.badgegen:.3f} s"
            f" (CPU {result.badgegen_cpu:.3f} s); bare slixmpp script {result.bare:.3f} s"
            f" (CPU {result.bare_cpu:.3f} s); ratio {result.ratio:.2f}x",
            flush=True,
        )
        outcome = "holds" if result.holds else "falls short"
        print(f"  [{outcome}] fixed: a {ROOMS}-room refresh within {TARGET_RATIO}x of the script")
        failures += not result.holds
    everything["fixed"] = figures
    return failures
