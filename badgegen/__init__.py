"""Static SVG badges showing how many people are in XMPP group chats."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("badgegen")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
