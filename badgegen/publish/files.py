"""Write files into the output directory, atomically and only when they changed."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from badgegen.errors import PublishError

# Badges are public web content: readable by the web server's user.
FILE_MODE = 0o644
# Up to this many files, each is flushed (fsync) on its own; beyond, one syncfs
# flushes them all: 10,000 fsyncs cost seconds, one syncfs a fraction of one.
SYNC_EACH_UP_TO = 16
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


@dataclass(frozen=True, slots=True)
class WriteReport:
    """Which files a publish wrote and which it left as they were."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]


def write_badges(out_dir: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Write each file into out_dir, skipping those whose bytes are unchanged.

    Every changed file is first written in full beside its target and flushed
    to disk; only then do the new files replace the old, one rename each.

    Args:
        out_dir: the output directory; created if missing.
        files: file name (no directories) to content.

    Returns:
        The names written and the names left unchanged.

    Raises:
        PublishError: a name is not a plain file name, or a write failed.
            Files already in place are never left half-written; when the
            failure comes before the renames, none is replaced at all.
    """
    make_directory(out_dir)
    targets = {name: _inside(out_dir, name) for name in files}
    changed = {name for name, path in targets.items() if not _has_content(path, files[name])}
    _replace_all(out_dir, [(targets[name], files[name]) for name in files if name in changed])
    written = tuple(name for name in files if name in changed)
    return WriteReport(written, tuple(name for name in files if name not in changed))


def write_atomic(path: Path, content: bytes) -> None:
    """Replace path with content in one step, so readers see old or new, never half.

    Args:
        path: the file to write; a symlink there is replaced, not followed.
        content: the bytes to write.

    Raises:
        PublishError: the write failed; path is as it was.
    """
    _replace_all(path.parent, [(path, content)])


def _replace_all(folder: Path, writes: list[tuple[Path, bytes]]) -> None:
    """Stage every write in folder, flush them to disk together, then rename each.

    Each temporary file's name is noted before it is created, so that
    whatever stops the run (an error, SIGINT, SIGTERM) between two steps, the
    finally clause removes every temporary file that was not renamed.
    """
    if not writes:
        return
    sync_each = len(writes) <= SYNC_EACH_UP_TO or _syncfs is None
    temps: list[Path] = []
    renamed = 0
    try:
        for path, content in writes:
            temps.append(path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"))
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
    # Best effort: some filesystems cannot sync a directory, and every file is in place.
    with contextlib.suppress(OSError):
        _sync_directory(folder)


def _stage(temp: Path, path: Path, content: bytes, sync: bool) -> None:
    """Write content to the new file temp, beside path (which it will replace)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        descriptor = os.open(temp, flags, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fchmod(stream.fileno(), FILE_MODE)
            if sync:
                os.fsync(stream.fileno())
    except OSError as exc:
        raise _cannot_write(path, exc) from exc


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


def create_new(path: Path, content: bytes) -> bool:
    """Write a new file, never replacing one that exists.

    Args:
        path: the file to create; its folder is created if missing.
        content: the bytes to write.

    Returns:
        True when written, False when a file was already there.
    """
    if path.exists() or path.is_symlink():
        return False
    make_directory(path.parent)
    write_atomic(path, content)
    return True


def append_text(path: Path, text: str) -> None:
    """Append text to a file that another program reads (GitHub's job summary).

    Only to a regular file: opened without blocking, so that a FIFO named in
    the environment cannot hold the run.
    """
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        raise PublishError(f"cannot write {path}: {exc.strerror or exc}") from exc
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise PublishError(f"cannot write {path}: not a regular file")
        stream.write(text)


def make_directory(out_dir: Path) -> list[Path]:
    """Create out_dir and any missing parents; return those made, innermost first."""
    missing = []
    folder = out_dir
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create {out_dir}: {exc.strerror or exc}") from exc
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir} is not a directory")
    return missing


def _inside(out_dir: Path, name: str) -> Path:
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise PublishError(f"{name!r} is not a plain file name; refusing to write it")
    return out_dir / name


def _has_content(path: Path, content: bytes) -> bool:
    """Whether path is a regular file (not a symlink) holding exactly content."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
            return False
        return path.read_bytes() == content
    except OSError:
        return False
