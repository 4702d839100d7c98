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
DEMO_SITE_FILES = frozenset((*RECORD_FILES, "avatars.json", "index.html", "feed.xml", "_headers"))
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
    if foreign := files_of_others(out_dir):
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise ConfigError(
            [
                f"{out_dir} holds files the demo did not write ({shown}): it writes only into"
                f" an empty folder or its own; run it without --out (it writes to {DEMO_OUT}/)"
                " or give it a new folder"
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


def files_of_others(out_dir: Path) -> list[str]:
    """The entries of out_dir a demo run would not have written, sorted (none when out_dir
    is missing): the demo's are its rooms' files and the litter of its runs, and the page
    and the record only beside a record of the demo's own rooms (an index.html of a
    project's site is no demo's)."""
    from badgegen.demo.server import MUC_DOMAIN

    try:
        names = sorted(entry.name for entry in out_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        return [f"(unreadable: {exc.strerror})"]
    site = _demo_record(out_dir, MUC_DOMAIN)
    return [name for name in names if not _demo_file(out_dir / name, f"@{MUC_DOMAIN}.", site)]


def _demo_record(out_dir: Path, muc_domain: str) -> bool:
    """Whether out_dir's badges.json is a demo run's: it names the demo's rooms only."""
    from badgegen.reading import read_bounded
    from badgegen.record.scan import room_keys

    try:
        text = read_bounded(out_dir / RECORD_FILES[0], MAX_RECORD_BYTES).decode("utf-8")
    except (OSError, ValueError):
        return False
    rooms = room_keys(text)
    return bool(rooms) and all(jid.endswith(f"@{muc_domain}") for jid in rooms)


def _demo_file(path: Path, room_mark: str, site: bool) -> bool:
    name = path.name
    ours = room_mark in name or name.startswith(".badgegen-") or (site and name in DEMO_SITE_FILES)
    return ours and path.is_file() and not path.is_symlink()


def demo_refresh(demo: DemoServer, out_dir: Path) -> RefreshRequest:
    """The refresh of the demo's sample rooms on its running server, into out_dir."""
    from badgegen.commands.refresh import RefreshRequest
    from badgegen.core.connection import Connection

    connection = Connection(demo.address, demo.ca_file)
    return RefreshRequest(demo.config, out_dir, connection)
