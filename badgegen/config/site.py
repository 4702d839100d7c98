"""`site:` in rooms.yaml: the page's title, its description, and a link back to the project."""

from __future__ import annotations

from yaml.nodes import Node

from badgegen.config.model import DEFAULT_TITLE, Site
from badgegen.config.names import text_problem, url_problem
from badgegen.config.yamlnodes import Problems, mapping, string

SITE_KEYS = ("title", "description", "link")
MOST_CHARACTERS = {"title": 120, "description": 500, "link": 2000}


def site_of(node: Node | None, problems: Problems) -> Site:
    """The page's words: rooms.yaml's `site:`, or the defaults without it."""
    if node is None:
        return Site()
    values = mapping(node, "site", SITE_KEYS, problems)
    title = _text(values.get("title"), "title", problems)
    description = _text(values.get("description"), "description", problems)
    link = string(values["link"], "site.link", problems) if "link" in values else None
    if link is not None and (reason := _link_problem(link)):
        problems.add(values["link"], "site.link", reason)
        link = None
    return Site(title or DEFAULT_TITLE, description or "", link or "")


def _text(node: Node | None, key: str, problems: Problems) -> str | None:
    """One line of plain text within its length: a folded YAML block's last newline aside."""
    if node is None:
        return None
    where, most = f"site.{key}", MOST_CHARACTERS[key]
    text = string(node, where, problems)
    if text is None:
        return None
    text = text.strip()
    if "\n" in text:
        problems.add(node, where, f"more than one line (expected the {key} on one line)")
    elif not text:
        problems.add(node, where, f"empty {key} (expected some text, or leave it out)")
    elif reason := text_problem(text):
        problems.add(node, where, reason)
    elif len(text) > most:
        problems.add(node, where, f"{len(text)} characters (expected at most {most})")
    else:
        return text
    return None


def _link_problem(link: str) -> str | None:
    """Why link cannot be the page's link back: no https:// URL, invisible characters (it
    is shown), or too long."""
    if len(link) > MOST_CHARACTERS["link"]:
        return f"{len(link)} characters (expected at most {MOST_CHARACTERS['link']})"
    return text_problem(link) or url_problem(link)
