"""The command line: click declares each command, badgegen.commands does its work, and the
result is printed here.

The work is imported inside each command, so that --help answers at once.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]


# Each command's module, imported when the command runs (or --help lists it): a refresh
# pays for refresh's declarations only.
COMMANDS = {
    "badge": "badgegen.cli.badge:badge_command",
    "check": "badgegen.cli.check:check_command",
    "demo": "badgegen.cli.demo:demo_command",
    "discover": "badgegen.cli.discover:discover_command",
    "history": "badgegen.cli.history:history_command",
    "init": "badgegen.cli.init:init_command",
    "refresh": "badgegen.cli.refresh:refresh_command",
    "snippet": "badgegen.cli.snippet:snippet_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name, when one is run or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, name = COMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


def _print_version(context: click.Context, _option: click.Parameter, asked: bool) -> None:
    if asked and not context.resilient_parsing:
        import badgegen

        click.echo(f"badgegen, version {badgegen.__version__}")
        context.exit()


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
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
    exit status. Documentation: https://badgegen.readthedocs.io/
    """
