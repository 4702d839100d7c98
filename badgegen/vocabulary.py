"""Names rooms.yaml and the command line accept, kept light to import (for --help)."""

STYLES = ("flat", "flat-square", "plastic", "for-the-badge", "social")
FORMATS = ("markdown", "html", "rst", "asciidoc")
