"""The benchmarks' servers: populated with rooms of known occupants, reached directly or slowly."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.demo.server import free_port
from sandbox import running_server
from sandbox.servers import SandboxServer

HERE = Path(__file__).parent
PASSWORD = "benchmark-password"  # noqa: S105, a throwaway server's
MOST_OCCUPANTS = 5
LINK_DELAY = 0.025  # seconds each way


def expected_count(index: int) -> int:
    """Room number index has index % 6 occupants: 0 to 5."""
    return index % (MOST_OCCUPANTS + 1)


def room_name(index: int) -> str:
    return f"r{index}"


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
