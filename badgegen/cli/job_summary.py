"""GitHub Actions' job summary: a line of totals, problems grouped, every room in a table."""

from __future__ import annotations

import re
from pathlib import Path

from badgegen.cli.summary import describe_result, summary
from badgegen.cli.words import plural
from badgegen.pipeline import RefreshResult

# Beyond this many rooms, the job summary folds the full table away.
SUMMARY_TABLE_OPEN_UP_TO = 20


def step_summary(run: RefreshResult) -> str:
    """Markdown for GitHub Actions' job summary: a line of totals, problems grouped, every room.

    Beyond SUMMARY_TABLE_OPEN_UP_TO rooms the table of every room is folded
    into a <details> block, so the summary page stays short.
    """
    counted = sum(result.counted for result in run.results)
    heading = (
        f"### XMPP chat badges\n\n{counted} of {plural(len(run.results), 'room')} counted.\n\n"
    )
    rows = ["| room | result |", "| --- | --- |"]
    for result in run.results:
        cells = (_code_span(result.room.jid), describe_result(result))
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    table = "\n".join(rows) + "\n"
    if len(run.results) <= SUMMARY_TABLE_OPEN_UP_TO:
        return heading + table + "\n"
    problems = [line.text for line in summary(run, Path())[:-1] if line.problem]
    listed = "".join(f"- {_markdown_text(text)}\n" for text in problems)
    folded = f"<details><summary>Every room</summary>\n\n{table}\n</details>\n\n"
    return heading + (listed + "\n" if listed else "") + folded


def _markdown_text(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _code_span(text: str) -> str:
    """text as a Markdown code span, fenced so that a backtick inside cannot end it."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"
