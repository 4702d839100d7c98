"""Write files into the output directory, atomically and only when they changed."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import PublishError
from badgegen.publish.staging import FILE_MODE, replace_all


@dataclass(frozen=True, slots=True)
class WriteReport:
    """Which files a publish wrote and which it left as they were."""

    written: tuple[str, ...]
    unchanged: tuple[str, ...]


def write_badges(out_dir: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Write each file into out_dir, skipping those whose bytes are unchanged.

    Every changed file is first written in full beside its target and flushed
    to disk; only then does it replace the old, one rename each (see staging).

    Args:
        out_dir: the output directory; created if missing.
        files: file name (no directories) to content.

    Returns:
        The names written and the names left unchanged.

    Raises:
        PublishError: a name is not a plain file name, or a write failed.
            Files already in place are never left half-written; a failure
            while staging a batch of files (up to BATCH) replaces none of it.
    """
    make_directory(out_dir)
    targets = {name: _inside(out_dir, name) for name in files}
    changed = {name for name, path in targets.items() if not _has_content(path, files[name])}
    replace_all(out_dir, [(targets[name], files[name]) for name in files if name in changed])
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
    replace_all(path.parent, [(path, content)])


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
