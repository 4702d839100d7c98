"""How commands fail: expected errors and signals become `Error:` lines and an exit status."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import click

from badgegen.cli.words import printable
from badgegen.errors import (
    BadgegenError,
    BusyError,
    ConfigError,
    Interrupted,
    RecordError,
    XmppError,
    exit_status,
)


@dataclass(frozen=True, slots=True)
class Failure:
    """How a command failed: its exit status, a kind for scripts, and lines for people."""

    status: int
    kind: str  # config, connect, output, busy, interrupted
    lines: tuple[str, ...]


def failure_of(exc: BadgegenError) -> Failure:
    """The exit status and the `Error:` lines for an expected error."""
    status = exit_status(exc)
    if isinstance(exc, ConfigError):
        return Failure(status, "config", exc.problems)
    if isinstance(exc, XmppError):
        return Failure(status, "connect", (f"{exc}; no badge was changed",))
    if isinstance(exc, BusyError):
        return Failure(status, "busy", (f"{exc}; try again later (or raise --lock-wait)",))
    if isinstance(exc, RecordError):
        return Failure(status, "record", (str(exc),))
    if isinstance(exc, Interrupted):
        return Failure(status, "interrupted", (f"{exc}; every badge in place is whole",))
    return Failure(status, "output", (str(exc),))


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
        # Python's own Ctrl-C inside (start.py's handler is for the moments around it):
        # asyncio.run then cancels its task cleanly, and KeyboardInterrupt becomes ours.
        before = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (a test's CliRunner): leave signals alone
        previous = before = None
    interrupted = False
    try:
        yield
    except KeyboardInterrupt:
        interrupted = True
        raise Interrupted(signal.SIGINT) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
            # Once interrupted the command ends: a second Ctrl-C adds nothing to its line.
            signal.signal(signal.SIGINT, signal.SIG_IGN if interrupted else before)


def print_errors(lines: Iterable[str]) -> None:
    """Print each line as `Error: ...` on stderr: the one place errors are worded for people."""
    for line in lines:
        click.echo(f"Error: {printable(line)}", err=True)


def fail(lines: Iterable[str], status: int) -> NoReturn:
    """Print the errors and exit with the status."""
    print_errors(lines)
    sys.exit(status)
