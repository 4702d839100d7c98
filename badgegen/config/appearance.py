"""How a room's badge looks: style, colours, message texts and logo, from rooms.yaml."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from badgegen.config.names import shown_text_problem
from badgegen.config.yamlnodes import Problems, boolean, choice, join, kind, string
from badgegen.text.colors import NAMED, closest_color, expected_color, parse_color
from badgegen.text.logo import AVATAR, Logo
from badgegen.vocabulary import STYLES


@dataclass(frozen=True, slots=True)
class Appearance:
    """Everything about a badge's look that rooms.yaml can set."""

    style: str = "flat"
    label_color: str = NAMED["grey"]
    # (minimum count, colour), ascending: a count takes the last it reaches.
    colors: tuple[tuple[int, str], ...] = ((0, NAMED["lightgrey"]), (1, NAMED["brightgreen"]))
    unknown_color: str = NAMED["lightgrey"]
    stale_color: str = NAMED["lightgrey"]
    message: str = "{count} online"
    message_one: str | None = None
    zero_message: str | None = None
    unknown_message: str = "unknown"
    compact: bool = True
    logo: Logo | None = None


# A threshold is a plain decimal count; YAML 1.1 would also read 0x10 or 1:30 as numbers.
_COUNT = re.compile(r"[0-9]{1,7}")


APPEARANCE_KEYS = tuple(field.name for field in fields(Appearance) if field.name != "message_one")


def parse_option(
    key: str, node: Node, where: str, problems: Problems, base: Path
) -> dict[str, object]:
    """Validate one appearance option from rooms.yaml.

    Args:
        key: the option's name, one of APPEARANCE_KEYS.
        node: its YAML node.
        where: its location, e.g. "rooms[2].style".
        problems: where problems are recorded.
        base: the folder of rooms.yaml, for relative logo paths.

    Returns:
        Appearance fields to set (empty when the value was invalid).
    """
    if key == "logo":
        logo = _logo(node, where, problems, base)
        return {"logo": logo} if logo else {}
    if key == "colors":
        colors = _thresholds(node, where, problems)
        return {"colors": colors} if colors else {}
    if key == "message" and isinstance(node, MappingNode):
        return _plural_message(node, where, problems)
    parse = _PARSERS[key]
    value = parse(node, where, problems)
    return {} if value is None else {key: value}


def _style(node: Node, where: str, problems: Problems) -> str | None:
    return choice(node, where, problems, STYLES, "a style")


def _color(node: Node, where: str, problems: Problems) -> str | None:
    if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
        hint = 'a # starts a comment in YAML: write 4b0 or "#4b0"'
        problems.add(node, where, f"expected text, found nothing ({hint})")
        return None
    text = string(node, where, problems) if not _is_number(node) else node.value
    if text is None:
        return None
    color = parse_color(str(text))
    if color is None:
        close = closest_color(str(text))
        hint = f'did you mean "{close}"? ' if close else ""
        problems.add(node, where, f'"{text}" is not a colour ({hint}expected {expected_color()})')
    return color


def _message(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    # shields' endpoint schema refuses an empty message, so NAME.json would break.
    empty = "empty message (expected some text, e.g. nobody here)"
    if text is not None and (reason := shown_text_problem(text, "{count}", "a message", empty)):
        problems.add(node, where, reason)
        return None
    return text


def _compact(node: Node, where: str, problems: Problems) -> bool | None:
    return boolean(node, where, problems)


def _plural_message(node: MappingNode, where: str, problems: Problems) -> dict[str, object]:
    values = {key.value: value for key, value in node.value if isinstance(key, ScalarNode)}
    unknown = set(values) - {"one", "other"}
    if unknown or "other" not in values:
        problems.add(node, where, "expected a text, or a mapping with `one` and `other` texts")
        return {}
    parsed = {"message": _message(values["other"], join(where, "other"), problems)}
    if "one" in values:
        parsed["message_one"] = _message(values["one"], join(where, "one"), problems)
    return {key: value for key, value in parsed.items() if value is not None}


def _thresholds(node: Node, where: str, problems: Problems) -> tuple[tuple[int, str], ...]:
    if not isinstance(node, MappingNode) or not node.value:
        problems.add(
            node,
            where,
            "expected a mapping from minimum counts to colours, e.g. {0: lightgrey, 1: green}",
        )
        return ()
    steps = []
    for key, value in node.value:
        if not (isinstance(key, ScalarNode) and _COUNT.fullmatch(key.value)):
            found = f'"{key.value}"' if isinstance(key, ScalarNode) else kind(key)
            problems.add(key, where, f"expected a count such as 0 or 10, found {found}")
            continue
        color = _color(value, join(where, key.value), problems)
        if color:
            steps.append((int(key.value), color))
    if steps and min(count for count, _ in steps) != 0:
        problems.add(node, where, "no colour for 0 (expected a `0:` entry)")
    return tuple(sorted(steps))


def _logo(node: Node, where: str, problems: Problems, base: Path) -> Logo | None:
    from badgegen.config.icons import UnknownLogo, find_logo

    text = string(node, where, problems)
    if text is None:
        return None
    if text.strip().casefold() == AVATAR.name:  # the room's own, when its server has one
        return AVATAR
    try:
        return find_logo(text, base)
    except UnknownLogo as exc:
        problems.add(node, where, str(exc))
    except ValueError as exc:
        problems.add(node, where, f"{exc} (expected a logo name such as xmpp, or an SVG file)")
    return None


def _is_number(node: Node) -> bool:
    """Colours like 555 parse as numbers in YAML; accept them as hex."""
    return isinstance(node, ScalarNode) and node.tag.endswith(":int")


_PARSERS: dict[str, Callable[[Node, str, Problems], object | None]] = {
    "style": _style,
    "label_color": _color,
    "unknown_color": _color,
    "stale_color": _color,
    "message": _message,
    "zero_message": _message,
    "unknown_message": _message,
    "compact": _compact,
}
