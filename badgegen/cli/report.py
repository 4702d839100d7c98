"""Where a refresh's outcome goes: the terminal or --json, and GitHub's job summary."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from badgegen.cli.job_summary import step_summary
from badgegen.cli.json_output import result_json
from badgegen.cli.options import RefreshOptions
from badgegen.cli.summary import summary
from badgegen.cli.words import printable, warn
from badgegen.errors import PublishError
from badgegen.pipeline.run import RefreshResult
from badgegen.publish import append_text


def report(
    run: RefreshResult,
    options: RefreshOptions,
    status: int,
    now: datetime,
    logged: Sequence[str] = (),
) -> None:
    """The summary on the terminal (its problems on stderr with --json too), and the job summary.

    Args:
        run: what the refresh counted and wrote.
        options: the command's options (--json, -q, -v).
        status: the exit status.
        now: the time of the run.
        logged: warnings logged during the run (already on stderr), kept in --json.
    """
    for line in summary(run, options.out_dir, verbose=options.verbose > 0):
        if line.problem:
            warn(line.text)
        elif not (options.quiet or options.as_json):
            click.echo(printable(line.text))
    if options.as_json:
        click.echo(result_json(run, status, now, logged))
    if summary_file := os.environ.get("GITHUB_STEP_SUMMARY"):
        try:
            append_text(Path(summary_file), step_summary(run))
        except PublishError as exc:  # the badges are written: the summary is a courtesy
            warn(f"GITHUB_STEP_SUMMARY: {exc}")
