"""Regenerate badgegen/data/widths-*.json, the text-width tables badges are measured with.

Two sources, both fetched through package registries:

- anafanafo 2.0.0 (npm, MIT licence, (c) 2018 Metabolize LLC): the per-character
  widths of 11px Verdana, 10px Verdana, bold 10px Verdana and bold 11px
  Helvetica that shields.io's badge-maker measures with.
- Debian's Noto fonts (SIL Open Font License 1.1): advance widths for the
  scripts anafanafo has no widths for, where shields guesses the width of "m"
  (Hebrew, Arabic, Devanagari, Thai, kana, Hangul) and emoji.

Usage (Debian: apt-get install fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji;
pip install fonttools):

    npm pack anafanafo@2.0.0
    python scripts/make_widths.py anafanafo-2.0.0.tgz
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

DATA = Path(__file__).resolve().parent.parent / "badgegen" / "data"
ANAFANAFO = {
    "verdana-11px": "verdana-11px-normal.json",
    "verdana-10px": "verdana-10px-normal.json",
    "verdana-10px-bold": "verdana-10px-bold.json",
    "helvetica-11px-bold": "helvetica-11px-bold.json",
}
NOTO = Path("/usr/share/fonts")
# Script ranges with the Noto font (regular, bold) whose advances fill them.
SCRIPTS = [
    ("Hebrew", [(0x0590, 0x05FF), (0xFB1D, 0xFB4F)], "truetype/noto/NotoSansHebrew-{}.ttf"),
    (
        "Arabic",
        [(0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
        "truetype/noto/NotoSansArabic-{}.ttf",
    ),
    ("Devanagari", [(0x0900, 0x097F), (0xA8E0, 0xA8FF)], "truetype/noto/NotoSansDevanagari-{}.ttf"),
    ("Thai", [(0x0E00, 0x0E7F)], "truetype/noto/NotoSansThai-{}.ttf"),
    (
        "kana and Hangul",
        [(0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF),
         (0xAC00, 0xD7AF), (0xFF65, 0xFF9F)],
        "opentype/noto/NotoSansCJK-{}.ttc",
    ),
]  # fmt: skip
EMOJI_FONT = "truetype/noto/NotoColorEmoji.ttf"


def main(tarball: str) -> None:
    with tarfile.open(tarball) as archive:
        for name, member in ANAFANAFO.items():
            stream = archive.extractfile(f"package/data/{member}")
            if stream is None:
                sys.exit(f"{tarball} has no {member}")
            write(name, {
                "source": f"anafanafo 2.0.0, data/{member}",
                "license": "MIT, Copyright (c) 2018 Metabolize LLC",
                "unit": "px",
                "ranges": json.load(stream),
            })  # fmt: skip
    for weight in ("Regular", "Bold"):
        ranges = [run for _, spans, font in SCRIPTS for run in em_ranges(font, weight, spans)]
        write(f"fallback-{weight.lower()}", {
            "source": "Debian fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji",
            "license": "SIL Open Font License 1.1",
            "unit": "em",
            "emoji": emoji_em(),
            "ranges": sorted(ranges),
        })  # fmt: skip


def load_font(path: str, weight: str) -> TTFont:
    file = NOTO / path.format(weight)
    if file.suffix == ".ttc":
        return TTCollection(str(file)).fonts[0]
    return TTFont(str(file))


def em_ranges(path: str, weight: str, spans: list[tuple[int, int]]) -> list[list[float]]:
    """[start, end, width in em] runs for the code points the font maps."""
    font = load_font(path, weight)
    cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
    per_em = font["head"].unitsPerEm
    runs: list[list[float]] = []
    for low, high in spans:
        for code in range(low, high + 1):
            if code not in cmap:
                continue
            width = round(metrics[cmap[code]][0] / per_em, 4)
            if runs and runs[-1][1] == code - 1 and runs[-1][2] == width:
                runs[-1][1] = code
            else:
                runs.append([code, code, width])
    return runs


def emoji_em() -> float:
    """Every Noto Color Emoji glyph has the same advance."""
    font = TTFont(str(NOTO / EMOJI_FONT))
    glyph = font.getBestCmap()[0x1F600]
    return round(font["hmtx"].metrics[glyph][0] / font["head"].unitsPerEm, 4)


def write(name: str, table: dict[str, object]) -> None:
    target = DATA / f"widths-{name}.json"
    target.write_text(json.dumps(table, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {target.name}: {len(table['ranges'])} ranges")  # type: ignore[arg-type]


if __name__ == "__main__":
    main(sys.argv[1])
