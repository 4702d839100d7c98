"""Read YAML keeping line numbers, and collect located problems (mkdocs-style)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from badgegen.errors import ConfigError

MAX_PROBLEMS = 50
MAX_CONFIG_BYTES = 10 * 2**20
FAST_LOADER = getattr(yaml, "CSafeLoader", None)
STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
_KINDS = {
    "str": "text",
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "null": "nothing",
}


class Problems:
    """Collects every problem, each prefixed with file and line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.found: list[tuple[int, str]] = []
        self.warnings: list[str] = []

    def warn(self, node: Node, where: str, what: str) -> None:
        """Something valid but most likely not meant, such as a placeholder room."""
        self.warnings.append(f"{self.path}:{node.start_mark.line + 1}: {where}: {what}")

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


def read_text(path: Path) -> str:
    """Read a UTF-8 file, or raise ConfigError saying why not (with the line of a bad byte)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError as exc:
        twin = path.with_suffix({".yaml": ".yml", ".yml": ".yaml"}.get(path.suffix, ".yaml"))
        if twin != path and twin.is_file():
            hint = f"there is {twin}: pass --config {twin}"
        else:
            hint = "run `badgegen init` to start one, or pass --config PATH"
        raise ConfigError([f"{path}: no such file ({hint})"]) from exc
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from exc
    if len(data) > MAX_CONFIG_BYTES:
        what = (
            f"larger than {MAX_CONFIG_BYTES // 2**20} MiB (expected a rooms.yaml of sensible size)"
        )
        raise ConfigError([f"{path}: {what}"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        what = f"byte {exc.start + 1} is not UTF-8 (expected a UTF-8 text file)"
        raise ConfigError([f"{path}:{line}: {what}"]) from exc


def compose(path: Path, text: str) -> Node | None:
    """Parse YAML into nodes that keep their line; syntax errors become ConfigError.

    libyaml (when PyYAML has it) parses a 5,000-room file ten times faster;
    a file it refuses is parsed again in Python for PyYAML's exact message.
    """
    if FAST_LOADER is not None:
        with contextlib.suppress(yaml.YAMLError):
            return yaml.compose(text, Loader=FAST_LOADER)
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        what = f"invalid YAML: {character} is not allowed in YAML"
        raise ConfigError([f"{path}:{line}: {what}"]) from exc
    except yaml.MarkedYAMLError as exc:
        from badgegen.config.yamlerrors import explain  # for a mistake only

        line, column, what = explain(exc, text)
        raise ConfigError([f"{path}:{line}:{column}: {what}"]) from exc
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: invalid YAML: {exc}"]) from exc
    except RecursionError as exc:
        raise ConfigError([f"{path}: nested too deeply (expected a flat rooms.yaml)"]) from exc


def mapping(
    node: Node, where: str, allowed: tuple[str, ...], problems: Problems
) -> dict[str, Node]:
    """The values of a mapping node by key, reporting unknown and repeated keys."""
    if not isinstance(node, MappingNode):
        problems.add(node, where, f"expected a mapping with keys {one_of(allowed)}")
        return {}
    yaml.SafeLoader("").flatten_mapping(node)  # resolve `<<: *anchor` merges
    values: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        path = join(where, str(key))
        if key not in allowed:
            problems.add(key_node, path, unknown_key(str(key), allowed))
        elif key in values:
            problems.add(key_node, path, "repeated key (each key may appear once)")
        else:
            values[key] = value_node
    return values


def string(node: Node, where: str, problems: Problems) -> str | None:
    """The node's text, or None with a problem when it is not a string."""
    if isinstance(node, ScalarNode) and node.tag == STR:
        return str(node.value)
    problems.add(node, where, f"expected text, found {kind(node)}{_quote_hint(node, where)}")
    return None


def _quote_hint(node: Node, where: str) -> str:
    """`label: {name}` is a YAML mapping; say how to write it as the text it was meant to be."""
    if not (isinstance(node, MappingNode | SequenceNode) and node.flow_style):
        return ""
    if isinstance(node, MappingNode):
        items = [key.value for key, value in node.value if _is_plain_word(key, value)]
        if len(items) != len(node.value):
            return ""
        typed = "{" + ", ".join(items) + "}"
    else:
        items = [item.value for item in node.value if isinstance(item, ScalarNode)]
        if len(items) != len(node.value):
            return ""
        typed = "[" + ", ".join(items) + "]"
    key = where.rpartition(".")[2] or where
    return f'; in YAML {typed} unquoted is a {kind(node)[2:]}, so quote it: {key}: "{typed}"'


def _is_plain_word(key: Node, value: Node) -> bool:
    return (
        isinstance(key, ScalarNode)
        and isinstance(value, ScalarNode)
        and value.tag.endswith(":null")
        and not value.value
    )


def choice(
    node: Node, where: str, problems: Problems, options: tuple[str, ...], noun: str
) -> str | None:
    """The node's text when it is one of options, or None with a problem."""
    text = string(node, where, problems)
    if text is not None and text not in options:
        import difflib  # for a mistake only

        close = difflib.get_close_matches(text, options, n=1)
        hint = f'did you mean "{close[0]}"? ' if close else ""
        problems.add(node, where, f'"{text}" is not {noun} ({hint}expected {one_of(options)})')
        return None
    return text


def boolean(node: Node, where: str, problems: Problems) -> bool:
    """The node's true/false, or False with a problem when it is not a boolean."""
    if isinstance(node, ScalarNode) and node.tag == BOOL:
        return bool(yaml.SafeLoader.bool_values[node.value.lower()])
    problems.add(node, where, f"expected true or false, found {kind(node)}")
    return False


def unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    """Say that a key is unknown, suggesting the closest allowed one."""
    import difflib  # for a mistake only

    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f'did you mean "{close[0]}"? ' if close else ""
    return f'unknown key "{key}" ({hint}expected {one_of(allowed)})'


def one_of(options: tuple[str, ...]) -> str:
    """List the options: "one of a, b" or just "a"."""
    return "one of " + ", ".join(options) if len(options) > 1 else options[0]


def kind(node: Node) -> str:
    """Describe what a node holds, e.g. "a number (2024)"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    kind = _KINDS.get(str(node.tag).rsplit(":", 1)[-1], "a value")
    return f"{kind} ({node.value})" if node.value else kind


def join(where: str, key: str) -> str:
    """Extend a location: join("rooms[0]", "jid") is "rooms[0].jid"."""
    return f"{where}.{key}" if where else key
