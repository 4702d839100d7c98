"""`badgegen refresh` as its own process, as cron and CI run it: the one way tests start it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def refresh_command(
    config: Path, out: Path, server: str, *args: str, ca_file: Path | None = None
) -> list[str]:
    """`python -m badgegen refresh` of config into out through server (HOST:PORT), trusting
    ca_file when given, with more options after."""
    command = [sys.executable, "-m", "badgegen", "refresh", "--config", str(config),
               "--out", str(out), "--server", server]  # fmt: skip
    return [*command, *(("--ca-file", str(ca_file)) if ca_file else ()), *args]


def account_environment(jid: str, password: str) -> dict[str, str]:
    """This process's environment with the account to log in as, and no password file."""
    environ = {**os.environ, "BADGEGEN_JID": jid, "BADGEGEN_PASSWORD": password}
    environ.pop("BADGEGEN_PASSWORD_FILE", None)
    return environ


def run_refresh(
    command: Sequence[str], jid: str, password: str, timeout: float = 120, **options: Any
) -> subprocess.CompletedProcess[str]:
    """Run a refresh command to its end as the account; its output as text."""
    return subprocess.run(
        command, env=account_environment(jid, password), capture_output=True, text=True,
        timeout=timeout, check=False, **options,
    )  # fmt: skip


def start_refresh(command: Sequence[str], jid: str, password: str) -> subprocess.Popen[str]:
    """Start a refresh command as the account; its stdout and stderr piped, as text."""
    return subprocess.Popen(
        command, env=account_environment(jid, password), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
