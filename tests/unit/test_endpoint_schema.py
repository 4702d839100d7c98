"""Every NAME.json badgegen writes passes shields' own endpoint schema, whatever rooms.yaml says."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from badgegen.config import load_rooms
from badgegen.core.state import RoomState
from badgegen.errors import ConfigError
from badgegen.render.endpoint import endpoint_json
from badgegen.view.badges import badge_for, trend_badge, trend_value
from tests.endpoint_schema import endpoint_problems
from tests.properties import examples

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TEXTS = st.sampled_from(["", " ", "\t", "{count}", "nobody", "{count} online", "ø"]) | st.text(
    max_size=8
)
STATES = [
    RoomState("r@m.example", "counted", 0, NOW),
    RoomState("r@m.example", "counted", 1, NOW),
    RoomState("r@m.example", "counted", 12345, NOW, name=""),
    RoomState("r@m.example", "stale", 3, NOW),
    RoomState("r@m.example", "unknown", None),
]


def test_the_checker_refuses_what_shields_refuses() -> None:
    """The checker can fail: an empty message, a stray key, two logos."""
    good = {"schemaVersion": 1, "label": "", "message": "1 online", "color": "#4b0"}
    assert endpoint_problems(good) == []
    assert endpoint_problems({**good, "message": ""}) != []
    assert endpoint_problems({**good, "extra": 1}) != []
    assert endpoint_problems({**good, "namedLogo": "xmpp", "logoSvg": "<svg/>"}) != []
    assert endpoint_problems({**good, "isError": "no"}) != []


@examples(200)
@given(
    message=TEXTS,
    zero=TEXTS | st.none(),
    unknown=TEXTS | st.none(),
    label=st.sampled_from(["chat", "{name}", "x"]),
    logo=st.sampled_from([None, "xmpp", "matrix"]),
)
def test_any_valid_rooms_yaml_writes_valid_endpoint_json(
    tmp_path: Path,
    message: str,
    zero: str | None,
    unknown: str | None,
    label: str,
    logo: str | None,
) -> None:
    """rooms.yaml refuses what would break NAME.json; everything it accepts makes valid JSON."""
    options = {"jid": "r@m.example", "label": label, "message": message, "trend": "day"}
    options |= {"zero_message": zero} if zero is not None else {}
    options |= {"unknown_message": unknown} if unknown is not None else {}
    options |= {"logo": logo} if logo else {}
    path = tmp_path / "rooms.yaml"
    path.write_text(json.dumps({"rooms": [options]}), encoding="utf-8")  # JSON is YAML
    try:
        (room,) = load_rooms(path).rooms
    except ConfigError:
        return  # refused with a reason (the tests below hold the reasons for empty texts)
    for state in STATES:
        for badge in (
            badge_for(room, state),
            trend_badge(room, "chat", trend_value("day", [state.occupants], [None])),
            trend_badge(room, "chat", None),
        ):
            document = json.loads(endpoint_json(badge))
            assert endpoint_problems(document) == [], (options, state, document)


@pytest.mark.parametrize("key", ["message", "zero_message", "unknown_message"])
def test_an_empty_message_is_refused_with_its_line(tmp_path: Path, key: str) -> None:
    path = tmp_path / "rooms.yaml"
    path.write_text(f'rooms:\n  - jid: r@m.example\n    {key}: ""\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    assert caught.value.problems == (
        f"{path}:3: rooms[0].{key}: empty message (expected some text, e.g. nobody here)",
    )
