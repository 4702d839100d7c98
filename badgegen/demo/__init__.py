"""`badgegen demo`: a throwaway Prosody with sample rooms and real occupants, to refresh."""

from __future__ import annotations

import contextlib
import importlib.util
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from badgegen import DISTRIBUTION
from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.demo.prosody import prosody_available, running_prosody

SAMPLE_ROOMS = (
    SampleRoom("lobby", occupants=5),
    SampleRoom("dev", occupants=2),
    SampleRoom("support", occupants=1),
    SampleRoom("quiet", occupants=0),
)
DEMO_USER = "badgegen"
DEMO_PASSWORD = "demo-only-password"  # noqa: S105, a throwaway account on a throwaway server

ROOMS_YAML = """\
# Written by `badgegen demo`: the sample rooms on its throwaway server.
account:
  jid: {account}
defaults:
  label: chat
rooms:
  - {lobby}
  - jid: {dev}
    label: dev chat
  - jid: {support}
    label: support
  - jid: {quiet}
    label: quiet room
  # A room nobody created: its badge says "unknown".
  - jid: {missing}
    label: missing
"""


def missing_prerequisites() -> list[str]:
    """What this machine lacks for the demo, each said with how to install it."""
    missing = []
    if not prosody_available():
        missing.append("Prosody (on Debian or Ubuntu: sudo apt-get install prosody)")
    if importlib.util.find_spec("trustme") is None:
        missing.append(f"the demo extra (pip install '{DISTRIBUTION}[demo]')")
    return missing


@dataclass(frozen=True, slots=True)
class DemoServer:
    """The running demo: what `badgegen refresh` needs to count its sample rooms."""

    config: Path  # a rooms.yaml naming the sample rooms and the account
    address: str  # host:port for --server
    ca_file: Path  # the throwaway CA, for --ca-file
    password: str


@contextlib.contextmanager
def demo_server() -> Iterator[DemoServer]:
    """Start Prosody with sample rooms and their occupants; stop it when the block ends.

    Returns:
        A context manager yielding what a refresh against it needs.
    """
    with tempfile.TemporaryDirectory(prefix="badgegen-demo-") as folder:
        root = Path(folder)
        with (
            running_prosody(root / "prosody") as server,
            Occupants(server, SAMPLE_ROOMS) as occupants,
        ):
            account = server.register(DEMO_USER, DEMO_PASSWORD)
            names = {room.name: occupants.room_jid(room.name) for room in SAMPLE_ROOMS}
            missing = occupants.room_jid("missing")
            config = root / "rooms.yaml"
            config.write_text(ROOMS_YAML.format(account=account, missing=missing, **names), "utf-8")
            yield DemoServer(config, server.address, server.ca_file, DEMO_PASSWORD)
