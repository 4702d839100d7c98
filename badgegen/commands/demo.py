"""`badgegen demo`: refresh against a throwaway local Prosody, into a folder of the demo's own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.errors import ConfigError

if TYPE_CHECKING:
    from badgegen.commands.refresh import RefreshRequest
    from badgegen.demo import DemoServer

DEMO_OUT = Path("badgegen-demo")
RECORD_FILES = ("badges.json", "history.json")
MAX_RECORD_BYTES = 256 * 1024 * 1024


def check_demo(out_dir: Path) -> None:
    """Refuse, before the server starts, what would stop the demo or lose someone's files.

    Raises:
        PublishError: out_dir cannot be an output directory.
        ConfigError: out_dir holds another run's record, or Prosody or the demo extra is
            missing (each said with how to install it).
    """
    from badgegen.demo import missing_prerequisites
    from badgegen.publish import check_output_directory

    check_output_directory(out_dir)
    if others := rooms_of_another_run(out_dir):
        shown = ", ".join(others[:2]) + (f" and {len(others) - 2} more" if len(others) > 2 else "")
        raise ConfigError(
            [
                f"{out_dir} holds another run's record (rooms {shown}): the demo will not write"
                f" over it; run it without --out (it writes to {DEMO_OUT}/) or give it a folder"
                " of its own"
            ]
        )
    if missing := missing_prerequisites():
        raise ConfigError([f"the demo needs {' and '.join(missing)}"])


def rooms_of_another_run(out_dir: Path) -> list[str]:
    """The rooms in out_dir's record that are not the demo's (it must not write over them)."""
    from badgegen.demo.server import MUC_DOMAIN
    from badgegen.reading import read_bounded
    from badgegen.record.scan import room_keys

    found: set[str] = set()
    for name in RECORD_FILES:
        try:
            text = read_bounded(out_dir / name, MAX_RECORD_BYTES).decode("utf-8", "replace")
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return [f"(an unreadable {name})"]
        found |= {jid for jid in room_keys(text) if not jid.endswith(f"@{MUC_DOMAIN}")}
    return sorted(found)


def demo_refresh(demo: DemoServer, out_dir: Path) -> RefreshRequest:
    """The refresh of the demo's sample rooms on its running server, into out_dir."""
    from badgegen.commands.refresh import RefreshRequest
    from badgegen.core.connection import Connection

    connection = Connection(demo.address, demo.ca_file)
    return RefreshRequest(demo.config, out_dir, connection)
