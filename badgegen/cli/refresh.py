"""`badgegen refresh`: options in, one refresh, the result out."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from badgegen.cli.failures import Failure, failure_of, interrupts_raised, print_errors
from badgegen.cli.options import (
    CONFIG_OPTION,
    ENVIRONMENT_HELP,
    EXIT_STATUS_HELP,
    RefreshOptions,
    Runtime,
    connection_options,
    out_option,
    runtime_of,
)
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, EXIT_USAGE, BadgegenError

if TYPE_CHECKING:
    from badgegen.pipeline.run import Counter


class _JsonAwareCommand(click.Command):
    """A command whose --json holds for usage errors too: one JSON document on stdout."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        as_json = "--json" in args  # before parsing, which consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if not as_json:
                raise
            from badgegen.cli.json_output import failure_json

            failure = Failure(EXIT_USAGE, "usage", (exc.format_message(),))
            print_errors(failure.lines)
            click.echo(failure_json(failure, runtime_of(ctx).now()))
            ctx.exit(EXIT_USAGE)


@click.command(
    "refresh",
    cls=_JsonAwareCommand,
    short_help="Count every room's occupants and write the badges.",
    epilog=f"{ENVIRONMENT_HELP}\n\n{EXIT_STATUS_HELP}",
)
@CONFIG_OPTION
@out_option("Where to write the badges.")
@connection_options
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
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="-v: a line for every room and a debug log; -vv: also the XMPP traffic (credentials"
    " redacted).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems (for cron).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON document on stdout whatever happens (schema in README).",
)
@click.pass_context
def refresh_command(context: click.Context, /, **options: Any) -> None:
    """Count every room's occupants and write one SVG badge per room.

    Logs in once as BADGEGEN_JID (or `account.jid` in rooms.yaml) with the
    password in BADGEGEN_PASSWORD or the file named by BADGEGEN_PASSWORD_FILE,
    counts every room over that connection and writes NAME.svg, NAME.json,
    badges.json and index.html into --out, changing only what changed.

    \b
    Example:
      BADGEGEN_JID=badges@example.org BADGEGEN_PASSWORD_FILE=~/.badgegen \\
        badgegen refresh --config rooms.yaml --out public -q
    """
    sys.exit(run_refresh(RefreshOptions(**options), os.environ, runtime_of(context)))


def run_refresh(
    options: RefreshOptions, environ: Mapping[str, str], runtime: Runtime | None = None
) -> int:
    """Load the rooms and the login, refresh, print the outcome; return the exit status.

    With --json, stdout gets exactly one JSON document whatever happens.

    Args:
        options: the command's options.
        environ: where BADGEGEN_JID and the password come from.
        runtime: the counter (None: one XMPP session per the options) and the clock.
    """
    from badgegen.logs import WarningsKept

    runtime = runtime or Runtime()
    now, started = runtime.now(), time.monotonic()
    with WarningsKept() as logged:
        return _refresh_and_report(options, environ, runtime.counter, now, started, logged.texts)


def _refresh_and_report(
    options: RefreshOptions,
    environ: Mapping[str, str],
    counter: Counter | None,
    now: datetime,
    started: float,
    logged: list[str],
) -> int:
    from badgegen.cli.arguments import connect_options
    from badgegen.cli.json_output import failure_json
    from badgegen.cli.report import report
    from badgegen.cli.summary import progress_printer, start_logging
    from badgegen.config import load_rooms
    from badgegen.config.login import resolve_login
    from badgegen.pipeline.run import Output, refresh, xmpp_counter

    try:
        with interrupts_raised():
            config = load_rooms(options.config_path)
            login = resolve_login(config.account, environ)
            start_logging(options.verbose, login)
            quiet = options.quiet or options.as_json
            connect = connect_options(options)  # checked whoever counts
            if counter is None:
                counter = xmpp_counter(connect, progress_printer(quiet))
            output = Output(
                options.out_dir,
                now,
                options.previous,
                options.lock_wait,
                options.dry_run,
                deadline_at=started + options.deadline,
            )
            result = refresh(config, login, counter, output)
    except BadgegenError as exc:
        failure = failure_of(exc)
        print_errors(failure.lines)
        if options.as_json:
            click.echo(failure_json(failure, now, logged))
        return failure.status
    status = EXIT_OK if result.all_counted else EXIT_SOME_UNCOUNTED
    report(result, options, status, now, logged)
    return status
