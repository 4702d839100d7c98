"""Publishing: atomic writes, unchanged files left alone, nothing outside the directory."""

from __future__ import annotations

import os
import resource
import signal
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from badgegen.errors import PublishError
from badgegen.publish import SYNC_EACH_UP_TO, WriteReport, write_atomic, write_badges


def test_writes_new_files_and_creates_the_directory(tmp_path: Path) -> None:
    """Missing directories are created; each file gets exactly its bytes."""
    out = tmp_path / "public" / "badges"
    report = write_badges(out, {"a.svg": b"<svg/>", "b.svg": b"<svg></svg>"})
    assert report == WriteReport(written=("a.svg", "b.svg"), unchanged=())
    assert (out / "a.svg").read_bytes() == b"<svg/>"
    assert (out / "b.svg").read_bytes() == b"<svg></svg>"


def test_unchanged_files_are_not_rewritten(tmp_path: Path) -> None:
    """A file with the same bytes keeps its inode and modification time."""
    write_badges(tmp_path, {"a.svg": b"same", "b.svg": b"old"})
    before = (tmp_path / "a.svg").stat()
    os.utime(tmp_path / "a.svg", ns=(before.st_atime_ns, 1_000_000_000))
    report = write_badges(tmp_path, {"a.svg": b"same", "b.svg": b"new"})
    assert report == WriteReport(written=("b.svg",), unchanged=("a.svg",))
    after = (tmp_path / "a.svg").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, 1_000_000_000)
    assert (tmp_path / "b.svg").read_bytes() == b"new"


def test_files_are_world_readable(tmp_path: Path) -> None:
    """Badges are web content: mode 644, not the 600 of a temporary file."""
    write_badges(tmp_path, {"a.svg": b"x"})
    assert stat.S_IMODE((tmp_path / "a.svg").stat().st_mode) == 0o644


def test_no_temporary_files_are_left(tmp_path: Path) -> None:
    """Only the badges remain after a write."""
    write_badges(tmp_path, {"a.svg": b"x", "b.svg": b"y"})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.svg", "b.svg"]


@pytest.mark.parametrize("name", ["../a.svg", "sub/a.svg", "/tmp/a.svg", "..", ""])
def test_names_leaving_the_directory_are_refused(tmp_path: Path, name: str) -> None:
    """Nothing is written outside the output directory, whatever the name."""
    out = tmp_path / "out"
    with pytest.raises(PublishError, match="not a plain file name"):
        write_badges(out, {name: b"x"})
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_a_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    """A link planted in the output directory never writes through to its target."""
    target = tmp_path / "target.txt"
    target.write_bytes(b"precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.svg").symlink_to(target)
    write_badges(out, {"a.svg": b"badge"})
    assert target.read_bytes() == b"precious"
    assert not (out / "a.svg").is_symlink()
    assert (out / "a.svg").read_bytes() == b"badge"


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Make writes past `limit` bytes fail with EFBIG, as a full disk fails them (even for root)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    """When a write fails midway the published file is untouched and no temp file stays."""
    (tmp_path / "a.svg").write_bytes(b"old")
    with file_size_limit(1000), pytest.raises(PublishError, match=r"cannot write .*a\.svg"):
        write_atomic(tmp_path / "a.svg", b"new" * 100_000)
    assert (tmp_path / "a.svg").read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["a.svg"]


def test_failed_publish_replaces_nothing(tmp_path: Path) -> None:
    """A write failing in the middle of several leaves every published file as it was."""
    write_badges(tmp_path, {"a.svg": b"old a", "b.svg": b"old b"})
    with file_size_limit(1000), pytest.raises(PublishError, match=r"cannot write .*b\.svg"):
        write_badges(tmp_path, {"a.svg": b"new a", "b.svg": b"b" * 100_000})
    assert (tmp_path / "a.svg").read_bytes() == b"old a"
    assert (tmp_path / "b.svg").read_bytes() == b"old b"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.svg", "b.svg"]


def test_write_into_a_file_path_fails_clearly(tmp_path: Path) -> None:
    """An output "directory" that is a file is a PublishError, not a traceback."""
    (tmp_path / "public").write_text("oops")
    with pytest.raises(PublishError, match="public"):
        write_badges(tmp_path / "public", {"a.svg": b"x"})


def test_many_files_are_flushed_together_and_all_written(tmp_path: Path) -> None:
    """Past SYNC_EACH_UP_TO files one filesystem flush serves them all; every file lands."""
    files = {f"room{index}.svg": f"<svg>{index}</svg>".encode() for index in range(100)}
    report = write_badges(tmp_path, files)
    assert len(report.written) == 100 > SYNC_EACH_UP_TO
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == files
    assert write_badges(tmp_path, files).written == ()


def test_failure_among_many_files_replaces_nothing(tmp_path: Path) -> None:
    """The flush-together path keeps the all-or-nothing promise too."""
    old = {f"room{index}.svg": b"old" for index in range(50)}
    write_badges(tmp_path, old)
    new = dict.fromkeys(old, b"new") | {"room49.svg": b"x" * 100_000}
    with file_size_limit(1000), pytest.raises(PublishError, match=r"room49\.svg"):
        write_badges(tmp_path, new)
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == old
