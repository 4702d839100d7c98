"""Grapheme clusters: the ASCII shortcut splits text exactly as Unicode's \\X does."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from badgegen.text.graphemes import graphemes, is_emoji
from tests.properties import examples


@examples(100)
@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_clusters_are_unicode_s(text: str) -> None:
    """ASCII or not, CR LF included, the clusters are those of regex's \\X."""
    assert graphemes(text) == regex.findall(r"\X", text)


def test_cr_lf_is_one_cluster() -> None:
    """The one ASCII pair Unicode joins: CR LF."""
    assert graphemes("a\r\nb") == ["a", "\r\n", "b"]


def test_emoji_presentation() -> None:
    """Emoji, flags and keycaps are emoji; letters and text-style symbols are not."""
    assert [is_emoji(c) for c in ("😀", "🇩🇪", "1\ufe0f\u20e3", "a", "\u263a")] == [
        True, True, True, False, False,
    ]  # fmt: skip
