"""Load and validate rooms.yaml: every problem with its file and line, then one ConfigError."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from badgegen.config.discover import discover_entries
from badgegen.config.model import DEFAULT_STALE_AFTER, Account, Config
from badgegen.config.names import account_jid_problem
from badgegen.config.options import url_option
from badgegen.config.rooms import room_defaults, rooms_of
from badgegen.config.site import site_of
from badgegen.config.yamlnodes import Problems, boolean, compose, kind, mapping, read_text, string

TOP_KEYS = (
    "account", "base_url", "defaults", "discover", "rooms", "site", "stale_after", "templates",
)  # fmt: skip
ACCOUNT_KEYS = ("anonymous", "jid")
_DURATION = re.compile(r"([0-9]{1,12})\s*([smhd]?)")
MAX_STALE_AFTER = timedelta(days=365)
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


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
    defaults = room_defaults(top.get("defaults"), problems)
    discover = discover_entries(top.get("discover"), defaults, problems)
    rooms = rooms_of(top.get("rooms"), root, defaults, problems, discovering=bool(discover))
    account = _account(top.get("account"), problems)
    templates = _templates(top.get("templates"), problems)
    stale_after = _duration(top.get("stale_after"), "stale_after", problems)
    base_url = url_option(top.get("base_url"), "base_url", problems) or ""
    return Config(
        path,
        rooms,
        account,
        templates,
        DEFAULT_STALE_AFTER if stale_after is None else stale_after,
        base_url,
        tuple(problems.warnings),
        discover,
        site_of(top.get("site"), problems),
    )


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
