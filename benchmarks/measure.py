"""Measuring whole processes: wall time, CPU (the client's and the server's), peak memory."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One process's measurements."""

    wall: float
    client_cpu: float
    server_cpu: float
    peak_mb: float
    correct: bool
    written: int = 0


@dataclass
class Cell:
    """The runs of one method on one server, condition and N, and their medians."""

    server: str
    condition: str
    method: str
    rooms: int
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float:
        return float(statistics.median(getattr(run, name) for run in self.runs))

    @property
    def correct(self) -> bool:
        return all(run.correct for run in self.runs)

    def summary(self) -> dict[str, object]:
        fields = ("wall", "client_cpu", "server_cpu", "peak_mb")
        medians = {name: round(self.median(name), 4) for name in fields}
        rate = self.rooms / medians["wall"] if medians["wall"] else 0.0
        return {
            "server": self.server,
            "condition": self.condition,
            "method": self.method,
            "rooms": self.rooms,
            **medians,
            "rooms_per_s": round(rate, 1),
            "correct": self.correct,
            "runs": [asdict(run) for run in self.runs],
        }


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a running process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run_measured(
    command: Sequence[str], env: dict[str, str], server_pid: int, cwd: Path
) -> tuple[Run, str]:
    """Run command to completion: its wall time, CPU and peak memory, and the server's CPU."""
    with tempfile.TemporaryFile() as output, tempfile.NamedTemporaryFile() as usage:
        server_before = process_cpu(server_pid)
        subprocess.run(
            [sys.executable, str(HERE / "rusage.py"), usage.name, *command],
            env=env, cwd=cwd, stdout=output, stderr=output, check=True,
        )  # fmt: skip
        server_cpu = process_cpu(server_pid) - server_before
        measured = json.loads(Path(usage.name).read_text())
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if measured["status"] not in (0, 3):  # 3: some rooms uncounted, still a result
        raise RuntimeError(f"{command[:3]} exited with {measured['status']}:\n{text[-2000:]}")
    run = Run(measured["wall"], measured["cpu"], server_cpu, measured["peak_mb"], correct=False)
    return run, text


def machine() -> dict[str, object]:
    versions = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Version}\n", "prosody", "ejabberd"],
        capture_output=True, text=True, check=False,
    ).stdout.split("\n")  # fmt: skip
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "servers": [line for line in versions if line],
        "date": time.strftime("%Y-%m-%d"),
    }


def median_wall(argv: Sequence[str], rounds: int, cwd: Path | None = None) -> float:
    """The median wall time of running argv to completion, rounds times."""
    walls = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL, cwd=cwd)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)
