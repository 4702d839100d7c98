"""Small wordings the commands share."""

from __future__ import annotations

import click

from badgegen.text.invisible import escaped


def plural(number: int, noun: str) -> str:
    """ "1 room", "2 rooms"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def printable(text: str) -> str:
    r"""text on one line with every invisible character escaped (\x1b, \u202e, \u200b): what a
    terminal shows as it is, whatever a server, a file name or an option held."""
    return escaped(text)


def warn(text: str) -> None:
    """Print `Warning: text` on stderr, made printable."""
    click.echo(f"Warning: {printable(text)}", err=True)
