"""A room's options in rooms.yaml (under rooms:, defaults: or a discover: entry), each checked."""

from __future__ import annotations

from collections.abc import Callable

from yaml.nodes import Node

from badgegen.config.appearance import APPEARANCE_KEYS, parse_option
from badgegen.config.model import METHODS, SVG_SUFFIX, TRENDS
from badgegen.config.names import file_name_problem, shown_text_problem, url_problem
from badgegen.config.yamlnodes import Problems, choice, join, string

# `jid` and `file` name one room each, so they make no sense as defaults.
DEFAULT_KEYS = ("label", "link", "method", "trend", *APPEARANCE_KEYS)
ROOM_KEYS = ("file", "jid", *DEFAULT_KEYS)


def room_options(values: dict[str, Node], where: str, problems: Problems) -> dict[str, object]:
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
    return url_option(node, where, problems)


def url_option(node: Node | None, where: str, problems: Problems) -> str | None:
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


def _label(node: Node, where: str, problems: Problems) -> str | None:
    text = string(node, where, problems)
    empty = "empty label (expected some text)"
    if text is not None and (reason := shown_text_problem(text, "{name}", "a label", empty)):
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
