"""The command line: a thin click layer over config, xmpp, render and publish."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from badgegen.errors import (
    EXIT_BUSY,
    EXIT_NOTHING_COUNTED,
    EXIT_OK,
    EXIT_OUTPUT_FAILED,
    EXIT_SOME_UNCOUNTED,
    EXIT_USAGE,
    BadgegenError,
    BusyError,
    ConfigError,
    XmppError,
)
from badgegen.vocabulary import FORMATS, STYLES

# The core is imported inside each command, so that --help answers at once.
if TYPE_CHECKING:
    from badgegen.config import Config, Room
    from badgegen.counts import Count
    from badgegen.login import Login
    from badgegen.pipeline import Counter, RefreshResult

CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default="rooms.yaml",
    show_default=True,
    help="The rooms to badge.",
)


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --out option, default public/, with what it means for the command."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default="public",
        show_default=True,
        help=help_text,
    )


def _print_version(context: click.Context, _option: click.Parameter, asked: bool) -> None:
    if asked and not context.resilient_parsing:
        import badgegen

        click.echo(f"badgegen, version {badgegen.__version__}")
        context.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Static SVG badges showing how many people are in XMPP group chats."""


@main.command("refresh")
@CONFIG_OPTION
@out_option("Where to write the badges.")
@click.option(
    "--server",
    metavar="HOST[:PORT]",
    help="Connect here instead of the address DNS gives for the account's domain.",
)
@click.option(
    "--ca-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="Also trust this CA certificate (PEM), e.g. a server's own CA.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds to wait for login and for each room.",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=120.0,
    show_default=True,
    help="Seconds the whole run may take.",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1000),
    default=64,
    show_default=True,
    help="Queries in flight at once.",
)
@click.option(
    "--previous",
    metavar="PATH|URL",
    help="The last published badges.json (a path or an https:// URL), for stateless CI."
    " Default: badges.json in --out.",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds to wait for another refresh writing to --out.",
)
@click.option("--dry-run", is_flag=True, help="Count and print, but write nothing.")
@click.option("-v", "--verbose", count=True, help="-v: debug log; -vv: also XMPP traffic.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for scripts.")
@click.pass_context
def refresh_command(
    ctx: click.Context,
    config_path: Path,
    out_dir: Path,
    server: str | None,
    ca_file: Path | None,
    timeout: float,
    deadline: float,
    concurrency: int,
    previous: str | None,
    lock_wait: float,
    dry_run: bool,
    verbose: int,
    quiet: bool,
    as_json: bool,
) -> None:
    """Count every room's occupants and write one SVG badge per room.

    Logs in as BADGEGEN_JID (or `account.jid` in rooms.yaml) with the
    password in BADGEGEN_PASSWORD or the file named by BADGEGEN_PASSWORD_FILE.
    """
    from badgegen.config import load_rooms
    from badgegen.login import resolve_login
    from badgegen.pipeline import Output, refresh

    with _errors_reported():
        config = load_rooms(config_path)
        login = resolve_login(config.account, os.environ)
        _start_logging(verbose, login)
        progress = _progress_printer() if not (quiet or as_json) else None
        counter: Counter = (ctx.obj or {}).get("counter") or _xmpp_counter(
            server, ca_file, timeout, deadline, concurrency, progress
        )
        if previous and previous.startswith("http://"):
            raise ConfigError(
                [f"--previous: {previous} is not https (expected a path or https URL)"]
            )
        now = datetime.now(UTC)
        output = Output(out_dir, now, previous, lock_wait, dry_run)
        result = refresh(config, login, counter, output)
        status = EXIT_OK if result.all_counted else EXIT_SOME_UNCOUNTED
        _report(config, result, out_dir, status, quiet=quiet, as_json=as_json)
    ctx.exit(status)


@main.command("check")
@CONFIG_OPTION
@out_option("Where badges would be written.")
def check_command(config_path: Path, out_dir: Path) -> None:
    """Validate rooms.yaml offline and say what refresh would write."""
    from badgegen.config import load_rooms
    from badgegen.summary import plural

    with _errors_reported():
        config = load_rooms(config_path)
    for room in config.rooms:
        click.echo(
            f'{room.jid} -> {out_dir / room.svg_name} (label "{room.label}", method {room.method})'
        )
    click.echo(f"{config_path}: OK, {plural(len(config.rooms), 'room')}")


@main.command("badge")
@click.argument("label")
@click.argument("message")
@click.option(
    "--color",
    default="brightgreen",
    show_default=True,
    help="Message colour: a shields name or alias, or 3/6 hex digits.",
)
@click.option("--label-color", default="grey", show_default=True, help="Label colour.")
@click.option("--style", type=click.Choice(STYLES), default="flat", show_default=True)
@click.option("--logo", metavar="xmpp|FILE.svg", help="A built-in logo or an SVG file.")
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

    Uses the same renderer as refresh: `badgegen badge chat "12 online" > chat.svg`.
    """
    from badgegen.arguments import color_option, logo_option
    from badgegen.badges import id_suffix, logo_uri
    from badgegen.render import Badge, render_badge

    with _errors_reported():
        badge = Badge(
            label=label,
            message=message,
            color=color_option("--color", color),
            label_color=color_option("--label-color", label_color),
            style=style,
            logo=logo_uri(logo_option(logo), style) if logo else None,
            id_suffix=id_suffix(f"{label}\0{message}"),
        )
        click.echo(render_badge(badge, templates), nl=False)


@main.command("snippet")
@click.argument("rooms", nargs=-1, metavar="[ROOM]...")
@CONFIG_OPTION
@out_option("The output directory, whose badges.json has rooms' web client links.")
@click.option("--format", "kind", type=click.Choice(FORMATS), default="markdown", show_default=True)
@click.option(
    "--base-url", help="Where the badges are published (default: base_url in rooms.yaml)."
)
def snippet_command(
    rooms: tuple[str, ...], config_path: Path, out_dir: Path, kind: str, base_url: str | None
) -> None:
    """Print ready-to-paste embed code for each room (or the ROOMs named: JID or file)."""
    from badgegen.arguments import choose_rooms
    from badgegen.config import load_rooms
    from badgegen.previous import load_previous
    from badgegen.snippets import snippet

    with _errors_reported():
        config = load_rooms(config_path)
        chosen = choose_rooms(config, rooms)
    states = load_previous(None, out_dir).states
    for room in chosen:
        click.echo(snippet(room, states.get(room.jid), kind, base_url or config.base_url))


@main.command("init")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    show_default=True,
    help="The repository to set up.",
)
def init_command(folder: Path) -> None:
    """Start a rooms.yaml and a GitHub Pages workflow; existing files are kept.

    The workflow installs exactly this version of badgegen (xmpp-badgegen on
    PyPI); to upgrade, change the version it names.
    """
    import badgegen
    from badgegen.scaffold import scaffold

    with _errors_reported():
        results = scaffold(folder, badgegen.__version__)
    for path, created in results:
        click.echo(f"created {folder / path}" if created else f"kept {folder / path} (exists)")
    click.echo(
        "Next: list your rooms in rooms.yaml, run `badgegen check`, add the"
        " BADGEGEN_JID and BADGEGEN_PASSWORD secrets, and set Pages to GitHub Actions."
    )


@main.command("demo")
@out_option("Where to write the sample badges.")
def demo_command(out_dir: Path) -> None:
    """Run refresh against a throwaway local Prosody with sample rooms.

    Needs Debian's `prosody` package and the `demo` extra
    (pip install 'xmpp-badgegen[demo]'). Nothing leaves this machine.
    """
    from badgegen.sandbox.demo import missing_prerequisites, run_demo

    if missing := missing_prerequisites():
        _fail([f"the demo needs {' and '.join(missing)}"], EXIT_USAGE)
    sys.exit(run_demo(out_dir))


def _xmpp_counter(
    server: str | None,
    ca_file: Path | None,
    timeout: float,
    deadline: float,
    concurrency: int,
    progress: Callable[[int, int], None] | None,
) -> Counter:
    # Importing slixmpp takes a fifth of a second; --help and check skip it.
    from badgegen.arguments import parse_server
    from badgegen.xmpp import ConnectOptions, fetch_counts

    options = ConnectOptions(
        server=parse_server(server) if server else None,
        ca_file=ca_file,
        timeout=timeout,
        deadline=deadline,
        concurrency=concurrency,
        progress=progress,
    )

    def count(login: Login, rooms: Iterable[Room]) -> tuple[Count, ...]:
        return fetch_counts(login, rooms, options)

    return count


@contextmanager
def _errors_reported() -> Iterator[None]:
    """Turn expected errors into `Error: ...` lines and their exit status."""
    try:
        yield
    except ConfigError as exc:
        _fail(exc.problems, EXIT_USAGE)
    except XmppError as exc:
        _fail([f"{exc}; no badge was changed"], EXIT_NOTHING_COUNTED)
    except BusyError as exc:
        _fail([f"{exc}; try again later (or raise --lock-wait)"], EXIT_BUSY)
    except BadgegenError as exc:
        _fail([str(exc)], EXIT_OUTPUT_FAILED)


def _fail(lines: Iterable[str], status: int) -> NoReturn:
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(status)


def _start_logging(verbose: int, login: Login) -> None:
    from badgegen.logs import configure_logging

    secrets = [login.password.reveal()] if login.password else []
    configure_logging(verbose, secrets)


def _progress_printer() -> Callable[[int, int], None] | None:
    """Rooms done out of total, on a terminal only (not in CI logs or pipes)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int) -> None:
        end = "\r" if done < total else "\r" + " " * 30 + "\r"
        click.echo(f"{done}/{total} rooms" + end, err=True, nl=False)

    return show


def _report(
    config: Config, result: RefreshResult, out_dir: Path, status: int, *, quiet: bool, as_json: bool
) -> None:
    """The summary on the terminal (or JSON), and GitHub's job summary inside Actions."""
    from badgegen.publish import append_text
    from badgegen.summary import result_json, step_summary

    if as_json:
        click.echo(result_json(config, result, status))
    else:
        _print_summary(config, result, out_dir, quiet)
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        append_text(Path(summary_file), step_summary(config, result))


def _print_summary(config: Config, result: RefreshResult, out_dir: Path, quiet: bool) -> None:
    from badgegen.summary import summary

    for line in summary(config, result, out_dir):
        if line.problem:
            click.echo(f"Warning: {line.text}", err=True)
        elif not quiet:
            click.echo(line.text)
