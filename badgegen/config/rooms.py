"""rooms: and defaults: in rooms.yaml: each room's JID, file and options, checked and unique."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.config.appearance import Appearance
from badgegen.config.model import Room
from badgegen.config.names import file_name_problem, parse_room_jid
from badgegen.config.options import DEFAULT_KEYS, ROOM_KEYS, room_options
from badgegen.config.yamlnodes import STR, Problems, join, mapping, string

_ROOM_FIELDS = ("jid", "label", "file", "method", "link", "trend")


def room_defaults(node: Node | None, problems: Problems) -> dict[str, object]:
    if node is None:
        return {}
    options = mapping(node, "defaults", DEFAULT_KEYS, problems)
    return room_options(options, "defaults", problems)


def rooms_of(
    node: Node | None,
    root: Node,
    defaults: dict[str, object],
    problems: Problems,
    *,
    discovering: bool = False,
) -> tuple[Room, ...]:
    if node is None:
        if not discovering:
            what = "missing (expected a list of room JIDs, or `discover:` with a MUC service)"
            problems.add(root, "rooms", what)
        return ()
    if isinstance(node, SequenceNode) and not node.value and discovering:
        return ()
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(node, "rooms", "expected a non-empty list of room JIDs")
        return ()
    located = [
        (f"rooms[{index}]", entry, room)
        for index, entry in enumerate(node.value)
        if (room := _room(entry, f"rooms[{index}]", defaults, problems))
    ]
    placeholders = [
        (where, entry, room) for where, entry, room in located if is_placeholder(room.jid)
    ]
    if placeholders:
        where, entry, room = placeholders[0]
        more = len(placeholders) - 1
        what = (
            f"{room.jid} is a placeholder"
            + (f" (and {more} more rooms below)" if more else "")
            + ": domains like example.org are reserved for examples and never answer;"
            " replace it with your room's JID"
        )
        problems.warn(entry, where, what)
    return _unique_rooms(located, problems)


_EXAMPLES = ("example.org", "example.com", "example.net")
_EXAMPLE_SUFFIXES = (".example", *(f".{domain}" for domain in _EXAMPLES))


def is_placeholder(jid: str) -> bool:
    """A room (or a service) on a domain reserved for examples (RFC 2606): example.org..."""
    domain = jid.rpartition("@")[2]
    return domain == "example" or domain.endswith(_EXAMPLE_SUFFIXES) or domain in _EXAMPLES


def _room(node: Node, where: str, defaults: dict[str, object], problems: Problems) -> Room | None:
    if isinstance(node, ScalarNode) and node.tag == STR:
        jid = _room_jid(node, where, problems)
        options: dict[str, object] = {}
    elif isinstance(node, MappingNode):
        values = mapping(node, where, ROOM_KEYS, problems)
        if "jid" not in values:
            problems.add(node, where, "missing `jid` (expected name@service)")
            return None
        jid = _room_jid(values["jid"], join(where, "jid"), problems)
        options = room_options(values, where, problems)
    else:
        problems.add(node, where, "expected a room JID or a mapping with `jid`")
        return None
    if jid is None:
        return None
    merged = with_defaults(options, defaults)
    file = str(merged.pop("file", jid))
    if file == jid and (reason := file_name_problem(file)):
        what = f"the JID makes no file name: {reason} (expected `file:` with a plain name)"
        problems.add(node, where, what)
        return None
    return make_room(jid, file, merged)


def with_defaults(options: dict[str, object], defaults: dict[str, object]) -> dict[str, object]:
    """A room's options over `defaults:`; its own `message` drops a default `one:` form."""
    if "message" in options and "message_one" not in options:
        defaults = {key: value for key, value in defaults.items() if key != "message_one"}
    return {**defaults, **options}


def make_room(jid: str, file: str, merged: dict[str, object]) -> Room:
    looks = {key: merged.pop(key) for key in list(merged) if key not in _ROOM_FIELDS}
    appearance = Appearance(**looks)  # type: ignore[arg-type]
    return Room(jid=jid, file=file, appearance=appearance, **merged)  # type: ignore[arg-type]


def _room_jid(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    if text is None:
        return None
    bare, reason = parse_room_jid(text)
    if reason and " - " in text:
        reason += (
            "; YAML joined two lines into one text because the second `- ` is indented"
            " deeper: start every item of the list in the same column"
        )
    if reason:
        problems.add(node, where, reason)
    return bare


def _unique_rooms(located: list[tuple[str, Node, Room]], problems: Problems) -> tuple[Room, ...]:
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
            problems.add(node, join(where, "file"), f"{what} (expected a file of its own)")
    return tuple(room for _, _, room in located)
