#!/usr/bin/env python3
"""Before a release is published: the tag names the built version, and CHANGELOG.md dates it.

Usage: scripts/check_release.py TAG DIST_DIR   (in .github/workflows/release.yml)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def release_problems(tag: str, dist: Path, changelog: str) -> list[str]:
    """What stands in the way of publishing dist/ as the release the tag names.

    Args:
        tag: the pushed tag, such as v1.2.3.
        dist: the folder the sdist and the wheel were built into.
        changelog: the text of CHANGELOG.md.

    Returns:
        Each problem in words; empty when the release may go out.
    """
    version = tag.removeprefix("v")
    expected = {f"xmpp_badgegen-{version}.tar.gz", f"xmpp_badgegen-{version}-py3-none-any.whl"}
    built = {path.name for path in dist.iterdir()}
    problems = []
    if not tag.startswith("v") or built != expected:
        problems.append(
            f"tag {tag} does not name the built version: {', '.join(sorted(built)) or 'nothing'}"
            f" was built (expected {', '.join(sorted(expected))}; the version is in setup.cfg)"
        )
    heading = rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$"
    if not re.search(heading, changelog, re.MULTILINE):
        problems.append(
            f"CHANGELOG.md has no dated heading for {version} (## [{version}] - YYYY-MM-DD)"
        )
    return problems


if __name__ == "__main__":
    tag, dist = sys.argv[1], Path(sys.argv[2])
    found = release_problems(tag, dist, (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    for problem in found:
        print(f"::error::{problem}")
    sys.exit(1 if found else 0)
