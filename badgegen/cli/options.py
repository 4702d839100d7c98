"""What the commands share: common options, and expected errors turned into one line each."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from badgegen.errors import (
    EXIT_BUSY,
    EXIT_NOTHING_COUNTED,
    EXIT_OUTPUT_FAILED,
    EXIT_USAGE,
    BadgegenError,
    BusyError,
    ConfigError,
    Interrupted,
    XmppError,
)

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
  130  interrupted (Ctrl-C); 143 stopped by SIGTERM; badges in place are whole"""

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
        # Checked by badgegen itself, before connecting: any problem is status 5.
        type=click.Path(path_type=Path),
        default="public",
        show_default=True,
        help=help_text,
    )


@dataclass(frozen=True, slots=True)
class Failure:
    """How a command failed: its exit status, a kind for scripts, and lines for people."""

    status: int
    kind: str  # config, connect, output, busy, interrupted
    lines: tuple[str, ...]


def failure_of(exc: BadgegenError) -> Failure:
    """The exit status and the `Error:` lines for an expected error."""
    if isinstance(exc, ConfigError):
        return Failure(EXIT_USAGE, "config", exc.problems)
    if isinstance(exc, XmppError):
        return Failure(EXIT_NOTHING_COUNTED, "connect", (f"{exc}; no badge was changed",))
    if isinstance(exc, BusyError):
        return Failure(EXIT_BUSY, "busy", (f"{exc}; try again later (or raise --lock-wait)",))
    if isinstance(exc, Interrupted):
        return Failure(exc.status, "interrupted", (f"{exc}; every badge in place is whole",))
    return Failure(EXIT_OUTPUT_FAILED, "output", (str(exc),))


@contextmanager
def errors_reported() -> Iterator[None]:
    """Turn expected errors (and Ctrl-C) into `Error: ...` lines and their exit status."""
    try:
        with interrupts_raised():
            yield
    except BadgegenError as exc:
        failure = failure_of(exc)
        fail(failure.lines, failure.status)


@contextmanager
def interrupts_raised() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted in the block, wherever it is (no traceback)."""

    def interrupt(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (a test's CliRunner): leave signals alone
        previous = None
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(signal.SIGINT) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def fail(lines: Iterable[str], status: int) -> NoReturn:
    """Print each line as `Error: ...` on stderr and exit with the status."""
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(status)
