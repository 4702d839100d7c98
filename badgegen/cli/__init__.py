"""The command line: click declares each command, badgegen.commands does its work, and the
result is printed here.

The work is imported inside each command, so that --help answers at once.
"""

from __future__ import annotations

import click

from badgegen.cli.badge import badge_command
from badgegen.cli.check import check_command
from badgegen.cli.demo import demo_command
from badgegen.cli.discover import discover_command
from badgegen.cli.history import history_command
from badgegen.cli.init import init_command
from badgegen.cli.refresh import refresh_command
from badgegen.cli.snippet import snippet_command

__all__ = ["main"]


def _print_version(context: click.Context, _option: click.Parameter, asked: bool) -> None:
    if asked and not context.resilient_parsing:
        import badgegen

        click.echo(f"badgegen, version {badgegen.__version__}")
        context.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Static SVG badges showing how many people are in XMPP group chats.

    \b
    Start with:
      badgegen demo                  see it work on a throwaway local server
      badgegen init                  a rooms.yaml and a GitHub Pages workflow
      badgegen check                 validate rooms.yaml offline
      badgegen refresh --out public  count the rooms, write the badges

    Run `badgegen COMMAND --help` for a command's options, environment and
    exit status. Documentation: https://github.com/xmpp-badgegen/badgegen
    """


for _command in (
    refresh_command,
    check_command,
    badge_command,
    snippet_command,
    history_command,
    discover_command,
    init_command,
    demo_command,
):
    main.add_command(_command)
