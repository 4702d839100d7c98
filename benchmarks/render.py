"""Render the same 10,000 badges with badgegen and with shields' badge-maker, in-process.

    benchmarks/run render        # installs badge-maker on first use

Prints badges per second for each (median of the rounds) and the ratio.
Target (issue: badges like shields'): badgegen at least as fast as badge-maker.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from badgegen.render import STYLES, Badge, parse_color, render_badge

HERE = Path(__file__).parent
BADGES = 10_000
ROUNDS = 5
LABELS = ["chat", "xmpp", "support", "dev chat", "Lobby", "café", "Кириллица", "ομάδα"]


def corpus() -> list[dict[str, str]]:
    """10,000 distinct badges across the five styles and eight labels."""
    return [
        {
            "label": LABELS[index % len(LABELS)],
            "message": f"{index} online",
            "color": "brightgreen",
            "style": STYLES[index % len(STYLES)],
        }
        for index in range(BADGES)
    ]


def time_badgegen(badges: list[dict[str, str]]) -> list[float]:
    """Seconds per round to render every badge with badgegen."""
    color = parse_color("brightgreen") or ""
    prepared = [Badge(b["label"], b["message"], color, style=b["style"]) for b in badges]
    rounds = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for badge in prepared:
            render_badge(badge)
        rounds.append(time.perf_counter() - start)
    return rounds


def time_badge_maker(badges: list[dict[str, str]]) -> list[float]:
    """Seconds per round to render every badge with badge-maker in node."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(badges, file)
        file.flush()
        output = subprocess.run(
            ["node", str(HERE / "badge_maker_render.mjs"), file.name, str(ROUNDS)],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    return list(json.loads(output)["seconds"])


def main() -> int:
    badges = corpus()
    ours = statistics.median(time_badgegen(badges))
    theirs = statistics.median(time_badge_maker(badges))
    print(f"rendering {BADGES} badges, median of {ROUNDS} rounds, same machine, same run")
    print(f"  badgegen     {BADGES / ours:>9,.0f} badges/s")
    print(f"  badge-maker  {BADGES / theirs:>9,.0f} badges/s")
    ratio = theirs / ours
    verdict = "holds" if ratio >= 1 else "falls short"
    print(f"  badgegen / badge-maker speed: {ratio:.2f}x (target >= 1.00x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
