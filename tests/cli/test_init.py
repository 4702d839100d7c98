"""`badgegen init`: git ignores the output, the next steps fit the files as they are, and a
GitLab repository gets no GitHub workflow but the way to GitLab Pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

IGNORED = "/public/\n"


def init(folder: Path, *args: str) -> str:
    result = run_cli(["init", "--dir", str(folder), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def remote(folder: Path, url: str) -> None:
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text(f'[remote "origin"]\n\turl = {url}\n')


def test_a_new_gitignore_ignores_the_output(tmp_path: Path) -> None:
    said = init(tmp_path)
    assert (tmp_path / ".gitignore").read_text().endswith(IGNORED)
    assert f"created {tmp_path / '.gitignore'} (git ignores public/" in said
    assert "Commit and push rooms.yaml, .gitignore and" in " ".join(said.split())


@pytest.mark.parametrize("before", ["node_modules/\n", "node_modules/", ""])
def test_an_existing_gitignore_gains_one_entry(tmp_path: Path, before: str) -> None:
    """Appended to, whole: what was there stays, line endings kept apart."""
    (tmp_path / ".gitignore").write_text(before)
    said = init(tmp_path)
    text = (tmp_path / ".gitignore").read_text()
    assert text.startswith(before.rstrip("\n"))
    assert text.endswith(IGNORED)
    assert "node_modules/# " not in text
    assert f"added to {tmp_path / '.gitignore'}" in said


@pytest.mark.parametrize("entry", ["public/", "/public", "/public/", "public", "public/*"])
def test_a_gitignore_that_ignores_it_already_is_kept(tmp_path: Path, entry: str) -> None:
    (tmp_path / ".gitignore").write_text(f"dist/\n{entry}\n")
    said = init(tmp_path)
    assert (tmp_path / ".gitignore").read_text() == f"dist/\n{entry}\n"
    assert ".gitignore" not in said.split("Next")[0]


def test_a_gitignore_that_is_a_link_is_left_alone(tmp_path: Path) -> None:
    """Never written through a link: left as it is, and the user told what to add."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("x\n")
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / ".gitignore").symlink_to(elsewhere)
    said = init(repository)
    assert elsewhere.read_text() == "x\n"
    assert "add /public/ to it yourself" in " ".join(said.split())


@pytest.mark.parametrize("lookalike", ["  public/", "# note\u2028/public/", "docs/public/"])
def test_a_pattern_git_reads_otherwise_is_no_entry(tmp_path: Path, lookalike: str) -> None:
    """Leading blanks belong to git's pattern; a comment ends at a newline only."""
    (tmp_path / ".gitignore").write_text(f"{lookalike}\n")
    init(tmp_path)
    assert (tmp_path / ".gitignore").read_text().endswith(IGNORED)


def test_a_github_repository_named_like_gitlab_is_github(tmp_path: Path) -> None:
    remote(tmp_path, "https://github.com/alice/gitlab-ci-linter.git")
    said = init(tmp_path)
    assert (tmp_path / ".github" / "workflows" / "badges.yml").exists()
    assert "GitLab" not in said


def test_a_config_of_many_blank_lines_is_read_at_once(tmp_path: Path) -> None:
    """A .git/config of 200,000 empty lines after [remote "origin"]: one linear pass."""
    from badgegen.commands.init import origin_url

    (tmp_path / ".git").mkdir()
    text = '[remote "origin"]' + "\n" * 200_000 + "\turl = https://github.com/me/p\n"
    (tmp_path / ".git" / "config").write_text(text)
    assert origin_url(tmp_path) == "https://github.com/me/p"


def test_run_again_the_steps_describe_the_rooms_yaml_kept(tmp_path: Path) -> None:
    """Once rooms.yaml lists the rooms, init no longer says to replace the example."""
    (tmp_path / "rooms.yaml").write_text("rooms:\n  - dev@muc.example.org\n")
    said = " ".join(init(tmp_path).split())
    assert "replace lobby@conference.example.org" not in said
    assert "was there already (kept as it is): `badgegen check` shows what it badges" in said


@pytest.mark.parametrize(
    "url", ["git@gitlab.com:me/project.git", "https://gitlab.example.org/me/project"]
)
def test_a_gitlab_repository_gets_the_gitlab_pages_recipe(tmp_path: Path, url: str) -> None:
    """No GitHub workflow in a GitLab repository: init says so and points to the recipe."""
    remote(tmp_path, url)
    said = " ".join(init(tmp_path).split())
    assert not (tmp_path / ".github").exists()
    assert (tmp_path / "rooms.yaml").exists()
    assert "init scaffolds GitHub Actions only" in said
    assert "publishing.html#gitlab-pages" in said
    assert "Settings > CI/CD > Variables" in said
    assert "GitHub Pages" not in said


def test_the_gitlab_recipe_is_in_the_docs() -> None:
    """The anchor init points to exists, with a pipeline that publishes public/."""
    text = (Path(__file__).parents[2] / "docs" / "publishing.md").read_text()
    recipe = text.split("## GitLab Pages\n", 1)[1].split("\n## ", 1)[0]
    assert "pages:" in recipe
    assert "paths: [public]" in recipe
    assert '--previous "$CI_PAGES_URL/badges.json"' in recipe


def test_a_github_folder_that_is_a_link_is_not_written_through(tmp_path: Path) -> None:
    """.github linking out of the repository: init writes nothing there, and says kept."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repository = tmp_path / "repository"
    repository.mkdir()
    (repository / ".github").symlink_to(elsewhere)
    said = init(repository)
    assert list(elsewhere.iterdir()) == []
    assert "kept" in said.split(".github/workflows/badges.yml")[0].splitlines()[-1]
