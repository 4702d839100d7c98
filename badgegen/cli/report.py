"""Where a refresh's outcome goes: the terminal or --json, and GitHub's job summary."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from badgegen.cli.job_summary import step_summary
from badgegen.cli.json_output import result_json
from badgegen.cli.options import RefreshOptions
from badgegen.cli.summary import summary
from badgegen.cli.words import printable, warn
from badgegen.errors import PublishError
from badgegen.pipeline import RefreshResult
from badgegen.publish import append_text


def report(run: RefreshResult, options: RefreshOptions, status: int, now: datetime) -> None:
    """The summary on the terminal (or JSON), and GitHub's job summary inside Actions."""
    if options.as_json:
        click.echo(result_json(run, status, now))
    else:
        for line in summary(run, options.out_dir, verbose=options.verbose > 0):
            if line.problem:
                warn(line.text)
            elif not options.quiet:
                click.echo(printable(line.text))
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        try:
            append_text(Path(summary_file), step_summary(run))
        except PublishError as exc:  # the badges are written: the summary is a courtesy
            warn(f"GITHUB_STEP_SUMMARY: {exc}")
