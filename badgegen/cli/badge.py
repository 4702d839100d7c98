"""`badgegen badge LABEL MESSAGE`: its options in, one SVG badge out."""

from __future__ import annotations

from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import exit_status_help
from badgegen.commands.badge import BadgeRequest
from badgegen.vocabulary import STYLES

BADGE = BadgeRequest("", "")


@click.command(
    "badge",
    short_help="Print one SVG badge, like badge-maker's CLI.",
    epilog=exit_status_help(
        (0, "the badge was printed"),
        (2, "an option is wrong: a colour, a logo, a templates folder"),
    ),
)
@click.argument("label")
@click.argument("message")
@click.option(
    "--color",
    default=BADGE.color,
    show_default=True,
    help="Message colour: a shields name or alias, hex digits, or a CSS colour"
    " (purple, rgb(...), hsl(...)).",
)
@click.option("--label-color", default=BADGE.label_color, show_default=True, help="Label colour.")
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default=BADGE.style,
    show_default=True,
    help="Badge style.",
)
@click.option(
    "--logo",
    metavar="NAME|FILE.svg",
    help="xmpp, any Simple Icons name or slug (with the icons extra), or an SVG file.",
)
@click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of templates overriding the built-in ones by name.",
)
def badge_command(
    label: str,
    message: str,
    color: str,
    label_color: str,
    style: str,
    logo: str | None,
    templates: Path | None,
) -> None:
    """Print one SVG badge to standard output, like shields' badge-maker CLI.

    Uses the same renderer as refresh.

    \b
    Example:
      badgegen badge chat "12 online" --color purple --logo xmpp > chat.svg
    """
    from badgegen.commands.badge import badge_svg

    with errors_reported():
        svg = badge_svg(BadgeRequest(label, message, color, label_color, style, logo, templates))
    click.echo(svg, nl=False)
