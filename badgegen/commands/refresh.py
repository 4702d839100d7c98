"""`badgegen refresh`: load the rooms and the login, count, write; the outcome, whatever it is."""

from __future__ import annotations

import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from badgegen.core.connection import Connection
from badgegen.errors import EXIT_OK, EXIT_SOME_UNCOUNTED, BadgegenError, Interrupted, exit_status

if TYPE_CHECKING:  # the command line reads RefreshRequest's defaults for --help: light imports
    from badgegen.commands.runtime import Runtime
    from badgegen.pipeline.run import RefreshResult

DEFAULT_CONFIG = Path("rooms.yaml")
DEFAULT_OUT = Path("public")


@dataclass(frozen=True, slots=True)
class RefreshRequest:
    """One refresh, as asked for; the command line's defaults are these."""

    config_path: Path = DEFAULT_CONFIG
    out_dir: Path = DEFAULT_OUT
    connection: Connection = field(default_factory=Connection)
    previous: str | None = None  # the last published badges.json: a path or https URL
    lock_wait: float = 10.0  # seconds to wait for another refresh writing to out_dir
    dry_run: bool = False
    verbose: int = 0  # 1: a debug log; 2: also the XMPP traffic (credentials redacted)


@dataclass(frozen=True, slots=True)
class Refreshed:
    """A refresh's outcome: when it ran, its result or the error that ended it, and the
    warnings logged meanwhile (already on stderr, kept for --json)."""

    now: datetime
    result: RefreshResult | None = None
    error: BadgegenError | None = None
    logged: tuple[str, ...] = ()

    @property
    def status(self) -> int:
        """The exit status: 0, 3 when some room was not counted, or the error's."""
        if self.error is not None:
            return exit_status(self.error)
        assert self.result is not None
        return EXIT_OK if self.result.all_counted else EXIT_SOME_UNCOUNTED


def refresh(request: RefreshRequest, environ: Mapping[str, str], runtime: Runtime) -> Refreshed:
    """Count every room and write its files, all within the request's deadline.

    Args:
        request: what to refresh and how.
        environ: where BADGEGEN_JID and the password come from.
        runtime: the counter (by default one XMPP session) and the clock.

    Returns:
        The outcome; an expected failure (rooms.yaml, the login, the connection,
        the output, Ctrl-C) is its error, never raised.
    """
    from badgegen.logs import WarningsKept

    now, started = runtime.now(), time.monotonic()
    with WarningsKept() as logged:
        try:
            result = _refresh(request, environ, runtime, now, started)
        except KeyboardInterrupt:
            return Refreshed(now, error=Interrupted(signal.SIGINT), logged=tuple(logged.texts))
        except BadgegenError as exc:
            return Refreshed(now, error=exc, logged=tuple(logged.texts))
    return Refreshed(now, result, logged=tuple(logged.texts))


def _refresh(
    request: RefreshRequest,
    environ: Mapping[str, str],
    runtime: Runtime,
    now: datetime,
    started: float,
) -> RefreshResult:
    from badgegen.commands.connect import check_connection
    from badgegen.config import load_rooms
    from badgegen.config.login import resolve_login
    from badgegen.logs import configure_logging
    from badgegen.pipeline.output import Output
    from badgegen.pipeline.run import refresh as run_refresh

    config = load_rooms(request.config_path)
    login = resolve_login(config.account, environ)
    configure_logging(request.verbose, [login.password.reveal()] if login.password else [])
    connection = check_connection(request.connection)  # checked whoever counts
    output = Output(
        request.out_dir,
        now,
        request.previous,
        request.lock_wait,
        request.dry_run,
        deadline_at=started + connection.deadline,
    )
    return run_refresh(config, login, runtime.counter_for(connection), output)
