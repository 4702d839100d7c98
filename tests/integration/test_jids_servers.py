"""Room JIDs are valid where the servers people run take them, and invalid where none does.

The truth is the servers' own code, not badgegen's nor slixmpp's: Prosody's util.jid and
its IDNA conversion, run by Prosody's own Lua; ejabberd's jid module and the idna library
its s2s uses, run by Debian's Erlang. A room is one a server can both parse and reach, so
its domain must also convert to a name DNS can look up. No server is started.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from badgegen.text.jids import parse_jid

CHECKERS = Path(__file__).parents[2] / "sandbox" / "jids"
# Each step of the rules: case and width (Z, a fullwidth A), nameprep's mappings (ß,
# U+200B), hyphens and "--" (A-labels), host name rules ("_", "!"), combining marks,
# right-to-left text (Hebrew, Arabic, an Arabic-Indic digit), digits, the fullwidth full stop.
DOMAIN_ALPHABET = (
    "a", "Z", "9", "1", "-", "--", "_", "!", ".", "é", "ß", "\uff21", "\u200b", "\u0301",
    "\u05d0", "\u0627", "\u0663", "\uff0e", "xn--", "bcher-kva",
)  # fmt: skip
LOCAL_ALPHABET = ("a", "Z", "9", "-", ".", "ß", "\u200b", "\u05d0", "'", " ")
# Found by the property test against slixmpp (tests/unit/test_jids.py), checked here too.
PINNED = ("x@ß--1", "x@א1.א", "x@א1", "x@א.1", "x@1א.org", "x@ab--c.org", "x@a_b.org",
          "x@xn--bcher-kva.example", "x@xn--a.org", "x@a.org．", "x@א．")  # fmt: skip


def corpus(size: int, seed: int = 2026) -> list[str]:
    """Room-shaped texts from the alphabets, the same on every run, and the pinned ones."""
    draw = random.Random(seed)  # noqa: S311 (a fixed corpus, not a secret)
    texts = dict.fromkeys(PINNED)
    while len(texts) < size:
        local = "".join(draw.choices(LOCAL_ALPHABET, k=draw.randint(1, 3)))
        domain = "".join(draw.choices(DOMAIN_ALPHABET, k=draw.randint(1, 6)))
        texts[f"{local}@{domain}"] = None
    return list(texts)


def prosody_verdicts(texts: Sequence[str]) -> list[tuple[str, str, str] | None]:
    """Prosody's parts of each text, or None: its own Lua and libraries, found as its
    `prosody` script names them (CFG_SOURCEDIR, and the interpreter on the first line)."""
    script = Path(_required("prosody", "prosody")).read_text(encoding="utf-8")
    lua = script.splitlines()[0].removeprefix("#!").split()[-1]
    found = re.search(r"CFG_SOURCEDIR\s*=\s*'([^']+)'", script)
    assert found, "the prosody script names no CFG_SOURCEDIR"
    command = [shutil.which(lua) or lua, str(CHECKERS / "prosody.lua"), found.group(1)]
    return _verdicts(command, texts)


def ejabberd_verdicts(texts: Sequence[str]) -> list[tuple[str, str, str] | None]:
    """ejabberd's parts of each text, or None, from its own Erlang libraries."""
    escript = _required("escript", "ejabberd")
    return _verdicts([escript, str(CHECKERS / "ejabberd.escript")], texts)


def _verdicts(command: list[str], texts: Sequence[str]) -> list[tuple[str, str, str] | None]:
    lines = "".join(json.dumps(text, ensure_ascii=False) + "\n" for text in texts)
    done = subprocess.run(
        command, input=lines, capture_output=True, text=True, encoding="utf-8", timeout=120,
        check=True,
    )  # fmt: skip
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(texts), done.stderr
    return [tuple(answer) if answer else None for answer in answers]


def _required(program: str, package: str) -> str:
    found = shutil.which(program)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test: install Debian's {package}")
        pytest.skip(f"{program} is not installed (apt-get install {package})")
    return found


def ours(text: str) -> tuple[str, str, str] | None:
    try:
        jid = parse_jid(text)
    except ValueError:
        return None
    return jid.local, jid.domain, jid.resource


def as_room(parts: tuple[str, str, str] | None) -> tuple[str, str, str] | None:
    """A server's parts when they make a room JID (a local part, no resource), else None."""
    return parts if parts and parts[0] and not parts[2] else None


@pytest.fixture(scope="module")
def verdicts() -> list[tuple[str, tuple[str, str, str] | None, tuple[str, str, str] | None]]:
    """(text, Prosody's room, ejabberd's room) for 4,000 room-shaped texts."""
    texts = corpus(4000)
    prosody, ejabberd = prosody_verdicts(texts), ejabberd_verdicts(texts)
    return [
        (text, as_room(p), as_room(e)) for text, p, e in zip(texts, prosody, ejabberd, strict=True)
    ]


def test_what_both_servers_take_is_taken(
    verdicts: list[tuple[str, tuple[str, str, str] | None, tuple[str, str, str] | None]],
) -> None:
    """A room JID both servers parse and can reach is valid for badgegen, and names the same
    room: the same parts, the domain's A-labels as U-labels (RFC 7622 compares those).

    One documented difference: a domain that ends in two dots. RFC 7622 strips one final
    dot; the empty label left is invalid, which Prosody and ejabberd let through.
    """
    taken = [(text, p) for text, p, e in verdicts if p and e]
    assert len(taken) > 300  # the corpus reaches both sides of the rules
    refused = [text for text, _p in taken if ours(text) is None and not _two_final_dots(text)]
    assert refused == []
    differ = [
        (text, p, ours(text))
        for text, p in taken
        if (mine := ours(text)) is not None and not _same_room(mine, p)
    ]
    assert differ == []


def test_what_no_server_takes_is_refused(
    verdicts: list[tuple[str, tuple[str, str, str] | None, tuple[str, str, str] | None]],
) -> None:
    """A text neither server can use as a room's address is refused by `badgegen check`."""
    refused = [text for text, p, e in verdicts if not p and not e]
    assert len(refused) > 500
    assert [text for text in refused if as_room(ours(text))] == []


def test_pinned_differences_with_slixmpp_follow_the_servers() -> None:
    """ß--1 is refused (nameprep makes it ss--1, whose "--" no server's IDNA routes), while
    א1.א is taken (RFC 5893 lets a right-to-left label end in a digit): both as the servers
    decide, where slixmpp decides otherwise for the first."""
    texts = ["x@ß--1", "x@א1.א"]
    prosody, ejabberd = prosody_verdicts(texts), ejabberd_verdicts(texts)
    assert [ours(text) for text in texts] == [None, ("x", "א1.א", "")]
    assert prosody == [None, ("x", "א1.א", "")]
    assert ejabberd == [None, ("x", "א1.א", "")]


def _two_final_dots(text: str) -> bool:
    import unicodedata

    return unicodedata.normalize("NFKC", text).endswith("..")


def _same_room(mine: tuple[str, str, str], theirs: tuple[str, str, str]) -> bool:
    """Whether our parts and a server's name one room: a final dot and A-labels aside."""
    domain = theirs[1].removesuffix(".")
    labels = [_u_label(label) for label in domain.split(".")]
    return mine == (theirs[0], ".".join(labels), theirs[2])


def _u_label(label: str) -> str:
    try:
        return label.encode("ascii").decode("idna") if label.startswith("xn--") else label
    except UnicodeError:
        return label
