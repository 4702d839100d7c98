"""Months of scheduled runs in minutes: badgegen against a real Prosody, faults drawn at random.

    scripts/soak                          # 1,000 runs over more than a simulated year
    scripts/soak --runs 120               # the short form CI runs
    scripts/soak --seed 7 --json soak.json
    scripts/soak --badgegen "env PYTHONPATH=/tmp/other python3 -m badgegen"

Each run is `badgegen refresh` as a GitHub Actions workflow runs it: a fresh
output directory, `--previous` from the published site (served here over
HTTPS), and the site replaced by the output only when refresh exits 0 or 3.
Its clock is set per process by libfaketime, moving on by a cadence drawn
from five minutes to a week, sometimes stepped back (a minute to days) or
ahead (a minute to three months) for a few runs. Between runs the world
changes: rooms gain and lose real occupants, rooms.yaml gains and loses
rooms, discoverable rooms become public or hidden, `limit:` moves. Faults
are drawn at random: the server down or slow, the deadline short, the run
killed at a random moment, the record unreachable, 5xx, poisoned, served
stale, one of its two files missing (404), two runs from one record, the
disk full, a room destroyed (its last count stands in, stale, for the hour).
After every run the model (tests/soak/model.py) checks it against the
world's own truth; any violation makes the soak exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.soak.model import QUARTER, Model, Run
from tests.soak.world import (
    Outcome,
    Rooms,
    Site,
    closed_port,
    libfaketime,
    prosody,
    run_refresh,
    serving,
)

LISTED, DISCOVERABLE = 5, 6
TRENDS = {0: "day", 1: "week"}  # rooms (by number) with a trend badge
CADENCES = [  # (weight, shortest, longest) in seconds between runs
    (30, 5 * 60, 60 * 60), (30, 3600, 12 * 3600), (25, 86400, 2 * 86400),
    (15, 3 * 86400, 7 * 86400),
]  # fmt: skip
FAULTS = {  # fault -> weight; "none" most of the time
    "none": 34, "server-down": 4, "server-slow": 4, "short-deadline": 4, "killed": 6,
    "previous-unreachable": 4, "previous-5xx": 4, "poisoned-entry": 4, "poisoned-history": 2,
    "stale-copy": 4, "badges-404": 4, "history-404": 3, "two-runs": 6, "disk-full": 4,
    "clock-back": 4, "clock-ahead": 5, "limit-change": 4, "rooms-change": 4, "room-gone": 5,
}  # fmt: skip
# The simulated calendar starts on a fixed day, whatever the real one: a seed replays the
# same runs on every day and machine (the certificates cover 2000 to years from now).
START = datetime(2027, 1, 4, tzinfo=UTC)
STEPS_BACK = [20, 70, 900, 3600, 86400, 3 * 86400]
STEPS_AHEAD = [20, 70, 900, 3600, 86400, 10 * 86400, 40 * 86400, 90 * 86400]


@dataclass
class Tally:
    """What the soak did and found."""

    runs: int = 0
    deployed: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    started: datetime | None = None
    ended: datetime | None = None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--badgegen", default=f"{sys.executable} -m badgegen",
                        help="the command run as badgegen (default: this checkout's)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--trace", action="store_true", help="print a line per run (replays)")
    args = parser.parse_args(argv)
    try:
        libfaketime()
    except RuntimeError as exc:
        print(f"Error: the soak needs Debian's faketime: {exc}")
        return 2
    wall = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="badgegen-soak-") as folder:
        # A seeded generator on purpose: a soak that found something can be replayed.
        rng = random.Random(args.seed)  # noqa: S311
        tally = soak(Path(folder), args.runs, rng, shlex.split(args.badgegen), trace=args.trace)
    report(tally, time.monotonic() - wall, args.json)
    return 1 if tally.violations else 0


def soak(
    root: Path, runs: int, rng: random.Random, badgegen: list[str], *, trace: bool = False
) -> Tally:
    """Set up the world, then run and check, runs times."""
    site = Site(root / "site")
    site.root.mkdir()
    with prosody(root / "prosody") as server, serving(site, root) as (url, site_ca):
        listed = [f"room{index}@{server.muc_domain}" for index in range(LISTED)]
        found = [f"disc{index}@{server.muc_domain}" for index in range(DISCOVERABLE)]
        account = server.register("counter", "soak-counter-password")
        env = {**os.environ, "BADGEGEN_JID": account, "BADGEGEN_PASSWORD": "soak-counter-password",
               "SSL_CERT_FILE": str(site_ca)}  # fmt: skip
        public = {jid: index < DISCOVERABLE // 2 for index, jid in enumerate(found)}
        with Rooms(server, listed + found, public) as rooms:
            world = World(root, server.port, server.ca_file, url, site, rooms, env, badgegen)
            world.listed, world.muc, world.trace = listed, server.muc_domain, trace
            return world.run_all(runs, rng)


@dataclass
class World:
    """Everything a run touches, and the model of what it must leave."""

    root: Path
    port: int
    ca_file: Path
    url: str
    site: Site
    rooms: Rooms
    env: dict[str, str]
    badgegen: list[str]
    model: Model = field(default_factory=Model)
    offset: timedelta = timedelta(0)
    listed: list[str] = field(default_factory=list)
    in_config: list[str] = field(default_factory=list)
    muc: str = ""
    limit: int = DISCOVERABLE
    last_published: datetime | None = None  # the true time of the last run published
    trace: bool = False

    def run_all(self, runs: int, rng: random.Random) -> Tally:
        tally = Tally()
        now = START
        tally.started = now
        self.in_config = list(self.listed)
        for number in range(runs):
            fault = rng.choices(list(FAULTS), weights=list(FAULTS.values()))[0]
            # A room gone soon after a count: the last one stands in, stale, for the hour.
            step = rng.randint(5 * 60, 30 * 60) if fault == "room-gone" else _cadence(rng)
            now = _off_the_quarter(now + timedelta(seconds=step))
            if fault == "two-runs" and self.last_published is not None:
                now = self._two_runs(number, rng, tally)
            else:
                self.one_run(number, now, fault, rng, tally)
        tally.ended = now
        return tally

    def one_run(
        self, number: int, now: datetime, fault: str, rng: random.Random, tally: Tally,
        stale: dict[str, bytes] | None = None,
    ) -> None:  # fmt: skip
        self._change_the_world(fault, rng)
        run = replace(self._plan(number, now, fault, rng), from_older=stale is not None)
        if run.gone:
            self.rooms.destroy(run.gone)
        self.rooms.set_counts(run.truth)
        self.model.before(run)
        out = self.root / f"out-{number}"
        try:
            outcome = self._refresh(run, out, rng, stale)
        finally:
            if run.gone:
                self.rooms.recreate(run.gone)
        tally.runs += 1
        tally.faults[fault] += 1
        tally.statuses[outcome.status] += 1
        found = self.model.expect_ran(run, outcome.status, outcome.stderr)
        if outcome.status in (0, 3):
            self._publish(out)
            tally.deployed += 1
            found += self.model.published_run(run, self.site.root)
            self.last_published = now
        tally.violations += [f"{run.label}: {problem}" for problem in found]
        if self.trace:
            print(self.model.trace(run, outcome.status), file=sys.stderr)
        shutil.rmtree(out, ignore_errors=True)

    def _two_runs(self, number: int, rng: random.Random, tally: Tally) -> datetime:
        """Two runs from one record, the clock right: the first publishes in the last run's
        quarter hour; the second, a quarter hour later, is served the record the first
        started from, then (fetched again before writing) the first's. Returns the time."""
        assert self.last_published is not None
        names = [
            name for name in ("badges.json", "history.json") if (self.site.root / name).exists()
        ]
        record = {name: (self.site.root / name).read_bytes() for name in names}
        self.offset = timedelta(0)
        first = self.last_published + timedelta(seconds=30)
        self.one_run(number, first, "two-runs", rng, tally)
        second = first + timedelta(seconds=QUARTER)
        self.one_run(number, second, "two-runs", rng, tally, record)
        return second

    def _change_the_world(self, fault: str, rng: random.Random) -> None:
        """Rooms come and go from rooms.yaml and from the public list; limit: moves."""
        if fault == "rooms-change":
            self.in_config = sorted(rng.sample(self.listed, rng.randint(2, len(self.listed))))
        elif fault == "limit-change":
            self.limit = rng.choice([1, 2, 3, DISCOVERABLE])
        if rng.random() < 0.25:
            room = rng.choice(list(self.rooms.public))
            self.rooms.set_public(room, not self.rooms.public[room])

    def _plan(self, number: int, now: datetime, fault: str, rng: random.Random) -> Run:
        if fault == "clock-back":
            self.offset = -timedelta(seconds=rng.choice(STEPS_BACK))
        elif fault == "clock-ahead":
            self.offset = timedelta(seconds=rng.choice(STEPS_AHEAD))
        elif rng.random() < 0.4:
            self.offset = timedelta(0)
        gone = rng.choice(self.in_config) if fault == "room-gone" else None
        truth = {room: rng.randint(0, 4) for room in self.rooms.rooms if room != gone}
        public = frozenset(jid for jid, shown in self.rooms.public.items() if shown)
        trends = {self.listed[index]: kind for index, kind in TRENDS.items()}
        return Run(number, fault, now + self.offset, self.offset, truth, tuple(self.in_config),
                   public, self.limit, trends, gone=gone)  # fmt: skip

    def _rooms_yaml(self, run: Run) -> str:
        lines = ["rooms:"]
        for jid in run.listed:
            lines.append(f"  - jid: {jid}")
            if jid in run.trends:
                lines.append(f"    trend: {run.trends[jid]}")
        lines += ["discover:", f"  - service: {self.muc}", '    include: ["disc*@*"]',
                  f"    limit: {run.limit}"]  # fmt: skip
        return "\n".join(lines) + "\n"

    def _refresh(
        self, run: Run, out: Path, rng: random.Random, stale: dict[str, bytes] | None
    ) -> Outcome:
        config = self.root / "rooms.yaml"
        config.write_text(self._rooms_yaml(run))
        previous = f"{self.url}/badges.json"
        server = f"127.0.0.1:{self.port}"
        args = ["--ca-file", str(self.ca_file), "--timeout", "3", "--deadline", "30", "-q"]
        kill_after = None
        if run.fault == "server-down":
            server = f"127.0.0.1:{closed_port()}"
        elif run.fault == "server-slow":
            args += ["--timeout", "0.001"]  # every room's reply is "late": timed out
        elif run.fault == "short-deadline":
            args += ["--deadline", "0.6"]
        elif run.fault == "killed":
            kill_after = rng.uniform(0.05, 1.5)
        elif run.fault == "previous-unreachable":
            previous = f"https://127.0.0.1:{closed_port()}/badges.json"
        self._serve_faults(run, rng, stale)
        args += ["--server", server, "--previous", previous]
        try:
            return run_refresh(self.badgegen, config, out, run.clock, self.env, args, kill_after,
                               run.fault == "disk-full")  # fmt: skip
        finally:
            self.site.fail, self.site.poison, self.site.stale = False, {}, {}
            self.site.missing = set()

    def _serve_faults(self, run: Run, rng: random.Random, stale: dict[str, bytes] | None) -> None:
        site, fault = self.site.root, run.fault
        if stale is not None:
            self.site.stale = dict(stale)
        if fault == "previous-5xx":
            self.site.fail = True
        elif fault == "poisoned-entry" and (site / "badges.json").exists():
            victim = rng.choice(self.in_config)
            for name in ("badges.json", "history.json"):
                text = (site / name).read_text()
                self.site.poison[name] = text.replace(
                    f'"{victim}":', f'"{victim}": [[[[]]]], "x":', 1
                ).encode()
            self.model.forget_history([victim])
        elif fault == "poisoned-history" and (site / "history.json").exists():
            self.site.poison["history.json"] = b"[" * 100_000
            self.model.forget_history()
        elif fault == "stale-copy" and site.with_name("older").exists():
            older = site.with_name("older")
            names = [name for name in ("badges.json", "history.json") if (older / name).exists()]
            self.site.stale = {name: (older / name).read_bytes() for name in names}
        elif fault == "badges-404":
            self.site.missing = {"badges.json"}
            history = (
                json.loads((site / "history.json").read_text())
                if (site / "history.json").exists()
                else {}
            )
            self.model.record_lost(set(history.get("rooms", {})) & set(self.rooms.public))
        elif fault == "history-404":
            self.site.missing = {"history.json"}
            self.model.forget_history()

    def _publish(self, out: Path) -> None:
        """Deploy out as the site, keeping the last site as an older copy."""
        older = self.site.root.with_name("older")
        shutil.rmtree(older, ignore_errors=True)
        if any(self.site.root.iterdir()):
            shutil.copytree(self.site.root, older)
        self.site.deploy(out)


def _cadence(rng: random.Random) -> int:
    weights = [weight for weight, _, _ in CADENCES]
    _, shortest, longest = rng.choices(CADENCES, weights=weights)[0]
    return rng.randint(shortest, longest)


def _off_the_quarter(moment: datetime) -> datetime:
    """moment, moved off the first and last minute of its quarter hour (a run's own clock
    moves on while it runs: its counts must fall in the quarter hour the model expects)."""
    into = int(moment.timestamp()) % QUARTER
    return moment + timedelta(seconds=120) if into < 60 or into > QUARTER - 60 else moment


def report(tally: Tally, seconds: float, json_file: Path | None) -> None:
    span = (tally.ended - tally.started) if tally.started and tally.ended else timedelta(0)
    print(f"soak: {tally.runs} runs over {span.days} simulated days, {tally.deployed} published,"
          f" in {seconds:.0f} s")  # fmt: skip
    print("runs by fault: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.faults.items())))
    print("exit statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items())))
    print(f"violations: {len(tally.violations)}")
    for violation in tally.violations[:20]:
        print(f"  {violation}")
    if json_file:
        figures = {"runs": tally.runs, "published": tally.deployed, "days": span.days,
                   "faults": dict(tally.faults), "statuses": dict(tally.statuses),
                   "violations": tally.violations}  # fmt: skip
        json_file.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
