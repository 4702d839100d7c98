"""Reading the last run's record, bounded: badges.json and history.json from --out, a path or
an HTTPS URL; what is there, what is not yet, and what cannot be read."""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from pathlib import Path

from badgegen.errors import ConfigError, RecordError
from badgegen.reading import read_bounded
from badgegen.record.avatars_json import AVATARS_FILE
from badgegen.record.badges_json import STATE_FILE
from badgegen.record.history_json import HISTORY_FILE

FETCH_SECONDS = 10.0  # for badges.json and history.json together
AVATAR_SECONDS = 5.0  # for avatars.json, after them (needed only when the record names one)


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


def record_places(source: str | None, out_dir: Path) -> tuple[str, str]:
    if source is None:
        return str(out_dir / STATE_FILE), str(out_dir / HISTORY_FILE)
    beside = urllib.parse.urljoin(source, HISTORY_FILE) if is_url(source) else None
    return source, beside or str(Path(source).with_name(HISTORY_FILE))


def avatars_place(record: str, url: bool) -> str:
    """Where avatars.json is: beside the record's badges.json."""
    if url:
        return urllib.parse.urljoin(record, AVATARS_FILE)
    return str(Path(record).with_name(AVATARS_FILE))


def read_all(
    places: Sequence[str], limits: Sequence[int], *, url: bool, seconds: float
) -> list[bytes | None]:
    """Each place's bytes, None when it is not there yet; RecordError when it cannot be read."""
    if url:
        from badgegen.record.fetch import fetch_all  # urllib.request is slow to import

        outcomes = fetch_all(list(zip(places, limits, strict=True)), seconds)
    else:
        outcomes = [
            _read_file(Path(place), limit) for place, limit in zip(places, limits, strict=True)
        ]
    datas: list[bytes | None] = []
    for place, outcome in zip(places, outcomes, strict=True):
        if isinstance(outcome, FileNotFoundError):
            datas.append(None)
        elif isinstance(outcome, BaseException):
            raise RecordError(_cannot_read(place, outcome, url=url))
        else:
            datas.append(outcome)
    return datas


def _read_file(path: Path, limit: int) -> bytes | OSError:
    try:
        return read_bounded(path, limit)
    except OSError as exc:
        return exc
    except ValueError as exc:  # NotReadable: a FIFO, a directory, too large
        return OSError(str(exc))


def _cannot_read(place: str, exc: BaseException, *, url: bool) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    name = Path(urllib.parse.urlparse(place).path).name if url else Path(place).name
    step = (
        "fix the host or the URL, or drop --previous to start afresh"
        if url
        else f"move {place} away to start afresh"
    )
    return (
        f"cannot read the previous {name} from {place}: {reason}; nothing was written,"
        f" so what was published stays as it was ({step})"
    )
