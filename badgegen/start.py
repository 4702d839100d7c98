"""The `badgegen` command's entry: Ctrl-C at any moment ends it with status 130 and one line.

A command's own work turns Ctrl-C into its `Error:` line (cli/failures.py); this covers
the moments around it, from this module's first instruction: importing the command line,
click parsing the arguments, printing the result. Without it click would print
`Aborted!` and exit 1, which --help calls a bug in badgegen. It imports nothing but the
standard library before the handler is in place.
"""

from __future__ import annotations

import contextlib
import gc
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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C adds nothing
    raise _Stopped


def main(args: Sequence[str] | None = None) -> None:
    """Run the command line as `badgegen`."""
    signal.signal(signal.SIGINT, _stop)
    try:
        from badgegen.cli import main as command_line

        command_line(args=args, prog_name="badgegen")
    except (_Stopped, KeyboardInterrupt):
        _end_interrupted()
    except Exception as exc:  # a command's Interrupted that escaped its own handling
        from badgegen.errors import Interrupted

        if not isinstance(exc, Interrupted):
            raise
        _end_interrupted(exc.status, f"Error: {exc}; every badge in place is whole\n")


def console() -> None:
    """The `badgegen` command (console script and `python -m badgegen`): main, then the
    process ends, and what it built goes with it. Frozen, it is left out of the
    interpreter's last collection (tens of ms over the modules of a refresh); a program
    that calls main itself keeps its own collections as they were."""
    try:
        main()
    finally:
        gc.freeze()


def _end_interrupted(status: int = 128 + signal.SIGINT, line: str = INTERRUPTED) -> None:
    """One line on stderr, status 130 (143 for SIGTERM); nothing else reaches the terminal
    (no warning of a coroutine left unawaited at shutdown, no second Ctrl-C's traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, ValueError):  # a closed pipe: lost either way
        sys.stdout.flush()
    with contextlib.suppress(OSError):  # stderr closed: the status still says it
        os.write(2, line.encode())
    os._exit(status)
