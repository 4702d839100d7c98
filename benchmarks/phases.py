"""`badgegen` with a stopwatch on the stages of a refresh: where a small refresh's time goes.

    python benchmarks/phases.py RESULT_FILE refresh ARGS...

Runs badgegen's own entry (badgegen.start.console) in this process, with timers
wrapped around its stages from outside (badgegen itself is not changed), and
writes the milliseconds of each stage to RESULT_FILE as JSON, in the order
they happen. The modules badgegen imports are imported here first, so that
their cost is one figure (slixmpp's apart), not spread over the stages.
Before the first stage is the interpreter's start and after the last its
exit; the caller measures those from outside (benchmarks/fixed_cost.py).
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

RESULT = Path(sys.argv[1])
MARKS: list[tuple[str, float]] = [("", time.perf_counter())]
SYNCED = [0.0]  # seconds spent in fsync and syncfs


def mark(stage: str) -> None:
    """The stage that ends now."""
    MARKS.append((stage, time.perf_counter()))


import badgegen.cli  # noqa: E402
import badgegen.commands.connect  # noqa: E402
import badgegen.commands.refresh  # noqa: E402
import badgegen.config  # noqa: E402
import badgegen.pipeline.run  # noqa: E402
import badgegen.publish.staging  # noqa: E402
import badgegen.start  # noqa: E402

mark("imports: badgegen's modules, click, PyYAML")
import badgegen.xmpp.scheduler  # noqa: E402

mark("import slixmpp")


def timed(
    stage: str, function: Callable[..., Any], before: str | None = None
) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if before:
            mark(before)
        try:
            return function(*args, **kwargs)
        finally:
            mark(stage)

    return wrapper


def timed_async(
    stage: str, function: Callable[..., Awaitable[Any]], before: str
) -> Callable[..., Awaitable[Any]]:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(before)
        try:
            return await function(*args, **kwargs)
        finally:
            mark(stage)

    return wrapper


def synced(function: Callable[[int], Any]) -> Callable[[int], Any]:
    def wrapper(descriptor: int) -> Any:
        started = time.perf_counter()
        try:
            return function(descriptor)
        finally:
            SYNCED[0] += time.perf_counter() - started

    return wrapper


def write_result() -> None:
    stages = {
        stage: round((at - MARKS[index - 1][1]) * 1000, 2)
        for index, (stage, at) in enumerate(MARKS)
        if index
    }
    stages["of which fsync and syncfs"] = round(SYNCED[0] * 1000, 2)
    RESULT.write_text(json.dumps(stages))


def at_exit() -> None:
    mark("report, until exit")
    write_result()


def replace(owner: object, name: str, make: Callable[[Any], Any]) -> None:
    """owner.name becomes make(owner.name): by name, as badgegen's modules look it up."""
    setattr(owner, name, make(getattr(owner, name)))


def wrap_stages() -> None:
    """Timers around badgegen's stages."""
    scheduler, run = badgegen.xmpp.scheduler, badgegen.pipeline.run
    replace(badgegen.config, "load_rooms", lambda f: timed("read rooms.yaml", f, "start"))
    check = "check --server and --ca-file"
    replace(badgegen.commands.connect, "check_connection", lambda f: timed(check, f))
    login = "connect, TLS, log in"
    replace(scheduler, "start_session", lambda f: timed_async(login, f, "set up"))
    replace(scheduler, "close", lambda f: timed_async("disconnect", f, "ask the rooms"))
    files = "render and write the files"
    replace(run, "write_run", lambda f: timed(files, f, "after counting"))
    replace(os, "fsync", synced)
    if badgegen.publish.staging._syncfs is not None:
        replace(badgegen.publish.staging, "_syncfs", synced)


wrap_stages()
atexit.register(at_exit)
sys.argv = ["badgegen", *sys.argv[2:]]
badgegen.start.console()
