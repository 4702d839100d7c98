"""`badgegen snippet`: its options in, embed code out."""

from __future__ import annotations

from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import CONFIG_OPTION, exit_status_help, out_option, runtime_of
from badgegen.cli.words import warn
from badgegen.commands.snippet import SnippetRequest
from badgegen.vocabulary import FORMATS

SNIPPET = SnippetRequest()


@click.command(
    "snippet",
    short_help="Print embed code for the badges.",
    epilog=exit_status_help(
        (0, "the snippets were printed"),
        (2, "rooms.yaml has problems, or a ROOM is not in it"),
    ),
)
@click.argument("rooms", nargs=-1, metavar="[ROOM]...")
@CONFIG_OPTION
@out_option("The output directory, whose badges.json has rooms' web client links.")
@click.option(
    "--format",
    "kind",
    type=click.Choice(FORMATS),
    default=SNIPPET.kind,
    show_default=True,
    help="The markup to print.",
)
@click.option(
    "--base-url", help="Where the badges are published (default: base_url in rooms.yaml)."
)
@click.option(
    "--card",
    is_flag=True,
    default=SNIPPET.card,
    help="Embed each room's card (NAME.card.svg: its face, name, count and week) instead.",
)
@click.pass_context
def snippet_command(
    context: click.Context,
    rooms: tuple[str, ...],
    config_path: Path,
    out_dir: Path,
    kind: str,
    base_url: str | None,
    card: bool,
) -> None:
    """Print ready-to-paste embed code for each room (or the ROOMs named: JID or file).

    A room with `trend:` gets a second line, for its trend badge. With --card, each room
    gets one line for its card instead, a picture for a README.

    \b
    Example:
      badgegen snippet lobby@conference.example.org --format rst \\
        --base-url https://you.github.io/project
    """
    from badgegen.commands.snippet import snippets

    request = SnippetRequest(rooms, config_path, out_dir, kind, base_url, card)
    with errors_reported():
        found = snippets(request, runtime_of(context))
    for warning in found.warnings:
        warn(warning)
    if not found.base_url:
        warn(
            "no base URL, so the image addresses below are relative and break once pasted"
            " elsewhere; set base_url in rooms.yaml or pass --base-url"
            " (e.g. https://you.github.io/project)"
        )
    for line in found.lines:
        click.echo(line)
