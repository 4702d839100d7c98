"""Compare badgegen's badges with shields' badge-maker, style by style.

Run it with `parity/run`, which installs badge-maker 6 from the npm registry.
For a corpus of label/message pairs (ASCII, accented Latin, Greek, Cyrillic,
numbers up to 100000, XML-special characters) it renders every style with
both, then compares each pair's total width and its pixels rasterized by
resvg. It prints mean and max width difference and pixel difference per
style, and exits 1 when a width differs by more than 1 px or the mean width
difference of a style exceeds 0.5 px.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import resvg_py
from PIL import Image, ImageChops

from badgegen.config.logo import builtin_logo
from badgegen.render import STYLES, Badge, parse_color, render_badge
from badgegen.render.styles import logo_uri
from badgegen.text.logo import Logo

HERE = Path(__file__).parent
MAX_WIDTH_DIFFERENCE = 1.0
MAX_MEAN_WIDTH_DIFFERENCE = 0.5
# Visibly different pixels (antialiasing aside): a wrong colour shows as tens of percent.
MAX_PIXEL_DIFFERENCE = 0.01
WORDS = {
    "ascii": ["chat", "build", "passing", "coverage", "online", "XMPP", "Matrix bridge", "a", "W"],
    "latin": ["café", "Ærøskøbing", "Łódź", "naïve", "smörgåsbord", "São Paulo", "Đà Nẵng"],
    "greek": ["Ελληνικά", "συζήτηση", "Αθήνα", "ΩΜΕΓΑ"],
    "cyrillic": ["Кириллица", "чат", "Москва", "Україна", "Беларусь"],
    "xml": ["a & b", "<tag>", '"quoted"', "it's", "<&>\"'"],
}
NUMBERS = [
    str(number)
    for number in (*range(21), 42, 99, 100, 128, 256, 500, 512, 999, 1000, 1024, 2048, 4096,
                   9999, 10000, 12345, 31337, 65535, 99999, 100000)
]  # fmt: skip
LOGO = builtin_logo("xmpp")
# CSS colours badge-maker accepts besides its own names: light ones get dark text.
# (Forms badge-maker refuses, such as "Purple" or "hsl(0.5turn, 80%, 85%)", are
# refused by badgegen too: see tests/unit/test_appearance.py.)
COLORS = [
    "purple", "white", "lightgoldenrodyellow", "rebeccapurple", "#abcd", "#FFFFFF80",
    "rgb(10, 20, 30)", "rgba(250,250,250,0.5)", "rgb(100%, 90%, 0%)", "rgb(250 250 250 / 50%)",
    "hsl(120, 50%, 40%)", "hsla(60, 100%, 90%, 0.3)", "hsl(3rad, 80%, 85%)", "informational",
    "abc",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Case:
    """One badge to render with both."""

    label: str
    message: str
    style: str
    logo: Logo | None = None
    color: str = "brightgreen"


def corpus() -> list[Case]:
    """A few hundred pairs per style, from every script group and number range."""
    labels = [word for group in WORDS.values() for word in group]
    # The trend badges' messages too: the same geometry must hold for them.
    trends = ["peak 12 (24h)", "avg 5.5 (7d)", "avg 1.2k (7d)", "no history", "avg 5 (7 counts)",
              "peak 3 (1 count)"]  # fmt: skip
    messages = [f"{number} online" for number in NUMBERS] + NUMBERS + labels + trends
    pairs = [(label, messages[index % len(messages)]) for index, label in enumerate(labels)]
    pairs += [(labels[index % len(labels)], message) for index, message in enumerate(messages)]
    cases = [Case(label, message, style) for style in STYLES for label, message in pairs]
    with_logo = [
        Case(label, message, style, LOGO) for style in STYLES for label, message in pairs[:10]
    ]
    colored = [
        Case("chat", "12 online", style, color=color) for style in STYLES for color in COLORS
    ]
    return cases + with_logo + colored


def render_with_badge_maker(cases: list[Case]) -> list[str]:
    """badge-maker's SVG for each case, from one node process."""
    requests = "".join(
        json.dumps(
            {
                "label": c.label,
                "message": c.message,
                "style": c.style,
                "color": c.color,
                "logo": logo_uri(c.logo, c.style) if c.logo else None,
            }
        )
        + "\n"
        for c in cases
    )
    result = subprocess.run(
        ["node", str(HERE / "badge_maker.mjs")],
        input=requests,
        capture_output=True,
        text=True,
        check=True,
        cwd=HERE,
    )
    return [json.loads(line)["svg"] for line in result.stdout.splitlines()]


def render_with_badgegen(case: Case) -> str:
    """badgegen's SVG for a case."""
    color = parse_color(case.color) or ""
    return render_badge(Badge(case.label, case.message, color, style=case.style, logo=case.logo))


def width(svg: str) -> float:
    """The badge's total width from its root element."""
    return float(ElementTree.fromstring(svg).get("width") or 0)  # noqa: S314 (own output)


def pixel_difference(ours: str, theirs: str) -> float:
    """The share of pixels that differ visibly (by more than 32 in any channel), at 2x."""
    images = [
        Image.open(io.BytesIO(bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=2)))).convert("RGBA")
        for svg in (ours, theirs)
    ]
    size = (max(image.width for image in images), max(image.height for image in images))
    canvases = []
    for image in images:
        canvas = Image.new("RGBA", size)
        canvas.paste(image)
        canvases.append(canvas)
    difference = ImageChops.difference(*canvases).convert("L")
    visible = sum(difference.histogram()[33:])
    return visible / (size[0] * size[1])


def main() -> int:
    cases = corpus()
    theirs = render_with_badge_maker(cases)
    failed = False
    print(
        f"{'style':<14} {'badges':>6} {'mean Δw':>8} {'max Δw':>7} {'mean Δpx':>9} {'max Δpx':>8}"
    )
    for style in STYLES:
        rows = [(c, t) for c, t in zip(cases, theirs, strict=True) if c.style == style]
        widths, pixels = [], []
        for case, svg in rows:
            ours = render_with_badgegen(case)
            widths.append(abs(width(ours) - width(svg)))
            pixels.append(pixel_difference(ours, svg))
        mean_w, max_w = statistics.fmean(widths), max(widths)
        print(
            f"{style:<14} {len(rows):>6} {mean_w:>8.3f} {max_w:>7.2f} "
            f"{statistics.fmean(pixels):>8.2%} {max(pixels):>8.2%}"
        )
        if max_w > MAX_WIDTH_DIFFERENCE or mean_w > MAX_MEAN_WIDTH_DIFFERENCE:
            worst = max(zip(widths, rows, strict=True), key=lambda pair: pair[0])[1][0]
            print(f"  FAILS: widest difference for {worst}")
            failed = True
        if max(pixels) > MAX_PIXEL_DIFFERENCE:
            worst = max(zip(pixels, rows, strict=True), key=lambda pair: pair[0])[1][0]
            print(f"  FAILS: most pixels differ for {worst}")
            failed = True
    print(
        "parity:",
        "FAILED" if failed else "holds",
        f"(bounds: max {MAX_WIDTH_DIFFERENCE} px, mean {MAX_MEAN_WIDTH_DIFFERENCE} px,"
        f" {MAX_PIXEL_DIFFERENCE:.0%} of pixels)",
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
