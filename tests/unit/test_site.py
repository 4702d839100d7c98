"""`site:` gives the page the project's name, a line about it and a link back; `init` fills
it in from a GitHub remote."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from badgegen.commands.init import scaffold
from badgegen.config import load_rooms
from badgegen.config.model import DEFAULT_TITLE, Site
from badgegen.errors import ConfigError
from badgegen.view.page import index_html

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def loaded(tmp_path: Path, site: str) -> Site:
    path = tmp_path / "rooms.yaml"
    path.write_text(f"rooms:\n  - lobby@conference.example.org\n{site}")
    return load_rooms(path).site


def problems(tmp_path: Path, site: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        loaded(tmp_path, site)
    return [problem.replace(f"{tmp_path / 'rooms.yaml'}:", "") for problem in caught.value.problems]


def test_without_site_the_page_has_sensible_words(tmp_path: Path) -> None:
    assert loaded(tmp_path, "") == Site(DEFAULT_TITLE, "", "")
    page = index_html([], "", NOW)
    assert f"<title>{DEFAULT_TITLE}</title>" in page
    assert f"<h1>{DEFAULT_TITLE}</h1>" in page
    assert "Each badge updates on every run" not in page  # CI words, not a visitor's
    assert "Click a room's name to join it." in page


def test_site_gives_the_title_heading_description_and_link(tmp_path: Path) -> None:
    site = loaded(
        tmp_path,
        "site:\n  title: Ex <chat>\n  description: >\n    Where we talk & plan.\n"
        "  link: https://github.com/me/project/\n",
    )
    assert site == Site("Ex <chat>", "Where we talk & plan.", "https://github.com/me/project/")
    page = index_html([], "", NOW, site)
    assert "<title>Ex &lt;chat&gt;</title>" in page
    assert "<h1>Ex &lt;chat&gt;</h1>" in page
    assert '<meta name="description" content="Where we talk &amp; plan.">' in page
    assert '<a href="https://github.com/me/project/">github.com/me/project</a>' in page


@pytest.mark.parametrize(
    ("site", "problem"),
    [
        ("site:\n  link: http://example.org\n", "4: site.link: "),
        ("site:\n  link: javascript:alert(1)\n", "4: site.link: "),
        ("site:\n  title: ''\n", "4: site.title: empty title"),
        ("site:\n  title: " + "x" * 121 + "\n", "4: site.title: 121 characters (expected at"),
        ('site:\n  description: "a\\u202eb"\n', "4: site.description: contains the control"),
        ("site:\n  colour: red\n", "4: site.colour: unknown key"),
        ('site:\n  link: "https://x.org/\\u202eevil"\n', "4: site.link: contains the control"),
        ("site:\n  link: https://x.org/" + "a" * 2000 + "\n", "4: site.link: 2014 characters"),
        ("site:\n  title: |\n    one\n    two\n", "4: site.title: more than one line"),
        ("site: [1]\n", "3: site: "),
    ],
)
def test_a_bad_site_is_said_with_its_line(tmp_path: Path, site: str, problem: str) -> None:
    (found,) = problems(tmp_path, site)
    assert found.startswith(problem), found


def test_init_fills_site_from_a_github_remote(tmp_path: Path) -> None:
    """The project's name and its GitHub page, in a rooms.yaml that `check` takes."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        '[remote "origin"]\n\turl = git@github.com:Me/chat-badges.git\n'
    )
    scaffold(tmp_path, "1.2.3")
    site = load_rooms(tmp_path / "rooms.yaml").site
    assert site == Site("chat-badges group chats", "", "https://github.com/Me/chat-badges")


def test_init_leaves_site_commented_without_a_remote(tmp_path: Path) -> None:
    scaffold(tmp_path, "1.2.3")
    assert "# site:\n#   title:" in (tmp_path / "rooms.yaml").read_text()
    assert load_rooms(tmp_path / "rooms.yaml").site == Site()
