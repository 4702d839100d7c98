"""History charts: static SVG, gaps as gaps, the same scale in every panel, escaped text."""

from __future__ import annotations

import itertools
from pathlib import Path
from xml.etree import ElementTree

import pytest

from badgegen.render.chart import NARROW, Panel, chart_svg, nice_top, usual_gap
from badgegen.view.chart import Pulse, pulse

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def test_gaps_split_the_line() -> None:
    """A gap longer than usual ends a line; a lone value between gaps is a dot; nothing is
    drawn for a gap."""
    root = parse(chart_svg([Panel("day", [1, 2, None, None, 3, None, None, 4, 5])], "t", "d"))
    lines = root.findall(f"{SVG}polyline")
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2]
    assert len(root.findall(f"{SVG}circle")) == 1


@pytest.mark.parametrize("every", [1, 2, 3, 4])
def test_a_line_at_any_cadence(every: int) -> None:
    """Runs every 15, 30, 45 or 60 minutes (the workflow's :17 and :47 fill every other
    quarter hour): one line across the day, not a scatter of dots; an outage of three
    hours still breaks it."""
    values: list[int | None] = [3 if index % every == 0 else None for index in range(96)]
    values[40:52] = [None] * 12
    root = parse(chart_svg([Panel("day", values)], "t", "d"))
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert root.findall(f"{SVG}circle") == []
    assert usual_gap(values) == every


def test_two_values_far_apart_are_not_joined() -> None:
    """Two counts 20 hours apart say nothing of a cadence: two dots, not a line across."""
    values: list[int | None] = [None] * 96
    values[10], values[90] = 3, 4
    root = parse(chart_svg([Panel("day", values)], "t", "d"))
    assert root.findall(f"{SVG}polyline") == []
    assert len(root.findall(f"{SVG}circle")) == 2


def test_a_constant_count_sits_inside_the_frame() -> None:
    """A room always at 5: its line is below the frame's top edge, not on it."""
    root = parse(chart_svg([Panel("day", [5] * 96)], "t", "d"))
    frame_top = float(root.findall(f"{SVG}rect")[0].get("y", "0"))
    (line,) = root.findall(f"{SVG}polyline")
    heights = {float(point.split(",")[1]) for point in line.get("points", "").split()}
    assert min(heights) > frame_top + 10


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


def test_scale_and_time_marks_are_drawn() -> None:
    """The scale's 0, middle and top on the left; each panel's time marks and name below."""
    panel = Panel("last 24 hours (UTC)", [3, 7], ("12:15", "00:00", "12:00"))
    texts = [text.text for text in parse(chart_svg([panel], "t", "d")).iter(f"{SVG}text")]
    assert texts[:3] == ["0", "4", "8"]  # 7 rounds up to a top of 8
    assert texts[3:] == ["12:15", "00:00", "12:00", "last 24 hours (UTC)"]


def test_an_empty_panel_says_so() -> None:
    root = parse(chart_svg([Panel("last 7 days", [None] * 168)], "t", "d"))
    assert "no counts yet" in [text.text for text in root.iter(f"{SVG}text")]


def test_the_scale_top_is_a_round_number_just_above_the_peak() -> None:
    """Close to the data (a peak of 11 gets 12, not 20) and never the peak itself."""
    peaks = (0, 1, 2, 3, 5, 7, 10, 11, 19, 99, 101, 4321)
    assert [nice_top(peak) for peak in peaks] == [
        2, 2, 3, 4, 6, 8, 12, 12, 20, 100, 120, 5000,
    ]  # fmt: skip
    for peak in range(1, 5000):
        assert peak < nice_top(peak) <= peak * 4 / 3 + 1, peak


def test_a_period_under_way_is_marked_not_drawn_as_a_drop() -> None:
    """Today so far (a low value: the night's hours only) is a ring joined by a dashed line,
    its mark says so; the finished days stay one solid line."""
    values: list[int | None] = [8, 9, 8, 2]
    root = parse(chart_svg([Panel("month", values, ("a", "b", "Dec 7"), partial=True)], "t", "d"))
    solid = [line for line in root.findall(f"{SVG}polyline") if line.get("class") != "part"]
    (dashed,) = root.findall(f"{SVG}polyline[@class='part']")
    assert [len(line.get("points", "").split()) for line in solid] == [3]
    assert dashed.get("points", "").split()[0] == solid[0].get("points", "").split()[-1]
    (ring,) = root.findall(f"{SVG}circle[@class='part']")
    assert ring.get("cx") == dashed.get("points", "").split()[-1].split(",")[0]
    assert "Dec 7 so far" in [text.text for text in root.iter(f"{SVG}text")]


def test_a_finished_period_is_drawn_whole() -> None:
    root = parse(chart_svg([Panel("month", [8, 9, 8, 2], ("a", "b", "Dec 6"))], "t", "d"))
    assert root.findall(f"{SVG}*[@class='part']") == []
    assert "Dec 6" in [text.text for text in root.iter(f"{SVG}text")]


def test_the_chart_marks_the_hour_and_the_day_under_way() -> None:
    """A run in the middle of a day: the week's last hour and the month's last day are under
    way; the last quarter hour holds a count and is never partial. At a day's very start
    the finished day is not marked."""
    from datetime import UTC, datetime, timedelta

    from badgegen.core.occupancy import History, add_run
    from badgegen.view.chart import chart_of

    noon = datetime(2026, 12, 7, 12, 7, tzinfo=UTC)
    history = add_run(History(), {"r@m.example": 3}, noon).history
    day, week, month = chart_of("r@m.example", history, noon).panels
    assert (day.partial, week.partial, month.partial) == (False, True, True)
    later = datetime(2026, 12, 8, tzinfo=UTC) + timedelta(microseconds=0)
    _day, week, month = chart_of("r@m.example", history, later).panels
    assert (week.partial, month.partial) == (False, False)


def _sample_panels() -> tuple[Panel, ...]:
    """A day every other quarter hour, a week with a gap and under way, a month under way."""
    day = [(index * 7) % 12 if index % 2 == 0 else None for index in range(96)]
    week = [None if 60 <= index < 80 else (index * 5) % 17 for index in range(168)]
    month = [(index * 3) % 11 + 1 for index in range(30)]
    return (
        Panel("last 24 hours (UTC)", day, ("12:00", "00:00", "11:45")),
        Panel("last 7 days", week, ("Nov 30", "Dec 3", "Dec 7"), partial=True),
        Panel("last 30 days", month, ("Nov 8", "Nov 23", "Dec 7"), partial=True),
    )


def test_the_wide_chart_is_its_golden(update_golden: bool) -> None:
    """The wide chart, byte for byte as it was drawn before the narrow layout existed
    (tests/golden/chart-wide.svg; --update-golden rewrites it after a deliberate change)."""
    golden = Path(__file__).parents[1] / "golden" / "chart-wide.svg"
    drawn = chart_svg(_sample_panels(), "lobby@conference.example.org", "7 days: peak 16")
    if update_golden:
        golden.write_text(drawn)
    assert drawn == golden.read_text()


def _numbers(element: ElementTree.Element) -> list[tuple[str, float]]:
    """Every coordinate an element is drawn at, by attribute."""
    found = [(name, float(element.get(name, "0"))) for name in ("x", "y", "cx", "cy", "x1", "x2",
             "y1", "y2") if element.get(name) is not None]  # fmt: skip
    for pair in (element.get("points") or "").split():
        across, down = pair.split(",")
        found += [("x", float(across)), ("y", float(down))]
    if element.tag == f"{SVG}rect":
        left, top = float(element.get("x", "0")), float(element.get("y", "0"))
        found += [("x", left + float(element.get("width", "0")))]
        found += [("y", top + float(element.get("height", "0")))]
    return found


def test_the_narrow_chart_stacks_its_panels_inside_its_box() -> None:
    """Stacked for a phone: 288 px wide, a row per panel, each with its frame, its scale
    marks and its name below; nothing drawn outside the picture or over the next row."""
    root = parse(chart_svg(_sample_panels(), "t", "d", NARROW))
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert (width, height) == (NARROW.width, 3 * NARROW.row_height)
    assert root.get("viewBox") == f"0 0 {width:g} {height:g}"
    for element in root.iter():
        for axis, value in _numbers(element):
            assert 0 <= value <= (width if axis.startswith(("x", "c")) and axis != "cy" else height)
    tops = [float(rect.get("y", "0")) for rect in root.iter(f"{SVG}rect")]
    heights = [float(rect.get("height", "0")) for rect in root.iter(f"{SVG}rect")]
    frames = [(top, top + height) for top, height in zip(tops, heights, strict=True)]
    assert len(frames) == 3
    assert all(below[0] > above[1] for above, below in itertools.pairwise(frames))
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts.count("0") == 3  # each row its own scale
    names = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "name"]
    assert names == ["last 24 hours (UTC)", "last 7 days", "last 30 days"]
    wide = parse(chart_svg(_sample_panels(), "t", "d"))
    assert {t.text for t in wide.iter(f"{SVG}text")} == set(texts)  # the same words
