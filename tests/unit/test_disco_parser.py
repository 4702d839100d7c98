"""Parsing recorded disco#info replies into counts, the way xep_0502 reads forms."""

from __future__ import annotations

import asyncio
from pathlib import Path
from xml.etree.ElementTree import Element, fromstring

import pytest

from badgegen.counts import Count, Problem
from badgegen.login import Login, Secret
from badgegen.xmpp import ConnectOptions
from badgegen.xmpp.disco import DiscoQueries, count_from_reply, query_stanza
from badgegen.xmpp.session import make_client

DISCO = Path(__file__).parent.parent / "data" / "disco"


def reply(name: str) -> Element:
    """A recorded stanza, as slixmpp's parser hands it over."""
    return fromstring((DISCO / name).read_text())


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
def test_recorded_replies(name: str, expected: Count) -> None:
    """Counts come only from the muc#roominfo form; a missing field is never 0."""
    assert count_from_reply("r@m", reply(name)) == expected


def test_query_is_the_smallest_the_protocol_allows() -> None:
    """Rate limits count bytes: no from, no xml:lang, no stream namespace, a short id."""
    stanza = query_stanza("q7", "lobby@rooms.example.org")
    assert stanza == (
        "<iq type='get' id='q7' to='lobby@rooms.example.org'>"
        "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
    )


def test_query_escapes_the_room_address() -> None:
    """Whatever the JID holds, the stanza stays well-formed XML with that address."""
    room = "a'b&c<d>@rooms.example.org"
    parsed = fromstring(query_stanza("q1", room))
    assert parsed.get("to") == room


def test_a_reply_counts_only_from_the_room_asked() -> None:
    """A stanza with the query's id from another address is not taken as the answer."""
    client = make_client(Login("reader@example.org", Secret("unused")), ConnectOptions())
    sent: list[str] = []
    client.send_raw = sent.append  # type: ignore[method-assign,assignment]
    queries = DiscoQueries(client)

    async def ask_and_answer() -> Count:
        asking = asyncio.create_task(queries.count("lobby@rooms.example.org", timeout=5))
        await asyncio.sleep(0)
        query_id = fromstring(sent[0]).get("id")
        answer = (
            (DISCO / "prosody-with-occupants.xml")
            .read_text()
            .replace('id="1e41"', f'id="{query_id}"')
        )
        spoofed = answer.replace("lobby@rooms.badgegen.test", "mallory@evil.example")
        assert client.incoming_filter(fromstring(spoofed)).tag.endswith("iq")  # passed on
        assert not asking.done()
        genuine = answer.replace("lobby@rooms.badgegen.test", "Lobby@rooms.example.org")
        assert not client.incoming_filter(fromstring(genuine)).tag.endswith("iq")  # taken
        return await asking

    assert asyncio.run(ask_and_answer()) == Count("lobby@rooms.example.org", 12)
