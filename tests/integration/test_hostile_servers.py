"""Hostile MUC services on a real server: one bad room never costs the others.

An XEP-0114 component in the test server answers for `hostile-*` rooms with
the corpus in sandbox/component.py (huge counts, bidi and zalgo names,
URLs that would inject markup, made-up error conditions), between rooms
that answer well. Every case asserts what the good rooms show.
"""

from __future__ import annotations

import json
import logging
import subprocess
from html import escape
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.core.counts import Problem
from badgegen.text.untrusted import MAX_NAME_CODE_POINTS
from badgegen.xmpp import disco
from sandbox.component import GOOD_LOGS, HOSTILE_COUNT, HOSTILE_REPLIES, SlowRooms
from sandbox.servers import SandboxServer
from tests.integration.counts import counts_of

from .conftest import Account
from .runs import refresh_command, run_refresh

# What each hostile room ends as: its count (None: unknown) and its name if it has one.
UNCOUNTED = {
    "huge-count", "past-int-limit", "negative-count", "fraction-count", "arabic-digits",
    "two-counts", "million", "unknown-condition",
}  # fmt: skip
NAMES = {
    "bidi-name": "evil name",
    "markup-name": '<script>"x"</script>|`a`',
    "identity-bidi": "id",
}
# In SVG and HTML the markup name is escaped; in JSON its quotes are.
INJECTIONS = ("\u202e", "\u2067", "javascript:", '<script>"x"', "\u0301" * 16, "x" * 300)


@pytest.fixture
def hostile(slow: SlowRooms) -> SlowRooms:
    """The test server's component, which answers for the hostile rooms too."""
    return slow


def refresh(
    server: SandboxServer, folder: Path, rooms: list[str], account: Account
) -> subprocess.CompletedProcess[str]:
    """`badgegen refresh` of rooms, one query at a time, as a user runs it."""
    config = folder / "rooms.yaml"
    entries = "".join(f"  - {{jid: {room}, label: '{{name}}', link: webchat}}\n" for room in rooms)
    config.write_text("base_url: https://example.org/badges\nrooms:\n" + entries)
    command = refresh_command(
        config, folder / "public", f"127.0.0.1:{server.port}", "--timeout", "5",
        "--concurrency", "1", "--json", ca_file=server.ca_file,
    )  # fmt: skip
    return run_refresh(command, account.jid, account.password)


def test_hostile_replies_cost_their_own_room_only(
    server: SandboxServer, hostile: SlowRooms, account: Account, tmp_path: Path
) -> None:
    """Good rooms before, between and after the hostile ones are all counted."""
    names = sorted(HOSTILE_REPLIES)
    rooms = [hostile.jid("count-2-first")]
    for name in names:
        rooms += [hostile.jid(f"hostile-{name}"), hostile.jid(f"count-3-after-{name}")]
    result = refresh(server, tmp_path, rooms, account)
    assert "Traceback" not in result.stderr
    assert result.returncode == 3, result.stderr
    record = json.loads((tmp_path / "public" / "badges.json").read_text())["rooms"]
    counts = {jid.split("@")[0]: entry["occupants"] for jid, entry in record.items()}
    assert counts.pop("count-2-first") == 2
    for name in names:
        assert counts.pop(f"count-3-after-{name}") == 3, name
        expected = None if name in UNCOUNTED else int(HOSTILE_COUNT)
        assert counts.pop(f"hostile-{name}") == expected, name
    for jid, entry in record.items():
        name = jid.split("@")[0].removeprefix("hostile-")
        assert entry["webchat"] is None, jid
        assert entry["logs"] == (GOOD_LOGS if name == "good-logs" else None), jid
        if name in NAMES:
            assert entry["name"] == NAMES[name]
        assert entry["name"] is None or len(entry["name"]) <= MAX_NAME_CODE_POINTS
    assert record[hostile.jid("hostile-unknown-condition")]["detail"] == "undefined-condition"
    for path in (tmp_path / "public").iterdir():
        text = path.read_text()
        assert not [injection for injection in INJECTIONS if injection in text], path.name
    assert json.loads(result.stdout)  # one JSON document, whatever the rooms said
    page = (tmp_path / "public" / "index.html").read_text()
    assert f'<a href="{escape(GOOD_LOGS)}" rel="nofollow ugc">logs</a>' in page
    assert page.count('rel="nofollow ugc">logs</a>') == 1


def test_an_unexpected_error_costs_its_room_only(
    server: SandboxServer,
    hostile: SlowRooms,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug met while handling one reply is caught at that room and logged with its JID."""
    original = disco.count_from_reply
    doomed = hostile.jid("count-7-doomed")

    def crash_on_one(room: str, reply: Element) -> object:
        if room == doomed:
            raise RuntimeError("a bug")
        return original(room, reply)

    monkeypatch.setattr(disco, "count_from_reply", crash_on_one)
    rooms = [Room(doomed)] + [Room(hostile.jid(f"count-{n}-fine")) for n in range(1, 30)]
    login = Login(account.jid, Secret(account.password))
    options = Connection(f"127.0.0.1:{server.port}", server.ca_file, concurrency=1)
    with caplog.at_level(logging.WARNING):
        counts = counts_of(login, rooms, options)
    assert (counts[0].problem, counts[0].detail) == (Problem.ERROR, "unexpected RuntimeError")
    assert [count.occupants for count in counts[1:]] == list(range(1, 30))
    assert any(doomed in record.getMessage() for record in caplog.records)
