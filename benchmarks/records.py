"""What a record turned against the run can still do: #30's cases, measured as it measured them.

    benchmarks/run records

Server-free: each `badgegen refresh` is its own process, counting with a fake
counter (every room of rooms.yaml has 3 occupants), its clock set by
libfaketime (Debian's faketime package), so that what is measured is what
badgegen makes of the record and the clock:

- a published badges.json of 1,500 entries for rooms of `evil.example`
  (rooms.yaml: 5 rooms, no `discover:`): the rooms and files it makes;
- one run with the clock 10 days ahead, then 24 hourly runs with the right
  clock: the values left in the 15-minute and hourly tiers;
- one run 31 days ahead, then 24 hourly runs: their exit statuses, and
  whether each published.

(The cost of a badges.json of millions of tiny entries is a case of
`benchmarks/run poison`.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.measure import HERE

ROOMS = 5
FOREIGN = 1_500
SCRIPT = """
import sys
from badgegen.cli import main
from badgegen.commands.runtime import Runtime
from badgegen.core.counting import Counted
from badgegen.core.counts import Count

def counter(login, request):
    return Counted(tuple(Count(room.jid, 3) for room in request.rooms))

main(["refresh", "--config", sys.argv[1], "--out", sys.argv[2], "-q"], obj=Runtime(counter))
"""


def libfaketime() -> str:
    """Debian's libfaketime, installed per architecture by the faketime package."""
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        raise SystemExit("libfaketime is not installed (scripts/install-packages faketime)")
    return str(found[0])


def refresh(folder: Path, out: Path, clock: datetime) -> tuple[int, float]:
    """One refresh at clock (UTC): its exit status and wall time."""
    env = {
        "BADGEGEN_JID": "bot@example.org",
        "BADGEGEN_PASSWORD": "pw",
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "PYTHONPATH": str(HERE.parent),
        "TZ": "UTC",
        "LD_PRELOAD": libfaketime(),
        "FAKETIME": "@" + clock.strftime("%Y-%m-%d %H:%M:%S"),
    }
    command = [sys.executable, "-c", SCRIPT, str(folder / "rooms.yaml"), str(out)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=folder, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode == 0:  # the run is dated by the clock it was given, or nothing holds
        checked = json.loads((out / "badges.json").read_text())["checked_at"]
        if checked[:16] != clock.strftime("%Y-%m-%dT%H:%M"):
            raise SystemExit(f"libfaketime did not set the clock: {checked} for {clock}")
    return done.returncode, wall


def rooms_yaml(folder: Path) -> list[str]:
    rooms = [f"room{index}@conference.example.org" for index in range(ROOMS)]
    (folder / "rooms.yaml").write_text("rooms:\n" + "".join(f"  - {jid}\n" for jid in rooms))
    return rooms


def foreign_record(folder: Path, start: datetime) -> dict[str, object]:
    """A badges.json with FOREIGN entries of another service beside rooms.yaml's rooms."""
    out = folder / "foreign"
    refresh(folder, out, start)
    record = json.loads((out / "badges.json").read_text())
    for index in range(FOREIGN):
        jid = f"planted{index}@evil.example"
        record["rooms"][jid] = {
            "status": "unlisted", "service": "evil.example", "occupants": 1,
            "files": [f"{jid}.svg", f"{jid}.json", f"{jid}.chart.svg"],
        }  # fmt: skip
    (out / "badges.json").write_text(json.dumps(record))
    status, wall = refresh(folder, out, start + timedelta(minutes=30))
    after = json.loads((out / "badges.json").read_text())
    evil = sum(1 for path in out.iterdir() if "evil.example" in path.name)
    return {"status": status, "wall_s": round(wall, 2), "rooms_in_record": len(after["rooms"]),
            "files_of_evil_example": evil}  # fmt: skip


def clock_ahead(folder: Path, start: datetime, days: int) -> dict[str, object]:
    """One run days ahead, then 24 hourly runs with the right clock."""
    out = folder / f"ahead-{days}"
    refresh(folder, out, start)
    ahead, _ = refresh(folder, out, start + timedelta(days=days))
    statuses, published = [], 0
    for hour in range(1, 25):
        before = (out / "badges.json").stat().st_mtime_ns
        status, _ = refresh(folder, out, start + timedelta(hours=hour))
        statuses.append(status)
        published += (out / "badges.json").stat().st_mtime_ns != before
    history = json.loads((out / "history.json").read_text())
    values = history["rooms"]["room0@conference.example.org"]
    return {
        "run_ahead_status": ahead,
        "later_statuses": sorted(set(statuses)),
        "later_runs_published": published,
        "values_15m": sum(value is not None for value in values.get("15m", [])),
        "values_1h": sum(value is not None for value in values.get("1h", [])),
    }


def main() -> int:
    # Tomorrow's midnight (UTC): the runs replay alike all day.
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start += timedelta(days=1)
    with tempfile.TemporaryDirectory(prefix="badgegen-records-") as name:
        folder = Path(name)
        rooms_yaml(folder)
        figures = {
            f"badges.json with {FOREIGN:,} entries of evil.example": foreign_record(folder, start),
            "one run 10 days ahead, then 24 hourly": clock_ahead(folder, start, 10),
            "one run 31 days ahead, then 24 hourly": clock_ahead(folder, start, 31),
        }
    for case, figure in figures.items():
        print(f"{case}: {json.dumps(figure)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
