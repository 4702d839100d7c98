"""What is measured: badgegen refresh and the baselines, each a process from start to exit."""

from __future__ import annotations

import io
import json
import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.measure import HERE, Run, median_wall, run_measured
from benchmarks.rooms import PASSWORD, Target, expected_count, room_name

BADGEGEN = (sys.executable, "-m", "badgegen")


def refresh_arguments(target: Target, size: int, out: Path) -> list[str]:
    """`badgegen refresh`'s arguments for the first size rooms, into out."""
    return [
        "refresh", "--config", str(target.workdir / f"rooms-{size}.yaml"), "--out", str(out),
        "--server", target.address, "--ca-file", str(target.server.ca_file), "--deadline", "900",
    ]  # fmt: skip


def run_badgegen(target: Target, size: int, out: Path) -> tuple[Run, dict[str, Any]]:
    """badgegen refresh, process start to exit, into out; returns its --json result too."""
    command = [*BADGEGEN, *refresh_arguments(target, size, out), "--json"]
    run, text = run_measured(command, target.env, target.server.process_id, target.workdir)
    result = json.loads(text[text.index("{") :])
    counts = [room["occupants"] for room in result["rooms"]]
    run.correct = counts == [expected_count(index) for index in range(size)]
    run.written = len(result["written"])
    return run, result


def profile_badgegen(target: Target, condition: str, size: int, top: int = 15) -> str:
    """One more badgegen run under cProfile: the functions with the most time of their own."""
    stats_file = target.workdir / f"profile-{condition}-{size}.pstats"
    out = target.workdir / f"out-profile-{condition}-{size}"
    profiled = [sys.executable, "-m", "cProfile", "-o", str(stats_file), "-m", "badgegen"]
    subprocess.run(
        [*profiled, *refresh_arguments(target, size, out), "-q"],
        env=target.env, cwd=target.workdir, check=True,
    )  # fmt: skip
    report = io.StringIO()
    pstats.Stats(str(stats_file), stream=report).sort_stats("tottime").print_stats(top)
    lines = report.getvalue().strip().splitlines()
    text = "\n".join(line for line in lines if line.strip() and not line.startswith(" " * 8))
    print(f"profile of badgegen, {target.server.kind} {condition}, {size} rooms:\n{text}")
    return text


def run_baseline(method: str, target: Target, size: int) -> Run:
    """One of benchmarks/baselines.py's methods over the first size rooms."""
    command = [
        sys.executable, str(HERE / "baselines.py"), method,
        str(target.workdir / f"rooms-{size}.txt"), target.address, str(target.server.ca_file),
    ]  # fmt: skip
    run, text = run_measured(command, target.env, target.server.process_id, target.workdir)
    counts = list(json.loads(text).values())
    run.correct = counts == [expected_count(index) for index in range(size)]
    return run


def bytes_per_room(target: Target) -> float:
    """XML bytes badgegen sends per room, the figure the servers' rate limits count.

    Counted in-process around slixmpp's one write path, for 100 and 200 rooms:
    the difference divided by 100 leaves out logging in.
    """
    from slixmpp.xmlstream import XMLStream

    from badgegen.config import Room
    from badgegen.config.login import Login, Secret
    from badgegen.core.connection import Connection
    from badgegen.core.counting import CountRequest
    from badgegen.xmpp import count_rooms

    sent = [0]
    send_raw = XMLStream.send_raw

    def counting_send_raw(self: XMLStream, data: str | bytes) -> None:
        sent[0] += len(data.encode("utf-8") if isinstance(data, str) else data)
        send_raw(self, data)

    login = Login(target.jid, Secret(PASSWORD))
    options = Connection(target.address, target.server.ca_file)
    totals = []
    XMLStream.send_raw = counting_send_raw  # type: ignore[method-assign]
    try:
        for size in (100, 200):
            sent[0] = 0
            rooms = [Room(f"{room_name(i)}@{target.server.muc_domain}") for i in range(size)]
            count_rooms(login, CountRequest(tuple(rooms)), options)
            totals.append(sent[0])
    finally:
        XMLStream.send_raw = send_raw  # type: ignore[method-assign]
    return (totals[1] - totals[0]) / 100


def help_seconds(rounds: int = 15) -> tuple[float, float]:
    """Median wall time of `badgegen --help`, and of a bare `python -c pass` for scale."""
    script = Path(sys.executable).parent / "badgegen"
    command = [str(script)] if script.exists() else [*BADGEGEN]
    return median_wall([*command, "--help"], rounds), median_wall(
        [sys.executable, "-c", "pass"], rounds
    )


# A run rewrites these whatever the counts: they say when it checked.
CHECKED = {"badges.json", "index.html"}


def second_run(target: Target, size: int, out: Path) -> tuple[Run, int]:
    """Refresh out again with unchanged counts: the run, and how many badges it changed."""
    before = _file_stamps(out)
    run, _ = run_badgegen(target, size, out)
    after = _file_stamps(out)
    names = (before.keys() | after.keys()) - CHECKED
    return run, sum(1 for name in names if before.get(name) != after.get(name))


def _file_stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a rewrite changes one or both."""
    return {
        path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.iterdir()
        if path.is_file()
    }
