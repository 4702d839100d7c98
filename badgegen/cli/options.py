"""What the commands share: common options, and expected errors turned into one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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
    XmppError,
)

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


@contextmanager
def errors_reported() -> Iterator[None]:
    """Turn expected errors into `Error: ...` lines and their exit status."""
    try:
        yield
    except ConfigError as exc:
        fail(exc.problems, EXIT_USAGE)
    except XmppError as exc:
        fail([f"{exc}; no badge was changed"], EXIT_NOTHING_COUNTED)
    except BusyError as exc:
        fail([f"{exc}; try again later (or raise --lock-wait)"], EXIT_BUSY)
    except BadgegenError as exc:
        fail([str(exc)], EXIT_OUTPUT_FAILED)


def fail(lines: Iterable[str], status: int) -> NoReturn:
    """Print each line as `Error: ...` on stderr and exit with the status."""
    for line in lines:
        click.echo(f"Error: {line}", err=True)
    sys.exit(status)
