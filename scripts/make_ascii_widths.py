"""Write badgegen/data/widths-ascii.json: the ASCII widths of each font, from the full tables.

    python scripts/make_ascii_widths.py

Run it after scripts/make_widths.py; tests/unit/test_render.py fails while
the file and the tables disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

from badgegen.render.text import Font, ascii_widths

TARGET = Path(__file__).parents[1] / "badgegen" / "data" / "widths-ascii.json"


def main() -> None:
    fonts = {font.table: list(ascii_widths(font)) for font in Font}
    document = {"source": "computed from the widths-*.json tables beside it", "fonts": fonts}
    TARGET.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.name}: {len(fonts)} fonts")


if __name__ == "__main__":
    main()
