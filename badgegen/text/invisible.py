"""Characters no reader may be shown as they are, defined once for every place text is shown.

C0 and C1 controls (an ESC starts a terminal's escape sequence) and DEL; the
marks, embeddings, overrides and isolates that reorder bidirectional text;
zero-width and invisible format characters (U+200B-U+200D, U+2060-U+2064,
U+FEFF and the like), which hide or join text unseen; and the tag characters
(U+E0000-U+E007F), which can carry whole hidden sentences. A name keeps the
joiners and tags that build one emoji (a family, a flag of a region); the
terminal, logs and the job summary see each of them escaped.
"""

from __future__ import annotations

import re

_INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e007f"
)
INVISIBLE = re.compile(f"[{_INVISIBLE}]")
# Of those, what a single emoji may be built with: ZWJ joins a family or a profession, and
# tags after a black flag, ended by the cancel tag, make the flag of a region.
ZWJ = "\u200d"
_TAGS = ("\U000e0020", "\U000e007f")
TAG_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]{1,8}\U000e007f")
# Line breaks, escaped on one-line output; tabs, new lines and carriage returns are C0.
LINE_BREAKS = re.compile("[\t\n\r\x85\u2028\u2029]")


def visible(cluster: str, *, emoji: bool) -> str:
    """A grapheme cluster without its invisible characters; an emoji keeps the joiners and
    the tags of a flag it is built of."""
    if not emoji:
        return INVISIBLE.sub("", cluster)
    flag = TAG_FLAG.search(cluster) is not None
    return "".join(
        char
        for char in cluster
        if char == ZWJ or (flag and _TAGS[0] <= char <= _TAGS[1]) or not INVISIBLE.fullmatch(char)
    )


def escaped(text: str, *, keep_lines: bool = False) -> str:
    r"""text with every invisible character (and line break) as its escape: \x1b, \u202e.

    Args:
        text: what a server, a file name or an option held.
        keep_lines: leave tabs and new lines as they are (a log's traceback).
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return char if keep_lines and char in "\t\n" else ascii(char)[1:-1]

    text = INVISIBLE.sub(escape, text)
    return text if keep_lines else LINE_BREAKS.sub(escape, text)


def first_invisible(text: str) -> str | None:
    """The first character of text no reader may be shown as it is, or None."""
    found = INVISIBLE.search(text)
    return found.group() if found else None
