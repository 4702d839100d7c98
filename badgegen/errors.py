"""The exceptions badgegen raises for expected failures, and the exit statuses."""

import signal

EXIT_OK = 0
EXIT_BUG = 1  # Python's status for an uncaught exception
EXIT_USAGE = 2  # also click's own status for usage errors
EXIT_SOME_UNCOUNTED = 3
EXIT_NOTHING_COUNTED = 4
EXIT_OUTPUT_FAILED = 5
EXIT_BUSY = 6
EXIT_RECORD_UNREADABLE = 7
# Stopped by a signal: 128 + its number, as shells report a process it ended.
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130: Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: systemd stopping a timer's service, kill


class BadgegenError(Exception):
    """An expected failure, reported to the user as one `Error: ...` line."""


class ConfigError(BadgegenError):
    """rooms.yaml, the account or the command line is not usable.

    Args:
        problems: every problem found, each already saying what, where and
            what was expected.
    """

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


class XmppError(BadgegenError):
    """The run could not connect or log in, so nothing could be counted."""


class RenderError(BadgegenError):
    """A badge template could not be loaded or rendered."""


class PublishError(BadgegenError):
    """A badge could not be written to the output directory."""


class BusyError(BadgegenError):
    """Another run holds the output directory's lock."""


class RecordError(BadgegenError):
    """The last run's record is there but cannot be used; nothing may be written over it."""


class Interrupted(BadgegenError):
    """The run was stopped by SIGINT or SIGTERM; badges in place are whole."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def status(self) -> int:
        """The exit status: 130 for SIGINT, 143 for SIGTERM."""
        return EXIT_INTERRUPTED if self.signum == signal.SIGINT else EXIT_TERMINATED


def exit_status(error: BadgegenError) -> int:
    """The exit status an expected failure ends a command with (each command's --help lists
    them)."""
    if isinstance(error, Interrupted):
        return error.status
    statuses: tuple[tuple[type[BadgegenError], int], ...] = (
        (ConfigError, EXIT_USAGE),
        (XmppError, EXIT_NOTHING_COUNTED),
        (BusyError, EXIT_BUSY),
        (RecordError, EXIT_RECORD_UNREADABLE),
    )
    return next(
        (status for kind, status in statuses if isinstance(error, kind)), EXIT_OUTPUT_FAILED
    )
