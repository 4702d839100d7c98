"""Write badges into the output directory, atomically and only when they changed."""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import BusyError, PublishError

# Badges are public web content: readable by the web server's user.
FILE_MODE = 0o644


@dataclass(frozen=True, slots=True)
class WriteReport:
    """Which files a publish wrote and which it left as they were."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]


def write_badges(out_dir: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Write each file into out_dir, skipping those whose bytes are unchanged.

    Args:
        out_dir: the output directory; created if missing.
        files: file name (no directories) to content.

    Returns:
        The names written and the names left unchanged.

    Raises:
        PublishError: a name is not a plain file name, or a write failed.
            Files already in place are never left half-written.
    """
    _make_directory(out_dir)
    written, unchanged = [], []
    for name, content in files.items():
        target = _inside(out_dir, name)
        if _has_content(target, content):
            unchanged.append(name)
        else:
            write_atomic(target, content)
            written.append(name)
    return WriteReport(tuple(written), tuple(unchanged))


def write_atomic(path: Path, content: bytes) -> None:
    """Replace path with content in one step, so readers see old or new, never half.

    Args:
        path: the file to write; a symlink there is replaced, not followed.
        content: the bytes to write.

    Raises:
        PublishError: the write failed; path is as it was.
    """
    temp: str | None = None
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temp).chmod(FILE_MODE)
        Path(temp).replace(path)
    except OSError as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
        raise PublishError(f"cannot write {path}: {exc.strerror or exc}") from exc


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
    _make_directory(path.parent)
    write_atomic(path, content)
    return True


def append_text(path: Path, text: str) -> None:
    """Append text to a file that another program reads (GitHub's job summary)."""
    try:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise PublishError(f"cannot write {path}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def lock_directory(out_dir: Path, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on out_dir, so overlapping runs never interleave.

    The lock is on the directory itself (flock), so it leaves no file behind
    and is released when the process ends, however it ends.

    Args:
        out_dir: the output directory; created if missing.
        wait: seconds to wait for another run to finish.

    Raises:
        BusyError: another run still holds the lock after `wait` seconds.
    """
    _make_directory(out_dir)
    descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        _acquire(descriptor, out_dir, time.monotonic() + wait)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _acquire(descriptor: int, out_dir: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError(f"another badgegen refresh is writing to {out_dir}") from None
            time.sleep(0.1)


def _make_directory(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create {out_dir}: {exc.strerror or exc}") from exc
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir} is not a directory")


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
