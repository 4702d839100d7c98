"""Run a command and write its wall time, CPU time and peak memory as JSON.

    python benchmarks/rusage.py RESULT_FILE COMMAND...

The benchmark runs each measured process through this small one: a process
forked from a large parent inherits the parent's peak memory (Linux keeps the
larger ru_maxrss across exec), so the measured command is forked from here.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1  # prctl(2)


def _end_with_parent() -> None:
    """In the child: get SIGTERM when this process ends, so a stopped benchmark leaves none."""
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def main() -> int:
    result_file, command = Path(sys.argv[1]), sys.argv[2:]
    started = time.perf_counter()
    process = subprocess.Popen(command, preexec_fn=_end_with_parent)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    result_file.write_text(
        json.dumps(
            {
                "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime,
                "peak_mb": usage.ru_maxrss / 1024,
                "status": process.returncode,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
