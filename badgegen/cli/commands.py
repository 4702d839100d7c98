"""The offline commands: check rooms.yaml, print a badge or snippets, start a repository."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import CONFIG_OPTION, exit_status_help, out_option, runtime_of
from badgegen.cli.words import warn
from badgegen.vocabulary import FORMATS, STYLES

if TYPE_CHECKING:
    from badgegen.config import Discover


@click.command(
    "check",
    short_help="Validate rooms.yaml offline.",
    epilog=exit_status_help(
        (0, "rooms.yaml is valid (warnings, if any, on stderr)"),
        (2, "rooms.yaml has problems, each printed with its file and line, or is missing"),
        (5, "--out is not a folder badges could be written to"),
    ),
)
@CONFIG_OPTION
@out_option("Where badges would be written.")
def check_command(config_path: Path, out_dir: Path) -> None:
    """Validate rooms.yaml offline and say what refresh would write.

    Every problem is reported with its file and line; exit status 2 if any, 5 if
    --out cannot be an output directory.

    \b
    Example:
      badgegen check --config rooms.yaml
    """
    from badgegen.cli.words import plural
    from badgegen.config import load_rooms
    from badgegen.publish import check_output_directory

    with errors_reported():
        config = load_rooms(config_path)
        check_output_directory(out_dir)  # as refresh does first: one refresh would refuse
    for warning in config.warnings:
        warn(warning)
    for room in config.rooms:
        click.echo(
            f'{room.jid} -> {out_dir / room.svg_name} (label "{room.label}", method {room.method})'
        )
    for entry in config.discover:
        click.echo(f"{entry.service}: its public rooms, up to {entry.limit}{_filters(entry)}")
    found = plural(len(config.rooms), "room")
    services = (
        f" and {plural(len(config.discover), 'service')} to discover" if config.discover else ""
    )
    click.echo(f"{config_path}: OK, {found}{services}")


def _filters(entry: Discover) -> str:
    """ " with 1 or more occupants, not test-*@*": a discover entry's filters in words."""
    parts = []
    if entry.min_occupants:
        parts.append(f"with {entry.min_occupants} or more occupants")
    if entry.include:
        parts.append("matching " + " or ".join(entry.include))
    if entry.exclude:
        parts.append("not " + " or ".join(entry.exclude))
    return (", " + ", ".join(parts)) if parts else ""


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
    default="brightgreen",
    show_default=True,
    help="Message colour: a shields name or alias, hex digits, or a CSS colour"
    " (purple, rgb(...), hsl(...)).",
)
@click.option("--label-color", default="grey", show_default=True, help="Label colour.")
@click.option(
    "--style", type=click.Choice(STYLES), default="flat", show_default=True, help="Badge style."
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
    from badgegen.cli.arguments import color_option, logo_option
    from badgegen.config.appearance import Appearance
    from badgegen.render import render_badge
    from badgegen.view.badges import message_badge

    with errors_reported():
        look = Appearance(
            style=style,
            label_color=color_option("--label-color", label_color),
            logo=logo_option(logo) if logo else None,
        )
        badge = message_badge(label, message, color_option("--color", color), look)
        click.echo(render_badge(badge, templates), nl=False)


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
    default="markdown",
    show_default=True,
    help="The markup to print.",
)
@click.option(
    "--base-url", help="Where the badges are published (default: base_url in rooms.yaml)."
)
@click.pass_context
def snippet_command(
    context: click.Context,
    rooms: tuple[str, ...],
    config_path: Path,
    out_dir: Path,
    kind: str,
    base_url: str | None,
) -> None:
    """Print ready-to-paste embed code for each room (or the ROOMs named: JID or file).

    A room with `trend:` gets a second line, for its trend badge.

    \b
    Example:
      badgegen snippet lobby@conference.example.org --format rst \\
        --base-url https://you.github.io/project
    """

    from badgegen.cli.arguments import choose_rooms
    from badgegen.config import load_rooms
    from badgegen.config.names import url_problem
    from badgegen.errors import ConfigError
    from badgegen.record import load_states
    from badgegen.view.snippets import badges_of, snippet

    with errors_reported():
        if base_url is not None and (reason := url_problem(base_url, base=True)):
            raise ConfigError([f"--base-url: {reason}"])
        config = load_rooms(config_path)
    states, warnings = load_states(out_dir, runtime_of(context).now(), config.capacity)
    with errors_reported():
        chosen = choose_rooms(config, rooms, states)
    for warning in warnings:
        warn(warning)
    base = base_url or config.base_url
    if not base:
        click.echo(
            "Warning: no base URL, so the image addresses below are relative and break once"
            " pasted elsewhere; set base_url in rooms.yaml or pass --base-url"
            " (e.g. https://you.github.io/project)",
            err=True,
        )
    for room in chosen:
        for badge in badges_of(room):
            click.echo(snippet(room, states.get(room.jid), kind, base, badge))


@click.command(
    "init",
    short_help="Start a rooms.yaml and a GitHub Pages workflow.",
    epilog=exit_status_help(
        (0, "each file was created, or kept because it exists"),
        (2, "this badgegen is not a released version the workflow could install"),
        (5, "a file could not be written"),
    ),
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    show_default=True,
    help="The repository to set up.",
)
@click.option(
    "--discover",
    "service",
    metavar="SERVICE",
    help="Badge every public room of this MUC service (e.g. conference.example.org): a"
    " `discover:` entry instead of an example room.",
)
def init_command(folder: Path, service: str | None) -> None:
    """Start a rooms.yaml and a GitHub Pages workflow; existing files are kept.

    The workflow installs exactly this version of badgegen (xmpp-badgegen on
    PyPI); to upgrade, change the version it names. In a clone of a GitHub
    repository, base_url is set to its GitHub Pages address.

    \b
    Example:
      cd my-project && badgegen init && badgegen check
      badgegen init --discover conference.example.org
    """
    import badgegen
    from badgegen.cli.discover import muc_service
    from badgegen.commands.init import scaffold

    with errors_reported():
        domain = muc_service(service) if service else None
        done = scaffold(folder, badgegen.__version__, domain)
    for path, created in done.files:
        click.echo(f"created {folder / path}" if created else f"kept {folder / path} (exists)")
    for line in last_mile(folder, done.pages_url, domain):
        click.echo(line)


def last_mile(folder: Path, pages_url: str | None, service: str | None = None) -> list[str]:
    """What is left between `init` and a badge in the README, step by step."""
    base = pages_url or "https://YOUR-NAME.github.io/YOUR-PROJECT"
    config = folder / "rooms.yaml"
    where = (
        f"     base_url is {pages_url} (from the git remote origin)."
        if pages_url
        else f"     Set base_url in it to where GitHub Pages publishes, e.g. {base}."
    )
    first = [
        f"  1. List your rooms in {config} (replace lobby@conference.example.org)",
        "     and run `badgegen check`.",
    ]
    if service:
        first = [
            f"  1. {config} badges every public room of {service}; see what it finds with",
            f"     `badgegen discover {service}` and run `badgegen check`.",
        ]
    return [
        "",
        "Next, to get a badge into your README:",
        *first,
        where,
        "  2. On GitHub, Settings > Secrets and variables > Actions: add the secrets",
        "     BADGEGEN_JID and BADGEGEN_PASSWORD (any XMPP account; a dedicated one is best).",
        '  3. Settings > Pages > Source: "GitHub Actions". If Pages already publishes a site',
        "     from a branch (docs/, gh-pages), this replaces it: then publish the badges",
        "     with that site instead (README: Other hosts).",
        "  4. Commit and push rooms.yaml and .github/workflows/badges.yml. The workflow runs",
        "     on that push and whenever rooms.yaml changes, then at :17 and :47 every hour",
        "     (Actions > badges > Run workflow runs it at once).",
        "  5. Once it has run, each room's badge is at",
        f"     {base}/ROOM.svg (ROOM: the room's JID, or its file:)",
        f"     and a page of them at {base}/.",
        "     `badgegen snippet` prints the Markdown to paste into your README.",
    ]
