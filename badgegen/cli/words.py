"""Small wordings the commands share."""

from __future__ import annotations

import re

import click


def plural(number: int, noun: str) -> str:
    """ "1 room", "2 rooms"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# C0 and C1 controls (an ESC starts a terminal's escape sequence), DEL, and the marks and
# controls that reorder bidirectional text.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""text with every control and bidi character escaped (\x1b, \u202e): what a terminal
    shows as it is, whatever a server, a file name or an option held."""
    return _UNPRINTABLE.sub(lambda match: ascii(match.group())[1:-1], text)


def warn(text: str) -> None:
    """Print `Warning: text` on stderr, made printable."""
    click.echo(f"Warning: {printable(text)}", err=True)
