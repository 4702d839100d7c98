"""JIDs are parsed without slixmpp, yet as slixmpp (and the servers) parse them."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slixmpp.jid import JID, InvalidJID

from badgegen.jids import parse_domain, parse_jid

# Characters that exercise every step of the profiles: case folding (ß, fullwidth A), removal
# (U+200B), prohibition (space, U+202E, controls), bidi (Arabic, Hebrew), the fullwidth
# full stop, and the separators themselves.
ALPHABET = "aZ9-_.@/ é\u00dfＡ\u200b\u202e\u0627\u05d0\uff0e1\t\x00'&<\u0301"
HOST_PUNCTUATION = set(string.punctuation) - set("-_.@/")


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


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=12))
def test_agrees_with_slixmpp(text: str) -> None:
    """Valid where slixmpp finds it valid, with the same parts, and invalid where it is not.

    Deliberate differences: a domain with ASCII punctuation (a!b.org) is refused, as
    Prosody's host name rules refuse it, where slixmpp lets it through; a final dot is
    stripped, as RFC 7622 (section 3.2) says, where slixmpp mostly keeps it. (IDNA's
    ideographic full stop is left out: slixmpp keeps it inside a label, refuses it at the end.)
    """
    theirs, ours = slixmpp_parts(text), our_parts(text)
    domain = text.partition("/")[0].rpartition("@")[2]
    if theirs is None:
        assert ours is None or domain.endswith("\uff0e"), text  # a final dot, stripped
    elif ours is None:
        assert set(domain) & HOST_PUNCTUATION, text
    elif domain.endswith("."):  # slixmpp may keep a "/" in the resource then: "a./r" -> "/r"
        assert ours[:2] == (theirs[0], theirs[1].removesuffix(".")), text
        assert theirs[2] in (ours[2], "/" + ours[2]), text
    else:
        assert ours == theirs, text


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
