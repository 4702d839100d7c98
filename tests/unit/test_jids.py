"""JIDs are parsed without slixmpp, yet as slixmpp (and the servers) parse them."""

from __future__ import annotations

import re
import string
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from slixmpp.jid import JID, InvalidJID

from badgegen.text.jids import parse_domain, parse_jid
from tests.properties import examples

# Characters that exercise every step of the profiles: case folding (ß, fullwidth A), removal
# (U+200B), prohibition (space, U+202E, controls), bidi (Arabic, Hebrew), the fullwidth
# full stop, and the separators themselves.
ALPHABET = "aZ9-_.@/ é\u00dfＡ\u200b\u202e\u0627\u05d0\uff0e1\t\x00'&<\u0301"
HOST_PUNCTUATION = set(string.punctuation) - set("-.@/")


def slixmpp_parts(text: str) -> tuple[str, str, str] | None:
    """What slixmpp makes of text, or None when it refuses it."""
    try:
        jid = JID(text)
    except InvalidJID:
        return None
    return str(jid.user), str(jid.domain), str(jid.resource)


def our_parts(text: str) -> tuple[str, str, str] | None:
    try:
        jid = parse_jid(text)
    except ValueError:
        return None
    return jid.local, jid.domain, jid.resource


@examples(3000)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=12))
# Found by earlier runs with fresh randomness (scripts/explore); checked on every run.
@example("ß--1")
@example("א1.א")
@example("\u05d0\uff0e")
@example("a\uff0e")
@example("a!b.org")
@example("a_b.org")
@example("x@y/\u200b")
def test_agrees_with_slixmpp(text: str) -> None:
    """Valid where slixmpp finds it valid, with the same parts, and invalid where it is not,
    but where the servers people run decide otherwise (tests/integration/test_jids_servers.py
    asks Prosody and ejabberd themselves). Where and why badgegen differs from slixmpp:

    - a domain label with ASCII punctuation or "_" (a!b.org, a_b.org) is refused: slixmpp
      takes it, but neither server's IDNA conversion can route to it (STD3's host names);
    - "--" in the third and fourth place of a label once prepared (ß--1 is ss--1 after
      nameprep) is refused unless it is an A-label: slixmpp checks the label before
      nameprep maps ß to ss; both servers' IDNA refuse ss--1;
    - a domain that ends in a dot once prepared (a fullwidth full stop, or a dot before
      U+200B) has it stripped as RFC 7622 (section 3.2) says, as both servers take it:
      slixmpp strips only an ASCII dot at the very end, then finds an empty label; a final
      ASCII dot is stripped too, where slixmpp mostly keeps it;
    - a right-to-left domain is checked as both servers check it: RFC 3454's rule across
      the whole domain (א1.א passes; א and a fullwidth full stop, mapped to a dot, does not) and RFC
      5893's Bidi Rule per label (a right-to-left label may end in a digit);
    - a part that nameprep empties (x@y/U+200B) is refused rather than dropped.

    (IDNA's ideographic full stop is left out: slixmpp keeps it inside a label, refuses it at
    the end.)
    """
    theirs, ours = slixmpp_parts(text), our_parts(text)
    domain = text.partition("/")[0].rpartition("@")[2]
    prepared = unicodedata.normalize("NFKC", domain.replace("\u200b", "")).casefold()
    if theirs is None:
        assert ours is None or prepared.endswith("."), text  # a final dot once prepared
    elif ours is None:
        assert (
            set(prepared) & HOST_PUNCTUATION
            or re.search(r"(^|\.)..--", prepared.replace("ß", "ss"))
            or _fullwidth_final_dot_after_right_to_left(domain)
            or (text.endswith("/\u200b") or text.startswith("\u200b@"))
        ), text
    elif domain.endswith("."):  # slixmpp may keep a "/" in the resource then: "a./r" -> "/r"
        assert ours[:2] == (theirs[0], theirs[1].removesuffix(".")), text
        assert theirs[2] in (ours[2], "/" + ours[2]), text
    else:
        assert ours == theirs, text


def _fullwidth_final_dot_after_right_to_left(domain: str) -> bool:
    """A right-to-left domain ending in a fullwidth full stop: nameprep makes it a dot, which
    ends the domain in text that is not right-to-left."""
    return domain.endswith("\uff0e") and any(char in "\u05d0\u0627" for char in domain)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Lobby@Conference.Example.ORG", "lobby@conference.example.org"),
        ("room@xn--bcher-kva.example", "room@bücher.example"),  # RFC 7622 compares U-labels
        ("ＡＢ@ｅｘａｍｐｌｅ．org", "ab@example.org"),
        ("ß@b.org", "ss@b.org"),
        ("x@[::1]", "x@[::1]"),
        ("x@127.0.0.1", "x@127.0.0.1"),
        ("room@example.org.", "room@example.org"),  # RFC 7622, section 3.2
        ("service.example", "service.example"),
        ("x@א1.א", "x@א1.א"),  # RFC 5893: a right-to-left label may end in a digit
        ("x@xn--1-zhc.xn--4db", "x@א1.א"),
        ("x@a.org\uff0e", "x@a.org"),  # a final fullwidth full stop is a final dot
        ("x@xn--zca.de", "x@xn--zca.de"),  # ß, which nameprep would make ss: another domain
    ],
)
def test_normalised_as_servers_compare(text: str, bare: str) -> None:
    """Case, width and A-labels are normalised, so that one room has one key."""
    assert parse_jid(text).bare == bare


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("@conference.example.org", "the part before @ is empty"),
        ("a b@c.org", "the local part holds (U+0020 SPACE), which a JID cannot hold there"),
        ("a@b.org/", "the part after / is empty"),
        ("a@b..org", '"b..org" has an empty label (two dots in a row?)'),
        ("a@-b.org", '"-b" starts or ends with a hyphen'),
        ("a@b!.org", '"b!.org" holds "!" (U+0021 EXCLAMATION MARK), which a domain cannot hold'),
        ("a@[1.2.3.4]", '"[1.2.3.4]" holds "[" (U+005B LEFT SQUARE BRACKET), which a domain'),
        ("x" * 1024 + "@b.org", "the local part is longer than 1023 bytes"),
        ("\u0627a@b.org", "the local part mixes right-to-left and left-to-right text"),
        ("x@ß--1", '"ss--1, ß--1 once prepared," has "--" in third and fourth place'),
        ("x@ab--c.org", '"ab--c" has "--" in third and fourth place, which only an A-label'),
        ("x@xn--a.org", '"xn--a" is not a valid A-label'),
        ("x@א1", "the domain mixes right-to-left and left-to-right text"),
        ("x@א.1.א", '"1" breaks the Bidi Rule of a right-to-left domain (RFC 5893)'),
        ("x@a_b.org", '"a_b.org" holds "_" (U+005F LOW LINE), which a domain cannot hold'),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    """Each refusal names the part and the character or rule."""
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
        parse_jid(text)


def test_labels_longer_than_dns_allows() -> None:
    """A label of 64 characters is no domain name."""
    with pytest.raises(ValueError, match="not a valid domain label"):
        parse_domain("a" * 64 + ".org")
