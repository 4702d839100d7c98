"""`badgegen refresh`: its options in, one refresh, its outcome out."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Mapping
from typing import Any

import click

from badgegen.cli.failures import Failure, interrupts_raised, print_errors
from badgegen.cli.options import (
    CONFIG_OPTION,
    ENVIRONMENT_HELP,
    EXIT_STATUS_HELP,
    Printing,
    connection_of,
    connection_options,
    out_option,
    runtime_of,
)
from badgegen.commands.refresh import Refreshed, RefreshRequest
from badgegen.commands.runtime import Runtime
from badgegen.errors import EXIT_USAGE, Interrupted

REFRESH = RefreshRequest()


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
    "--previous",
    metavar="PATH|URL",
    help="The last published badges.json (a path or an https:// URL), for stateless CI."
    " Default: badges.json in --out.",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=REFRESH.lock_wait,
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
    help="Print one JSON document on stdout whatever happens (schema in the docs).",
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
    printing = Printing(options.pop("quiet"), options.pop("as_json"), options["verbose"] > 0)
    request = RefreshRequest(connection=connection_of(options), **options)
    sys.exit(run_refresh(request, printing, os.environ, runtime_of(context)))


def run_refresh(
    request: RefreshRequest, printing: Printing, environ: Mapping[str, str], runtime: Runtime
) -> int:
    """Refresh and print the outcome; return the exit status.

    With --json, stdout gets exactly one JSON document whatever happens.

    Args:
        request: the refresh asked for.
        printing: -q, --json, -v.
        environ: where BADGEGEN_JID and the password come from.
        runtime: the counter and the clock.
    """
    from badgegen.cli.report import report
    from badgegen.cli.summary import progress_printer
    from badgegen.commands.refresh import refresh

    if runtime.progress is None:
        progress = progress_printer(printing.quiet or printing.as_json)
        runtime = dataclasses.replace(runtime, progress=progress)
    try:
        with interrupts_raised():
            outcome = refresh(request, environ, runtime)
    except Interrupted as exc:  # at its edges, outside refresh()'s own handling
        outcome = Refreshed(runtime.now(), error=exc)
    report(outcome, request.out_dir, printing)
    return outcome.status
