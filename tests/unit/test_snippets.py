"""Embed snippets, link targets and the page's static files."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from badgegen.cli.job_summary import step_summary
from badgegen.cli.json_output import result_json
from badgegen.commands.init import scaffold
from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.occupancy import History, add_run
from badgegen.core.results import settle
from badgegen.core.state import RoomState
from badgegen.errors import BadgegenError
from badgegen.pipeline.files import HEADERS_TEXT
from badgegen.pipeline.run import RefreshResult
from badgegen.publish import WriteReport
from badgegen.view.page import MOST_LANGUAGES, filter_languages, index_html
from badgegen.view.room import view_room, view_rooms
from badgegen.view.snippets import link_for, snippet

ROOM = Room("lobby@conference.example.org", file="lobby")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
BASE = "https://example.github.io/project/"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (
            "markdown",
            "[![XMPP chat lobby@conference.example.org](https://example.github.io/project/lobby.svg)]"
            "(xmpp:lobby@conference.example.org?join)",
        ),
        (
            "html",
            '<a href="xmpp:lobby@conference.example.org?join"><img src="https://example.github.io/'
            'project/lobby.svg" alt="XMPP chat lobby@conference.example.org"></a>',
        ),
        (
            "rst",
            ".. image:: https://example.github.io/project/lobby.svg\n"
            "   :alt: XMPP chat lobby@conference.example.org\n"
            "   :target: xmpp:lobby@conference.example.org?join",
        ),
        (
            "asciidoc",
            "image:https://example.github.io/project/lobby.svg[XMPP chat "
            'lobby@conference.example.org,link="xmpp:lobby@conference.example.org?join"]',
        ),
    ],
)
def test_snippet_formats(kind: str, text: str) -> None:
    """Each format embeds the image, its alt text and the room link (RFC 5122 ?join)."""
    assert snippet(ROOM, None, kind, BASE) == text


def test_link_targets() -> None:
    """xmpp: by default; the advertised web client; any URL template with {jid}."""
    state = RoomState(ROOM.jid, "counted", 1, NOW, webchat="https://web.example.org/lobby")
    assert link_for(Room(ROOM.jid, link="webchat"), state) == "https://web.example.org/lobby"
    assert link_for(Room(ROOM.jid, link="webchat"), None) == f"xmpp:{ROOM.jid}?join"
    invite = Room(ROOM.jid, link="https://join.example.org/#{jid}")
    assert link_for(invite, None) == "https://join.example.org/#lobby@conference.example.org"


def test_page_escapes_and_lists_every_room() -> None:
    """index.html names every room, escapes room names, and loads nothing from elsewhere."""
    rooms = [ROOM, Room("x@y.example", label="<b>")]
    counts = [Count(ROOM.jid, 3), Count("x@y.example", None, Problem.NOT_FOUND)]
    page = index_html(view_rooms(settle(rooms, counts, {}, NOW, HOUR), History(), NOW), BASE, NOW)
    assert "lobby@conference.example.org" in page
    assert "unknown: room does not exist; never counted" in page
    assert "checked 2026-11-25 12:00 UTC" in page
    assert "&lt;b&gt;" in page
    assert "<b>" not in page
    assert "<script src" not in page
    assert "http://" not in page
    assert "max-age=300" in HEADERS_TEXT


def test_init_never_overwrites(tmp_path: Path) -> None:
    """init creates rooms.yaml and the workflow, and keeps files that exist."""
    (tmp_path / "rooms.yaml").write_text("mine")
    created = dict(scaffold(tmp_path, "1.2.3").files)
    assert created == {"rooms.yaml": False, ".github/workflows/badges.yml": True}
    assert (tmp_path / "rooms.yaml").read_text() == "mine"
    assert "actions/deploy-pages@" in (tmp_path / ".github/workflows/badges.yml").read_text()


def test_init_pins_the_version_that_wrote_it(tmp_path: Path) -> None:
    """The workflow installs exactly the given version of xmpp-badgegen, and nothing unpinned."""
    scaffold(tmp_path, "1.2.3rc1")
    workflow = (tmp_path / ".github/workflows/badges.yml").read_text()
    installs = re.findall(r"pip install (.*)", workflow)
    assert installs == ['"xmpp-badgegen==1.2.3rc1"']


def test_init_refuses_a_version_pypi_cannot_have(tmp_path: Path) -> None:
    """From a source tree that was never installed the version is 0+unknown: nothing is written."""
    with pytest.raises(BadgegenError, match=r"cannot pin the workflow to badgegen 0\+unknown"):
        scaffold(tmp_path, "0+unknown")
    assert list(tmp_path.iterdir()) == []


def test_json_and_step_summary() -> None:
    """--json and the job summary describe every room."""
    count = Count(ROOM.jid, None, Problem.TIMEOUT)
    before = {ROOM.jid: RoomState(ROOM.jid, "counted", 4, NOW - timedelta(minutes=5))}
    results = settle([ROOM], [count], before, NOW, HOUR)
    result = RefreshResult(view_rooms(results, History(), NOW), WriteReport(("lobby.svg",), ()), ())
    document = json.loads(result_json(result, 3, NOW))
    assert (document["version"], document["status"], document["time"]) == (
        1,
        3,
        "2026-11-25T12:00:00Z",
    )
    assert document["error"] is None
    assert document["rooms"][0] == {
        "jid": ROOM.jid, "status": "stale", "occupants": 4, "counted_at": "2026-11-25T11:55:00Z",
        "problem": {"code": "timeout", "text": "timed out", "detail": ""},
        "badge": {"label": "chat", "message": "4 online", "color": "#939393"},
        "files": ["lobby.svg", "lobby.json", "lobby.chart.svg", "lobby.chart-narrow.svg",
                  "lobby.card.svg"],
    }  # fmt: skip
    table = step_summary(result)
    assert (
        "| `lobby@conference.example.org` | `timed out; showing 4 from 2026-11-25 11:55 UTC"
        in table
    )


HOSTILE_URLS = [
    'https://chat.example/"><script>alert(1)</script>',
    "https://chat.example/\n.. raw:: html\n\n   <script>alert(1)</script>",
    "https://chat.example/x]+++pass:[<script>alert(1)</script>]+++",
    "https://chat.example/a) [evil](javascript:alert(1)",
    "javascript:alert(1)",
    "JavaScript://chat.example/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://user:pw@chat.example/",
    "http://chat.example/plain",
    "https://chat.example/\u202eevil",
    "https://chat.example/" + "x" * 5000,
    "//chat.example/relative",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("kind", ["markdown", "html", "rst", "asciidoc"])
def test_webchat_urls_from_the_server_cannot_inject(url: str, kind: str) -> None:
    """A room's advertised URL is used only when absolute https, and never escapes its slot."""
    room = Room("lobby@conference.example.org", file="lobby", link="webchat")
    state = RoomState(room.jid, "counted", 1, webchat=url)
    code = snippet(room, state, kind, BASE)
    link = link_for(room, state)
    assert link == "xmpp:lobby@conference.example.org?join"
    assert code == snippet(room, None, kind, BASE)


@pytest.mark.parametrize("kind", ["markdown", "html", "rst", "asciidoc"])
def test_urls_with_syntax_characters_are_encoded(kind: str) -> None:
    """Parentheses, brackets, quotes and spaces in a URL are percent-encoded in every syntax."""
    room = Room("lobby@conference.example.org", file="lobby", link="https://e.example/a(b)[c]'d e")
    code = snippet(room, None, kind, "https://[::1]:8080/pages")
    assert "https://e.example/a%28b%29%5Bc%5D%27d%20e" in code
    assert "https://[::1]:8080/pages/lobby.svg" in code
    assert "(b)" not in code


def test_job_summary_keeps_table_and_code_spans() -> None:
    """A JID with a backtick or a pipe cannot break out of its code span or the table."""
    room = Room("a`b|c@conference.example.org", file="odd")
    results = settle([room], [Count(room.jid, 2)], {}, NOW, HOUR)
    table = step_summary(RefreshResult(view_rooms(results, History(), NOW), WriteReport((), ())))
    row = table.strip().splitlines()[-1]
    assert row == "| `` a`b\\|c@conference.example.org `` | `2 online` |"


def test_the_page_tells_counted_from_checked() -> None:
    """Not counted now: the page says the last count and how long before the check it was."""
    history = add_run(History(), {ROOM.jid: 5}, NOW - timedelta(hours=3)).history
    before = {ROOM.jid: RoomState(ROOM.jid, "counted", 5, NOW - timedelta(hours=3))}
    failed = [Count(ROOM.jid, None, Problem.TIMEOUT)]
    (unknown,) = settle([ROOM], failed, before, NOW, HOUR)
    assert view_room(unknown, history, NOW).status == (
        "unknown: timed out; last count 5 at 2026-11-25 09:00 UTC, 3 hours before this check"
    )
    (stale,) = settle([ROOM], failed, before, NOW, timedelta(hours=4))
    assert view_room(stale, history, NOW).status == (
        "showing 5 from 2026-11-25 09:00 UTC, 3 hours before this check (stale);"
        " not counted now: timed out"
    )
    (counted,) = settle([ROOM], [Count(ROOM.jid, 7)], before, NOW, HOUR)
    assert view_room(counted, history, NOW).status == "7 online"


def test_the_language_filter_offers_the_most_spoken_languages_only() -> None:
    """10,000 rooms, each with a tag of its own (one hostile service), beside 3 real ones:
    the filter offers the tags most rooms share, at most MOST_LANGUAGES, in order."""
    tags = ["en"] * 50 + ["de"] * 20 + ["fr"] * 5 + [f"x-{number}" for number in range(10_000)]
    offered = filter_languages(tags)
    assert len(offered) == MOST_LANGUAGES
    assert {"en", "de", "fr"} <= set(offered)
    assert offered == sorted(offered, key=str.lower)
    assert filter_languages(["", "en", "De", "en"]) == ["De", "en"]
