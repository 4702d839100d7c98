"""The exceptions badgegen raises for expected failures."""


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
