"""Load and validate rooms.yaml: every problem with its file and line, then one ConfigError."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.config.appearance import APPEARANCE_KEYS, Appearance, parse_option
from badgegen.config.model import (
    DEFAULT_STALE_AFTER,
    METHODS,
    SVG_SUFFIX,
    TRENDS,
    Account,
    Config,
    Discover,
    Room,
)
from badgegen.config.names import (
    account_jid_problem,
    file_name_problem,
    parse_room_jid,
    placeholder_problem,
    text_problem,
    url_problem,
)
from badgegen.config.yamlnodes import (
    STR,
    Problems,
    boolean,
    choice,
    compose,
    join,
    kind,
    mapping,
    read_text,
    string,
)
from badgegen.text.jids import parse_jid
from badgegen.text.untrusted import MAX_OCCUPANTS
from badgegen.vocabulary import DEFAULT_DISCOVER_LIMIT, MAX_DISCOVER_LIMIT

_ROOM_FIELDS = ("jid", "label", "file", "method", "link", "trend")
TOP_KEYS = ("account", "base_url", "defaults", "discover", "rooms", "stale_after", "templates")
_DURATION = re.compile(r"([0-9]{1,12})\s*([smhd]?)")
_COUNT_TEXT = re.compile(r"[0-9]{1,7}")
MAX_STALE_AFTER = timedelta(days=365)
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
ACCOUNT_KEYS = ("anonymous", "jid")
# `jid` and `file` name one room each, so they make no sense as defaults.
DEFAULT_KEYS = ("label", "link", "method", "trend", *APPEARANCE_KEYS)
ROOM_KEYS = ("file", "jid", *DEFAULT_KEYS)
DISCOVER_KEYS = ("exclude", "include", "limit", "min_occupants", "service", *DEFAULT_KEYS)
MAX_GLOB_LENGTH = 3071


def load_rooms(path: Path) -> Config:
    """Read and validate a rooms.yaml file.

    Args:
        path: the file to read.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: listing every problem, each with file and line.
    """
    root = compose(path, read_text(path))
    problems = Problems(path)
    config = _build_config(path, root, problems)
    problems.raise_if_any()
    assert config is not None  # only None when a problem was recorded
    return config


def _build_config(path: Path, root: Node | None, problems: Problems) -> Config | None:
    if not isinstance(root, MappingNode):
        problems.add(root, "", "expected a mapping with a `rooms:` list at the top level")
        return None
    top = mapping(root, "", TOP_KEYS, problems)
    defaults = _room_defaults(top.get("defaults"), problems)
    discover = _discover(top.get("discover"), defaults, problems)
    rooms = _rooms(top.get("rooms"), root, defaults, problems, discovering=bool(discover))
    account = _account(top.get("account"), problems)
    templates = _templates(top.get("templates"), problems)
    stale_after = _duration(top.get("stale_after"), "stale_after", problems)
    base_url = _url(top.get("base_url"), "base_url", problems) or ""
    return Config(
        path,
        rooms,
        account,
        templates,
        DEFAULT_STALE_AFTER if stale_after is None else stale_after,
        base_url,
        tuple(problems.warnings),
        discover,
        _make_room("", "", dict(defaults)),
    )


def _room_defaults(node: Node | None, problems: Problems) -> dict[str, object]:
    if node is None:
        return {}
    options = mapping(node, "defaults", DEFAULT_KEYS, problems)
    return _room_options(options, "defaults", problems)


def _rooms(
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


def is_placeholder(jid: str) -> bool:
    """A room (or a service) on a domain reserved for examples (RFC 2606): example.org..."""
    domain = jid.rpartition("@")[2]
    return domain == "example" or domain.endswith(_EXAMPLE_SUFFIXES) or domain in _EXAMPLES


_EXAMPLES = ("example.org", "example.com", "example.net")
_EXAMPLE_SUFFIXES = (".example", *(f".{domain}" for domain in _EXAMPLES))


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
        options = _room_options(values, where, problems)
    else:
        problems.add(node, where, "expected a room JID or a mapping with `jid`")
        return None
    if jid is None:
        return None
    merged = _with_defaults(options, defaults)
    file = str(merged.pop("file", jid))
    if file == jid and (reason := file_name_problem(file)):
        what = f"the JID makes no file name: {reason} (expected `file:` with a plain name)"
        problems.add(node, where, what)
        return None
    return _make_room(jid, file, merged)


def _with_defaults(options: dict[str, object], defaults: dict[str, object]) -> dict[str, object]:
    """A room's options over `defaults:`; its own `message` drops a default `one:` form."""
    if "message" in options and "message_one" not in options:
        defaults = {key: value for key, value in defaults.items() if key != "message_one"}
    return {**defaults, **options}


def _make_room(jid: str, file: str, merged: dict[str, object]) -> Room:
    looks = {key: merged.pop(key) for key in list(merged) if key not in _ROOM_FIELDS}
    appearance = Appearance(**looks)  # type: ignore[arg-type]
    return Room(jid=jid, file=file, appearance=appearance, **merged)  # type: ignore[arg-type]


def _discover(
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
    service = _service(values["service"], join(where, "service"), problems)
    if service is not None and is_placeholder(service):
        what = (
            f"{service} is a placeholder: domains like example.org are reserved for examples"
            " and never answer; replace it with your MUC service (`badgegen discover SERVICE` shows"
            " what one lists)"
        )
        problems.warn(values["service"], join(where, "service"), what)
    options = _room_options(
        {key: value for key, value in values.items() if key in DEFAULT_KEYS}, where, problems
    )
    number = {
        key: _whole_number(values[key], join(where, key), problems, low, high)
        for key, (low, high) in (
            ("min_occupants", (0, MAX_OCCUPANTS)),
            ("limit", (1, MAX_DISCOVER_LIMIT)),
        )
        if key in values
    }
    include = _globs(values.get("include"), join(where, "include"), problems)
    exclude = _globs(values.get("exclude"), join(where, "exclude"), problems)
    if service is None or None in number.values():
        return None
    template = _make_room("", "", _with_defaults(options, defaults))
    return Discover(
        service,
        template,
        number.get("min_occupants", 0) or 0,
        include,
        exclude,
        number.get("limit", DEFAULT_DISCOVER_LIMIT) or DEFAULT_DISCOVER_LIMIT,
    )


def _service(node: Node, where: str, problems: Problems) -> str | None:
    """A MUC service: a domain, without a name@ or /resource."""
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


def _room_options(values: dict[str, Node], where: str, problems: Problems) -> dict[str, object]:
    checks: dict[str, Callable[[Node, str, Problems], object | None]] = {
        "label": _label,
        "file": _file,
        "method": _method,
        "link": _link,
        "trend": _trend,
    }
    options: dict[str, object] = {}
    for key, node in values.items():
        if key in checks:
            if (value := checks[key](node, join(where, key), problems)) is not None:
                options[key] = value
        elif key in APPEARANCE_KEYS:
            base = problems.path.parent
            options.update(parse_option(key, node, join(where, key), problems, base))
    return options


def _link(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    if text is None or text in ("xmpp", "webchat"):
        return text
    return _url(node, where, problems)


def _url(node: Node | None, where: str, problems: Problems) -> str | None:
    """An https:// URL: badges are embedded in https pages, which block or flag http:// ones."""
    text = string(node, where, problems) if node is not None else None
    if text is None:
        return None
    expected = "xmpp, webchat or an https:// URL" if where.endswith("link") else "an https:// URL"
    is_link = where.endswith("link")
    if reason := url_problem(text, expected, base=where == "base_url", template=is_link):
        problems.add(node, where, reason)
        return None
    return text


def _duration(node: Node | None, where: str, problems: Problems) -> timedelta | None:
    """A duration: seconds, or a number with s, m, h or d (90s, 30m, 2h, 1d), up to a year."""
    if node is None:
        return None
    expected = f"expected a duration from 1s to {MAX_STALE_AFTER.days}d, such as 30m, 2h or 1d"
    match = _DURATION.fullmatch(str(node.value).strip()) if isinstance(node, ScalarNode) else None
    if not match:
        problems.add(node, where, f"{expected}, found {kind(node)}")
        return None
    seconds = int(match.group(1)) * _SECONDS[match.group(2)]
    if not 0 < seconds <= MAX_STALE_AFTER.total_seconds():
        problems.add(node, where, f"{node.value} is out of range ({expected})")
        return None
    return timedelta(seconds=seconds)


def _templates(node: Node | None, problems: Problems) -> Path | None:
    """The folder of templates overriding the built-in ones, relative to rooms.yaml."""
    text = string(node, "templates", problems) if node is not None else None
    if text is None:
        return None
    folder = problems.path.parent / text
    if not folder.is_dir():
        problems.add(
            node, "templates", f"{folder} is not a folder (expected a folder of .svg.j2 templates)"
        )
        return None
    return folder


def _account(node: Node | None, problems: Problems) -> Account:
    if node is None:
        return Account()
    values = mapping(node, "account", ACCOUNT_KEYS, problems)
    anonymous = False
    if "anonymous" in values:
        anonymous = boolean(values["anonymous"], "account.anonymous", problems)
    jid = None
    if "jid" in values:
        where, jid_node = "account.jid", values["jid"]
        jid = string(jid_node, where, problems)
        reason = account_jid_problem(jid, anonymous=anonymous) if jid else None
        if reason:
            problems.add(jid_node, where, reason)
            jid = None
    return Account(jid=jid, anonymous=anonymous)


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


def _label(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    if text is not None and not text.strip():
        problems.add(node, where, "empty label (expected some text)")
        return None
    if text is not None and (reason := text_problem(text)):
        problems.add(node, where, reason)
        return None
    if text is not None and (reason := placeholder_problem(text, "{name}", "a label")):
        problems.add(node, where, reason)
        return None
    return text


def _file(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    if text is None:
        return None
    name = text.removesuffix(SVG_SUFFIX)
    if reason := file_name_problem(name):
        problems.add(node, where, f"{reason} (expected a plain file name in the output directory)")
        return None
    return name


def _trend(node: Node, where: str, problems: Problems) -> str | None:
    return choice(node, where, problems, TRENDS, "a trend")


def _method(node: Node, where: str, problems: Problems) -> str | None:
    return choice(node, where, problems, METHODS, "a method")


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
