"""The output directory: checked before counting, locked while a run writes, cleared of litter."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from badgegen.errors import BusyError, PublishError
from badgegen.publish.files import make_directory
from badgegen.publish.staging import LEFTOVER


@contextlib.contextmanager
def lock_directory(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on out_dir, so overlapping runs never interleave.

    The lock is on the directory itself (flock), so it leaves no file behind
    and is released when the process ends, however it ends. A directory
    this made is removed again when the block fails with it still empty:
    a run that changes nothing creates nothing.

    Args:
        out_dir: the output directory; created if missing.
        wait: seconds to wait for another run to finish.

    Raises:
        PublishError: out_dir cannot be a writable directory.
        BusyError: another run still holds the lock after `wait` seconds.
    """
    check_output_directory(out_dir)
    created = make_directory(out_dir)
    try:
        descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _acquire(descriptor, out_dir, time.monotonic() + wait)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock
    except BaseException:
        for folder in created:  # innermost first; rmdir only removes empty ones
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def check_output_directory(out_dir: Path) -> None:
    """Refuse, before anything is counted, an output directory that could not be written.

    Raises:
        PublishError: out_dir, or the nearest folder above it that exists, is
            not a directory or not writable.
    """
    existing = out_dir
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        where = "" if existing == out_dir else f" ({existing} is not a directory)"
        raise PublishError(
            f"cannot use {out_dir} as the output directory{where or ': not a directory'}"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PublishError(f"cannot write to {existing}: permission denied")


def _acquire(descriptor: int, out_dir: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError(f"another badgegen refresh is writing to {out_dir}") from None
            time.sleep(0.1)


def remove_leftovers(out_dir: Path) -> int:
    """Remove the temporary files of runs that were killed while writing into out_dir.

    Only while holding out_dir's lock: then no other run is writing there,
    and every temporary file is a leftover (a reader never saw it).

    Returns:
        How many were removed.
    """
    removed = 0
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return 0
    for entry in entries:
        if LEFTOVER.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
                removed += 1
    return removed
