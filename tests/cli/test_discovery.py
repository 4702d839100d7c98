"""`discover:` over many runs: rooms come, stay, leave with their files kept, come back.

The counter is the tests' fake, handing each run's listings to the refresh's
discovery as the XMPP session does (tests/integration/test_discovery.py
runs the same against real servers). Runs are as the generated workflow
makes them: a fresh output directory, the last record by --previous.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from badgegen.config import load_rooms
from badgegen.core.counts import Count
from badgegen.core.discovery import Listing
from badgegen.errors import ConfigError
from tests.conftest import FakeCounter, run_cli

SERVICE = "conference.example.net"
A, B, C, D = (f"{name}@{SERVICE}" for name in ("a", "b", "c", "d"))
ROOMS_YAML = f"""\
account: {{jid: bot@example.net}}
rooms:
  - jid: {A}
    label: own
discover:
  - service: {SERVICE}
    min_occupants: 1
    label: found
"""


class Site:
    """A published site, refreshed as the workflow does: a fresh --out, --previous the site."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.runs = folder, 0
        (folder / "rooms.yaml").write_text(ROOMS_YAML)
        self.site = folder / "site"

    def refresh(self, listing: Listing, counts: dict[str, int | Count | None]) -> int:
        return self.run(listing, counts).exit_code

    def run(self, listing: Listing, counts: dict[str, int | Count | None]) -> Result:
        """A refresh as the workflow runs it; its site published when it exits 0 or 3."""
        self.runs += 1
        out = self.folder / f"run{self.runs}"
        args = ["refresh", "--config", str(self.folder / "rooms.yaml"), "--out", str(out)]
        if self.site.exists():
            args += ["--previous", str(self.site / "badges.json")]
        result = run_cli(args, FakeCounter(counts, listings=[listing]))
        if result.exit_code in (0, 3):
            shutil.rmtree(self.site, ignore_errors=True)
            shutil.copytree(out, self.site)
        return result

    def status(self, jid: str) -> str | None:
        room = json.loads((self.site / "badges.json").read_text())["rooms"].get(jid)
        return room["status"] if room else None

    def badge(self, jid: str) -> str:
        return (self.site / f"{jid}.svg").read_text()

    def page(self) -> str:
        return (self.site / "index.html").read_text()


def test_a_room_that_leaves_keeps_its_badge_which_says_so(tmp_path: Path) -> None:
    site = Site(tmp_path)
    assert site.refresh(Listing(SERVICE, (A, B, C)), {A: 1, B: 2, C: 3}) == 0
    assert [site.status(jid) for jid in (A, B, C)] == ["counted"] * 3
    assert 'aria-label="own: 1 online"' in site.badge(A)  # rooms: wins over discover:
    assert 'aria-label="found: 3 online"' in site.badge(C)
    # c is no longer listed: its files stay (a README linking them never breaks), it leaves
    # the page, it is not asked, and the run is not a failure.
    assert site.refresh(Listing(SERVICE, (A, B)), {A: 1, B: 2}) == 0
    assert site.status(C) == "unlisted"
    assert 'aria-label="found: no longer listed"' in site.badge(C)
    assert C not in site.page()
    assert B in site.page()
    # Still gone a run later: its files are written again, from the record.
    assert site.refresh(Listing(SERVICE, (A, B)), {A: 1, B: 2}) == 0
    assert site.status(C) == "unlisted"
    assert (site.site / f"{C}.json").is_file()
    # Back in the list: counted and on the page again.
    assert site.refresh(Listing(SERVICE, (A, B, C)), {A: 1, B: 2, C: 4}) == 0
    assert site.status(C) == "counted"
    assert 'aria-label="found: 4 online"' in site.badge(C)
    assert C in site.page()


def test_a_failed_listing_changes_nothing(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (A, B, C)), {A: 1, B: 2, C: 3})
    status = site.refresh(Listing(SERVICE, (), "no answer within 10 s"), {A: 1, B: 5, C: 6})
    assert status == 0
    assert [site.status(jid) for jid in (B, C)] == ["counted", "counted"]
    assert 'aria-label="found: 6 online"' in site.badge(C)


def test_a_room_enters_with_min_occupants_and_stays_while_listed(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (B,)), {B: 0})
    assert site.status(B) is None  # empty: it has not entered
    assert not (site.site / f"{B}.svg").exists()
    site.refresh(Listing(SERVICE, (B,)), {B: 2})
    site.refresh(Listing(SERVICE, (B,)), {B: 0})
    assert site.status(B) == "counted"  # once in, it stays while listed
    assert 'aria-label="found: 0 online"' in site.badge(B)


def test_a_room_now_hidden_leaves(tmp_path: Path) -> None:
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (B,)), {B: 2})
    hidden = Count(B, 2, public=False)  # its disco#info now says muc_hidden
    site.refresh(Listing(SERVICE, (B,)), {B: hidden})
    assert site.status(B) == "unlisted"
    assert B not in site.page()


def test_a_discover_entry_removed_drops_its_rooms_with_a_warning(tmp_path: Path) -> None:
    """The record describes only rooms rooms.yaml names: once the entry is taken out, its
    rooms leave the record and the site, said once (a record cannot make up rooms)."""
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (B, C)), {B: 2, C: 3})
    (tmp_path / "rooms.yaml").write_text(f"account: {{jid: bot@example.net}}\nrooms:\n  - {A}\n")
    result = site.run(Listing(SERVICE, ()), {A: 1})
    assert result.exit_code == 0
    assert [site.status(jid) for jid in (B, C)] == [None, None]
    assert not (site.site / f"{B}.svg").exists()
    assert "dropped 2 rooms of the previous badges.json" in result.stderr


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("discover:\n  - service: a@b.example\n", "is not a service but an address"),
        ("discover:\n  - min_occupants: 1\n", "missing `service`"),
        ("discover:\n  - service: c.example\n    limit: 0\n", "expected a whole number from 1"),
        ("discover:\n  - service: c.example\n    limit: 10001\n", "to 10000"),
        ("discover:\n  - service: c.example\n    min_occupants: -1\n", "whole number from 0"),
        ("discover:\n  - service: c.example\n    exclude: [{a: 1}]\n", "expected text"),
        ("discover:\n  - service: c.example\n    jid: x@c.example\n", 'unknown key "jid"'),
        ("discover:\n  - service: c.example\n  - service: C.example\n", "is listed twice"),
        (
            "discover:\n  - service: c.example\n    limit: 6000\n  - service: d.example\n"
            "    limit: 6000\n",
            "the limits add up to 12000 rooms",
        ),
        ("discover: []\n", "expected a list of MUC services"),
        ("defaults: {label: x}\n", "missing (expected a list of room JIDs, or `discover:`"),
    ],
)
def test_check_refuses_a_bad_discover_entry(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "rooms.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    assert problem in " ".join(caught.value.problems)
    assert all(line.startswith(f"{path}:") for line in caught.value.problems)


def test_a_discover_entry_takes_room_options_under_defaults(tmp_path: Path) -> None:
    path = tmp_path / "rooms.yaml"
    path.write_text(
        "defaults: {label: chat, style: social}\n"
        "discover:\n  - service: C.Example\n    label: found\n    include: ['Dev-*@*']\n"
    )
    (entry,) = load_rooms(path).discover
    room = entry.room("dev-1@c.example")
    assert (room.label, room.appearance.style, room.file, room.service) == (
        "found", "social", "dev-1@c.example", "c.example",
    )  # fmt: skip
    assert entry.wants("DEV-2@c.example")
    assert not entry.wants("test@c.example")


def test_snippet_and_history_know_the_rooms_found(tmp_path: Path) -> None:
    """Rooms found by `discover:` (on the page or left, their files published) get snippets
    and history like rooms.yaml's, from the record."""
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (A, B, C)), {A: 1, B: 2, C: 3})
    site.refresh(Listing(SERVICE, (A, B)), {A: 1, B: 2})  # c has left
    config = ["--config", str(tmp_path / "rooms.yaml"), "--out", str(site.site)]
    snippets = run_cli(["snippet", *config, "--base-url", "https://e.example"]).stdout
    assert [line.split("](")[1].split(")")[0] for line in snippets.splitlines()] == [
        f"https://e.example/{jid}.svg"
        for jid in (A, B, C)  # c has left: its badge is there
    ]
    shown = run_cli(["history", B, *config])
    assert shown.exit_code == 0, shown.output
    assert f"{B}: last count 2" in shown.stdout
    assert run_cli(["history", C, *config]).exit_code == 0  # left, its files still published


def test_init_discover_starts_a_rooms_yaml_with_the_entry(tmp_path: Path) -> None:
    result = run_cli(["init", "--dir", str(tmp_path), "--discover", "Conference.Example.NET"])
    assert result.exit_code == 0, result.output
    (entry,) = load_rooms(tmp_path / "rooms.yaml").discover
    assert entry.service == SERVICE
    assert load_rooms(tmp_path / "rooms.yaml").rooms == ()
    assert f"badgegen discover {SERVICE}" in result.stdout
    refused = run_cli(["init", "--dir", str(tmp_path / "x"), "--discover", "lobby@" + SERVICE])
    assert refused.exit_code == 2
    assert "not a MUC service" in refused.stderr
    assert not (tmp_path / "x").exists()


def test_a_room_moved_from_rooms_to_discover_keeps_its_files(tmp_path: Path) -> None:
    """Listed in rooms.yaml, then found instead (and too empty to enter): its badge stays."""
    site = Site(tmp_path)
    (tmp_path / "rooms.yaml").write_text(f"account: {{jid: bot@example.net}}\nrooms:\n  - {B}\n")
    site.refresh(Listing(SERVICE, ()), {B: 3})
    (tmp_path / "rooms.yaml").write_text(ROOMS_YAML)
    assert site.refresh(Listing(SERVICE, (B,)), {A: 1, B: 0}) == 0
    assert site.status(B) == "counted"  # it was on the page: it stays, whatever its count
    assert 'aria-label="found: 0 online"' in site.badge(B)


def test_a_poisoned_record_cannot_break_later_runs(tmp_path: Path) -> None:
    """Entries that claim a service for a path, a stranger's JID or an unnormalised one are
    read without their service: nothing is written outside the site, runs go on."""
    site = Site(tmp_path)
    site.refresh(Listing(SERVICE, (B,)), {A: 1, B: 2})
    record = json.loads((site.site / "badges.json").read_text())
    for jid in (f"../../escape@{SERVICE}", f"x/y@{SERVICE}", "stranger@elsewhere.example",
                f"UPPER@{SERVICE}", "x" * 400 + f"@{SERVICE}"):  # fmt: skip
        record["rooms"][jid] = {"status": "counted", "occupants": 1, "service": SERVICE}
    (site.site / "badges.json").write_text(json.dumps(record))
    for _ in range(2):
        assert site.refresh(Listing(SERVICE, (B,)), {A: 1, B: 2}) == 0
    assert not list(tmp_path.rglob("escape*"))
    derived = (".chart.svg", ".chart-narrow.svg", ".card.svg")
    badges = [path.name for path in site.site.glob("*.svg") if not path.name.endswith(derived)]
    assert sorted(badges) == [f"{A}.svg", f"{B}.svg"]


def test_lowering_limit_says_why_rooms_left_the_page(tmp_path: Path) -> None:
    """limit: lowered while the service still lists every room: the rooms past the new limit
    keep their files, with a badge that says they are no longer counted (not that the
    service stopped listing them), and the run's summary says why."""
    site = Site(tmp_path)
    d, e = f"d@{SERVICE}", f"e@{SERVICE}"
    listing = Listing(SERVICE, (B, C, d, e))
    counts: dict[str, int | Count | None] = {A: 1, B: 2, C: 3, d: 4, e: 5}
    assert site.refresh(listing, counts) == 0
    rooms_yaml = tmp_path / "rooms.yaml"
    rooms_yaml.write_text(rooms_yaml.read_text() + "    limit: 2\n")
    result = site.run(listing, counts)
    assert result.exit_code == 0, result.output
    kept, past = [B, C], [d, e]
    assert [site.status(jid) for jid in kept] == ["counted", "counted"]
    assert [site.status(jid) for jid in past] == ["unlisted", "unlisted"]
    assert 'aria-label="found: no longer counted"' in site.badge(d)
    assert "no longer listed" not in site.badge(e)
    said = f"2 rooms beyond their discover: limit keep their badges, which say so ({d}, {e})"
    assert said in result.stdout


def test_a_slow_listing_publishes_the_other_rooms_first(tmp_path: Path) -> None:
    """While a listing is slow, the rooms that depend on no listing are published with what
    the run has so far (the listing not ended changes nothing); the files at the end are
    those of a run that published nothing early, byte for byte."""
    (tmp_path / "rooms.yaml").write_text(ROOMS_YAML)
    first = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    site = tmp_path / "site"
    command = ["refresh", "--config", str(tmp_path / "rooms.yaml"), "--out", str(site)]
    counter = FakeCounter({A: 1, B: 2, C: 3}, listings=[Listing(SERVICE, (A, B, C))])
    assert run_cli(command, counter, clock=lambda: first).exit_code == 0

    later = first + timedelta(minutes=30)
    counts: dict[str, int | Count | None] = {A: 5, B: 6, C: 7, D: 8}
    final = [Listing(SERVICE, (B, D))]  # c left, d arrived
    still = [Listing(SERVICE, (), "still listing")]
    seen: dict[str, str] = {}

    def look() -> None:  # the output directory while the listing goes on
        rooms = json.loads((tmp_path / "early" / "badges.json").read_text())["rooms"]
        seen.update({jid: room["status"] for jid, room in rooms.items()})
        seen["a badge"] = (tmp_path / "early" / f"{A}.svg").read_text()

    outs = {}
    for name, early in (("early", still), ("whole", None)):
        outs[name] = tmp_path / name
        shutil.copytree(site, outs[name])
        args = ["refresh", "--config", str(tmp_path / "rooms.yaml"), "--out", str(outs[name])]
        counter = FakeCounter(counts, listings=final, early=early, on_early=look)
        assert run_cli(args, counter, clock=lambda: later).exit_code == 0

    assert 'aria-label="own: 5 online"' in seen["a badge"]  # published before the end
    assert seen[C] == "counted"  # the listing not ended changes nothing
    assert D not in seen
    assert _files(outs["early"]) == _files(outs["whole"])
    ended = json.loads((outs["early"] / "badges.json").read_text())["rooms"]
    assert (ended[C]["status"], ended[D]["status"]) == ("unlisted", "counted")


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}
