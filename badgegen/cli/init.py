"""`badgegen init`: its options in, the files made and the steps left out."""

from __future__ import annotations

from pathlib import Path

import click

from badgegen.cli.failures import errors_reported
from badgegen.cli.options import exit_status_help
from badgegen.commands.init import GITIGNORE, OUTPUT, InitRequest, Scaffolded

GITLAB_RECIPE = "https://badgegen.readthedocs.io/en/latest/publishing.html#gitlab-pages"

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
    if done.ignored == "left alone":
        click.echo(
            f"left {folder / GITIGNORE} alone (a link, or no text init may change): add"
            f" /{OUTPUT}/ to it yourself, so that git does not keep the output"
        )
    elif done.ignored:
        click.echo(f"{done.ignored} {folder / GITIGNORE} (git ignores {OUTPUT}/, the output)")
    steps = gitlab_steps(folder, done) if done.gitlab else last_mile(folder, done)
    for line in steps:
        click.echo(line)


def first_step(folder: Path, done: Scaffolded) -> list[str]:
    """Step 1 as rooms.yaml is now: the example to replace, the service found, or as kept."""
    config = folder / "rooms.yaml"
    if not done.rooms_yaml_created:
        return [f"  1. {config} was there already (kept as it is): `badgegen check` shows what",
                "     it badges."]  # fmt: skip
    if done.service:
        return [
            f"  1. {config} badges every public room of {done.service}; see what it finds with",
            f"     `badgegen discover {done.service}` and run `badgegen check`.",
        ]
    return [
        f"  1. List your rooms in {config} (replace lobby@conference.example.org)",
        "     and run `badgegen check`.",
    ]


def last_mile(folder: Path, done: Scaffolded) -> list[str]:
    """What is left between `init` and a badge in the README, step by step."""
    base = done.pages_url or "https://YOUR-NAME.github.io/YOUR-PROJECT"
    where = (
        f"     base_url is {done.pages_url} (from the git remote origin)."
        if done.pages_url
        else f"     Set base_url in it to where GitHub Pages publishes, e.g. {base}."
    )
    return [
        "",
        "Next, to get a badge into your README:",
        *first_step(folder, done),
        where,
        "  2. On GitHub, Settings > Secrets and variables > Actions: add the secrets",
        "     BADGEGEN_JID and BADGEGEN_PASSWORD (any XMPP account; a dedicated one is best).",
        '  3. Settings > Pages > Source: "GitHub Actions". If Pages already publishes a site',
        "     from a branch (docs/, gh-pages), this replaces it: then publish the badges",
        "     with that site instead (docs: Publishing, other hosts).",
        "  4. Commit and push rooms.yaml, .gitignore and .github/workflows/badges.yml. The",
        "     workflow runs on that push and whenever rooms.yaml changes, then at :17 and :47",
        "     every hour (Actions > badges > Run workflow runs it at once).",
        "  5. Once it has run, each room's badge is at",
        f"     {base}/ROOM.svg (ROOM: the room's JID, or its file:)",
        f"     and a page of them at {base}/.",
        "     `badgegen snippet` prints the Markdown to paste into your README.",
    ]


def gitlab_steps(folder: Path, done: Scaffolded) -> list[str]:
    """The origin remote is a GitLab: init writes no pipeline; the recipe in the docs does."""
    return [
        "",
        "The origin remote is on GitLab: init scaffolds GitHub Actions only, so it wrote no",
        "workflow. To publish the badges with GitLab Pages:",
        *first_step(folder, done),
        "  2. Settings > CI/CD > Variables: add BADGEGEN_JID and BADGEGEN_PASSWORD (masked).",
        f"  3. Add the .gitlab-ci.yml of {GITLAB_RECIPE}",
        "     and a pipeline schedule (Build > Pipeline schedules, e.g. 17,47 * * * *).",
    ]
