"""Hostile and broken rooms.yaml files: one clear error, status 2, nothing counted or written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from badgegen.config import Config, load_rooms
from badgegen.errors import ConfigError
from tests.conftest import FakeCounter, run_cli
from tests.properties import examples

CORPUS = Path(__file__).parents[1] / "data" / "hostile"
EXPECTED = {
    "absolute-file.yaml": '3: rooms[0].file: "/tmp/badge" is not a file name',
    "alias-bomb.yaml": "rooms[0]: expected a room JID or a mapping with `jid`",
    "bidi-label.yaml": "3: rooms[0].label: contains the control character U+202E",
    "colors-hex-key.yaml": '2: defaults.colors: expected a count such as 0 or 10, found "0x10"',
    "colors-sexagesimal-key.yaml": '4: defaults.colors: expected a count such as 0 or 10, found "1',
    "idn-twice.yaml": "3: rooms[1]: room@bücher.example is listed twice (first on line 2)",
    "stale-after-huge.yaml": "1: stale_after: 99999999999d is out of range (expected a duration",
    "stale-after-zero.yaml": "1: stale_after: 0 is out of range (expected a duration from 1s",
    "chart-file.yaml": '3: rooms[0].file: "lobby.chart" ends in .chart, which names history charts',
    "trend-file.yaml": '3: rooms[0].file: "lobby.trend" ends in .trend, which names history',
    "narrow-chart-file.yaml": '3: rooms[0].file: "lobby.chart-narrow" ends in .chart-narrow,',
    "bad-trend.yaml": '3: rooms[0].trend: "year" is not a trend (expected one of day, week)',
    "history-file.yaml": '3: rooms[0].file: "history" is taken by the run\'s own history.json',
    "confusable-jid.yaml": "mixes Cyrillic and Latin letters, so it looks like another JID",
    "control-label.yaml": "3: rooms[0].label: contains the control character U+0007",
    "dotdot-file.yaml": '3: rooms[0].file: "../../etc/cron.d/x" is not a file name',
    "not-utf8.yaml": "2: byte 15 is not UTF-8",
    "nul-byte.yaml": "1: invalid YAML: U+0000 is not allowed in YAML",
    "python-tag.yaml": "1: expected a mapping with a `rooms:` list at the top level",
    "repeated-key.yaml": "2: rooms: repeated key",
    "resource-jid.yaml": "has a /resource part",
    "separator-file.yaml": 'rooms[0].file: "sub\\\\dir" is not a file name',
    "tab-indent.yaml": (
        '2:1: "- lobby@conference.example.org": a tab character; YAML indents with spaces'
        " only, so replace the tab with spaces (YAML says: found character '\\t' that cannot"
        " start any token)"
    ),
    "two-documents.yaml": "2:1: invalid YAML: but found another document",
    "wrong-type.yaml": "1: rooms: expected a non-empty list of room JIDs",
}


def refresh_with(path: Path) -> tuple[int, str, FakeCounter]:
    """Run refresh on a config file; return status, stderr and the counter."""
    counter = FakeCounter({})
    result = run_cli(
        ["refresh", "--config", str(path), "--out", str(path.parent / "public")], counter=counter
    )
    return result.exit_code, result.stderr, counter


def test_corpus_is_covered() -> None:
    """Every file in the hostile corpus has an expected message, and the reverse."""
    assert sorted(path.name for path in CORPUS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file_is_refused(name: str, tmp_path: Path) -> None:
    """Each file: status 2, its problem named with file and line, no traceback, nothing written."""
    path = tmp_path / name
    path.write_bytes((CORPUS / name).read_bytes())
    status, stderr, counter = refresh_with(path)
    assert status == 2
    assert stderr.startswith(f"Error: {path}:")
    assert EXPECTED[name] in stderr
    assert "Traceback" not in stderr
    assert counter.calls == []
    assert not (tmp_path / "public").exists()


def test_deep_nesting(tmp_path: Path) -> None:
    """Ten thousand nested lists are refused, not a RecursionError."""
    path = tmp_path / "rooms.yaml"
    path.write_text("rooms: " + "[" * 10_000 + "]" * 10_000 + "\n")
    status, stderr, _ = refresh_with(path)
    assert (status, stderr) == (
        2,
        f"Error: {path}: nested too deeply (expected a flat rooms.yaml)\n",
    )


def test_enormous_file(tmp_path: Path) -> None:
    """A file over 10 MiB is refused before it is parsed."""
    path = tmp_path / "rooms.yaml"
    path.write_text("rooms:\n" + "  - a@b.example\n" * 800_000)
    status, stderr, _ = refresh_with(path)
    assert status == 2
    assert stderr == f"Error: {path}: larger than 10 MiB (expected a rooms.yaml of sensible size)\n"


KEYS = st.sampled_from([
    "rooms", "jid", "label", "file", "method", "defaults", "account", "style", "colors",
    "message", "logo", "anonymous", "stale_after", "templates", "x",
])  # fmt: skip
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text())
DOCUMENTS = st.recursive(
    SCALARS | st.sampled_from(["a@b.example", "lobby@conference.example.org", "flat", "join"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)


@examples(300)
@given(document=DOCUMENTS)
def test_any_yaml_document_loads_or_is_a_config_error(document: object, tmp_path: Path) -> None:
    """Random YAML documents give a Config or a ConfigError, never another exception."""
    path = tmp_path / "rooms.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    assert_loads_or_refuses(path)


@examples(200)
@given(text=st.text())
def test_any_text_loads_or_is_a_config_error(text: str, tmp_path: Path) -> None:
    """Arbitrary text, valid YAML or not, never raises anything but ConfigError."""
    path = tmp_path / "rooms.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_loads_or_refuses(path)


def assert_loads_or_refuses(path: Path) -> None:
    """load_rooms returns a Config or raises a ConfigError with problems; nothing else."""
    outcome: Config | ConfigError
    try:
        outcome = load_rooms(path)
    except ConfigError as error:
        outcome = error
    assert isinstance(outcome, Config) or outcome.problems
