"""The exceptions badgegen raises for expected failures, and the exit statuses."""

EXIT_OK = 0
EXIT_BUG = 1  # Python's status for an uncaught exception
EXIT_USAGE = 2  # also click's own status for usage errors
EXIT_SOME_UNCOUNTED = 3
EXIT_NOTHING_COUNTED = 4
EXIT_OUTPUT_FAILED = 5
EXIT_BUSY = 6


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
