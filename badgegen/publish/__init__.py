"""The only writer: files staged, flushed and renamed into a locked output directory, no litter."""

from __future__ import annotations

from badgegen.publish.directory import check_output_directory, lock_directory, remove_leftovers
from badgegen.publish.files import (
    WriteReport,
    append_text,
    create_new,
    make_directory,
    write_atomic,
    write_badges,
)
from badgegen.publish.staging import BATCH, SYNC_EACH_UP_TO, TEMP_PREFIX

__all__ = [
    "BATCH",
    "SYNC_EACH_UP_TO",
    "TEMP_PREFIX",
    "WriteReport",
    "append_text",
    "check_output_directory",
    "create_new",
    "lock_directory",
    "make_directory",
    "remove_leftovers",
    "write_atomic",
    "write_badges",
]
