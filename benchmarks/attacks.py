"""A slow `discover:` service and a flood from the counter's own domain, as #30 measured them.

    benchmarks/run attacks

Against a real Prosody on 127.0.0.1 (sandbox/), `badgegen refresh` as its
own process:

- slow listing: rooms.yaml names 300 healthy rooms of the server's MUC
  service (real occupants) and `discover:`s a component whose listing never
  ends, each page answered just inside `--timeout`. With `--timeout 5
  --deadline 15`: how many of the 300 are counted, and the exit status
  (before: 0 of 300, exit 3). With every default: the wall time, against
  the same refresh without the `discover:` entry (before: 39.5 s, 1.2 s),
  and when rooms.yaml's badges were first published (badges.json appears
  in the empty --out).
- own-domain flood: with the server's client rate limit on, another account
  of the counter's own domain (one the limit spares, so that it can send
  fast) sends 3,000 disco#info requests to the counter's full JID as soon as
  it is online; rooms.yaml names 200 healthy rooms. How many are counted,
  how many of the requests were answered, and whether the run said so
  (before: 20 of 200 counted, no warning).

The counter's full JID is read from its own -vv log (the bound resource),
as an attacker who knows it would use it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from slixmpp import ClientXMPP
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from badgegen.demo.occupants import Occupants, SampleRoom
from sandbox import running_server
from sandbox.component import SlowRooms
from sandbox.servers import SandboxServer

PASSWORD = "attacked-password"  # noqa: S105 (a throwaway local server's account)
LISTED_ROOMS = 300
FLOODED_ROOMS = 200
FLOOD = 3_000
BOUND = re.compile(r"<jid>([^<]+)</jid>")


def rooms_yaml(folder: Path, rooms: list[str], service: str | None) -> Path:
    """A rooms.yaml naming rooms, discovering service when given."""
    text = f"discover:\n  - service: {service}\n" if service else ""
    text += "rooms:\n" + "".join(f"  - {jid}\n" for jid in rooms)
    path = folder / f"rooms-{len(rooms)}-{bool(service)}.yaml"
    path.write_text(text)
    return path


def command(server: SandboxServer, config: Path, out: Path, *options: str) -> list[str]:
    return [
        sys.executable, "-m", "badgegen", "refresh", "--config", str(config), "--out", str(out),
        "--server", f"127.0.0.1:{server.port}", "--ca-file", str(server.ca_file), *options,
    ]  # fmt: skip


def counted_of(output: str, rooms: list[str]) -> int:
    """How many of rooms the --json result gives a count."""
    result = json.loads(output[output.index("{") :])
    counts = {room["jid"]: room["occupants"] for room in result["rooms"]}
    return sum(counts.get(jid) is not None for jid in rooms)


def slow_listing(root: Path) -> dict[str, object]:
    healthy = [SampleRoom(f"healthy{index}", occupants=index % 3) for index in range(LISTED_ROOMS)]
    with (
        running_server("prosody", root / "slow") as server,
        SlowRooms(server) as slow,
        Occupants(server, healthy) as occupants,
    ):
        env = {**os.environ, "BADGEGEN_JID": server.register("counter", PASSWORD),
               "BADGEGEN_PASSWORD": PASSWORD}  # fmt: skip
        rooms = [occupants.room_jid(room.name) for room in healthy]
        with_listing = rooms_yaml(root, rooms, server.component_domain)
        figures: dict[str, object] = {}
        slow.listing, slow.page_delay = "endless", 4.5
        short = ("--timeout", "5", "--deadline", "15")
        figures["timeout 5, deadline 15"] = _watched(
            command(server, with_listing, root / "out-short", *short, "--json"), env, rooms
        )
        slow.forget_queries()
        slow.listing, slow.page_delay = "endless", 9.5  # the default --timeout is 10 s
        for name, config in (("with", with_listing), ("without", rooms_yaml(root, rooms, None))):
            every_default = command(server, config, root / f"out-{name}", "--json")
            figures[f"every default, {name} the slow discover:"] = _watched(
                every_default, env, rooms
            )
    return figures


def _watched(argv: list[str], env: dict[str, str], rooms: list[str]) -> dict[str, object]:
    """Run a refresh into an empty --out; how many rooms it counted, its status, its wall
    time, and when its first badges.json appeared (polled every 10 ms; None: never)."""
    out = Path(argv[argv.index("--out") + 1])
    with tempfile.TemporaryFile("w+") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        published = None
        while process.poll() is None:
            if published is None and (out / "badges.json").exists():
                published = round(time.perf_counter() - started, 2)
            time.sleep(0.01)
        wall = time.perf_counter() - started
        stdout.seek(0)
        output = stdout.read()
    return {
        "counted": f"{counted_of(output, rooms)} of {LISTED_ROOMS}",
        "status": process.returncode,
        "wall_s": round(wall, 2),
        "first_published_s": published,
    }


class Flooder:
    """Another account of the counter's domain: FLOOD requests to one full JID, answers (the
    counter's errors: it offers nothing) counted."""

    def __init__(self, client: ClientXMPP, loop: asyncio.AbstractEventLoop) -> None:
        self.client, self.loop, self.answered = client, loop, 0
        client.register_handler(
            Callback("flood answers", MatchXPath("{jabber:client}iq"), self._on_iq)
        )

    def _on_iq(self, iq: Any) -> None:
        if iq["id"].startswith("flood-") and iq["type"] in ("result", "error"):
            self.answered += 1

    def flood(self, target: str) -> None:
        def send() -> None:
            query = "<query xmlns='http://jabber.org/protocol/disco#info'/>"
            for number in range(FLOOD):
                self.client.send_raw(
                    f"<iq type='get' id='flood-{number}' to='{target}'>{query}</iq>"
                )

        self.loop.call_soon_threadsafe(send)


def own_domain_flood(root: Path) -> dict[str, object]:
    healthy = [SampleRoom(f"healthy{index}", occupants=index % 3) for index in range(FLOODED_ROOMS)]
    with (
        running_server("prosody", root / "flood", rate_limits=True) as server,
        Occupants(server, healthy) as occupants,
    ):
        env = {**os.environ, "BADGEGEN_JID": server.register("counter", PASSWORD),
               "BADGEGEN_PASSWORD": PASSWORD}  # fmt: skip
        rooms = [occupants.room_jid(room.name) for room in healthy]
        config = rooms_yaml(root, rooms, None)
        figures: dict[str, object] = {}
        for name, flooding in (("unflooded", False), ("flooded", True)):
            flooder = Flooder(occupants.clients[0], occupants.loop)  # the owner: spared
            out, result = root / f"out-{name}", root / f"result-{name}.json"
            started = time.perf_counter()
            with result.open("w") as stdout:  # a file: a full pipe would stop the run
                process = subprocess.Popen(
                    [*command(server, config, out, "--json", "-vv")], env=env,
                    stdout=stdout, stderr=subprocess.PIPE, text=True,
                )  # fmt: skip
                said = _read_log(process, flooder if flooding else None)
                process.wait()
            _settle(flooder)
            stdout_text = result.read_text()
            figures[name] = {
                "counted": f"{counted_of(stdout_text, rooms)} of {FLOODED_ROOMS}",
                "status": process.returncode,
                "wall_s": round(time.perf_counter() - started, 2),
                "requests_answered": f"{flooder.answered} of {FLOOD}" if flooding else None,
                "warned": any("nobody asked for" in line for line in said),
            }
    return figures


def _settle(flooder: Flooder) -> None:
    """Wait until the flooder's answers stop arriving (its loop reads them after the run)."""
    seen = -1
    while flooder.answered != seen:
        seen = flooder.answered
        time.sleep(0.5)


def _read_log(process: subprocess.Popen[str], flooder: Flooder | None) -> list[str]:
    """The run's warnings; the flood starts once the log shows the counter's bound JID."""
    said, started = [], False
    assert process.stderr is not None
    for line in process.stderr:
        if flooder and not started and (bound := BOUND.search(line)):
            flooder.flood(bound.group(1))
            started = True
        if line.startswith(("WARNING", "Warning", "warning")) or "nobody asked for" in line:
            said.append(line.strip())
    return said


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="badgegen-attacks-") as name:
        root = Path(name)
        cases = {"slow listing": slow_listing(root), "own-domain flood": own_domain_flood(root)}
    for case, variants in cases.items():
        for variant, values in variants.items():
            print(f"{case}, {variant}: {json.dumps(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
