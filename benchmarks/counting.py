"""Count N rooms with badgegen and with two baselines, on real servers, in three conditions.

    benchmarks/run counting              # Prosody and ejabberd, N = 100, 1,000, 5,000
    benchmarks/run counting --quick      # N = 50 and 250, one run each: a few minutes
    benchmarks/run counting --profile    # also where badgegen's time goes, per condition
    benchmarks/run counting --json results.json --servers prosody --repeats 5

For each server (its own Prosody / ejabberd on 127.0.0.1, rooms populated with
known occupant counts by real clients) and each condition:

- loopback: straight to the server;
- link: through benchmarks/link.py, 25 ms each way (a 50 ms round trip);
- limits: a second server with its default client rate limit on
  (Prosody mod_limits 10 KiB/s, ejabberd's `normal` shaper 3,000 B/s after 20 kB);
- federated (Prosody only, badgegen only): rooms spread over 20 remote domains
  of the federation lab, 2 of them dead, against the same run without the
  dead domains (benchmarks/federated.py);

it runs, as separate processes, `badgegen refresh` end to end (process start
to exit, badges written), the naive baseline (stock slixmpp, one disco#info at
a time) and the join-and-count baseline (benchmarks/baselines.py), and prints
the median of the runs: wall time, rooms/s, client CPU, the server's CPU
(/proc), the client's peak memory, whether every count was right, the ratios,
and whether each of the issue's targets holds.

The link and limits conditions stop at 1,000 rooms unless --sizes says
otherwise: there the baselines need a round trip or a rate-limited stanza per
room, minutes per run at 5,000.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.demo.server import SandboxServer, free_port
from tests.sandbox import running_server

HERE = Path(__file__).parent
BADGEGEN = (sys.executable, "-m", "badgegen")
METHODS = ("badgegen", "naive", "join")
CONDITIONS = ("loopback", "link", "limits", "federated")
SIZES = {"loopback": (100, 1000, 5000), "link": (100, 1000), "limits": (100, 1000),
         "federated": (1000,)}  # fmt: skip
QUICK_SIZES = {"loopback": (50, 250), "link": (50, 250), "limits": (50, 250),
               "federated": (200,)}  # fmt: skip
LINK_DELAY = 0.025  # seconds each way
# Client rate limits as the servers ship them (bytes/s the client may send).
RATE_LIMITS = {"prosody": 10 * 1024, "ejabberd": 3000}
MOST_OCCUPANTS = 5
PASSWORD = "benchmark-password"  # noqa: S105, a throwaway server's
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


def expected_count(index: int) -> int:
    """Room number index has index % 6 occupants: 0 to 5."""
    return index % (MOST_OCCUPANTS + 1)


def room_name(index: int) -> str:
    return f"r{index}"


# --- measuring processes ---------------------------------------------------


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


# --- the three methods -----------------------------------------------------


@dataclass
class Target:
    """Where one method run connects, and the account it uses."""

    server: SandboxServer
    address: str
    jid: str
    workdir: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "BADGEGEN_JID": self.jid, "BADGEGEN_PASSWORD": PASSWORD}


def rooms_files(workdir: Path, server: SandboxServer, sizes: Sequence[int]) -> None:
    """rooms-N.yaml for badgegen and rooms-N.txt for the baselines, per N."""
    for size in sizes:
        jids = [f"{room_name(index)}@{server.muc_domain}" for index in range(size)]
        lines = ["rooms:", *(f"  - jid: {jid}" for jid in jids)]
        (workdir / f"rooms-{size}.yaml").write_text("\n".join(lines) + "\n")
        (workdir / f"rooms-{size}.txt").write_text("\n".join(jids) + "\n")


def refresh_arguments(target: Target, size: int, out: Path) -> list[str]:
    """`badgegen refresh`'s arguments for the first size rooms, into out."""
    return [
        "refresh", "--config", str(target.workdir / f"rooms-{size}.yaml"), "--out", str(out),
        "--server", target.address, "--ca-file", str(target.server.ca_file), "--deadline", "900",
    ]  # fmt: skip


def run_badgegen(target: Target, size: int, out: Path) -> tuple[Run, dict[str, Any]]:
    """badgegen refresh, process start to exit, into out; returns its --json result too."""
    command = [*BADGEGEN, *refresh_arguments(target, size, out), "--json"]
    run, text = run_measured(command, target.env, target.server.process_id, target.workdir)
    result = json.loads(text[text.index("{") :])
    counts = [room["occupants"] for room in result["rooms"]]
    run.correct = counts == [expected_count(index) for index in range(size)]
    run.written = len(result["written"])
    return run, result


def profile_badgegen(target: Target, condition: str, size: int, top: int = 15) -> str:
    """One more badgegen run under cProfile: the functions with the most time of their own."""
    stats_file = target.workdir / f"profile-{condition}-{size}.pstats"
    out = target.workdir / f"out-profile-{condition}-{size}"
    profiled = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "badgegen"]
    subprocess.run(
        [*profiled, *refresh_arguments(target, size, out), "-q"],
        env=target.env, cwd=target.workdir, check=True,
    )  # fmt: skip
    report = io.StringIO()
    pstats.Stats(str(stats_file), stream=report).sort_stats("tottime").print_stats(top)
    lines = report.getvalue().strip().splitlines()
    text = "\n".join(line for line in lines if line.strip() and not line.startswith(" " * 8))
    print(f"profile of badgegen, {target.server.kind} {condition}, {size} rooms:\n{text}")
    return text


def run_baseline(method: str, target: Target, size: int) -> Run:
    """One of benchmarks/baselines.py's methods over the first size rooms."""
    command = [
        sys.executable, str(HERE / "baselines.py"), method,
        str(target.workdir / f"rooms-{size}.txt"), target.address, str(target.server.ca_file),
    ]  # fmt: skip
    run, text = run_measured(command, target.env, target.server.process_id, target.workdir)
    counts = list(json.loads(text).values())
    run.correct = counts == [expected_count(index) for index in range(size)]
    return run


# --- servers, rooms and conditions ------------------------------------------


@contextlib.contextmanager
def populated_server(kind: str, root: Path, rooms: int, rate_limits: bool) -> Iterator[Target]:
    """A server with `rooms` rooms of known occupants and an account to count with."""
    with running_server(kind, root / "server", rate_limits=rate_limits) as server:
        started = time.perf_counter()
        samples = [SampleRoom(room_name(i), expected_count(i)) for i in range(rooms)]
        with Occupants(server, samples):
            jid = server.register("counter", PASSWORD)
            took = time.perf_counter() - started
            print(f"  {kind}: {rooms} rooms populated in {took:.1f} s", flush=True)
            yield Target(server, server.address, jid, root)


@contextlib.contextmanager
def link(server: SandboxServer) -> Iterator[str]:
    """benchmarks/link.py in front of server: yields the address to connect to."""
    port = free_port()
    command = [sys.executable, str(HERE / "link.py"), str(port), str(server.port), str(LINK_DELAY)]
    proxy = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proxy.stdout is not None
        if proxy.stdout.readline().strip() != "listening":
            raise RuntimeError("benchmarks/link.py did not start")
        yield f"127.0.0.1:{port}"
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


# --- the figures outside the table ------------------------------------------


def bytes_per_room(target: Target) -> float:
    """XML bytes badgegen sends per room, the figure the servers' rate limits count.

    Counted in-process around slixmpp's one write path, for 100 and 200 rooms:
    the difference divided by 100 leaves out logging in.
    """
    from slixmpp.xmlstream import XMLStream

    from badgegen.config import Room
    from badgegen.login import Login, Secret
    from badgegen.xmpp import ConnectOptions, fetch_counts

    sent = [0]
    send_raw = XMLStream.send_raw

    def counting_send_raw(self: XMLStream, data: str | bytes) -> None:
        sent[0] += len(data.encode("utf-8") if isinstance(data, str) else data)
        send_raw(self, data)

    login = Login(target.jid, Secret(PASSWORD))
    host, port = target.address.rsplit(":", 1)
    options = ConnectOptions(server=(host, int(port)), ca_file=target.server.ca_file)
    totals = []
    XMLStream.send_raw = counting_send_raw  # type: ignore[method-assign]
    try:
        for size in (100, 200):
            sent[0] = 0
            rooms = [Room(f"{room_name(i)}@{target.server.muc_domain}") for i in range(size)]
            fetch_counts(login, rooms, options)
            totals.append(sent[0])
    finally:
        XMLStream.send_raw = send_raw  # type: ignore[method-assign]
    return (totals[1] - totals[0]) / 100


def help_seconds(rounds: int = 15) -> tuple[float, float]:
    """Median wall time of `badgegen --help`, and of a bare `python -c pass` for scale."""
    script = Path(sys.executable).parent / "badgegen"
    command = [str(script)] if script.exists() else [*BADGEGEN]

    def median_wall(argv: list[str]) -> float:
        walls = []
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - started)
        return statistics.median(walls)

    return median_wall([*command, "--help"]), median_wall([sys.executable, "-c", "pass"])


def second_run(target: Target, size: int, out: Path) -> tuple[Run, int]:
    """Refresh out again with unchanged counts: the run, and how many files it changed."""
    before = _file_stamps(out)
    run, _ = run_badgegen(target, size, out)
    after = _file_stamps(out)
    changed = sum(1 for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    return run, max(changed, run.written)


def _file_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rewrite changes one or both."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.iterdir()
        if path.is_file()
    }


# --- one server's suite -------------------------------------------------------


@dataclass
class ServerResults:
    """Everything measured on one kind of server."""

    kind: str
    cells: list[Cell] = field(default_factory=list)
    bytes_per_room: float = 0.0
    setup_wall: float = 0.0  # badgegen over the link with one room: start-up and logging in
    second_run: Run | None = None
    second_run_changed: int = -1
    profiles: dict[str, str] = field(default_factory=dict)  # by condition

    def find(self, condition: str, method: str, rooms: int) -> Cell | None:
        for cell in self.cells:
            if (cell.condition, cell.method, cell.rooms) == (condition, method, rooms):
                return cell
        return None

    def cell(self, condition: str, method: str, rooms: int) -> Cell:
        found = self.find(condition, method, rooms)
        if found is None:
            raise LookupError(f"{self.kind}: nothing measured for {method}, {condition}, {rooms}")
        return found


def measure_condition(
    results: ServerResults,
    condition: str,
    target: Target,
    sizes: Sequence[int],
    repeats: int,
    profile: bool,
) -> None:
    """Every method at every size, the methods' runs interleaved so drift hits all alike."""
    for size in sizes:
        cells = [Cell(results.kind, condition, method, size) for method in METHODS]
        for repeat in range(repeats):
            for cell in cells:
                if cell.method == "badgegen":
                    out = target.workdir / f"out-{condition}-{size}-{repeat}"
                    cell.runs.append(run_badgegen(target, size, out)[0])
                else:
                    cell.runs.append(run_baseline(cell.method, target, size))
        for cell in cells:
            print_cell(cell)
        results.cells += cells
    if profile:
        results.profiles[condition] = profile_badgegen(target, condition, max(sizes))


def bench_server(
    kind: str,
    sizes: dict[str, Sequence[int]],
    repeats: int,
    conditions: Sequence[str],
    profile: bool,
) -> ServerResults:
    results = ServerResults(kind)
    open_sizes = [
        size for name in ("loopback", "link") if name in conditions for size in sizes[name]
    ]
    with tempfile.TemporaryDirectory(prefix="badgegen-bench-") as folder:
        root = Path(folder)
        if open_sizes:
            (root / "open").mkdir()
            with populated_server(kind, root / "open", max(open_sizes), False) as target:
                rooms_files(target.workdir, target.server, [1, *open_sizes])
                results.bytes_per_room = bytes_per_room(target)
                if "loopback" in conditions:
                    measure_condition(
                        results, "loopback", target, sizes["loopback"], repeats, profile
                    )
                    largest = max(sizes["loopback"])
                    out = target.workdir / f"out-loopback-{largest}-0"
                    results.second_run, results.second_run_changed = second_run(
                        target, largest, out
                    )
                if "link" in conditions:
                    with link(target.server) as address:
                        linked = Target(target.server, address, target.jid, target.workdir)
                        setup = [run_badgegen(linked, 1, root / f"one-{i}")[0] for i in range(3)]
                        results.setup_wall = statistics.median(run.wall for run in setup)
                        measure_condition(results, "link", linked, sizes["link"], repeats, profile)
        if "limits" in conditions:
            (root / "limited").mkdir()
            with populated_server(kind, root / "limited", max(sizes["limits"]), True) as target:
                rooms_files(target.workdir, target.server, sizes["limits"])
                measure_condition(results, "limits", target, sizes["limits"], repeats, profile)
    return results


# --- targets -----------------------------------------------------------------


@dataclass
class Verdict:
    name: str
    holds: bool
    detail: str


def verdicts(results: ServerResults, help_wall: float) -> list[Verdict]:
    """The issue's targets, each with the figures it was judged on."""
    found: list[Verdict] = []
    sizes = sorted({cell.rooms for cell in results.cells if cell.condition == "loopback"})
    found += _link_verdicts(results)
    if len(sizes) >= 1:
        found += _loopback_verdicts(results, sizes[-1])
    if len(sizes) >= 2:
        found += _linear_verdict(results, sizes[-2], sizes[-1])
    found += _limits_verdicts(results)
    if results.second_run is not None:
        changed = results.second_run_changed
        found.append(Verdict("second run, unchanged counts: writes zero files", changed == 0,
                             f"{changed} files written"))  # fmt: skip
    found.append(Verdict("`badgegen --help` under 0.25 s", help_wall < 0.25, f"{help_wall:.3f} s"))
    return found


def _link_verdicts(results: ServerResults) -> list[Verdict]:
    sizes = sorted({cell.rooms for cell in results.cells if cell.condition == "link"})
    if not sizes:
        return []
    size = sizes[-1]
    ours, naive = results.cell("link", "badgegen", size), results.cell("link", "naive", size)
    speedup = naive.median("wall") / ours.median("wall")
    round_trip = 2 * LINK_DELAY
    per_query = ours.median("server_cpu") / size
    bound = max(size * per_query, round_trip) + max(results.setup_wall - round_trip, 0)
    return [
        Verdict(f"link, {size} rooms: >= 10x faster than one at a time", speedup >= 10,
                f"{speedup:.1f}x ({naive.median('wall'):.2f} s / {ours.median('wall'):.2f} s)"),
        Verdict(f"link, {size} rooms: within 1.5x of max(N x server CPU/query, RTT) + set-up",
                ours.median("wall") <= 1.5 * bound,
                f"{ours.median('wall'):.2f} s vs bound {bound:.2f} s "
                f"({per_query * 1000:.2f} ms/query, set-up {results.setup_wall:.2f} s): "
                f"{ours.median('wall') / bound:.2f}x"),
    ]  # fmt: skip


def _loopback_verdicts(results: ServerResults, size: int) -> list[Verdict]:
    ours, join = results.cell("loopback", "badgegen", size), results.cell("loopback", "join", size)
    wall, server = ours.median("wall"), ours.median("server_cpu")
    speedup = join.median("wall") / wall
    return [
        Verdict(f"loopback, {size} rooms: wall within 1.3x of the server's CPU",
                wall <= 1.3 * server,
                f"{wall:.2f} s wall / {server:.2f} s server CPU = {wall / server:.2f}x"),
        Verdict(f"loopback, {size} rooms: >= 3x faster than join-and-count", speedup >= 3,
                f"{speedup:.1f}x ({join.median('wall'):.2f} s / {wall:.2f} s)"),
        Verdict(f"peak memory for {size} rooms under 100 MB", ours.median("peak_mb") < 100,
                f"{ours.median('peak_mb'):.1f} MB"),
    ]  # fmt: skip


def _linear_verdict(results: ServerResults, smaller: int, larger: int) -> list[Verdict]:
    small = results.cell("loopback", "badgegen", smaller)
    large = results.cell("loopback", "badgegen", larger)
    ratio = large.median("wall") / small.median("wall")
    allowed = 1.1 * larger / smaller
    return [
        Verdict(f"linear: {larger} rooms cost at most {allowed:.1f}x {smaller} rooms",
                ratio <= allowed, f"{ratio:.2f}x"),
    ]  # fmt: skip


def _limits_verdicts(results: ServerResults) -> list[Verdict]:
    sizes = sorted({cell.rooms for cell in results.cells if cell.condition == "limits"})
    if not sizes:
        return []
    ours = results.cell("limits", "badgegen", sizes[-1])
    budget = RATE_LIMITS[results.kind] / results.bytes_per_room
    rate = ours.rooms / ours.median("wall")
    return [
        Verdict(f"rate limits, {ours.rooms} rooms: >= 90% of the byte budget", rate >= 0.9 * budget,
                f"{rate:.1f} rooms/s of {budget:.1f} = {RATE_LIMITS[results.kind]} B/s / "
                f"{results.bytes_per_room:.0f} B per room ({rate / budget:.0%})"),
        Verdict("rate limits: every room counted, none timed out", ours.correct,
                "all right" if ours.correct else "some counts missing or wrong"),
    ]  # fmt: skip


# --- output --------------------------------------------------------------------

HEADER = (
    f"{'server':9}{'condition':10}{'rooms':>6} {'method':9}{'wall s':>8}{'rooms/s':>9}"
    f"{'client CPU':>11}{'server CPU':>11}{'peak MB':>8}  {'right':6}{'busiest':>18}"
)


def print_cell(cell: Cell) -> None:
    wall = cell.median("wall")
    print(
        f"{cell.server:9}{cell.condition:10}{cell.rooms:>6} {cell.method:9}{wall:>8.2f}"
        f"{cell.rooms / wall:>9.0f}{cell.median('client_cpu'):>11.2f}"
        f"{cell.median('server_cpu'):>11.2f}{cell.median('peak_mb'):>8.1f}  "
        f"{'yes' if cell.correct else 'NO':6}{bound_note(cell):>18}",
        flush=True,
    )


def bound_note(cell: Cell) -> str:
    """What the time went to: the busier of client and server, as a share of the wall time."""
    wall = cell.median("wall")
    shares = {
        "client": cell.median("client_cpu") / wall,
        "server": cell.median("server_cpu") / wall,
    }
    busiest = max(shares, key=lambda name: shares[name])
    return f"{busiest} CPU {shares[busiest]:.0%}"


def print_ratios(results: ServerResults) -> None:
    for cell in results.cells:
        if cell.method == "badgegen":
            for baseline in ("naive", "join"):
                other = results.find(cell.condition, baseline, cell.rooms)
                if other:
                    ratio = other.median("wall") / cell.median("wall")
                    print(f"  {cell.server} {cell.condition} {cell.rooms}: "
                          f"{baseline} / badgegen = {ratio:.1f}x")  # fmt: skip


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


def report_federated(sizes: Sequence[int], repeats: int, everything: dict[str, object]) -> int:
    """Measure and print the federated condition; return how many targets fall short."""
    from federated import DEAD_DOMAINS, DOMAINS, TIMEOUT, measure_federated  # beside this file

    failures, figures = 0, []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="badgegen-federated-") as folder:
            result = measure_federated(size, repeats, Path(folder))
        figures.append(result.summary())
        outcome = "holds" if result.holds else "falls short"
        print(
            f"federated: {size} rooms over {DOMAINS} domains ({len(DEAD_DOMAINS)} dead):"
            f" {result.with_dead:.2f} s; live domains only {result.live_only:.2f} s;"
            f" ratio {result.with_dead / (result.live_only + TIMEOUT):.2f} of (live + one"
            f" {TIMEOUT:g} s timeout); counts {'right' if result.correct else 'WRONG'}",
            flush=True,
        )
        print(f"  [{outcome}] federated: within 1.5x of (live only + one --timeout)")
        failures += not result.holds
    everything["federated"] = figures
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 50 and 250, one run each")
    parser.add_argument("--sizes", help="room counts for every condition, e.g. 100,1000")
    parser.add_argument("--repeats", type=int, help="runs per measurement (default 3)")
    parser.add_argument("--servers", default="prosody,ejabberd")
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after each condition, profile one more badgegen run at its largest N",
    )
    args = parser.parse_args(argv)
    # Stopped with SIGTERM, still stop the servers (the `with` blocks' exits run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes: dict[str, Sequence[int]] = dict(QUICK_SIZES if args.quick else SIZES)
    if args.sizes:
        given = tuple(int(size) for size in args.sizes.split(","))
        sizes = dict.fromkeys(CONDITIONS, given)
    repeats = args.repeats or (3 if not args.quick else 1)
    conditions = args.conditions.split(",")

    print(f"machine: {machine()}")
    help_wall, python_wall = help_seconds()
    print(f"`badgegen --help`: {help_wall:.3f} s (bare interpreter start: {python_wall:.3f} s)")
    print(f"medians of {repeats} runs; link = {LINK_DELAY * 1000:.0f} ms each way")
    print(HEADER, flush=True)
    everything: dict[str, object] = {"machine": machine(), "help_s": help_wall,
                                     "python_start_s": python_wall, "servers": {}}  # fmt: skip
    failures = 0
    if "federated" in conditions:
        failures += report_federated(sizes["federated"], repeats, everything)
        conditions = [condition for condition in conditions if condition != "federated"]
    for kind in args.servers.split(",") if conditions else ():
        results = bench_server(kind, sizes, repeats, conditions, args.profile)
        print_ratios(results)
        print(f"{kind}: badgegen sends {results.bytes_per_room:.0f} bytes per room")
        found = verdicts(results, help_wall)
        for verdict in found:
            outcome = "holds" if verdict.holds else "falls short"
            print(f"  [{outcome}] {verdict.name}: {verdict.detail}")
        failures += sum(not verdict.holds for verdict in found)
        everything["servers"][kind] = {  # type: ignore[index]
            "cells": [cell.summary() for cell in results.cells],
            "bytes_per_room": results.bytes_per_room,
            "setup_wall_link_s": results.setup_wall,
            "second_run_changed_files": results.second_run_changed,
            "targets": [asdict(verdict) for verdict in found],
            "profiles": results.profiles,
        }
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2) + "\n")
    print(f"{failures} targets fall short" if failures else "every target holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
