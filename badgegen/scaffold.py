"""`badgegen init`: a starting rooms.yaml and Pages workflow in a user's repository."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from badgegen import DISTRIBUTION
from badgegen.errors import ConfigError
from badgegen.publish import create_new

FILES = {
    "rooms.yaml": "data/init/rooms.yaml",
    ".github/workflows/badges.yml": "data/init/badges.yml",
}
# Where a starting file names the version of badgegen that wrote it.
VERSION_MARK = b"@BADGEGEN_VERSION@"


def scaffold(folder: Path, version: str) -> list[tuple[str, bool]]:
    """Create each starting file that does not exist yet; never overwrite one.

    Args:
        folder: the repository's root.
        version: the version the workflow installs (exactly this one).

    Returns:
        Each file's path and whether it was created (False: it was kept).
    """
    pin = _release_version(version).encode()
    created = []
    for target, source in FILES.items():
        content = resources.files("badgegen").joinpath(source).read_bytes()
        created.append((target, create_new(folder / target, content.replace(VERSION_MARK, pin))))
    return created


def _release_version(version: str) -> str:
    """The version to pin, refused when PyPI cannot have it (a local version such as 0+unknown)."""
    if "+" in version:
        raise ConfigError(
            [
                f"cannot pin the workflow to badgegen {version}: it is not a released version"
                f" (install {DISTRIBUTION} from PyPI, or from a checkout with pip install .)"
            ]
        )
    return version
