"""GitHub Actions' job summary: a line of totals, problems grouped, every room in a table."""

from __future__ import annotations

import re

from badgegen.cli.summary import room_lines
from badgegen.cli.words import plural
from badgegen.pipeline.run import RefreshResult

# Beyond this many rooms, the job summary folds the full table away.
SUMMARY_TABLE_OPEN_UP_TO = 20


def step_summary(run: RefreshResult) -> str:
    """Markdown for GitHub Actions' job summary: a line of totals, problems grouped, every room.

    Whatever came from elsewhere (a JID, a server's error text) is shown as a
    code span, in which Markdown, HTML and links are plain text, wherever it
    stands: in the table and in the list alike. Beyond SUMMARY_TABLE_OPEN_UP_TO
    rooms the table of every room is folded into a <details> block.
    """
    counted = sum(view.result.counted for view in run.rooms)
    rooms = plural(sum(view.result.asked for view in run.rooms), "room")
    heading = f"### XMPP chat badges\n\n{counted} of {rooms} counted.\n\n"
    rows = ["| room | result |", "| --- | --- |"]
    for view in run.rooms:
        cells = (literal(view.room.jid), literal(view.summary))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    table = "\n".join(rows) + "\n"
    if len(run.rooms) <= SUMMARY_TABLE_OPEN_UP_TO:
        return heading + table + "\n"
    problems = [line.text for line in room_lines(run) if line.problem]
    listed = "".join(f"- {literal(text)}\n" for text in problems)
    folded = f"<details><summary>Every room</summary>\n\n{table}\n</details>\n\n"
    return heading + (listed + "\n" if listed else "") + folded


def literal(text: str) -> str:
    """text as a Markdown code span: fenced by more backticks than any run inside it, padded
    so that a backtick at either end cannot join the fence; line breaks become spaces."""
    flat = " ".join(text.split())
    longest = max((len(run) for run in re.findall("`+", flat)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}" if longest or flat.startswith(" ") else f"{fence}{flat}{fence}"
