"""`badgegen demo`: refresh against a throwaway local Prosody with sample rooms."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgegen.cli.failures import errors_reported, interrupts_raised
from badgegen.cli.options import Printing, exit_status_help, runtime_of
from badgegen.cli.refresh import run_refresh
from badgegen.commands.demo import DEMO_OUT
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, Interrupted

if TYPE_CHECKING:
    from badgegen.demo import DemoServer


@click.command(
    "demo",
    short_help="See it work: refresh on a throwaway local Prosody.",
    epilog=exit_status_help(
        (0, "the sample badges and page were written (one sample room is missing on purpose)"),
        (2, "Prosody or the demo extra is missing, or --out holds another run's badges"),
        (4, "the demo's own server could not be reached"),
        (5, "the output directory cannot be used, or a write failed"),
    ),
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=DEMO_OUT,
    show_default=True,
    help="Where to write the sample badges: a folder of the demo's own (never one that holds"
    " another run's badges.json or history.json).",
)
@click.option(
    "--keep",
    is_flag=True,
    help="Keep the server running until Ctrl-C, and print the commands (--server, --ca-file,"
    " the account) to try refresh, history and snippet against it.",
)
@click.pass_context
def demo_command(context: click.Context, out_dir: Path, keep: bool) -> None:
    """Run refresh against a throwaway local Prosody with sample rooms.

    Needs Debian's `prosody` package and the `demo` extra (when it is missing,
    the demo says how to add it to this installation: pipx, a venv or pip).
    Nothing leaves this machine.

    \b
    Example:
      badgegen demo && xdg-open badgegen-demo/index.html
      badgegen demo --keep    # then try refresh, history and snippet in another terminal
    """
    from badgegen.commands.demo import check_demo, demo_refresh
    from badgegen.demo import demo_server

    with errors_reported():
        check_demo(out_dir)
    # Ctrl-C while the server starts (or stops) is an interruption like any other: 130.
    with errors_reported(), demo_server() as demo:
        click.echo(f"Prosody is running on {demo.address} with sample rooms; refreshing:")
        environ = {"BADGEGEN_PASSWORD": demo.password}
        status = run_refresh(demo_refresh(demo, out_dir), Printing(), environ, runtime_of(context))
        if status in (EXIT_OK, EXIT_SOME_UNCOUNTED):
            _orient(out_dir, keep=keep)
        if keep and status in (EXIT_OK, EXIT_SOME_UNCOUNTED):
            _serve_until_interrupted(demo, out_dir)
    if status == EXIT_SOME_UNCOUNTED:
        status = EXIT_OK
    sys.exit(status)


def _orient(out_dir: Path, *, keep: bool) -> None:
    """Where the page is, how to open it, and what to do next."""
    page = out_dir.resolve() / "index.html"
    click.echo("")
    click.echo("The missing room does not exist on purpose: its badge says so.")
    click.echo(f"The badges and a page listing them are in {out_dir.resolve()}/. Open the page:")
    click.echo(f"  {_open_command()} {shlex.quote(str(out_dir / 'index.html'))}")
    click.echo(f"  (or {page.as_uri()} in a browser)")
    if keep:
        return
    click.echo("The demo's server is stopped again. Next:")
    click.echo("  badgegen demo --keep    keep it running, to try refresh, history and snippet")
    click.echo("  badgegen init           start your own rooms.yaml and a GitHub Pages workflow")


def _serve_until_interrupted(demo: DemoServer, out_dir: Path) -> None:
    """Print how to reach the running demo, then wait for Ctrl-C (or SIGTERM)."""
    config, out = shlex.quote(str(demo.config)), shlex.quote(str(out_dir.resolve()))
    lobby = demo.rooms[0]
    where = f"--server {demo.address} --ca-file {shlex.quote(str(demo.ca_file))}"
    click.echo("")
    click.echo(f"The server keeps running on {demo.address} until Ctrl-C. The account is")
    click.echo(f"{demo.account}, named in {demo.config}; in another terminal:")
    click.echo("")
    click.echo(f"  export BADGEGEN_PASSWORD_FILE={shlex.quote(str(demo.password_file))}")
    click.echo(f"  badgegen refresh --config {config} --out {out} \\\n    {where}")
    click.echo(f"  badgegen discover {lobby.partition('@')[2]} --config {config} {where}")
    click.echo(f"  badgegen history {lobby} --config {config} --out {out} --tier 15m")
    click.echo(f"  badgegen snippet --config {config} --out {out} --base-url https://example.org")
    click.echo("")
    try:
        with interrupts_raised():
            while True:
                time.sleep(3600)
    except Interrupted:
        click.echo("Stopping the demo's server.")


def _open_command() -> str:
    return {"darwin": "open", "win32": "start"}.get(sys.platform, "xdg-open")
