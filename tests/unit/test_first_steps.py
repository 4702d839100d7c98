"""The pure parts of a newcomer's path: YAML mistakes explained, colours and logos by name,
the Pages address from the git remote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from badgegen.commands.init import pages_url
from badgegen.config.icons import UnknownLogo, find_logo, install_hint, named_logo
from badgegen.config.yamlerrors import explain
from badgegen.render.styles import logo_fill
from badgegen.text.colors import closest_color


def explained(text: str) -> tuple[int, int, str]:
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.compose(text, Loader=yaml.SafeLoader)
    return explain(caught.value, text)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("rooms:\n\t- a@b.c\n", 2, "a tab character; YAML indents with spaces only"),
        (
            "rooms:\n  - jid: a@b.c\n    message: {count} online\n",
            3,
            'quote it: message: "{count} online"',
        ),
        ("rooms:\n  - jid: a@b.c\n   label: x\n", 3, "indented differently from the lines above"),
        ("rooms:\n  - jid: a@b.c\n    label: chat: x\n", 3, 'a second "key:" on one line'),
        ('rooms:\n  - jid: a@b.c\n    label: "x\n', 3, "a quote opened on this line"),
    ],
    ids=["tab", "unquoted-brace", "indentation", "colon", "unclosed-quote"],
)
def test_yaml_mistakes_are_explained_with_the_line_as_typed(
    text: str, line: int, says: str
) -> None:
    where, _column, what = explained(text)
    assert where == line
    assert says in what
    assert what.startswith(f'"{text.splitlines()[line - 1].strip()}"')
    assert "(YAML says: " in what  # PyYAML's own words stay, for those who know them


def test_an_unknown_yaml_error_keeps_pyyaml_words() -> None:
    assert explained("rooms: [a@b.c\n")[2].startswith("invalid YAML: expected ',' or ']'")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("greem", "green"), ("Green", "green"), ("brigthgreen", "brightgreen"), ("purpel", "purple")],
)
def test_a_misspelt_colour_gets_the_nearest_name(typed: str, meant: str) -> None:
    assert closest_color(typed) == meant


def test_nothing_like_a_colour_gets_no_guess() -> None:
    assert closest_color("zzzzzz") is None


@pytest.mark.parametrize(
    ("url", "pages"),
    [
        ("git@github.com:Me/proj.git", "https://me.github.io/proj"),
        ("https://github.com/me/my.project", "https://me.github.io/my.project"),
        ("ssh://git@github.com/me/me.github.io.git", "https://me.github.io"),
        ("https://gitlab.com/me/proj.git", None),
        ("https://github.com/me/../x", None),
        ("https://github.com/me", None),
    ],
)
def test_pages_address_from_the_origin_remote(tmp_path: Path, url: str, pages: str | None) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(
        f'[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/x/y\n'
        f'[remote "origin"]\n\turl = {url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n'
    )
    assert pages_url(tmp_path) == pages


def test_no_repository_no_pages_address(tmp_path: Path) -> None:
    assert pages_url(tmp_path) is None


@pytest.mark.parametrize(
    ("name", "slug"),
    [("matrix", "matrix"), ("Matrix", "matrix"), ("Node.js", "nodedotjs"),
     ("GitHub Actions", "githubactions"), ("github-actions", "githubactions"),
     ("xmpp", "xmpp")],
)  # fmt: skip
def test_named_logos_as_shields_finds_them(name: str, slug: str) -> None:
    """By slug, or by title in any case with spaces or hyphens, as shields accepts."""
    logo = named_logo(name)
    assert logo.name == slug
    assert logo.brand
    assert logo.svg.startswith("<svg")


def test_an_unknown_logo_gets_the_nearest_name() -> None:
    with pytest.raises(UnknownLogo, match='did you mean "matrix"'):
        named_logo("matrx")


def test_without_simple_icons_only_xmpp_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package is an optional extra: without it, xmpp still works and others say why not."""
    monkeypatch.setitem(sys.modules, "simple_icons_pack", None)  # import fails
    assert named_logo("xmpp").name == "xmpp"
    with pytest.raises(UnknownLogo) as caught:
        named_logo("matrix")
    assert install_hint() in str(caught.value)


def test_a_file_of_that_name_wins_only_when_no_logo_has_it(tmp_path: Path) -> None:
    (tmp_path / "mine").write_text('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>')
    assert find_logo("mine", tmp_path).name is None
    assert find_logo("matrix", tmp_path).name == "matrix"


@pytest.mark.parametrize(
    ("brand", "style", "fill"),
    [
        ("002B5C", "flat", "whitesmoke"),  # dark on the grey label: shields lightens it
        ("002B5C", "social", "#002B5C"),
        ("5FA04E", "flat", "#5FA04E"),
        ("FFFFFF", "social", "#333"),  # light on social's light label: shields darkens it
        ("FFFFFF", "plastic", "#FFFFFF"),
    ],
)
def test_named_logos_are_filled_as_shields_fills_them(brand: str, style: str, fill: str) -> None:
    assert logo_fill(brand, style) == fill
