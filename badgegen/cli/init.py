"""`badgegen init`: its options in, the files made and the steps left out."""

from __future__ import annotations

from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import exit_status_help
from badgegen.commands.init import InitRequest

INIT = InitRequest()


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
    default=INIT.folder,
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
    from badgegen.commands.init import init

    with errors_reported():
        done = init(InitRequest(folder, service))
    for path, created in done.files:
        click.echo(f"created {folder / path}" if created else f"kept {folder / path} (exists)")
    for line in last_mile(folder, done.pages_url, done.service):
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
