"""Where a refresh's outcome goes: the terminal or --json, and GitHub's job summary."""

from __future__ import annotations

import os
from pathlib import Path

import click

from badgegen.cli.failures import failure_of, print_errors
from badgegen.cli.job_summary import step_summary
from badgegen.cli.json_output import failure_json, result_json
from badgegen.cli.options import Printing
from badgegen.cli.summary import summary
from badgegen.cli.words import printable, warn
from badgegen.commands.refresh import Refreshed
from badgegen.errors import PublishError
from badgegen.publish import append_text


def report(outcome: Refreshed, out_dir: Path, printing: Printing) -> None:
    """The outcome on the terminal (problems on stderr, with --json too), the JSON document
    with --json, and GitHub's job summary after a run that counted.

    Args:
        outcome: what the refresh did, or the error that ended it.
        out_dir: where it wrote.
        printing: -q, --json, -v.
    """
    if outcome.error is not None:
        failure = failure_of(outcome.error)
        print_errors(failure.lines)
        if printing.as_json:
            click.echo(failure_json(failure, outcome.now, outcome.logged))
        return
    run = outcome.result
    assert run is not None
    for line in summary(run, out_dir, verbose=printing.verbose):
        if line.problem:
            warn(line.text)
        elif not (printing.quiet or printing.as_json):
            click.echo(printable(line.text))
    if printing.as_json:
        click.echo(result_json(run, outcome.status, outcome.now, outcome.logged))
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        try:
            append_text(Path(summary_file), step_summary(run))
        except PublishError as exc:  # the badges are written: the summary is a courtesy
            warn(f"GITHUB_STEP_SUMMARY: {exc}")
