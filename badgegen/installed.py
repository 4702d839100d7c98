"""How badgegen was installed, for hints that add an extra: the command that works there.

`pip install 'xmpp-badgegen[demo]'` is wrong under pipx (its venv is not the user's) and
`pipx install 'xmpp-badgegen[demo]'` refuses an installed package, so a hint names the
extra's own requirements, added where badgegen runs: `pipx inject` for a pipx venv (by
its name, which --suffix changes), `uv tool install --with` for a uv tool, this
interpreter's pip otherwise (`--user` for a user install). Badgegen itself is not
reinstalled (but by uv), so an editable checkout stays one.
"""

from __future__ import annotations

import re
import shlex
import site
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from badgegen import DISTRIBUTION

_EXTRA_MARKER = re.compile(r"""extra\s*==\s*["']([A-Za-z0-9_.-]+)["']""")


@dataclass(frozen=True, slots=True)
class Installation:
    """Where badgegen runs: the interpreter, its prefixes, and this package's folder."""

    executable: str
    prefix: Path
    base_prefix: Path
    package: Path
    user_site: Path | None

    @classmethod
    def current(cls) -> Installation:
        user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
        return cls(
            sys.executable,
            Path(sys.prefix),
            Path(sys.base_prefix),
            Path(__file__).resolve().parent,
            Path(user_site).resolve() if user_site else None,
        )

    @property
    def pipx(self) -> bool:
        """Whether this is a venv pipx made (it leaves its metadata at the venv's top)."""
        return (self.prefix / "pipx_metadata.json").is_file()

    @property
    def uv_tool(self) -> bool:
        """Whether this is a venv `uv tool install` made (it leaves a receipt there)."""
        return (self.prefix / "uv-receipt.toml").is_file()

    @property
    def user(self) -> bool:
        return self.user_site is not None and self.package.is_relative_to(self.user_site)


def add_extra_command(extra: str, where: Installation | None = None) -> str:
    """The shell command that adds extra's requirements to the installation at hand."""
    where = where or Installation.current()
    wanted = extra_requirements(extra)
    if where.pipx and wanted:  # the venv's name: pipx install --suffix makes it another
        return shlex.join(["pipx", "inject", where.prefix.name, *wanted])
    if where.uv_tool:
        withs = [part for spec in wanted for part in ("--with", spec)]
        tool = DISTRIBUTION if wanted else f"{DISTRIBUTION}[{extra}]"
        return shlex.join(["uv", "tool", "install", "--force", *withs, tool])
    pip = [where.executable, "-m", "pip", "install"]
    if where.user and where.prefix == where.base_prefix:
        pip.append("--user")
    return shlex.join([*pip, *(wanted or [f"{DISTRIBUTION}[{extra}]"])])


def extra_requirements(extra: str) -> list[str]:
    """The requirements an extra adds, from the installed metadata ([] when not installed)."""
    try:
        requires = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        return []
    wanted = []
    for requirement in requires:
        spec, _, marker = requirement.partition(";")
        if extra in _EXTRA_MARKER.findall(marker):
            wanted.append(spec.strip().replace(" ", ""))
    return wanted
