"""rooms.yaml loading: every accepted form and every problem, with exact messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from badgegen.config import Account, Room, load_rooms
from badgegen.config.appearance import APPEARANCE_KEYS
from badgegen.config.names import file_name_problem, parse_room_jid
from badgegen.errors import ConfigError

CASES = Path(__file__).parent.parent / "data" / "config"
DEFAULT_KEYS = ", ".join(("label", "link", "method", "trend", *APPEARANCE_KEYS))
ROOM_KEYS = "file, jid, " + DEFAULT_KEYS
NOT_FILE = "is not a file name (expected a plain file name in the output directory)"


def problems_of(name: str) -> list[str]:
    """Load a bad config case and return its problems without the path prefix."""
    path = CASES / name
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    return [problem.replace(f"{path}:", "") for problem in caught.value.problems]


def test_good_config_has_every_form() -> None:
    """Strings, mappings, defaults, merge keys and `file` with .svg all load."""
    config = load_rooms(CASES / "good.yaml")
    assert config.account == Account(jid="badgegen@example.org")
    assert config.rooms == (
        Room("lobby@conference.example.org", label="talk", file="lobby@conference.example.org"),
        Room("dev@conference.example.org", label="dev chat", file="dev"),
        Room(
            "ops@conference.example.org",
            label="talk",
            file="ops@conference.example.org",
            method="join",
        ),
        Room("merged@conference.example.org", label="talk", file="merged@conference.example.org"),
    )
    assert config.rooms[1].svg_name == "dev.svg"


def test_minimal_config_uses_defaults(tmp_path: Path) -> None:
    """A bare JID gets the label "chat", the disco method and its JID as file name."""
    path = tmp_path / "rooms.yaml"
    path.write_text("rooms: [lobby@conference.example.org]\n")
    (room,) = load_rooms(path).rooms
    assert (room.label, room.method, room.svg_name) == (
        "chat",
        "disco",
        "lobby@conference.example.org.svg",
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("not-a-mapping.yaml", ["1: expected a mapping with a `rooms:` list at the top level"]),
        ("empty.yaml", ["1: expected a mapping with a `rooms:` list at the top level"]),
        ("no-rooms.yaml", ["1: rooms: expected a non-empty list of room JIDs"]),
        (
            "syntax-error.yaml",
            [
                '3:12: "label: "unterminated": a quote opened on this line is never closed;'
                " close it at the end of the text (YAML says: found unexpected end of stream)"
            ],
        ),
        ("not-utf8.yaml", ["2: byte 15 is not UTF-8 (expected a UTF-8 text file)"]),
        (
            "unknown-keys.yaml",
            [
                '1: room: unknown key "room" (did you mean "rooms"? expected one of account,'
                " base_url, defaults, discover, rooms, site, stale_after, templates)",
                '5: rooms[0].lable: unknown key "lable" (did you mean "label"? expected one of'
                f" {ROOM_KEYS})",
                f'7: defaults.file: unknown key "file" (expected one of {DEFAULT_KEYS})',
            ],
        ),
        (
            "bad-jids.yaml",
            [
                '2: rooms[0]: "lobby" is not a room JID (expected name@service)',
                '3: rooms[1]: "dev@conference.example.org/me" has a /resource part'
                " (expected name@service)",
                '4: rooms[2]: "@conference.example.org" is not a valid JID: the part before @'
                " is empty (expected name@service)",
                '5: rooms[3].jid: "a b@conference.example.org" is not a valid JID: the local'
                " part holds (U+0020 SPACE), which a JID cannot hold there (expected name@service)",
                "6: rooms[4]: missing `jid` (expected name@service)",
                "7: rooms[5]: expected a room JID or a mapping with `jid`",
            ],
        ),
        (
            "duplicates.yaml",
            [
                "3: rooms[1]: lobby@conference.example.org is listed twice (first on line 2)",
                '6: rooms[3].file: "Shared.svg" is also written by the room on line 4'
                " (expected a file of its own)",
            ],
        ),
        (
            "outside.yaml",
            [
                f'3: rooms[0].file: "../escape" {NOT_FILE}',
                f'5: rooms[1].file: "/etc/passwd" {NOT_FILE}',
                f'7: rooms[2].file: "sub/dir" {NOT_FILE}',
                f'9: rooms[3].file: ".." {NOT_FILE}',
            ],
        ),
        (
            "wrong-types.yaml",
            [
                "3: rooms[0].label: expected text, found a number (2024)",
                '4: rooms[0].method: "poll" is not a method (expected one of disco, join)',
                "6: rooms[1].label: empty label (expected some text)",
                "8: account.jid: expected text, found a list; in YAML [me] unquoted is a list,"
                ' so quote it: jid: "[me]"',
                "9: account.anonymous: expected true or false, found text (maybe)",
            ],
        ),
        (
            "bad-account.yaml",
            ['2: account.jid: "example.org" is not an account JID (expected user@domain)'],
        ),
    ],
)
def test_bad_config_reports_every_problem(case: str, expected: list[str]) -> None:
    """Each problem is reported at once, with its line, what was found and what was expected."""
    assert problems_of(case) == expected


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    """A missing rooms.yaml says so instead of raising FileNotFoundError."""
    path = tmp_path / "rooms.yaml"
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    assert caught.value.problems == (
        f"{path}: no such file (run `badgegen init` to start one, or pass --config PATH)",
    )
    (tmp_path / "rooms.yml").write_text("rooms:\n  - a@b.org\n")
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    twin = tmp_path / "rooms.yml"
    assert caught.value.problems == (
        f"{path}: no such file (there is {twin}: pass --config {twin})",
    )


def test_many_problems_are_capped(tmp_path: Path) -> None:
    """A file with hundreds of problems lists fifty and counts the rest."""
    path = tmp_path / "rooms.yaml"
    path.write_text("rooms:\n" + "  - nope\n" * 60)
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    assert len(caught.value.problems) == 51
    assert caught.value.problems[-1] == "... and 10 more problems"


def test_anonymous_account_names_a_domain(tmp_path: Path) -> None:
    """An anonymous account is a bare domain; a user@domain is refused for it."""
    path = tmp_path / "rooms.yaml"
    path.write_text("account: {jid: anon.example.org, anonymous: true}\nrooms: [a@b.example]\n")
    assert load_rooms(path).account == Account(jid="anon.example.org", anonymous=True)
    path.write_text("account: {jid: me@example.org, anonymous: yes}\nrooms: [a@b.example]\n")
    assert problems_of_path(path) == [
        '1: account.jid: "me@example.org" is not an account JID'
        " (expected a domain that offers anonymous login)"
    ]


def problems_of_path(path: Path) -> list[str]:
    """Problems of a config file outside the case folder, without the path."""
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    return [problem.replace(f"{path}:", "") for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lobby@conference.example.org", "lobby@conference.example.org"),
        ("Lobby@Conference.EXAMPLE.org", "lobby@conference.example.org"),
        ("café@muc.example.org", "café@muc.example.org"),
    ],
)
def test_room_jids_are_normalised(text: str, expected: str) -> None:
    """Room JIDs are compared and named in their normalised bare form."""
    assert parse_room_jid(text) == (expected, None)


@pytest.mark.parametrize(
    "name", ["", ".", "..", "a/b", "a\\b", "/abs", "x\x00y", "x\ny", "é" * 101]
)
def test_unsafe_file_names_are_refused(name: str) -> None:
    """Names that could leave the output directory or break it are refused."""
    assert file_name_problem(name) is not None


@pytest.mark.parametrize("name", ["lobby@conference.example.org", "dev", ".hidden-ok", "é" * 100])
def test_plain_file_names_are_accepted(name: str) -> None:
    """Plain names, including a JID with its dots and @, are fine."""
    assert file_name_problem(name) is None


def test_long_jid_needs_a_file_name(tmp_path: Path) -> None:
    """A JID too long for a file name asks for `file:` instead of failing to write."""
    path = tmp_path / "rooms.yaml"
    path.write_text(f"rooms:\n  - {'x' * 250}@conference.example.org\n")
    assert problems_of_path(path) == [
        "2: rooms[0]: the JID makes no file name: the name is longer than 200 bytes"
        " (expected `file:` with a plain name)"
    ]


def test_libyaml_and_python_parsers_read_the_same_file_alike() -> None:
    """The fast libyaml path yields the nodes, tags and line numbers PyYAML's own does."""
    import yaml

    from badgegen.config.yamlnodes import FAST_LOADER

    assert FAST_LOADER is not None, "PyYAML without libyaml: the fast path is never taken"
    text = (Path(__file__).parents[2] / "rooms.yaml").read_text(encoding="utf-8")
    text += "defaults: &d {label: chat}\nextra: {<<: *d, n: 3, yes_: yes, e: ~}\n"

    def shape(node: yaml.Node) -> object:
        inner = node.value
        if isinstance(inner, list):
            inner = [
                shape(item) if isinstance(item, yaml.Node) else tuple(map(shape, item))
                for item in inner
            ]
        return (node.tag, node.start_mark.line, node.start_mark.column, inner)

    fast = yaml.compose(text, Loader=FAST_LOADER)
    python = yaml.compose(text, Loader=yaml.SafeLoader)
    assert fast is not None
    assert python is not None
    assert shape(fast) == shape(python)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rooms:\n  - a@b.org\n  - lobby@conference.example.org\n  - x@muc.example\n",
            ["rooms.yaml:3: rooms[1]: lobby@conference.example.org is a placeholder"
             " (and 1 more rooms below)"],
        ),
        (
            "discover:\n  - service: muc.real.org\n  - service: conference.example.com\n",
            ["rooms.yaml:3: discover[1].service: conference.example.com is a placeholder"],
        ),
        ("rooms:\n  - a@example.organic.net\ndiscover:\n  - service: example.org.uk\n", []),
    ],
)  # fmt: skip
def test_placeholders_are_warned_about(tmp_path: Path, text: str, expected: list[str]) -> None:
    """Rooms and services on domains reserved for examples are valid, but never meant."""
    path = tmp_path / "rooms.yaml"
    path.write_text(text, encoding="utf-8")
    warnings = load_rooms(path).warnings
    assert [warning.split(": domains like")[0] for warning in warnings] == [
        f"{path.parent}/{line}" for line in expected
    ]


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ('message: "{cont} online"',
         "has the placeholder {cont} (did you mean {count}? a message takes only {count})"),
        ('message: "{count} online}"',
         "has a brace that is no placeholder (a message takes only {count})"),
        ('label: "{nmae}"',
         "has the placeholder {nmae} (did you mean {name}? a label takes only {name})"),
        ('label: "chat {jid}"', "has the placeholder {jid} (a label takes only {name})"),
        ("link: https://join.example.com/#{room}",
         "has the placeholder {room} (a link takes only {jid})"),
        ("link: https://join.example.com/#room}",
         "has a brace that is no placeholder (a link takes only {jid})"),
    ],
)  # fmt: skip
def test_unknown_placeholders_are_refused(tmp_path: Path, option: str, expected: str) -> None:
    """A placeholder a field does not fill would show as typed: refused, with the one it takes."""
    path = tmp_path / "rooms.yaml"
    path.write_text(f"defaults:\n  {option}\nrooms:\n  - a@b.org\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rooms(path)
    assert caught.value.problems[0].endswith(expected)
    assert ":2: defaults." in caught.value.problems[0]


@pytest.mark.parametrize(
    "option",
    ['message: "{count} online"', 'label: "{name} chat"', "link: https://join.example.org/#{jid}"],
)
def test_the_placeholders_a_field_takes_are_accepted(tmp_path: Path, option: str) -> None:
    path = tmp_path / "rooms.yaml"
    path.write_text(f"defaults:\n  {option}\nrooms:\n  - a@b.org\n", encoding="utf-8")
    assert len(load_rooms(path).rooms) == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("xmpp:lobby@conference.jabber.org?join",
         '"xmpp:lobby@conference.jabber.org?join" is an xmpp: link, not a JID'
         " (write lobby@conference.jabber.org)"),
        ("https://chat.example.org/lobby",
         '"https://chat.example.org/lobby" is a web address, not a room JID'
         " (expected name@service)"),
    ],
)  # fmt: skip
def test_a_room_pasted_as_a_link_says_what_to_write(text: str, reason: str) -> None:
    assert parse_room_jid(text) == (None, reason)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("https://you.github.io/project", False),
        ("http://127.0.0.1:8000/site", False),  # a page tried on this machine
        ("http://localhost:8000", False),
        ("http://[::1]/", False),
        ("http://you.github.io", True),
        ("http://127.0.0.1.example.org/", True),
        ("https://", True),
        ("ftp://you.example.org", True),
    ],
)
def test_base_urls_are_https_or_this_machine(url: str, refused: bool) -> None:
    from badgegen.config.names import url_problem

    assert (url_problem(url, base=True) is not None) is refused
