"""Months of scheduled runs in minutes: badgegen against a real Prosody, faults drawn at random.

    scripts/soak                  # 1,000 runs over more than a simulated year
    scripts/soak --runs 120       # the short form CI runs
    scripts/soak --seed 7 --json soak.json

Each run is `badgegen refresh` as a GitHub Actions workflow runs it: a fresh
output directory, `--previous` from the published site (served here over
HTTPS), and the site replaced by the output only when refresh exits 0 or 3.
Its clock is set per process by libfaketime (`faketime -f @TIME`), moving on
by a cadence drawn from five minutes to a week, sometimes stepped back or
ahead; between runs the rooms gain and lose real occupants and rooms.yaml
gains and loses rooms. Faults are drawn at random: the server down or slow,
the run's deadline short, the run killed at a random moment, the previous
record unreachable, 5xx, poisoned (one entry or the whole history) or
served stale, the disk full. After every run the site is checked against
the model (tests/soak/model.py): every badge shows the true count at
its time or says stale or unknown, no published count is missing from its
buckets, the record and page are valid, nothing is left behind.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.soak.model import Model, check_site
from tests.soak.world import (
    Occupants,
    Outcome,
    Site,
    closed_port,
    libfaketime,
    prosody,
    run_refresh,
    serving,
)

ROOMS = 6
CADENCES = [  # (weight, shortest, longest) in seconds between runs
    (30, 5 * 60, 60 * 60), (30, 3600, 12 * 3600), (25, 86400, 2 * 86400),
    (15, 3 * 86400, 7 * 86400),
]  # fmt: skip
FAULTS = {  # fault -> weight; "none" most of the time
    "none": 40, "server-down": 5, "server-slow": 5, "short-deadline": 5, "killed": 8,
    "previous-unreachable": 5, "previous-5xx": 5, "poisoned-entry": 5, "poisoned-history": 2,
    "stale-copy": 5, "disk-full": 5, "clock-back": 5, "clock-ahead": 5,
}  # fmt: skip
# A fault that must keep the site as it was: refresh may not exit 0 or 3.
BLOCKING = {"server-down", "previous-unreachable", "previous-5xx", "disk-full"}


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        libfaketime()
    except RuntimeError as exc:
        print(f"Error: the soak needs Debian's faketime: {exc}")
        return 2
    wall = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="badgegen-soak-") as folder:
        # A seeded generator on purpose: a soak that found something can be replayed.
        tally = soak(Path(folder), args.runs, random.Random(args.seed))  # noqa: S311
    report(tally, time.monotonic() - wall, args.json)
    return 1 if tally.violations else 0


def soak(root: Path, runs: int, rng: random.Random) -> Tally:
    """Set up the world, then run and check, runs times."""
    site = Site(root / "site")
    site.root.mkdir()
    with prosody(root / "prosody") as server, serving(site, root) as (url, site_ca):
        rooms = [f"room{index}@{server.muc_domain}" for index in range(ROOMS)]
        account = server.register("counter", "soak-counter-password")
        env = {**os.environ, "BADGEGEN_JID": account, "BADGEGEN_PASSWORD": "soak-counter-password",
               "SSL_CERT_FILE": str(site_ca)}  # fmt: skip
        with Occupants(server, rooms) as occupants:
            world = World(root, server.port, server.ca_file, url, site, occupants, rooms, env)
            return world.run_all(runs, rng)


@dataclass
class World:
    """Everything a run touches, and the model of what it should leave."""

    root: Path
    port: int
    ca_file: Path
    url: str
    site: Site
    occupants: Occupants
    rooms: list[str]
    env: dict[str, str]
    model: Model = field(default_factory=Model)
    truth: dict[str, int] = field(default_factory=dict)
    offset: timedelta = timedelta(0)

    def run_all(self, runs: int, rng: random.Random) -> Tally:
        tally = Tally()
        now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        tally.started = now
        for number in range(runs):
            now += timedelta(seconds=_cadence(rng))
            fault = rng.choices(list(FAULTS), weights=list(FAULTS.values()))[0]
            self.one_run(number, now, fault, rng, tally)
        tally.ended = now
        return tally

    def one_run(
        self, number: int, now: datetime, fault: str, rng: random.Random, tally: Tally
    ) -> None:
        self.truth = {room: rng.randint(0, 4) for room in self.rooms}
        self.occupants.set_counts(self.truth)
        listed = sorted(rng.sample(self.rooms, rng.randint(2, len(self.rooms))))
        clock = self._clock(now, fault, rng)
        out = self.root / f"out-{number}"
        outcome = self._refresh(listed, out, clock, fault, rng)
        tally.runs += 1
        tally.faults[fault] += 1
        tally.statuses[outcome.status] += 1
        if fault in BLOCKING and outcome.status in (0, 3):
            tally.violations.append(f"run {number} ({fault}): exit {outcome.status} published")
        if outcome.status == 1 or "Traceback" in outcome.stderr:
            tally.violations.append(f"run {number} ({fault}): a bug: {outcome.stderr[-1500:]}")
        if outcome.status in (0, 3):
            self._publish(out, listed, clock, fault)
            tally.deployed += 1
            found = check_site(self.site.root, self.model, listed, self.truth, clock)
            tally.violations += [f"run {number} ({fault}, {clock:%Y-%m-%d %H:%M}): {problem}"
                                 for problem in found]  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)

    def _clock(self, now: datetime, fault: str, rng: random.Random) -> datetime:
        """The run's clock: the true time, off by a step that lasts a few runs when drawn."""
        if fault == "clock-back":
            self.offset = -timedelta(seconds=rng.choice([20, 70, 900, 3600, 86400, 3 * 86400]))
        elif fault == "clock-ahead":
            self.offset = timedelta(seconds=rng.choice([20, 70, 900, 3600, 86400]))
        elif rng.random() < 0.3:
            self.offset = timedelta(0)
        return now + self.offset

    def _refresh(
        self, listed: list[str], out: Path, clock: datetime, fault: str, rng: random.Random
    ) -> Outcome:
        config = self.root / "rooms.yaml"
        config.write_text("rooms:\n" + "".join(f"  - {room}\n" for room in listed))
        previous = f"{self.url}/badges.json"
        server = f"127.0.0.1:{self.port}"
        args = ["--ca-file", str(self.ca_file), "--timeout", "3", "--deadline", "20", "-q"]
        kill_after = None
        if fault == "server-down":
            server = f"127.0.0.1:{closed_port()}"
        elif fault == "server-slow":
            args += ["--timeout", "0.001"]  # every room's reply is "late": timed out
        elif fault == "short-deadline":
            args += ["--deadline", "0.6"]
        elif fault == "killed":
            kill_after = rng.uniform(0.05, 1.5)
        elif fault == "previous-unreachable":
            previous = f"https://127.0.0.1:{closed_port()}/badges.json"
        self._serve_faults(fault, rng)
        args += ["--server", server, "--previous", previous]
        try:
            return run_refresh(config, out, clock, self.env, args, kill_after, fault == "disk-full")
        finally:
            self.site.fail, self.site.poison, self.site.stale = False, {}, {}

    def _serve_faults(self, fault: str, rng: random.Random) -> None:
        site = self.site.root
        if fault == "previous-5xx":
            self.site.fail = True
        elif fault == "poisoned-entry" and (site / "badges.json").exists():
            victim = rng.choice(self.rooms)
            for name in ("badges.json", "history.json"):
                text = (site / name).read_text()
                self.site.poison[name] = text.replace(
                    f'"{victim}":', f'"{victim}": [[[[]]]], "x":', 1
                ).encode()
            self.model.forget([victim])
            self.model.published.pop(victim, None)
        elif fault == "poisoned-history" and (site / "history.json").exists():
            self.site.poison["history.json"] = b"[" * 100_000
            self.model.forget()
        elif fault == "stale-copy" and self.site.root.with_name("older").exists():
            older = self.site.root.with_name("older")
            names = [name for name in ("badges.json", "history.json") if (older / name).exists()]
            self.site.stale = {name: (older / name).read_bytes() for name in names}

    def _publish(self, out: Path, listed: list[str], clock: datetime, fault: str) -> None:
        """Deploy out as the site, keep the last site as an older copy, and tell the model."""
        older = self.site.root.with_name("older")
        shutil.rmtree(older, ignore_errors=True)
        if any(self.site.root.iterdir()):
            shutil.copytree(self.site.root, older)
        self.site.deploy(out)
        record = json.loads((self.site.root / "badges.json").read_text())
        counted = {jid: entry["occupants"] for jid, entry in record["rooms"].items()
                   if entry["status"] == "counted"}  # fmt: skip
        self.model.publish(clock, counted, listed)


def _cadence(rng: random.Random) -> int:
    weights = [weight for weight, _, _ in CADENCES]
    _, shortest, longest = rng.choices(CADENCES, weights=weights)[0]
    return rng.randint(shortest, longest)


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
