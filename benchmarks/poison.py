"""What a poisoned record costs a refresh of 10,000 rooms, against a normal one.

    benchmarks/run poison

Each case puts one poisoned file in the output directory (as large as the
read limit allows where size is the point) and times `badgegen refresh` as a
process, counting with a fake counter (the network is not what is measured):
wall time and peak memory, medians of 3, against the same refresh with a
good record. Target: a poison costs at most 2x the time and 2x the memory of
the normal run (before: 1,575 MB and 30.6 s for a history.json of `[]`,
2,187 MB and 64 s for a badges.json of it, 62 s for tier ends as old as
allowed, against 243 MB and 21 s).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from badgegen.record.badges_json import record_limit
from badgegen.record.history_json import history_limit
from benchmarks.measure import HERE, Run, run_measured

ROOMS = 10_000
REPEATS = 3
# A refresh of ROOMS rooms counted by a fake counter, as its own process.
SCRIPT = """
import sys
from badgegen.cli import main
from badgegen.commands.runtime import Runtime
from badgegen.core.counting import Counted
from badgegen.core.counts import Count

def counter(login, request):
    return Counted(tuple(Count(room.jid, index % 7) for index, room in enumerate(request.rooms)))

main(["refresh", "--config", sys.argv[1], "--out", sys.argv[2], "-q"], obj=Runtime(counter))
"""
TIERS = '"tiers": {"15m": {"end": 0, "step": 900}, "1d": {"end": 0, "step": 86400}, '
TIERS += '"1h": {"end": 0, "step": 3600}}'


def empty_lists(limit: int, extra: str = "") -> str:
    head = '{"version": 1, ' + extra + '"rooms": {"junk@x.example": ['
    return head + "[]," * ((limit - len(head) - 10) // 3) + "[]]}}"


def tiny_entries(limit: int) -> str:
    """As many valid, tiny entries of rooms rooms.yaml does not name as the read limit allows."""
    entries, size, index = [], 40, 0
    while size < limit - 64:
        entry = f'"{index}@x":{{"status":"unknown"}}'
        entries.append(entry)
        size += len(entry) + 1
        index += 1
    return '{"version": 1, "rooms": {' + ",".join(entries) + "}}"


def _tiers_only() -> str:
    return '{"version": 1, ' + TIERS + ', "rooms": {}}'


def _huge_number() -> str:
    room = '"a@b.example": {"15m": [' + "9" * 4301 + "]}"
    return '{"version": 1, ' + TIERS + ', "rooms": {' + room + "}}"


CASES: dict[str, tuple[str, Callable[[], str]]] = {
    "badges.json of [], the read limit": ("badges.json", lambda: empty_lists(record_limit(ROOMS))),
    "badges.json of millions of tiny entries, the read limit": (
        "badges.json",
        lambda: tiny_entries(record_limit(ROOMS)),
    ),
    "history.json of [], the read limit": (
        "history.json",
        lambda: empty_lists(history_limit(ROOMS), TIERS + ", "),
    ),
    "history.json ending in 1970": ("history.json", _tiers_only),
    "history.json, a 4,301-digit number": ("history.json", _huge_number),
    "badges.json nested 1,000,000 deep": ("badges.json", lambda: "[" * 1_000_000),
}


def measure(folder: Path, poison: tuple[str, str] | None) -> Run:
    """The median run of refresh into an output directory holding poison (name, text)."""
    runs = []
    for repeat in range(REPEATS):
        out = folder / f"out-{repeat}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        if poison:
            (out / poison[0]).write_text(poison[1])
        command = [sys.executable, "-c", SCRIPT, str(folder / "rooms.yaml"), str(out)]
        env = {"BADGEGEN_PASSWORD": "pw", "BADGEGEN_JID": "bot@example.org", "PATH": "/usr/bin"}
        run, _ = run_measured(command, {**env, "PYTHONPATH": str(HERE.parent)}, 1, folder)
        runs.append(run)
    return Run(
        statistics.median(run.wall for run in runs), 0.0, 0.0,
        statistics.median(run.peak_mb for run in runs), correct=True,
    )  # fmt: skip


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="badgegen-poison-") as name:
        folder = Path(name)
        rooms = "".join(f"  - room{index}@conference.example.org\n" for index in range(ROOMS))
        (folder / "rooms.yaml").write_text("rooms:\n" + rooms)
        normal = measure(folder, None)
        print(f"normal refresh of {ROOMS} rooms: {normal.wall:.2f} s, {normal.peak_mb:.0f} MB")
        failures, figures = 0, {"normal": [normal.wall, normal.peak_mb]}
        for case, (file_name, make) in CASES.items():
            text = make()
            run = measure(folder, (file_name, text))
            ratio_wall, ratio_mb = run.wall / normal.wall, run.peak_mb / normal.peak_mb
            holds = ratio_wall <= 2 and ratio_mb <= 2
            failures += not holds
            figures[case] = [run.wall, run.peak_mb]
            outcome = "holds" if holds else "falls short"
            size = f"{len(text) / 1e6:.1f} MB"
            print(f"  [{outcome}] {case} ({size}): {run.wall:.2f} s ({ratio_wall:.2f}x),"
                  f" {run.peak_mb:.0f} MB ({ratio_mb:.2f}x)")  # fmt: skip
    print(json.dumps(figures))
    print(f"{failures} targets fall short" if failures else "every target holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
