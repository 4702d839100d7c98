"""Static SVG badges showing how many people are in XMPP group chats."""

from __future__ import annotations

# The name on PyPI ("badgegen" there is an unrelated project); the import
# package and the command are badgegen.
DISTRIBUTION = "xmpp-badgegen"
UNKNOWN_VERSION = "0+unknown"


def __getattr__(name: str) -> str:
    """__version__, looked up only when asked for: importlib.metadata costs 50 ms a run."""
    if name != "__version__":
        raise AttributeError(f"module 'badgegen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # running from a source tree that was never installed
        return UNKNOWN_VERSION
