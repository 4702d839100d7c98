"""Read files badgegen does not control: regular files only, never more than a bound.

A password file, a logo, rooms.yaml and the last badges.json are named by
users, environments and earlier runs. Read naively, /dev/zero or a sparse
file of a gigabyte exhausts memory and a FIFO blocks the run for ever (while
it holds the output directory's lock). Here a file is opened without
blocking, must be a regular file, and is read up to its bound and no further.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class NotReadable(ValueError):
    """The file exists but is not something to read: not a regular file, or too large."""


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most max_bytes of them.

    Args:
        path: the file; a symlink to a regular file is followed.
        max_bytes: the largest content accepted.

    Raises:
        FileNotFoundError: there is no such file.
        OSError: it could not be opened or read (the error says why).
        NotReadable: it is a FIFO, device, socket or directory, or larger than max_bytes.
    """
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"{path} is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > max_bytes:
            raise NotReadable(f"{path} is larger than {describe_size(max_bytes)}")
        # The size may have grown since fstat, and /proc files say 0: read one byte more.
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(max_bytes + 1)
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise NotReadable(f"{path} is larger than {describe_size(max_bytes)}")
    return data


def describe_size(size: int) -> str:
    """ "4 MiB", "32 KiB", "512 bytes": a limit in words."""
    for unit, factor in (("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")
