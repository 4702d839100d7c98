"""The docs stay true: their examples parse, every command has help, the version is real."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import badgegen
from badgegen import DISTRIBUTION, errors
from badgegen.cli import COMMANDS as COMMANDS_BY_NAME
from badgegen.cli import main
from badgegen.config import load_rooms

ROOT = Path(__file__).parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
# The most README may hold: what badgegen is, the five steps, the two commands, links.
README_LINES = 250
# README without its code blocks: what a reader sees as text, images and links.
PROSE = re.sub(r"^```.*?^```", "", README, flags=re.MULTILINE | re.DOTALL)


def page(name: str) -> str:
    """A page of the reference in docs/."""
    return (DOCS / name).read_text(encoding="utf-8")


def test_readme_is_a_users_page() -> None:
    """README stays a user's page: the reference lives in docs/, contributing in CONTRIBUTING.md."""
    assert len(README.splitlines()) <= README_LINES
    assert "## Your first badge" in README


def test_docs_rooms_yaml_parses(tmp_path: Path) -> None:
    """The rooms.yaml shown first in the reference is accepted as written."""
    block = re.search(r"# rooms\.yaml\n\n```yaml\n(.*?)```", page("rooms-yaml.md"), re.DOTALL)
    assert block is not None
    path = tmp_path / "rooms.yaml"
    path.write_text(block.group(1))
    rooms = load_rooms(path).rooms
    assert [room.jid for room in rooms] == [
        "lobby@conference.example.org",
        "dev@conference.example.org",
    ]


def test_docs_appearance_example_parses(tmp_path: Path) -> None:
    """The appearance example in the reference is accepted as written."""
    text = page("rooms-yaml.md")
    block = re.search(r"## Badge appearance\n.*?```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    path = tmp_path / "rooms.yaml"
    path.write_text(block.group(1))
    (room,) = load_rooms(path).rooms
    assert (room.appearance.style, room.appearance.logo is not None) == ("flat", True)


def test_readme_shows_no_repository_relative_link() -> None:
    """README is the PyPI page too: every image and link is absolute (or an anchor on the page)."""
    targets = re.findall(r"\]\(([^)\s]+)\)", PROSE)
    assert targets
    relative = [target for target in targets if not target.startswith(("https://", "#"))]
    assert relative == []


def test_readme_images_exist() -> None:
    """Every image README shows from this repository is in it."""
    prefix = "https://raw.githubusercontent.com/xmpp-badgegen/badgegen/main/"
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.svg)\)", PROSE)
    assert images
    for image in images:
        assert image.startswith(prefix), image
        assert (ROOT / image.removeprefix(prefix)).is_file(), image


@pytest.mark.parametrize(
    "path", ["README.md", "badgegen/installed.py", "badgegen/data/init/badges.yml"]
)
def test_install_instructions_name_our_distribution(path: str) -> None:
    """Every pip install of badgegen names xmpp-badgegen: "badgegen" on PyPI is somebody else's."""
    text = (ROOT / path).read_text(encoding="utf-8")
    installs = re.findall(r"pip install ['\"]?([\w.-]+)", text)
    assert "badgegen" not in installs
    assert any(name.startswith("xmpp-badgegen") for name in installs)


def test_example_rooms_yaml_passes_check() -> None:
    """The commented rooms.yaml at the repository root is valid."""
    result = CliRunner().invoke(
        main, ["check", "--config", str(ROOT / "rooms.yaml")], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("OK, 3 rooms\n")


COMMANDS = {name: main.get_command(click.Context(main), name) for name in COMMANDS_BY_NAME}


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_every_command_has_help(command: list[str]) -> None:
    """`--help` works for the group and each command, and says something."""
    result = CliRunner().invoke(main, [*command, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Usage: " in result.stdout
    assert len(result.stdout.splitlines()) > 5


def test_every_exit_status_is_documented() -> None:
    """The reference's exit status table lists each status the CLI uses."""
    statuses = {getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    table = page("command-line.md").split("## Exit status", 1)[1].split("\n## ", 1)[0]
    documented = {int(row) for row in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    assert documented == statuses


def test_version_comes_from_the_package_metadata() -> None:
    """`badgegen --version` prints the installed distribution's version."""
    result = CliRunner().invoke(main, ["--version"], catch_exceptions=False)
    assert result.stdout == f"badgegen, version {version(DISTRIBUTION)}\n"
    assert badgegen.__version__ == version(DISTRIBUTION)


def test_changelog_newest_heading_is_the_version() -> None:
    """CHANGELOG.md's newest heading names the version that --version prints."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    newest = re.search(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert newest is not None
    assert newest.group(1) == badgegen.__version__


def test_help_is_complete_and_uncut() -> None:
    """Summaries are whole, every option says what it does, every command has an example,
    and refresh's help lists the environment and every exit status."""
    top = CliRunner().invoke(main, ["--help"], terminal_width=80).stdout
    assert "..." not in top.split("Commands:", 1)[1]
    for name, command in COMMANDS.items():
        assert command is not None
        text = CliRunner().invoke(main, [name, "--help"], terminal_width=80).stdout
        assert "Example:" in text, name
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                assert parameter.help, f"{name} {parameter.opts[0]} has no help"
    text = CliRunner().invoke(main, ["refresh", "--help"]).stdout
    for variable in ("BADGEGEN_JID", "BADGEGEN_PASSWORD", "BADGEGEN_PASSWORD_FILE"):
        assert variable in text.split("Environment:", 1)[1]
    statuses = {getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    listed = {int(code) for code in re.findall(r"\b(\d{1,3})\b", text.split("Exit status:", 1)[1])}
    assert statuses <= listed
