"""`badgegen init`: a starting rooms.yaml and Pages workflow in a user's repository."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from badgegen.publish import create_new

FILES = {
    "rooms.yaml": "data/init/rooms.yaml",
    ".github/workflows/badges.yml": "data/init/badges.yml",
}


def scaffold(folder: Path) -> list[tuple[str, bool]]:
    """Create each starting file that does not exist yet; never overwrite one.

    Args:
        folder: the repository's root.

    Returns:
        Each file's path and whether it was created (False: it was kept).
    """
    created = []
    for target, source in FILES.items():
        content = resources.files("badgegen").joinpath(source).read_bytes()
        created.append((target, create_new(folder / target, content)))
    return created
