"""The soak can fail: one-line bugs seeded into a copy of badgegen, each caught by a short soak.

Each mutant is a bug an attacker's review planted and the old soak missed (300 runs
each, no violation): a 404 of the record treated as an error (no run would ever
publish again), a reply matcher that ignores every reply (every room unknown, every
run), the merge of two runs' records preferring the older copy; and two a soak in CI
once found only by chance (a short deadline left a room stale): a stale count never
shown, its words missing from the badge. The soak runs the mutant as its badgegen
(`--badgegen`) and must exit 1, naming what broke.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.soak]

ROOT = Path(__file__).parents[2]
# (file, the line as it is, the bug, words a violation must hold, runs needed)
MUTANTS = {
    "record-404-is-an-error": (
        "record/fetch.py", "if exc.code == 404:", "if exc.code == 4040:",
        "where it must publish", 3,
    ),
    "every-reply-ignored": (
        "xmpp/disco.py", "if reply is not None and sender == room and not reply.done():",
        "if False:", "though the server answered", 3,
    ),
    "merge-prefers-the-older-copy": (
        "pipeline/write.py", "merged_at(again.history, previous.history, output.now)",
        "merged_at(previous.history, again.history, output.now)", "counts lost", 40,
    ),
    # The two a soak in CI missed: a stale count (shown only when a room fails, which a
    # destroyed room now does on every seed) and its words on the badge.
    "stale-count-never-shown": (
        "core/state.py", "if before and last_good and now - last_good < stale_after:",
        "if False:", "though counted at", 18,
    ),
    "stale-words-dropped": (
        "view/badges.py", "note=stale_note(state),", 'note="",', "(stale: last counted", 18,
    ),
}  # fmt: skip
SEED = 2


def mutant(folder: Path, path: str, line: str, bug: str) -> Path:
    """A copy of badgegen (with its templates, as installed) in folder, line replaced by bug."""
    package = folder / "badgegen"
    shutil.copytree(ROOT / "badgegen", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", package / "templates")
    source = package / path
    text = source.read_text(encoding="utf-8")
    assert text.count(line) == 1, f"{path} no longer holds {line!r}: update the mutant"
    source.write_text(text.replace(line, bug), encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", list(MUTANTS))
def test_the_soak_catches_a_seeded_bug(name: str, tmp_path: Path) -> None:
    path, line, bug, words, runs = MUTANTS[name]
    copy = mutant(tmp_path, path, line, bug)
    badgegen = f"env PYTHONPATH={copy} {sys.executable} -m badgegen"
    command = [sys.executable, "-m", "tests.soak.run", "--runs", str(runs), "--seed", str(SEED),
               "--badgegen", badgegen]  # fmt: skip
    soak = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert soak.returncode == 1, soak.stdout[-3000:] + soak.stderr[-3000:]
    violations = soak.stdout.partition("violations:")[2]
    assert words in violations, soak.stdout[-3000:]
