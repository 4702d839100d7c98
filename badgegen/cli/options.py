"""The options commands share, declared once; their defaults are the requests' own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from badgegen.commands.refresh import DEFAULT_CONFIG, DEFAULT_OUT
from badgegen.commands.runtime import Runtime
from badgegen.core.connection import Connection

# Shown in --help of the commands they concern (\b keeps click from rewrapping).
ENVIRONMENT_HELP = """\b
Environment:
  BADGEGEN_JID            the account to log in as (else account.jid in rooms.yaml)
  BADGEGEN_PASSWORD       its password
  BADGEGEN_PASSWORD_FILE  or a file holding it (a regular file of at most 4 KiB)
  GITHUB_STEP_SUMMARY     inside GitHub Actions: where the job summary goes"""
EXIT_STATUS_HELP = """\b
Exit status:
  0    every room counted; badges written
  1    a bug in badgegen (please report it with the traceback)
  2    usage or configuration error; nothing connected, nothing written
  3    some rooms could not be counted; their badges say so
  4    nothing counted: connection, TLS or login failed; no badge changed
  5    the output directory cannot be used, or a write failed
  6    another refresh holds the output directory (see --lock-wait)
  7    the last record (--previous, or in --out) is there but cannot be read:
       nothing written, so what was published stays as it was
  130  interrupted (Ctrl-C); 143 stopped by SIGTERM; badges in place are whole"""


def exit_status_help(*statuses: tuple[int, str]) -> str:
    """A command's "Exit status:" epilog; 1 (a bug) and 130 (Ctrl-C) hold for every command."""
    shown = [*statuses, (1, "a bug in badgegen (please report it with the traceback)")]
    shown.append((130, "interrupted (Ctrl-C)"))
    lines = [f"  {status:<4} {meaning}" for status, meaning in sorted(shown)]
    return "\b\nExit status:\n" + "\n".join(lines)


CONNECTION = Connection()
CONNECTION_KEYS = ("server", "ca_file", "timeout", "deadline", "concurrency")
# Where and how a command connects: refresh's, and discover's.
_CONNECTION = (
    click.option(
        "--server",
        metavar="HOST[:PORT]",
        help="Connect here instead of where DNS SRV records point: HOST, HOST:PORT or [IPV6]:PORT."
        " STARTTLS is tried first, direct TLS first on 5223 and 443.",
    ),
    click.option(
        "--ca-file",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help="Also trust this CA certificate (PEM), e.g. a server's own CA.",
    ),
    click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=CONNECTION.timeout,
        show_default=True,
        help="Seconds each wait may take: the DNS lookup, each connection attempt, the login,"
        " each room's query.",
    ),
    click.option(
        "--deadline",
        type=click.FloatRange(min=0, min_open=True),
        default=CONNECTION.deadline,
        show_default=True,
        help="Seconds the whole run may take: fetching the last record, connecting, counting and"
        " writing (counting stops early enough for the rest).",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(1, 1000),
        default=CONNECTION.concurrency,
        show_default=True,
        help="Queries in flight at once.",
    ),
)


def connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--server, --ca-file, --timeout, --deadline and --concurrency, as refresh and discover
    take them."""
    for option in reversed(_CONNECTION):
        command = option(command)
    return command


def connection_of(options: dict[str, Any]) -> Connection:
    """The connection the options describe (taken out of options)."""
    return Connection(**{key: options.pop(key) for key in CONNECTION_KEYS})


CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_CONFIG,
    show_default=True,
    help="The rooms to badge.",
)


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --out option, default public/, with what it means for the command."""
    return click.option(
        "--out",
        "out_dir",
        # Checked by badgegen itself, before connecting: any problem is status 5.
        type=click.Path(path_type=Path),
        default=DEFAULT_OUT,
        show_default=True,
        help=help_text,
    )


@dataclass(frozen=True, slots=True)
class Printing:
    """How a refresh's outcome is printed: -q, --json, -v."""

    quiet: bool = False
    as_json: bool = False
    verbose: bool = False


def runtime_of(context: click.Context) -> Runtime:
    """The Runtime main() was given, or the default one."""
    return context.obj if isinstance(context.obj, Runtime) else Runtime()
