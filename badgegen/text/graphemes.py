"""Grapheme clusters: what a reader sees as one character (Unicode's extended clusters)."""

from __future__ import annotations

from functools import cache
from typing import Any


def graphemes(text: str) -> list[str]:
    """Split text into user-perceived characters (extended grapheme clusters).

    ASCII text other than CR LF is one cluster per character, which spares
    most runs the import of the regex module.
    """
    if text.isascii() and "\r\n" not in text:
        return list(text)
    return list(_pattern(r"\X").findall(text))


def is_emoji(cluster: str) -> bool:
    """Whether a cluster is drawn as an emoji (by presentation, a flag, or a selector)."""
    return bool(
        _pattern(r"\p{Emoji_Presentation}|\p{Regional_Indicator}|\ufe0f|\u20e3").search(cluster)
    )


@cache
def _pattern(expression: str) -> Any:
    import regex  # Python's re knows neither \X nor Unicode properties

    return regex.compile(expression)
