"""A room's logs and web chat, as its server announces them, become links on the page: only
http(s) addresses, escaped, marked as coming from elsewhere; kept while the room is not
counted; never a link where the server gave none or a hostile one."""

from __future__ import annotations

import re
from pathlib import Path

from badgegen.core.counts import Count
from tests.conftest import FakeCounter, refresh

LOBBY, DEV, EVIL = (f"{name}@conference.example.org" for name in ("lobby", "dev", "evil"))
CONFIG = f"account: {{jid: bot@example.org}}\nrooms:\n  - {LOBBY}\n  - {DEV}\n  - {EVIL}\n"
LOGS = "http://logs.example.org/lobby/?day=1&lang=en"
WEBCHAT = "https://chat.example.org/#lobby"


def counts(logs: str | None) -> dict[str, int | Count | None]:
    return {
        LOBBY: Count(LOBBY, 3, logs=logs, webchat=WEBCHAT),
        DEV: 2,
        EVIL: Count(EVIL, 1, logs="javascript:alert(1)", webchat="http://chat.example.org/"),
    }


def entry(page: str, jid: str) -> str:
    """The page's list entry of one room."""
    found = re.search(r"<li [^>]*>(?:(?!</li>).)*" + re.escape(jid) + r".*?</li>", page, re.S)
    assert found, jid
    return found.group(0)


def test_logs_and_web_chat_become_links(tmp_path: Path) -> None:
    config = tmp_path / "rooms.yaml"
    config.write_text(CONFIG)
    assert refresh(config, FakeCounter(counts(LOGS))).exit_code == 0
    page = (tmp_path / "public" / "index.html").read_text()
    lobby = entry(page, LOBBY)
    assert '<a href="http://logs.example.org/lobby/?day=1&amp;lang=en" rel="nofollow ugc">' in lobby
    assert f'<a href="{WEBCHAT}" rel="nofollow ugc">' in lobby
    assert "<a" not in entry(page, DEV).split("</p>", 1)[1].split("<figure>")[0]
    evil = entry(page, EVIL)
    assert "javascript" not in evil
    assert 'href="http://chat.example.org/"' not in evil  # a web chat is https or nothing


def test_the_logs_address_stays_while_the_room_is_not_counted(tmp_path: Path) -> None:
    config = tmp_path / "rooms.yaml"
    config.write_text(CONFIG)
    assert refresh(config, FakeCounter(counts(LOGS))).exit_code == 0
    failing = counts(LOGS)
    failing[LOBBY] = None
    assert refresh(config, FakeCounter(failing)).exit_code == 3
    assert 'href="http://logs.example.org/lobby/?day=1&amp;lang=en"' in entry(
        (tmp_path / "public" / "index.html").read_text(), LOBBY
    )


def test_a_logs_address_the_room_withdraws_goes(tmp_path: Path) -> None:
    """Counted again without one, the room has no logs link any more (as its web chat)."""
    config = tmp_path / "rooms.yaml"
    config.write_text(CONFIG)
    assert refresh(config, FakeCounter(counts(LOGS))).exit_code == 0
    assert refresh(config, FakeCounter(counts(None))).exit_code == 0
    assert "logs.example.org" not in (tmp_path / "public" / "index.html").read_text()
