"""Parsing recorded disco#info replies into counts, the way xep_0502 reads forms."""

from __future__ import annotations

import asyncio
from pathlib import Path
from xml.etree.ElementTree import Element, fromstring
from xml.sax.saxutils import escape

import pytest

from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Count, Problem
from badgegen.xmpp.disco import DiscoQueries, count_from_reply, query_stanza
from badgegen.xmpp.session import make_client

DISCO = Path(__file__).parent.parent / "data" / "disco"


def reply(name: str) -> Element:
    """A recorded stanza, as slixmpp's parser hands it over."""
    return fromstring((DISCO / name).read_text())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prosody-with-occupants.xml", Count("r@m", 12, language="en", public=False)),  # hidden
        ("other-form-first.xml", Count("r@m", 0, public=True)),
        (
            "without-occupants-field.xml",
            Count(
                "r@m",
                None,
                Problem.NOT_PUBLISHED,
                name="Quiet",
                description="No count here",
                public=True,
            ),
        ),
        ("no-form.xml", Count("r@m", None, Problem.NOT_PUBLISHED, name="Old", public=True)),
        (
            "garbage-count.xml",
            Count(
                "r@m",
                None,
                Problem.NOT_PUBLISHED,
                "not a whole number from 0 to 999999",
                public=False,  # no identity: not a room
            ),
        ),
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


def roominfo(
    occupants: str = "3", name: str = "Lobby", webchat: str = "", logs: str = ""
) -> Element:
    """A disco#info result whose muc#roominfo form holds these values (XML-escaped)."""
    fields = [
        ("FORM_TYPE", "http://jabber.org/protocol/muc#roominfo"),
        ("muc#roominfo_occupants", occupants),
        ("muc#roomconfig_roomname", name),
        ("muc#roominfo_webchat_url", webchat),
        ("muc#roominfo_logs", logs),
    ]
    form = "".join(
        f"<field var='{var}'><value>{escape(value)}</value></field>" for var, value in fields
    )
    return fromstring(
        "<iq xmlns='jabber:client' type='result' from='r@m' id='q1'>"
        "<query xmlns='http://jabber.org/protocol/disco#info'>"
        f"<x xmlns='jabber:x:data' type='result'>{form}</x></query></iq>"
    )


@pytest.mark.parametrize(
    ("occupants", "expected"),
    [
        ("0", 0),
        (" 12\n", 12),
        ("999999", 999_999),
        ("1000000", None),
        ("9" * 400, None),  # OverflowError in formatting, once
        ("9" * 5000, None),  # past int()'s 4,300-digit limit, once
        ("-1", None),
        ("+3", None),
        ("3.0", None),
        ("1e3", None),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: a digit, not ASCII
        ("\uff13", None),  # FULLWIDTH DIGIT THREE
        ("", None),
    ],
)
def test_counts_are_whole_numbers_in_a_credible_range(occupants: str, expected: int | None) -> None:
    """Anything but 0 to 999,999 in ASCII digits is "count not published", never a crash."""
    count = count_from_reply("r@m", roominfo(occupants=occupants))
    assert count.occupants == expected
    assert (count.problem is None) == (expected is not None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lobby", "Lobby"),
        ("\u202eybbol\u202c", "ybbol"),  # bidi override
        ("a\u2066b\u2069c\u200fd", "abcd"),
        ("two\n\tlines  here", "two lines here"),
        ("\x7fbell\x85x\x9b31m", "bell x31m"),  # DEL, CSI dropped; NEL breaks a line: a space
        ("   ", None),
        ("e" + "\u0301" * 100_000, "e" + "\u0301" * 15),  # one cluster of 100,000 marks
        ("x" * 100_000, "x" * 63 + "…"),
        ("\U0001f600" * 300, "\U0001f600" * 63 + "…"),
    ],
)
def test_room_names_are_cleaned_like_config_labels(name: str, expected: str | None) -> None:
    """Control and bidi characters go; clusters and code points are capped."""
    assert count_from_reply("r@m", roominfo(name=name)).name == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://chat.example/#lobby", "https://chat.example/#lobby"),
        ("http://chat.example/", None),
        ("javascript:alert(1)", None),
        ("https://chat.example/\nx", None),
        ('https://chat.example/"><script>', None),
        ("https://chat.example/ x", None),
        ("https:///path-only", None),
        ("https://chat.example/" + "a" * 3000, None),
    ],
)
def test_webchat_urls_are_absolute_https(url: str, expected: str | None) -> None:
    """The advertised web client is kept only when it is an absolute https URL, whole."""
    assert count_from_reply("r@m", roominfo(webchat=url)).webchat == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://logs.example/lobby/", "https://logs.example/lobby/"),
        ("http://logs.example/lobby", "http://logs.example/lobby"),
        ("HTTP://logs.example/", "HTTP://logs.example/"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("ftp://logs.example/", None),
        ("//logs.example/lobby", None),
        ("http://user:pw@logs.example/", None),
        ('http://logs.example/"><script>', None),
        ("http://logs.example/\u202e", None),
        ("http://logs.example/" + "a" * 3000, None),
    ],
)
def test_logs_urls_are_absolute_http_or_https(url: str, expected: str | None) -> None:
    """muc#roominfo_logs is kept only as an absolute http(s) URL, whole: anything else is
    dropped, never shown."""
    assert count_from_reply("r@m", roominfo(logs=url)).logs == expected


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
    client = make_client(Login("reader@example.org", Secret("unused")), Connection())
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

    assert asyncio.run(ask_and_answer()) == Count(
        "lobby@rooms.example.org", 12, language="en", public=False
    )
