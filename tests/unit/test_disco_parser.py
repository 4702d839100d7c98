"""Parsing recorded disco#info replies into counts, the way xep_0502 reads forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from slixmpp import ClientXMPP
from slixmpp.xmlstream import ET

from badgegen.counts import Count, Problem
from badgegen.login import Login, Secret
from badgegen.xmpp import ConnectOptions, count_from_reply, make_client

DISCO = Path(__file__).parent.parent / "data" / "disco"


@pytest.fixture(scope="module")
def client() -> ClientXMPP:
    """A client with counting's stanza plugins registered, never connected."""
    return make_client(Login("reader@example.org", Secret("unused")), ConnectOptions())


def reply(client: ClientXMPP, name: str) -> object:
    """A recorded stanza, parsed the way slixmpp parses incoming ones."""
    return client.Iq(xml=ET.fromstring((DISCO / name).read_text()))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prosody-with-occupants.xml", Count("r@m", 12)),
        ("other-form-first.xml", Count("r@m", 0)),
        ("without-occupants-field.xml", Count("r@m", None, Problem.NOT_PUBLISHED, name="Quiet")),
        ("no-form.xml", Count("r@m", None, Problem.NOT_PUBLISHED, name="Old")),
        ("garbage-count.xml", Count("r@m", None, Problem.NOT_PUBLISHED)),
        ("error-item-not-found.xml", Count("r@m", None, Problem.NOT_FOUND, "item-not-found")),
        ("error-forbidden.xml", Count("r@m", None, Problem.NOT_ALLOWED, "forbidden")),
        (
            "error-remote-server-not-found.xml",
            Count("r@m", None, Problem.REMOTE_UNREACHABLE, "remote-server-not-found"),
        ),
    ],
)
def test_recorded_replies(client: ClientXMPP, name: str, expected: Count) -> None:
    """Counts come only from the muc#roominfo form; a missing field is never 0."""
    assert count_from_reply("r@m", reply(client, name)) == expected  # type: ignore[arg-type]
