"""Wait for what a running process prints, instead of sleeping and hoping it has."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO


class LineWatcher:
    """Reads a process's stream in a thread, keeps every line, and waits for lines on request."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._ended = False
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for(self, seen: Callable[[list[str]], bool], timeout: float) -> bool:
        """Wait until seen(lines so far) holds, the stream ends or timeout seconds pass.

        Returns:
            Whether seen held.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while not seen(self.lines):
                left = deadline - time.monotonic()
                if self._ended or left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def text(self, timeout: float = 10) -> str:
        """Everything the stream said, once it has ended."""
        self._thread.join(timeout)
        with self._changed:
            return "".join(self.lines)
