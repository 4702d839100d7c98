"""The job summary as GitHub renders it (cmark-gfm): what a server says is text, nowhere markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from badgegen.cli.job_summary import step_summary
from badgegen.config import Room
from badgegen.core.counts import Count, Problem
from badgegen.core.occupancy import History
from badgegen.core.results import settle
from badgegen.pipeline.run import RefreshResult
from badgegen.publish import WriteReport
from badgegen.view.room import view_rooms

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOSTILE_TEXTS = [
    "[Re-authorize your badges here](https://evil.example/login)",
    "![tracking pixel](https://evil.example/p.png)",
    '<img src="https://evil.example/p.png">',
    "</details><h1>Your run failed</h1><details>",
    "https://evil.example/autolink www.evil.example",
    "`` code `` fence break ``` and | a | pipe",
    "*bold* _it_ # heading <!-- comment",
    "line\none\r\ntwo",
]


def render(markdown: str) -> str:
    """What GitHub shows for a job summary: GFM, raw HTML allowed (it allows some)."""
    extensions = ["table", "autolink", "strikethrough", "tasklist"]
    html = cmarkgfm.markdown_to_html_with_extensions(
        markdown, options=Options.CMARK_OPT_UNSAFE, extensions=extensions
    )
    return str(html)


@pytest.mark.parametrize("rooms", [3, 30])  # the open table, and the list with a folded one
@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_server_text_renders_as_text(text: str, rooms: int) -> None:
    """A domain's error text lands in the table and the list as code, never as a link,
    an image, HTML or a broken table."""
    room_list = [Room(f"r{index}@evil.example", file=f"r{index}") for index in range(rooms)]
    counts = [Count(room.jid, None, Problem.ERROR, text) for room in room_list]
    results = settle(room_list, counts, {}, NOW, timedelta(hours=1))
    views = view_rooms(results, History(), NOW)
    html = render(step_summary(RefreshResult(views, WriteReport((), ()))))
    for tag in ("<a ", "<img", "<h1", "<em", "<strong", "<script", "<!--"):
        assert tag not in html
    assert html.count("<details>") == html.count("</details>") == (1 if rooms > 20 else 0)
    assert html.count("<tr>") == rooms + 1  # header and one row a room: no cell split off
