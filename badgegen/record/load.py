"""The last run's record: badges.json and history.json from --out, a path or an HTTPS URL.

The record is untrusted input wherever it comes from: a file must be a
regular file of bounded size, a URL is fetched within bounds (see fetch).
Whatever goes wrong is a warning: the run goes on as if there were no record.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from badgegen.errors import ConfigError
from badgegen.history import History
from badgegen.reading import read_bounded
from badgegen.record.badges import STATE_FILE, parse_state, record_limit
from badgegen.record.history import HISTORY_FILE, history_limit, parse_history
from badgegen.state import RoomState

SHOWN_IGNORED = 3


@dataclass(frozen=True, slots=True)
class Previous:
    """The last run's states and history, and warnings when they could not be read (in full)."""

    states: dict[str, RoomState]
    warning: str = ""
    history: History = field(default_factory=History)
    history_warning: str = ""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning, for the run's report."""
        return tuple(warning for warning in (self.warning, self.history_warning) if warning)


def is_url(source: str | None) -> bool:
    """Whether --previous names a URL (to fetch before the output directory is locked)."""
    return bool(source) and "://" in str(source)


def check_source(source: str | None) -> None:
    """Refuse a --previous that is a URL but not https: the record must come over verified TLS.

    Raises:
        ConfigError: source is an http:// (or other non-https) URL.
    """
    if is_url(source) and not str(source).startswith("https://"):
        raise ConfigError([f"--previous: {source} is not https (expected a path or https URL)"])


def load_previous(source: str | None, out_dir: Path, now: datetime, rooms: int) -> Previous:
    """Read the last run's record; a failure is a warning, never an error.

    Args:
        source: --previous: a path or an https:// URL; None for out_dir's badges.json.
        out_dir: the output directory.
        now: the time of this run, to judge the record's timestamps by.
        rooms: how many rooms the config lists, which bounds the record's size.

    Returns:
        The states found (empty when there are none) and any warning.
    """
    where, limit = source or str(out_dir / STATE_FILE), record_limit(rooms)
    try:
        data = _read(where, limit, url=is_url(source))
        text = data.decode("utf-8")
    except FileNotFoundError:
        return Previous({}, "" if source is None else f"--previous: {where} does not exist")
    except (OSError, ValueError) as exc:
        return Previous({}, f"cannot read the previous badges.json from {where}: {_reason(exc)}")
    try:
        record = parse_state(text, now)
    except ValueError as exc:
        return Previous({}, f"ignoring the previous badges.json from {where}: {exc}")
    return Previous(record.states, _ignored_warning(where, record.ignored))


def load_previous_run(
    source: str | None, out_dir: Path, now: datetime, rooms: Sequence[str]
) -> Previous:
    """The last run's record and history (see load_previous and load_history)."""
    previous = load_previous(source, out_dir, now, len(rooms))
    history, warning = load_history(source, out_dir, rooms)
    return dataclasses.replace(previous, history=history, history_warning=warning)


def load_history(source: str | None, out_dir: Path, rooms: Sequence[str]) -> tuple[History, str]:
    """Read the last run's history.json beside its badges.json; a failure is a warning.

    Args:
        source: --previous (its folder holds history.json); None for out_dir.
        out_dir: the output directory.
        rooms: the rooms listed now (others are left out).

    Returns:
        The history (empty when there is none) and a warning, if any.
    """
    where = _beside(source, HISTORY_FILE) if source else str(out_dir / HISTORY_FILE)
    limit = history_limit(len(rooms))
    try:
        data = _read(where, limit, url=is_url(source))
        return parse_history(data.decode("utf-8"), rooms), ""
    except FileNotFoundError:
        return History(), ""
    except (OSError, ValueError) as exc:
        return History(), f"ignoring the previous history.json from {where}: {_reason(exc)}"


def _read(where: str, limit: int, *, url: bool) -> bytes:
    """At most limit bytes of a regular file, or of an https URL (see fetch)."""
    if not url:
        return read_bounded(Path(where), limit)
    from badgegen.record.fetch import fetch  # urllib.request is slow to import; URLs only

    return fetch(where, limit)


def _beside(source: str, name: str) -> str:
    """The file called name in the same folder as source (a path or a URL)."""
    if is_url(source):
        return urllib.parse.urljoin(source, name)
    return str(Path(source).with_name(name))


def _ignored_warning(where: str, ignored: tuple[str, ...]) -> str:
    if not ignored:
        return ""
    shown = "; ".join(ignored[:SHOWN_IGNORED])
    more = f"; and {len(ignored) - SHOWN_IGNORED} more" if len(ignored) > SHOWN_IGNORED else ""
    entries = f"(parts of) {len(ignored)} entries of the previous badges.json from {where}"
    return f"ignored {entries}: {shown}{more}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or str(exc)
