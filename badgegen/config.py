"""Load and validate rooms.yaml into frozen dataclasses."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.errors import ConfigError

Method = Literal["disco", "join"]
METHODS: tuple[Method, ...] = ("disco", "join")
DEFAULT_LABEL = "chat"
SVG_SUFFIX = ".svg"
# Leaves room for ".svg"/".json" and a temporary-file prefix within the
# 255-byte name limit of common filesystems.
MAX_FILE_NAME_BYTES = 200
MAX_PROBLEMS = 50

TOP_KEYS = ("account", "defaults", "rooms")
ACCOUNT_KEYS = ("anonymous", "jid")
ROOM_KEYS = ("file", "jid", "label", "method")
# `jid` and `file` name one room each, so they make no sense as defaults.
DEFAULT_KEYS = ("label", "method")

_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_KINDS = {
    "str": "text",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "null": "nothing",
}


@dataclass(frozen=True, slots=True)
class Room:
    """One group chat to badge."""

    jid: str
    label: str = DEFAULT_LABEL
    file: str = ""
    method: Method = "disco"

    @property
    def svg_name(self) -> str:
        """The badge's file name inside the output directory."""
        return self.file + SVG_SUFFIX


@dataclass(frozen=True, slots=True)
class Account:
    """The account named in rooms.yaml; the password never is."""

    jid: str | None = None
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """A validated rooms.yaml."""

    path: Path
    rooms: tuple[Room, ...]
    account: Account = Account()


class _Problems:
    """Collects every problem, each prefixed with file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[tuple[int, str]] = []

    def add(self, node: Node | None, where: str, what: str) -> None:
        line = node.start_mark.line + 1 if node else 1
        prefix = f"{self.path}:{line}: " + (f"{where}: " if where else "")
        self.found.append((line, prefix + what))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        # Sorted by line, so the list reads like the file.
        shown = [text for _, text in sorted(self.found, key=lambda found: found[0])]
        if len(shown) > MAX_PROBLEMS:
            shown[MAX_PROBLEMS:] = [f"... and {len(shown) - MAX_PROBLEMS} more problems"]
        raise ConfigError(shown)


def load_rooms(path: Path) -> Config:
    """Read and validate a rooms.yaml file.

    Args:
        path: the file to read.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: listing every problem, each with file and line.
    """
    root = _compose(path, _read_text(path))
    problems = _Problems(path)
    config = _build_config(path, root, problems)
    problems.raise_if_any()
    assert config is not None  # only None when a problem was recorded
    return config


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError([f"{path}: no such file (expected a rooms.yaml)"]) from exc
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        what = f"byte {exc.start + 1} is not UTF-8 (expected a UTF-8 text file)"
        raise ConfigError([f"{path}:{line}: {what}"]) from exc
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from exc


def _compose(path: Path, text: str) -> Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ConfigError([f"{where}: invalid YAML: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: invalid YAML: {exc}"]) from exc


def _build_config(path: Path, root: Node | None, problems: _Problems) -> Config | None:
    if not isinstance(root, MappingNode):
        problems.add(root, "", "expected a mapping with a `rooms:` list at the top level")
        return None
    top = _mapping(root, "", TOP_KEYS, problems)
    defaults = _room_defaults(top.get("defaults"), problems)
    rooms = _rooms(top.get("rooms"), root, defaults, problems)
    account = _account(top.get("account"), problems)
    return Config(path=path, rooms=rooms, account=account)


def _mapping(
    node: Node, where: str, allowed: tuple[str, ...], problems: _Problems
) -> dict[str, Node]:
    """The values of a mapping node by key, reporting unknown and repeated keys."""
    if not isinstance(node, MappingNode):
        problems.add(node, where, f"expected a mapping with keys {_one_of(allowed)}")
        return {}
    yaml.SafeLoader("").flatten_mapping(node)  # resolve `<<: *anchor` merges
    values: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        path = _join(where, str(key))
        if key not in allowed:
            problems.add(key_node, path, _unknown_key(str(key), allowed))
        elif key in values:
            problems.add(key_node, path, "repeated key (each key may appear once)")
        else:
            values[key] = value_node
    return values


def _room_defaults(node: Node | None, problems: _Problems) -> dict[str, object]:
    if node is None:
        return {}
    options = _mapping(node, "defaults", DEFAULT_KEYS, problems)
    return _room_options(options, "defaults", problems)


def _rooms(
    node: Node | None,
    root: Node,
    defaults: dict[str, object],
    problems: _Problems,
) -> tuple[Room, ...]:
    if node is None:
        problems.add(root, "rooms", "missing (expected a list of room JIDs)")
        return ()
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(node, "rooms", "expected a non-empty list of room JIDs")
        return ()
    located = [
        (f"rooms[{index}]", entry, room)
        for index, entry in enumerate(node.value)
        if (room := _room(entry, f"rooms[{index}]", defaults, problems))
    ]
    return _unique_rooms(located, problems)


def _room(node: Node, where: str, defaults: dict[str, object], problems: _Problems) -> Room | None:
    if isinstance(node, ScalarNode) and node.tag == _STR:
        jid = _room_jid(node, where, problems)
        options: dict[str, object] = {}
    elif isinstance(node, MappingNode):
        values = _mapping(node, where, ROOM_KEYS, problems)
        if "jid" not in values:
            problems.add(node, where, "missing `jid` (expected name@service)")
            return None
        jid = _room_jid(values["jid"], _join(where, "jid"), problems)
        options = _room_options(values, where, problems)
    else:
        problems.add(node, where, "expected a room JID or a mapping with `jid`")
        return None
    if jid is None:
        return None
    merged = {**defaults, **options}
    file = str(merged.pop("file", jid))
    if file == jid and (reason := file_name_problem(file)):
        what = f"the JID makes no file name: {reason} (expected `file:` with a plain name)"
        problems.add(node, where, what)
        return None
    return Room(jid=jid, file=file, **merged)  # type: ignore[arg-type]


def _room_options(values: dict[str, Node], where: str, problems: _Problems) -> dict[str, object]:
    checks: dict[str, Callable[[Node, str, _Problems], object | None]] = {
        "label": _label,
        "file": _file,
        "method": _method,
    }
    options = {}
    for key, check in checks.items():
        if key in values and (value := check(values[key], _join(where, key), problems)):
            options[key] = value
    return options


def _account(node: Node | None, problems: _Problems) -> Account:
    if node is None:
        return Account()
    values = _mapping(node, "account", ACCOUNT_KEYS, problems)
    anonymous = False
    if "anonymous" in values:
        anonymous = _bool(values["anonymous"], "account.anonymous", problems)
    jid = None
    if "jid" in values:
        where, jid_node = "account.jid", values["jid"]
        jid = _string(jid_node, where, problems)
        reason = account_jid_problem(jid, anonymous=anonymous) if jid else None
        if reason:
            problems.add(jid_node, where, reason)
            jid = None
    return Account(jid=jid, anonymous=anonymous)


def _room_jid(node: Node, where: str, problems: _Problems) -> str | None:
    text = _string(node, where, problems)
    if text is None:
        return None
    bare, reason = parse_room_jid(text)
    if reason:
        problems.add(node, where, reason)
    return bare


def _label(node: Node, where: str, problems: _Problems) -> str | None:
    text = _string(node, where, problems)
    if text is not None and not text.strip():
        problems.add(node, where, "empty label (expected some text)")
        return None
    return text


def _file(node: Node, where: str, problems: _Problems) -> str | None:
    text = _string(node, where, problems)
    if text is None:
        return None
    name = text.removesuffix(SVG_SUFFIX)
    if reason := file_name_problem(name):
        problems.add(node, where, f"{reason} (expected a plain file name in the output directory)")
        return None
    return name


def _method(node: Node, where: str, problems: _Problems) -> str | None:
    text = _string(node, where, problems)
    if text is not None and text not in METHODS:
        problems.add(node, where, f'"{text}" is not a method (expected {_one_of(METHODS)})')
        return None
    return text


def _string(node: Node, where: str, problems: _Problems) -> str | None:
    if isinstance(node, ScalarNode) and node.tag == _STR:
        return str(node.value)
    problems.add(node, where, f"expected text, found {_kind(node)}")
    return None


def _bool(node: Node, where: str, problems: _Problems) -> bool:
    if isinstance(node, ScalarNode) and node.tag == _BOOL:
        return bool(yaml.SafeLoader.bool_values[node.value.lower()])
    problems.add(node, where, f"expected true or false, found {_kind(node)}")
    return False


def _unique_rooms(located: list[tuple[str, Node, Room]], problems: _Problems) -> tuple[Room, ...]:
    """Report rooms listed twice and rooms writing the same file."""
    jid_lines: dict[str, int] = {}
    file_lines: dict[str, int] = {}
    for where, node, room in located:
        line = node.start_mark.line + 1
        if (first := jid_lines.setdefault(room.jid, line)) != line:
            problems.add(node, where, f"{room.jid} is listed twice (first on line {first})")
            continue
        # Case-insensitive filesystems (macOS, Windows) would merge the two.
        if (first := file_lines.setdefault(room.file.casefold(), line)) != line:
            what = f'"{room.svg_name}" is also written by the room on line {first}'
            problems.add(node, _join(where, "file"), f"{what} (expected a file of its own)")
    return tuple(room for _, _, room in located)


def parse_room_jid(text: str) -> tuple[str | None, str | None]:
    """Check that text is a bare room JID.

    Args:
        text: the JID as written.

    Returns:
        The normalised bare JID, or None with the reason it is not one.
    """
    # slixmpp's import is slow; only the commands that read rooms pay for it.
    from slixmpp.jid import JID, InvalidJID

    expected = "(expected name@service)"
    try:
        jid = JID(text)
    except InvalidJID as exc:
        return None, f'"{text}" is not a valid JID: {exc} {expected}'
    if not jid.user:
        return None, f'"{text}" is not a room JID {expected}'
    if jid.resource:
        return None, f'"{text}" has a /resource part {expected}'
    return str(jid.bare), None


def account_jid_problem(text: str, *, anonymous: bool) -> str | None:
    """Say why text cannot be the account's JID, or None when it can.

    Args:
        text: the JID as written.
        anonymous: an anonymous login names only a domain.
    """
    from slixmpp.jid import JID, InvalidJID

    expected = "(expected a domain that offers anonymous login)"
    if not anonymous:
        expected = "(expected user@domain)"
    try:
        jid = JID(text)
    except InvalidJID as exc:
        return f'"{text}" is not a valid JID: {exc} {expected}'
    if jid.resource or bool(jid.user) == anonymous:
        return f'"{text}" is not an account JID {expected}'
    return None


def file_name_problem(name: str) -> str | None:
    """Say why name cannot be a badge's file name, or None when it can.

    Args:
        name: the output name without ".svg".
    """
    if name in ("", ".", "..") or "/" in name or "\\" in name:
        return f'"{name}" is not a file name'
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        return f"{name!r} contains control characters"
    if len(name.encode("utf-8")) > MAX_FILE_NAME_BYTES:
        return f"the name is longer than {MAX_FILE_NAME_BYTES} bytes"
    return None


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    return f'unknown key "{key}" ({hint}expected {_one_of(allowed)})'


def _one_of(options: tuple[str, ...]) -> str:
    return "one of " + ", ".join(options) if len(options) > 1 else options[0]


def _kind(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = _KINDS.get(str(node.tag).rsplit(":", 1)[-1], "a value")
    return f"{kind} ({node.value})" if node.value else kind


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
