"""Staging files and renaming them into place: readers see the old file or the new, never half,
and a run killed at any step leaves as little as the system allows."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import resource
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from badgegen.errors import PublishError

# Badges are public web content: readable by the web server's user.
FILE_MODE = 0o644
# Up to this many files, each is flushed (fsync) on its own; beyond, one syncfs
# flushes them all: 10,000 fsyncs cost seconds, one syncfs a fraction of one.
SYNC_EACH_UP_TO = 16
# Files staged unnamed at once, at most: each is an open descriptor until renamed (the
# limit on open files is raised to allow it where the system lets, else the batches shrink).
BATCH = 4096
SPARE_DESCRIPTORS = 128
# Every temporary file is named like this, whatever it becomes, so that the
# ones a killed run left behind can be found and removed by the next.
TEMP_PREFIX, TEMP_SUFFIX = ".badgegen-", ".tmp"
LEFTOVER = re.compile(rf"{re.escape(TEMP_PREFIX)}[A-Za-z0-9_]+{re.escape(TEMP_SUFFIX)}")


def _find_syncfs() -> Callable[[int], int] | None:
    """Linux's syncfs(2), which Python's os module lacks; None elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return getattr(libc, "syncfs", None)


_syncfs = _find_syncfs()
T = TypeVar("T")


def replace_all(folder: Path, writes: list[tuple[Path, bytes]]) -> None:
    """Stage writes in folder, flush them to disk, then put each in place with one rename.

    Where the system allows (Linux's O_TMPFILE, on most filesystems), files are staged
    unnamed, up to BATCH at a time: a run killed while staging leaves nothing, and while
    renaming at most the one file it was renaming (named like every temporary file, so
    the next run removes it). Elsewhere they are staged under temporary names (see
    _replace_named).
    """
    if not writes:
        return
    sync_each = len(writes) <= SYNC_EACH_UP_TO or _syncfs is None
    done = 0
    if hasattr(os, "O_TMPFILE") and Path("/proc/self/fd").is_dir():
        try:
            batch = _batch_size()
            for done in range(0, len(writes), batch):  # where it stopped is used below
                _replace_batch(folder, writes[done : done + batch], sync_each)
            done = len(writes)
        except _NoUnnamedFiles:
            pass  # this filesystem (NFS, FUSE) has none: the rest are staged named
    _replace_named(folder, writes[done:], sync_each)
    # Best effort: some filesystems cannot sync a directory, and every file is in place.
    with contextlib.suppress(OSError):
        _sync_directory(folder)


def _batch_size() -> int:
    """How many unnamed files to stage at once: BATCH, or what the open-file limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = BATCH + SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
    if soft == resource.RLIM_INFINITY:
        return BATCH
    return max(16, min(BATCH, soft - SPARE_DESCRIPTORS))


class _NoUnnamedFiles(Exception):
    """The filesystem cannot make unnamed files (O_TMPFILE); raised before any is made."""


def _replace_batch(folder: Path, writes: list[tuple[Path, bytes]], sync_each: bool) -> None:
    """Stage a batch unnamed, flush it, then link and rename each file into place.

    Whatever stops the run (an error, SIGINT, SIGTERM), the finally clause closes the
    unnamed files, which the system then removes.
    """
    descriptors: list[int] = []
    try:
        for path, content in writes:
            descriptors.append(_stage_unnamed(folder, path, content, sync_each))
        if not sync_each:
            _guarded(folder, _sync_filesystem, folder)
        directory = _guarded(folder, os.open, folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            for descriptor, (path, _content) in zip(descriptors, writes, strict=True):
                _link_into_place(descriptor, directory, path)
        finally:
            os.close(directory)
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def _stage_unnamed(folder: Path, path: Path, content: bytes, sync: bool) -> int:
    """Write content to a new unnamed file in folder (for path); its open descriptor."""
    flags = os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC
    try:
        descriptor = os.open(folder, flags, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            raise _NoUnnamedFiles from exc
        raise _cannot_write(path, exc) from exc
    try:
        _write_all(descriptor, content, sync)
    except OSError as exc:
        os.close(descriptor)
        raise _cannot_write(path, exc) from exc
    return descriptor


def _link_into_place(descriptor: int, directory: int, path: Path) -> None:
    """Give the unnamed file a temporary name beside path (in the open directory), then
    rename it over path."""
    temp = _temporary_name(path).name
    # linkat(2) with AT_SYMLINK_FOLLOW (a dir_fd makes Python call it): the link in
    # /proc/self/fd leads to the unnamed file itself.
    source = f"/proc/self/fd/{descriptor}"
    _guarded(path, os.link, source, temp, dst_dir_fd=directory, follow_symlinks=True)
    try:
        _guarded(path, os.replace, temp, path.name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=directory)
        raise


def _replace_named(folder: Path, writes: list[tuple[Path, bytes]], sync_each: bool) -> None:
    """Stage every write under a temporary name, flush them together, then rename each.

    Each temporary file's name is noted before it is created, so that whatever
    stops the run (an error, SIGINT, SIGTERM) between two steps, the finally
    clause removes every temporary file that was not renamed; a killed run leaves
    them for the next to remove.
    """
    if not writes:
        return
    temps: list[Path] = []
    renamed = 0
    try:
        for path, content in writes:
            temps.append(_temporary_name(path))
            _stage(temps[-1], path, content, sync_each)
        if not sync_each:
            _guarded(folder, _sync_filesystem, folder)
        for temp, (path, _content) in zip(temps, writes, strict=True):
            _guarded(path, temp.replace, path)
            renamed += 1
    finally:
        for temp in temps[renamed:]:
            with contextlib.suppress(OSError):
                temp.unlink()


def _temporary_name(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}")


def _stage(temp: Path, path: Path, content: bytes, sync: bool) -> None:
    """Write content to the new file temp, beside path (which it will replace)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        descriptor = os.open(temp, flags, 0o600)
        try:
            _write_all(descriptor, content, sync)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _write_all(descriptor: int, content: bytes, sync: bool) -> None:
    """Write content to descriptor in full, make it readable by all, flush it when sync."""
    view = memoryview(content)
    while view:
        view = view[os.write(descriptor, view) :]
    os.fchmod(descriptor, FILE_MODE)
    if sync:
        os.fsync(descriptor)


def _guarded(path: Path, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """action(*args, **kwargs), with an OSError turned into "cannot write path"."""
    try:
        return action(*args, **kwargs)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


def _cannot_write(path: Path, exc: OSError) -> PublishError:
    return PublishError(f"cannot write {path}: {exc.strerror or exc}")


def _sync_filesystem(folder: Path) -> None:
    """Flush everything written to folder's filesystem: one flush for thousands of files."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _syncfs is not None and _syncfs(descriptor) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    finally:
        os.close(descriptor)


def _sync_directory(folder: Path) -> None:
    """Make the renames themselves durable."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
