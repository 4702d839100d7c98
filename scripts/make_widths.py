"""Regenerate badgegen/data/verdana-11px.json from the anafanafo npm package.

anafanafo (MIT licence, (c) 2018 Metabolize LLC) is the text-width table
shields.io's badge-maker measures with. Usage:

    npm pack anafanafo@2.0.0
    python scripts/make_widths.py anafanafo-2.0.0.tgz
"""

import json
import sys
import tarfile
from pathlib import Path

MEMBER = "package/data/verdana-11px-normal.json"
TARGET = Path(__file__).resolve().parent.parent / "badgegen" / "data" / "verdana-11px.json"


def main(tarball: str) -> None:
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            sys.exit(f"{tarball} has no {MEMBER}")
        ranges = json.load(member)
    table = {
        "font": "11px Verdana",
        "source": f"anafanafo 2.0.0, {MEMBER}",
        "license": "MIT, Copyright (c) 2018 Metabolize LLC",
        "ranges": ranges,
    }
    TARGET.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {len(ranges)} ranges to {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
