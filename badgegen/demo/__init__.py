"""`badgegen demo`: a throwaway Prosody with sample rooms and real occupants, to refresh."""

from __future__ import annotations

import contextlib
import importlib.util
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from badgegen.demo.occupants import Occupants, SampleRoom
from badgegen.demo.prosody import prosody_available, running_prosody
from badgegen.installed import add_extra_command

SAMPLE_ROOMS = (
    SampleRoom(
        "lobby", occupants=5, title="Lobby", language="en",
        description="Say hello: questions, news and chat about the project",
    ),
    SampleRoom(
        "dev", occupants=2, title="Development", language="en",
        description="Patches, reviews and releases",
    ),
    SampleRoom(
        "support", occupants=1, title="Hilfe", language="de",
        description="Fragen zur Installation und Einrichtung",
    ),
    SampleRoom("quiet", occupants=0, title="Quiet corner"),
)  # fmt: skip
DEMO_USER = "badgegen"
DEMO_PASSWORD = "demo-only-password"  # noqa: S105, a throwaway account on a throwaway server

ROOMS_YAML = """\
# Written by `badgegen demo`: the sample rooms on its throwaway server.
account:
  jid: {account}
defaults:
  label: chat
rooms:
  - jid: {lobby}
    trend: day                # a second badge: the day's peak
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
        missing.append(f"the demo extra ({add_extra_command('demo')})")
    return missing


@dataclass(frozen=True, slots=True)
class DemoServer:
    """The running demo: what `badgegen refresh` needs to count its sample rooms."""

    config: Path  # a rooms.yaml naming the sample rooms and the account
    address: str  # host:port for --server
    ca_file: Path  # the throwaway CA, for --ca-file
    password: str
    password_file: Path  # the same, for BADGEGEN_PASSWORD_FILE
    account: str
    rooms: tuple[str, ...]  # the sample rooms' JIDs


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
            password_file = root / "password"
            password_file.write_text(DEMO_PASSWORD, "utf-8")
            yield DemoServer(
                config,
                server.address,
                server.ca_file,
                DEMO_PASSWORD,
                password_file,
                account,
                tuple(names.values()),
            )
