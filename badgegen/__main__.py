"""Entry point for `python -m badgegen`: the `badgegen` command itself (start.py)."""

from badgegen.start import console

console()
