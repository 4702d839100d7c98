"""Work begun in a thread now and taken when needed: to overlap a wait outside Python.

A refresh spends most of its fixed cost waiting: for OpenSSL to read the
system's CAs (it lets other threads run meanwhile), for the server to answer
the login. What it would do next in Python (importing slixmpp, compiling the
templates) can run in that wait instead of after it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class Ahead(Generic[T]):
    """work() running in a daemon thread from now on; take() waits for its result.

    The work's error is raised by take(), in the thread that needs the result;
    nothing of it is lost, and a program that exits first does not wait for it.
    """

    def __init__(self, work: Callable[[], T], name: str) -> None:
        self._work = work
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"badgegen {name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # handed to take(), raised where the result is needed
            self._error = exc

    def take(self) -> T:
        """The work's result, once it has ended; its error, raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return cast(T, self._result)  # set, since there is no error
