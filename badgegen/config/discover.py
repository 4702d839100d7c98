"""discover: in rooms.yaml: the MUC services whose public rooms are badged, and their filters."""

from __future__ import annotations

import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.config.model import Discover
from badgegen.config.options import DEFAULT_KEYS, room_options
from badgegen.config.rooms import is_placeholder, make_room, with_defaults
from badgegen.config.yamlnodes import Problems, join, kind, mapping, string
from badgegen.text.jids import parse_jid
from badgegen.text.untrusted import MAX_OCCUPANTS
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT, MAX_DISCOVER_LIMIT

DISCOVER_KEYS = ("exclude", "include", "limit", "min_occupants", "service", *DEFAULT_KEYS)
MAX_GLOB_LENGTH = 3071
_COUNT_TEXT = re.compile(r"[0-9]{1,7}")


def discover_entries(
    node: Node | None, defaults: dict[str, object], problems: Problems
) -> tuple[Discover, ...]:
    """The `discover:` entries: MUC services whose public rooms are badged."""
    if node is None:
        return ()
    if not isinstance(node, SequenceNode) or not node.value:
        problems.add(
            node,
            "discover",
            "expected a list of MUC services, e.g. - service: conference.example.org",
        )
        return ()
    entries: dict[str, Discover] = {}
    lines: dict[str, int] = {}
    for index, entry in enumerate(node.value):
        where = f"discover[{index}]"
        found = _discover_entry(entry, where, defaults, problems)
        if found is None:
            continue
        line = entry.start_mark.line + 1
        if found.service in entries:
            first = lines[found.service]
            problems.add(entry, where, f"{found.service} is listed twice (first on line {first})")
            continue
        entries[found.service] = found
        lines[found.service] = line
    total = sum(entry.limit for entry in entries.values())
    if total > MAX_DISCOVER_LIMIT:
        what = f"the limits add up to {total} rooms (expected at most {MAX_DISCOVER_LIMIT} in all)"
        problems.add(node, "discover", what)
    return tuple(entries.values())


def _discover_entry(
    node: Node, where: str, defaults: dict[str, object], problems: Problems
) -> Discover | None:
    """One `discover:` entry: its service (a domain), its filters and its rooms' options."""
    values = _entry_values(node, where, problems)
    if values is None:
        return None
    service = _service(values["service"], join(where, "service"), problems)
    options = room_options(
        {key: value for key, value in values.items() if key in DEFAULT_KEYS}, where, problems
    )
    numbers = {
        key: _whole_number(values[key], join(where, key), problems, low, high)
        for key, (low, high) in (
            ("min_occupants", (0, MAX_OCCUPANTS)),
            ("limit", (1, MAX_DISCOVER_LIMIT)),
        )
        if key in values
    }
    include = _globs(values.get("include"), join(where, "include"), problems)
    exclude = _globs(values.get("exclude"), join(where, "exclude"), problems)
    if service is None or None in numbers.values():
        return None
    template = make_room("", "", with_defaults(options, defaults))
    least, limit = numbers.get("min_occupants") or 0, numbers.get("limit") or DEFAULT_DISCOVER_LIMIT
    return Discover(service, template, least, include, exclude, limit)


def _entry_values(node: Node, where: str, problems: Problems) -> dict[str, Node] | None:
    """An entry's keys and their nodes, once it is a mapping with `service`."""
    if not isinstance(node, MappingNode):
        problems.add(
            node, where, "expected a mapping with `service`, e.g. service: conference.example.org"
        )
        return None
    values = mapping(node, where, DISCOVER_KEYS, problems)
    if "service" not in values:
        problems.add(
            node, where, "missing `service` (expected a MUC service such as conference.example.org)"
        )
        return None
    return values


def _service(node: Node, where: str, problems: Problems) -> str | None:
    """A MUC service: a domain, without a name@ or /resource; one reserved for examples is
    a warning."""
    text = string(node, where, problems)
    if text is None:
        return None
    expected = "(expected a MUC service such as conference.example.org)"
    try:
        jid = parse_jid(text)
    except ValueError as exc:
        problems.add(node, where, f'"{text}" is not a valid domain: {exc} {expected}')
        return None
    if jid.local or jid.resource:
        problems.add(node, where, f'"{text}" is not a service but an address {expected}')
        return None
    if is_placeholder(jid.domain):
        what = (
            f"{jid.domain} is a placeholder: domains like example.org are reserved for examples"
            " and never answer; replace it with your MUC service (`badgegen discover SERVICE` shows"
            " what one lists)"
        )
        problems.warn(node, where, what)
    return jid.domain


def _whole_number(node: Node, where: str, problems: Problems, low: int, high: int) -> int | None:
    if (
        isinstance(node, ScalarNode)
        and node.tag.endswith(":int")
        and _COUNT_TEXT.fullmatch(node.value)
    ):
        value = int(node.value)
        if low <= value <= high:
            return value
    problems.add(node, where, f"expected a whole number from {low} to {high}, found {kind(node)}")
    return None


def _globs(node: Node | None, where: str, problems: Problems) -> tuple[str, ...]:
    """Globs on room JIDs (* ? [...]), from a list of texts (or one text)."""
    if node is None:
        return ()
    items = node.value if isinstance(node, SequenceNode) else [node]
    globs = []
    for index, item in enumerate(items):
        place = f"{where}[{index}]" if isinstance(node, SequenceNode) else where
        text = string(item, place, problems)
        if text is not None and not (0 < len(text) <= MAX_GLOB_LENGTH):
            problems.add(
                item,
                place,
                f"expected a pattern such as test-*@* of 1 to {MAX_GLOB_LENGTH} characters",
            )
        elif text is not None:
            globs.append(text.casefold())
    return tuple(globs)
