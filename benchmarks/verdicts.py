"""The issues' targets for counting, each judged on the figures it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from benchmarks.measure import Cell, Run
from benchmarks.rooms import LINK_DELAY

# Client rate limits as the servers ship them (bytes/s the client may send).
RATE_LIMITS = {"prosody": 10 * 1024, "ejabberd": 3000}


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
        detail = f"{changed} files written besides badges.json and index.html"
        name = "second run, unchanged counts: rewrites no badge"
        found.append(Verdict(name, changed == 0, detail))
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
