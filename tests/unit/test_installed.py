"""A hint that adds an extra names the command that works where badgegen is installed."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from badgegen.installed import Installation, add_extra_command, extra_requirements

TRUSTME = next(spec for spec in extra_requirements("demo") if spec.startswith("trustme"))


def installation(
    tmp_path: Path, *, pipx: bool = False, venv: bool = True, user: bool = False
) -> Installation:
    """An installation laid out as pipx, a venv, or pip --user would lay it out."""
    prefix = tmp_path / ("pipx/venvs/xmpp-badgegen" if pipx else "venv" if venv else "usr")
    user_site = tmp_path / "home/.local/lib/python3/site-packages"
    site_packages = user_site if user else prefix / "lib/python3/site-packages"
    (site_packages / "badgegen").mkdir(parents=True)
    if pipx:
        (prefix / "pipx_metadata.json").write_text("{}")
    base = tmp_path / "usr" if (pipx or venv) else prefix
    return Installation(
        str(prefix / "bin/python"), prefix, base, site_packages / "badgegen", user_site
    )


def test_the_extras_requirements_come_from_the_installed_metadata() -> None:
    """Each extra's own requirements, as setup.cfg declares them; none for no such extra."""
    assert extra_requirements("demo") == [TRUSTME]
    assert [spec.split(">=")[0] for spec in extra_requirements("icons")] == ["simple-icons-pack"]
    assert extra_requirements("no-such-extra") == []


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ({"pipx": True}, ["pipx", "inject", "xmpp-badgegen", TRUSTME]),
        ({}, ["{prefix}/bin/python", "-m", "pip", "install", TRUSTME]),
        ({"venv": False, "user": True},
         ["{prefix}/bin/python", "-m", "pip", "install", "--user", TRUSTME]),
        ({"venv": False}, ["{prefix}/bin/python", "-m", "pip", "install", TRUSTME]),
    ],
    ids=["pipx", "venv", "pip-user", "system"],
)  # fmt: skip
def test_the_command_fits_the_installation(
    layout: dict[str, bool], expected: list[str], tmp_path: Path
) -> None:
    """pipx gets `pipx inject` (`pipx install` of an extra refuses an installed package);
    a venv or a system install its own interpreter's pip; a user install --user. badgegen
    itself is never reinstalled, so an editable checkout stays one."""
    where = installation(tmp_path, **layout)
    command = shlex.split(add_extra_command("demo", where))
    assert command == [part.format(prefix=where.prefix) for part in expected]


def test_pipx_with_a_suffix_and_uv_tools(tmp_path: Path) -> None:
    """`pipx install --suffix @2` names the venv xmpp-badgegen@2: inject goes there; a uv
    tool gets its extra through uv."""
    where = installation(tmp_path, pipx=True)
    suffixed = where.prefix.with_name("xmpp-badgegen@2")
    where.prefix.rename(suffixed)
    where = Installation(where.executable, suffixed, where.base_prefix, where.package, None)
    assert shlex.split(add_extra_command("demo", where))[:3] == [
        "pipx",
        "inject",
        "xmpp-badgegen@2",
    ]
    uv = installation(tmp_path / "uv")
    (uv.prefix / "uv-receipt.toml").write_text("")
    assert shlex.split(add_extra_command("demo", uv)) == [
        "uv", "tool", "install", "--force", "--with", TRUSTME, "xmpp-badgegen",
    ]  # fmt: skip


def test_a_path_with_spaces_stays_one_word(tmp_path: Path) -> None:
    """The interpreter's path is quoted for the shell: the hint can be pasted as it is."""
    where = installation(tmp_path / "My Files")
    assert shlex.split(add_extra_command("demo", where))[0] == str(where.prefix / "bin/python")
