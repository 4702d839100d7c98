"""Small wordings the commands share."""

from __future__ import annotations


def plural(number: int, noun: str) -> str:
    """ "1 room", "2 rooms"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
