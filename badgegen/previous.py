"""Find the last run's badges.json: in the output directory, a file, or an HTTPS URL."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import ConfigError
from badgegen.state import STATE_FILE, RoomState, parse_state

FETCH_TIMEOUT = 10.0
MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Previous:
    """The last run's states, and a warning when they could not be read."""

    states: dict[str, RoomState]
    warning: str = ""


def check_source(source: str | None) -> None:
    """Refuse a --previous that is a URL but not https: the record must come over verified TLS.

    Raises:
        ConfigError: source is an http:// (or other non-https) URL.
    """
    if source and "://" in source and not source.startswith("https://"):
        raise ConfigError([f"--previous: {source} is not https (expected a path or https URL)"])


def load_previous(source: str | None, out_dir: Path) -> Previous:
    """Read the last run's record; a failure is a warning, never an error.

    Args:
        source: --previous: a path or an https:// URL; None for out_dir's badges.json.
        out_dir: the output directory.

    Returns:
        The states found (empty when there are none) and any warning.
    """
    where = source or str(out_dir / STATE_FILE)
    try:
        text = _fetch(source) if source and source.startswith("https://") else _read(Path(where))
    except FileNotFoundError:
        return Previous({}, "" if source is None else f"--previous: {where} does not exist")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return Previous({}, f"cannot read the previous badges.json from {where}: {_reason(exc)}")
    try:
        return Previous(parse_state(text))
    except ValueError as exc:
        return Previous({}, f"ignoring the previous badges.json from {where}: {exc}")


def _read(path: Path) -> str:
    with path.open("rb") as stream:
        return _decode(stream.read(MAX_BYTES + 1))


def _fetch(url: str) -> str:
    """GET url with verified TLS, bounded in time and size."""
    request = urllib.request.Request(url, headers={"User-Agent": "badgegen"})  # noqa: S310 (https only)
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return _decode(response.read(MAX_BYTES + 1))
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise FileNotFoundError(url) from exc
        raise


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValueError(f"larger than {MAX_BYTES} bytes")
    return data.decode("utf-8")


def _reason(exc: Exception) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        return str(exc.reason)
    return getattr(exc, "strerror", None) or str(exc)
