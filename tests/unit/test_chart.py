"""History charts: static SVG, gaps as gaps, the same scale in every panel, escaped text."""

from __future__ import annotations

from xml.etree import ElementTree

from badgegen.render.chart import Panel, Pulse, chart_svg, pulse

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_gaps_split_the_line() -> None:
    """A gap ends a line; a lone value between gaps is a dot; nothing is drawn for a gap."""
    root = parse(chart_svg([Panel("day", [1, 2, None, 3, None, 4, 5])], "t", "d"))
    lines = root.findall(f"{SVG}polyline")
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]
    assert len(root.findall(f"{SVG}circle")) == 1


def test_one_scale_for_every_panel() -> None:
    """The same count sits at the same height in each panel."""
    root = parse(chart_svg([Panel("day", [5, 5]), Panel("week", [10, 5])], "t", "d"))
    heights = [
        [float(point.split(",")[1]) for point in line.get("points", "").split()]
        for line in root.findall(f"{SVG}polyline")
    ]
    assert heights[0][0] == heights[1][1]
    assert heights[1][0] < heights[1][1]  # 10 is higher up than 5


def test_text_is_escaped_and_accessible() -> None:
    root = parse(chart_svg([Panel("day", [1])], '<b>"x"</b> & y', "now 1"))
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == '<b>"x"</b> & y'
    assert root.findtext(f"{SVG}desc") == "now 1"
    assert "prefers-color-scheme:dark" in (root.findtext(f"{SVG}style") or "")


def test_no_history_draws_empty_panels() -> None:
    root = parse(chart_svg([Panel("day", [None] * 96), Panel("week", [])], "t", "d"))
    assert root.findall(f"{SVG}polyline") == []
    assert len(root.findall(f"{SVG}rect")) == 2


def test_pulse_in_words() -> None:
    """The week's peak and average, and while the week is thin, what it is built from."""
    assert pulse([None, 3, None], [2, 4, None]) == Pulse(4, 3.0, 2, "hour")
    assert pulse([None, 3, None], [2, 4, None]).describe() == (
        "7 days: peak 4, average 3 (2 hours counted)"
    )
    assert pulse([4, 6], [None]).describe() == "7 days: peak 6, average 5 (2 quarter hours counted)"
    assert pulse([None], [5] * 84).describe() == "7 days: peak 5, average 5"
    assert pulse([None], [None]).describe() == "no history yet"
