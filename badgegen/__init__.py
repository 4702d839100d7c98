"""Static SVG badges showing how many people are in XMPP group chats."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """__version__, looked up only when asked for: importlib.metadata costs 50 ms a run."""
    if name != "__version__":
        raise AttributeError(f"module 'badgegen' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("badgegen")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
