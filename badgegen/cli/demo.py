"""`badgegen demo`: refresh against a throwaway local Prosody with sample rooms."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from badgegen.cli.failures import fail
from badgegen.cli.options import RefreshOptions, out_option
from badgegen.cli.refresh import run_refresh
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, EXIT_USAGE


@click.command("demo", short_help="See it work: refresh on a throwaway local Prosody.")
@out_option("Where to write the sample badges.")
def demo_command(out_dir: Path) -> None:
    """Run refresh against a throwaway local Prosody with sample rooms.

    Needs Debian's `prosody` package and the `demo` extra
    (pip install 'xmpp-badgegen[demo]'). Nothing leaves this machine.

    \b
    Example:
      badgegen demo --out /tmp/badges && xdg-open /tmp/badges/index.html
    """
    from badgegen.demo import demo_server, missing_prerequisites

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
