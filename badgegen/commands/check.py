"""`badgegen check`: rooms.yaml validated offline, and --out checked as refresh checks it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from badgegen.config import Config


def check(config_path: Path, out_dir: Path) -> Config:
    """rooms.yaml, once it is valid and --out could take the badges.

    Raises:
        ConfigError: every problem of rooms.yaml, each with its file and line.
        PublishError: --out is not a folder badges could be written to.
    """
    from badgegen.config import load_rooms
    from badgegen.publish import check_output_directory

    config = load_rooms(config_path)
    check_output_directory(out_dir)  # as refresh does first: one refresh would refuse
    return config
