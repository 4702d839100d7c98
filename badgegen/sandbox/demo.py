"""`badgegen demo`: the real refresh job against a throwaway Prosody with sample rooms."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from badgegen import DISTRIBUTION
from badgegen.errors import EXIT_SOME_UNCOUNTED
from badgegen.sandbox.occupants import Occupants, SampleRoom
from badgegen.sandbox.prosody import prosody_available, running_prosody

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


def run_demo(out_dir: Path) -> int:
    """Start Prosody, fill sample rooms, run `badgegen refresh` into out_dir.

    Args:
        out_dir: where the badges go.

    Returns:
        The refresh's exit status.
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
            click.echo(f"Prosody is running on {server.address} with sample rooms; refreshing:")
            status = _refresh(config, out_dir, server.address, server.ca_file)
    click.echo(f"Badges are in {out_dir.resolve()}/ (the server is stopped again).")
    if status == EXIT_SOME_UNCOUNTED:
        click.echo("One sample room does not exist on purpose, so refresh exited with 3.")
        return 0
    return status


def _refresh(config: Path, out_dir: Path, address: str, ca_file: Path) -> int:
    command = [
        sys.executable,
        "-m",
        "badgegen",
        "refresh",
        "--config",
        str(config),
        "--out",
        str(out_dir),
        "--server",
        address,
        "--ca-file",
        str(ca_file),
    ]
    click.echo("$ badgegen " + " ".join(command[3:]))
    env = {**os.environ, "BADGEGEN_PASSWORD": DEMO_PASSWORD}
    env.pop("BADGEGEN_JID", None)
    env.pop("BADGEGEN_PASSWORD_FILE", None)
    return subprocess.run(command, env=env, check=False).returncode
