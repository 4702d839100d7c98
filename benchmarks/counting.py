"""Count N rooms with badgegen and with two baselines, on real servers, in three conditions.

    benchmarks/run counting              # Prosody and ejabberd, N = 100, 1,000, 5,000
    benchmarks/run counting --quick      # N = 50 and 250, one run each: a few minutes
    benchmarks/run counting --profile    # also where badgegen's time goes, per condition
    benchmarks/run counting --json results.json --servers prosody --repeats 5
    benchmarks/run counting --conditions fixed --servers prosody   # the fixed cost only

For each server (its own Prosody / ejabberd on 127.0.0.1, rooms populated with
known occupant counts by real clients) and each condition:

- loopback: straight to the server;
- link: through benchmarks/link.py, 25 ms each way (a 50 ms round trip);
- limits: a second server with its default client rate limit on
  (Prosody mod_limits 10 KiB/s, ejabberd's `normal` shaper 3,000 B/s after 20 kB);
- federated (Prosody only, badgegen only): rooms spread over 20 remote domains
  of the federation lab, 2 of them dead, against the same run without the
  dead domains; then the live rooms beside a slow remote domain, against
  alone (benchmarks/federated.py);
- fixed: a 5-room refresh into an empty directory against a bare slixmpp
  script asking the same rooms, whole processes (benchmarks/fixed_cost.py);
- slow-domain: 600 rooms answering after 2.6 s beside 3,000 answering at once:
  when the fast ones are done, against alone (benchmarks/slow_domain.py);
- discovery: a service with 10,000 public rooms found by `discover:` against
  the same rooms listed in rooms.yaml, on Prosody and ejabberd
  (benchmarks/discovery.py);

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
import json
import signal
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from benchmarks.discovery import report_discovery
from benchmarks.fixed_cost import report_fixed_cost
from benchmarks.measure import Cell, machine
from benchmarks.methods import (
    bytes_per_room,
    help_seconds,
    profile_badgegen,
    run_badgegen,
    run_baseline,
    second_run,
)
from benchmarks.rooms import LINK_DELAY, Target, link, populated_server, rooms_files
from benchmarks.slow_domain import report_slow_domain
from benchmarks.verdicts import ServerResults, verdicts

METHODS = ("badgegen", "naive", "join")
CONDITIONS = ("loopback", "link", "limits", "federated", "fixed", "slow-domain", "discovery")
SIZES = {"loopback": (100, 1000, 5000), "link": (100, 1000), "limits": (100, 1000),
         "federated": (1000,), "fixed": (5,), "slow-domain": (3600,),
         "discovery": (10000,)}  # fmt: skip
QUICK_SIZES = {"loopback": (50, 250), "link": (50, 250), "limits": (50, 250),
               "federated": (200,), "fixed": (5,), "slow-domain": (360,),
               "discovery": (1000,)}  # fmt: skip


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


def report_federated(sizes: Sequence[int], repeats: int, everything: dict[str, object]) -> int:
    """Measure and print the federated condition; return how many targets fall short."""
    from benchmarks.federated import DEAD_DOMAINS, DOMAINS, TIMEOUT, measure_federated

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
        print(
            f"federated: beside {result.slow_rooms} rooms of a slow domain the last live room"
            f" is counted at {result.live_beside_slow:.2f} s, {result.live_alone:.2f} s alone"
            f" ({result.slow_ratio:.2f}x)",
            flush=True,
        )
        print(
            f"  [{outcome}] federated: within 1.5x of (live only + one --timeout); the live"
            " rooms within 1.5x of alone beside the slow domain"
        )
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
        "--python",
        default=sys.executable,
        help="the interpreter the fixed condition runs badgegen and the bare script with"
        " (a venv with the built wheel installed is what users run)",
    )
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
    if "fixed" in conditions:
        python = str(Path(args.python).absolute())  # not resolved: a venv's python is a link
        failures += report_fixed_cost(args.servers.split(","), everything, python)
        conditions = [condition for condition in conditions if condition != "fixed"]
    if "slow-domain" in conditions:
        failures += report_slow_domain(args.quick, repeats, everything)
        conditions = [condition for condition in conditions if condition != "slow-domain"]
    if "discovery" in conditions:
        failures += report_discovery(args.servers.split(","), args.quick, repeats, everything)
        conditions = [condition for condition in conditions if condition != "discovery"]
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
