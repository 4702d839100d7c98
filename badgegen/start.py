"""The `badgegen` command's entry: Ctrl-C at any moment ends it with status 130 and one line.

A command's own work turns Ctrl-C into its `Error:` line (cli/failures.py); this covers
the moments around it, from this module's first instruction: importing the command line,
click parsing the arguments, printing the result. Without it click would print
`Aborted!` and exit 1, which --help calls a bug in badgegen. It imports nothing but the
standard library before the handler is in place.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

INTERRUPTED = "Error: interrupted by SIGINT; every badge in place is whole\n"


class _Stopped(BaseException):
    """Ctrl-C outside a command's own handling: it passes click by (click would catch a
    KeyboardInterrupt), and every `finally` and `with` on the way runs."""


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise _Stopped


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line as `badgegen`."""
    signal.signal(signal.SIGINT, _stop)
    try:
        from badgegen.cli import main as command_line

        command_line(args=args, prog_name="badgegen")
    except (_Stopped, KeyboardInterrupt):
        _end_interrupted()


def _end_interrupted() -> None:
    """One line on stderr, status 130; nothing else reaches the terminal (no warning of a
    coroutine left unawaited at shutdown, no second Ctrl-C's traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from badgegen.errors import EXIT_INTERRUPTED

    with contextlib.suppress(OSError, ValueError):  # a closed pipe: lost either way
        sys.stdout.flush()
    os.write(2, INTERRUPTED.encode())
    os._exit(EXIT_INTERRUPTED)
