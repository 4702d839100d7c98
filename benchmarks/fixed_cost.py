"""The `fixed` condition of `benchmarks/run counting`: the cost of a refresh of a handful of rooms.

A 5-room refresh over loopback into an empty directory, as a whole process
(start to exit), against the least a script can do: stock slixmpp logging in
and asking the same 5 rooms at once, sharing no code with badgegen
(benchmarks/bare.py). The runs alternate, so that the machine's noise falls
on both alike; the medians and their ratio come from the same run. Target:
within 1.2x of the bare script.

Alongside, in the same rounds: `python -c pass` (the interpreter's start),
the bare script's import of slixmpp alone, and the refresh once more under a
stopwatch (benchmarks/phases.py), so the report says where the difference
goes. `--python` measures another interpreter: a venv with the built wheel
installed is what users run (scripts/check_dist.py makes one).
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import HERE, run_measured
from benchmarks.methods import refresh_arguments
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
    python_start: float  # `python -c pass`
    bare_imports: float  # the interpreter's start and the bare script's imports
    stages_ms: dict[str, float] = field(default_factory=dict)  # the refresh under a stopwatch

    @property
    def ratio(self) -> float:
        return self.badgegen / self.bare

    @property
    def holds(self) -> bool:
        return self.ratio <= TARGET_RATIO


def measure_fixed_cost(kind: str, python: str, repeats: int = REPEATS) -> FixedCost:
    """Every command, alternately, repeats times each, on a fresh server with ROOMS rooms."""
    with tempfile.TemporaryDirectory(prefix="badgegen-fixed-") as folder:
        root = Path(folder)
        with populated_server(kind, root, ROOMS, rate_limits=False) as target:
            rooms_files(target.workdir, target.server, [ROOMS])
            walls: dict[str, list[float]] = {}
            cpus: dict[str, list[float]] = {}
            stages: dict[str, list[float]] = {}
            for repeat in range(repeats):
                stopwatch = root / f"stages-{repeat}.json"
                for method, command in _commands(target, root, repeat, python).items():
                    run, _ = run_measured(command, target.env, target.server.process_id, root)
                    walls.setdefault(method, []).append(run.wall)
                    cpus.setdefault(method, []).append(run.client_cpu)
                for stage, ms in json.loads(stopwatch.read_text()).items():
                    stages.setdefault(stage, []).append(ms)
    median = statistics.median
    inside = {stage: median(values) for stage, values in stages.items()}
    return FixedCost(
        kind,
        median(walls["badgegen"]),
        median(walls["bare"]),
        median(cpus["badgegen"]),
        median(cpus["bare"]),
        median(walls["pass"]),
        median(walls["bare imports"]),
        {"interpreter start": median(walls["pass"]) * 1000, **inside,
         "exit": (median(walls["stopwatch"]) - median(walls["pass"])) * 1000
         - sum(ms for stage, ms in inside.items() if not stage.startswith("of which"))},
    )  # fmt: skip


def _commands(target: Target, root: Path, repeat: int, python: str) -> dict[str, list[str]]:
    """badgegen into an empty directory, the bare script over the same rooms, and the rest."""
    rooms = str(target.workdir / f"rooms-{ROOMS}.txt")
    arguments = refresh_arguments(target, ROOMS, root / f"out-{repeat}")
    stopwatch = [python, str(HERE / "phases.py"), str(root / f"stages-{repeat}.json")]
    again = refresh_arguments(target, ROOMS, root / f"out-{repeat}-stopwatch")
    return {
        "badgegen": [python, "-m", "badgegen", *arguments, "-q"],
        "bare": [python, str(HERE / "bare.py"), rooms, target.address, str(target.server.ca_file)],
        "pass": [python, "-c", "pass"],
        "bare imports": [python, "-c", "import slixmpp.plugins.xep_0030"],
        "stopwatch": [*stopwatch, *again, "-q"],
    }


def report_fixed_cost(kinds: list[str], everything: dict[str, object], python: str) -> int:
    """Measure and print the fixed condition per server; return how many targets fall short."""
    failures, figures = 0, []
    for kind in kinds:
        result = measure_fixed_cost(kind, python)
        figures.append({**result.__dict__, "python": python})
        print(
            f"fixed, {kind}: {ROOMS}-room refresh {result.badgegen:.3f} s"
            f" (CPU {result.badgegen_cpu:.3f} s); bare slixmpp script {result.bare:.3f} s"
            f" (CPU {result.bare_cpu:.3f} s); ratio {result.ratio:.2f}x",
            flush=True,
        )
        print(
            f"  the bare script: interpreter start and slixmpp's import"
            f" {result.bare_imports * 1000:.0f} ms, the rest"
            f" {(result.bare - result.bare_imports) * 1000:.0f} ms"
        )
        print("  the refresh, stage by stage (medians, ms): " + ", ".join(
            f"{stage} {ms:.0f}" for stage, ms in result.stages_ms.items()
        ))  # fmt: skip
        outcome = "holds" if result.holds else "falls short"
        print(f"  [{outcome}] fixed: a {ROOMS}-room refresh within {TARGET_RATIO}x of the script")
        failures += not result.holds
    everything["fixed"] = figures
    return failures
