"""Poisoned records at 10,000 rooms, the largest configuration supported: each poison costs the
entries it touches, never the healthy rooms (memory and time: `benchmarks/run poison`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badgegen.record.badges_json import record_limit
from badgegen.record.history_json import history_limit
from tests.conftest import FakeCounter, refresh

pytestmark = pytest.mark.scale
ROOMS = 10_000


JUNK = "room0@conference.example.org"


def poisoned(limit: int, tail: str = "") -> str:
    """A record of version 1 whose rooms hold one entry of empty lists, as large as allowed: a
    room the configuration names, so its entry is read (not dropped unread)."""
    head = '{"version": 1, "rooms": {' + json.dumps(JUNK) + ": ["
    filler = "[]," * ((limit - len(head) - len(tail) - 10) // 3)
    return head + filler + "[]]}" + tail + "}"


@pytest.mark.parametrize("name", ["badges.json", "history.json"])
def test_a_record_of_empty_lists_costs_the_junk_only(tmp_path: Path, name: str) -> None:
    """An 84 MB badges.json (or a 60 MB history.json) of `[]`: one warning, every room counted."""
    config = tmp_path / "rooms.yaml"
    jids = [f"room{index}@conference.example.org" for index in range(ROOMS)]
    config.write_text(
        "account: {jid: bot@example.org}\nrooms:\n" + "".join(f"  - {j}\n" for j in jids)
    )
    public = tmp_path / "public"
    public.mkdir()
    if name == "badges.json":
        (public / name).write_text(poisoned(record_limit(ROOMS)))
    else:
        tiers = ', "tiers": {"15m": {"end": 0, "step": 900}, "1d": {"end": 0, "step": 86400},'
        tiers += ' "1h": {"end": 0, "step": 3600}}'
        (public / name).write_text(poisoned(history_limit(ROOMS), tiers))
    counts = {jid: index % 7 for index, jid in enumerate(jids)}
    result = refresh(config, FakeCounter(counts))
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Traceback" not in result.output
    shown = json.loads((public / "badges.json").read_text())["rooms"]
    assert {jid: entry["occupants"] for jid, entry in shown.items()} == counts
    reason = "not an object of counts and names" if name == "badges.json" else "not three tiers"
    assert f"{JUNK}: {reason}" in result.stderr
