"""`badgegen demo`: refresh against a throwaway local Prosody with sample rooms."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from badgegen.cli.failures import fail
from badgegen.cli.options import RefreshOptions
from badgegen.cli.refresh import run_refresh
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, EXIT_USAGE

DEMO_OUT = "badgegen-demo"
RECORD_FILES = ("badges.json", "history.json")


@click.command("demo", short_help="See it work: refresh on a throwaway local Prosody.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEMO_OUT,
    show_default=True,
    help="Where to write the sample badges: a folder of the demo's own (never one that holds"
    " another run's badges.json or history.json).",
)
def demo_command(out_dir: Path) -> None:
    """Run refresh against a throwaway local Prosody with sample rooms.

    Needs Debian's `prosody` package and the `demo` extra
    (pip install 'xmpp-badgegen[demo]'). Nothing leaves this machine.

    \b
    Example:
      badgegen demo && xdg-open badgegen-demo/index.html
    """
    from badgegen.demo import demo_server, missing_prerequisites

    if others := _rooms_of_another_run(out_dir):
        fail([_not_the_demos(out_dir, others)], EXIT_USAGE)
    if missing := missing_prerequisites():
        fail([f"the demo needs {' and '.join(missing)}"], EXIT_USAGE)
    with demo_server() as demo:
        click.echo(f"Prosody is running on {demo.address} with sample rooms; refreshing:")
        options = RefreshOptions(demo.config, out_dir, server=demo.address, ca_file=demo.ca_file)
        status = run_refresh(options, {"BADGEGEN_PASSWORD": demo.password})
    click.echo(f"Badges are in {out_dir.resolve()}/ (the server is stopped again).")
    if status == EXIT_SOME_UNCOUNTED:
        click.echo("One sample room does not exist on purpose, so refresh exited with 3.")
        status = EXIT_OK
    sys.exit(status)


def _rooms_of_another_run(out_dir: Path) -> list[str]:
    """The rooms in out_dir's record that are not the demo's (it must not write over them)."""
    from badgegen.demo.server import MUC_DOMAIN
    from badgegen.reading import read_bounded
    from badgegen.record.scan import room_keys

    found: set[str] = set()
    for name in RECORD_FILES:
        try:
            text = read_bounded(out_dir / name, 256 * 1024 * 1024).decode("utf-8", "replace")
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return [f"(an unreadable {name})"]
        found |= {jid for jid in room_keys(text) if not jid.endswith(f"@{MUC_DOMAIN}")}
    return sorted(found)


def _not_the_demos(out_dir: Path, others: list[str]) -> str:
    shown = ", ".join(others[:2]) + (f" and {len(others) - 2} more" if len(others) > 2 else "")
    return (
        f"{out_dir} holds another run's record (rooms {shown}): the demo will not write over"
        f" it; run it without --out (it writes to {DEMO_OUT}/) or give it a folder of its own"
    )
