"""feed.xml across weeks of runs: a weekly entry per room, rooms that came and went, ids and
times that a rerun never changes, everything escaped and well-formed."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegen.core.counts import Count
from badgegen.core.discovery import Listing
from badgegen.render.feed import atom_feed
from badgegen.view.feed import MOST_ENTRIES
from tests.conftest import FakeCounter, refresh

ATOM = "{http://www.w3.org/2005/Atom}"
SERVICE = "rooms.example.org"
LOBBY, A, B = "lobby@conference.example.org", f"a@{SERVICE}", f"b@{SERVICE}"
CONFIG = f"""\
account: {{jid: bot@example.org}}
site: {{title: "Fish & <Chips>"}}
discover:
  - service: {SERVICE}
rooms:
  - {LOBBY}
"""
MONDAY = datetime(2026, 11, 2, tzinfo=UTC)  # weeks run Monday to Sunday, UTC
B_ARRIVES, B_LEAVES = MONDAY + timedelta(days=8), MONDAY + timedelta(days=16)


def run_at(config: Path, moment: datetime) -> None:
    listed = (A, B) if B_ARRIVES <= moment < B_LEAVES else (A,)
    counts: dict[str, int | Count | None] = {
        LOBBY: 5, A: Count(A, 2, name="A <b>&amp;", public=True), B: 7
    }  # fmt: skip
    counter = FakeCounter(counts, listings=[Listing(SERVICE, listed)])
    result = refresh(config, counter, clock=lambda: moment)
    assert result.exit_code == 0, result.output


def entries(config: Path) -> dict[str, tuple[str, str, str]]:
    """The feed's entries by id: (updated, title, summary); the feed must parse."""
    feed = ElementTree.parse(config.parent / "public" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    found = {}
    for entry in feed.iter(f"{ATOM}entry"):
        fields = (entry.findtext(f"{ATOM}{name}") or "" for name in ("updated", "title", "summary"))
        found[entry.findtext(f"{ATOM}id") or ""] = tuple(fields)
    return found  # type: ignore[return-value]


def run_until(config: Path, start: datetime, end: datetime) -> None:
    """A run every 6 hours from start until end."""
    moment = start
    while moment < end:
        run_at(config, moment)
        moment += timedelta(hours=6)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "rooms.yaml"
    path.write_text(CONFIG)
    run_until(path, MONDAY, MONDAY + timedelta(days=23))  # to Wednesday of the fourth week
    return path


def test_one_entry_per_room_per_week_that_ended(config: Path) -> None:
    found = entries(config)
    titles = sorted(title for _updated, title, _summary in found.values())
    weeks = [title for title in titles if ": week of " in title]
    assert [title for title in weeks if title.startswith(LOBBY)] == [
        f"{LOBBY}: week of Nov 16, 2026, 5 on average",
        f"{LOBBY}: week of Nov 2, 2026, 5 on average",
        f"{LOBBY}: week of Nov 9, 2026, 5 on average",
    ]
    assert sum(title.startswith("A <b>&amp;: week of") for title in weeks) == 3
    # B left a week ago: its history is gone, its leaving is still told.
    assert [title for title in titles if B in title] == [f"Room gone: {B}"]
    assert len(found) == len(set(found)) == 3 + 3 + 1


def test_rooms_that_came_and_went_but_not_the_first_day(tmp_path: Path) -> None:
    config = tmp_path / "rooms.yaml"
    config.write_text(CONFIG)
    run_until(config, MONDAY, MONDAY + timedelta(days=12))
    said = {title: (updated, summary) for updated, title, summary in entries(config).values()}
    assert said[f"New room: {B}"][0] == "2026-11-10T00:00:00Z"
    assert "New room: A <b>&amp;" not in said  # there from the history's first day
    run_until(config, MONDAY + timedelta(days=12), MONDAY + timedelta(days=17))
    said = {title: (updated, summary) for updated, title, summary in entries(config).values()}
    gone_at, gone = said[f"Room gone: {B}"]
    assert gone_at == "2026-11-17T18:00:00Z"  # its last count
    assert f"no longer listed by {SERVICE}" in gone
    assert said[f"{B}: week of Nov 9, 2026, 7 on average"][0] == "2026-11-16T00:00:00Z"


def test_a_rerun_adds_nothing_and_changes_no_id_or_time(config: Path) -> None:
    before = entries(config)
    run_at(config, MONDAY + timedelta(days=23, hours=1))  # the same week: nothing ended
    assert entries(config) == before
    run_at(config, MONDAY + timedelta(days=28, minutes=5))  # the fourth week has ended
    after = entries(config)
    assert set(before) < set(after)
    assert {key: after[key] for key in before} == before
    assert len(after) - len(before) == 2  # the lobby's and A's fourth week; B is gone


def test_the_page_links_the_feed_and_the_feed_is_escaped(config: Path) -> None:
    public = config.parent / "public"
    page = (public / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="feed.xml"' in page
    text = (public / "feed.xml").read_text()
    assert "<b>" not in text
    assert "<title>Fish &amp; &lt;Chips&gt;</title>" in text


def test_text_xml_cannot_hold_is_replaced() -> None:
    from badgegen.render.feed import AtomEntry

    moment = datetime(2026, 11, 2, tzinfo=UTC)
    entry = AtomEntry("k", "bell \x07 and \ufffe", "nul \x00", moment, "https://x.example/?a=1&b")
    text = atom_feed("t", "feed", "./", [entry], moment)
    parsed = ElementTree.fromstring(text.split("\n", 1)[1])
    assert parsed.findtext(f"{ATOM}entry/{ATOM}title") == "bell \ufffd and \ufffd"
    assert parsed.find(f"{ATOM}entry/{ATOM}link").get("href") == "https://x.example/?a=1&b"  # type: ignore[union-attr]


def test_a_lowered_limit_is_no_room_gone(tmp_path: Path) -> None:
    """Rooms past a lowered limit: still listed, so not "gone"."""
    config = tmp_path / "rooms.yaml"
    config.write_text(CONFIG.replace(f"service: {SERVICE}", f"service: {SERVICE}\n    limit: 2"))
    run_until(config, B_ARRIVES, B_ARRIVES + timedelta(hours=12))
    config.write_text(CONFIG.replace(f"service: {SERVICE}", f"service: {SERVICE}\n    limit: 1"))
    run_at(config, B_ARRIVES + timedelta(hours=13))
    titles = [title for _updated, title, _summary in entries(config).values()]
    assert not [title for title in titles if title.startswith("Room gone")]


def test_discover_added_to_a_site_announces_no_room_as_new(tmp_path: Path) -> None:
    """A site of rooms: only, then a discover: entry: its rooms may have been there all
    along; a room its service lists later is new."""
    config = tmp_path / "rooms.yaml"
    config.write_text(f"account: {{jid: bot@example.org}}\nrooms:\n  - {LOBBY}\n")
    run_until(config, MONDAY, MONDAY + timedelta(days=3))
    config.write_text(CONFIG)
    run_until(config, MONDAY + timedelta(days=3), MONDAY + timedelta(days=12))
    titles = [title for _updated, title, _summary in entries(config).values()]
    assert [title for title in titles if title.startswith("New room")] == [f"New room: {B}"]


def test_the_feed_keeps_the_newest_entries_only(tmp_path: Path) -> None:
    """130 rooms and five weeks that ended: 650 weekly entries, the newest MOST_ENTRIES kept."""
    config = tmp_path / "rooms.yaml"
    rooms = [f"r{index}@conference.example.org" for index in range(130)]
    config.write_text(
        "account: {jid: bot@example.org}\nrooms:\n" + "".join(f"  - {j}\n" for j in rooms)
    )
    counter = FakeCounter(dict.fromkeys(rooms, 2))
    for day in range(36):
        run_at_noon = functools.partial(lambda moment: moment, MONDAY + timedelta(day, hours=12))
        assert refresh(config, counter, clock=run_at_noon).exit_code == 0
    found = entries(config)
    assert len(found) == MOST_ENTRIES
    updated = sorted(when for when, _title, _summary in found.values())
    assert updated[0] == "2026-11-16T00:00:00Z"  # the oldest of the four weeks shown
    assert updated[-1] == "2026-12-07T00:00:00Z"


def test_the_id_namespace_is_the_uuid5_of_its_url() -> None:
    """ID_NAMESPACE is written out (uuid5 costs its first hash at import); it must stay the
    value every published feed's ids were made from."""
    import uuid

    from badgegen.render.feed import ID_NAMESPACE

    assert uuid.uuid5(uuid.NAMESPACE_URL, "https://badgegen.readthedocs.io/feed") == ID_NAMESPACE


@pytest.mark.parametrize("code", [0x00, 0x08, 0x0B, 0x1F, 0xD800, 0xDFFF, 0xFFFE, 0xFFFF])
def test_what_xml_forbids_is_replaced_in_the_feed(code: int) -> None:
    """The feed keeps out every character XML 1.0 forbids (section 2.2), lone surrogates too."""
    from badgegen.render.feed import AtomEntry

    moment = datetime(2026, 11, 2, tzinfo=UTC)
    entry = AtomEntry("k", f"a{chr(code)}b\t\U0010fffd", "", moment, "https://x.example/")
    text = atom_feed("t", "feed", "./", [entry], moment)
    parsed = ElementTree.fromstring(text.split("\n", 1)[1])
    assert parsed.findtext(f"{ATOM}entry/{ATOM}title") == "a\ufffdb\t\U0010fffd"
