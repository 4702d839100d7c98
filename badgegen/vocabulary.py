"""Names rooms.yaml and the command line accept, kept light to import (for --help)."""

STYLES = ("flat", "flat-square", "plastic", "for-the-badge", "social")
FORMATS = ("markdown", "html", "rst", "asciidoc")
# The history's tiers, finest first: quarter hours for a day, hours for a week, days for a
# year (badgegen.core.occupancy defines them by these names).
TIER_NAMES = ("15m", "1h", "1d")
# How many rooms one `discover:` entry (or `badgegen discover`) badges unless told, and at most.
DEFAULT_DISCOVER_LIMIT = 1000
MAX_DISCOVER_LIMIT = 10_000
