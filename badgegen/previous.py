"""Find the last run's badges.json: in the output directory, a file, or an HTTPS URL.

The record is untrusted input wherever it comes from. A file must be a
regular file of bounded size; a URL is fetched over verified TLS, never
leaves https (not even by a redirect), and is given FETCH_TIMEOUT seconds in
all, however slowly the server drips its bytes. Whatever goes wrong is a
warning: the run goes on as if there were no record.
"""

from __future__ import annotations

import dataclasses
import http.client
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from badgegen.errors import ConfigError
from badgegen.history import HISTORY_FILE, History, history_limit, parse_history
from badgegen.reading import NotReadable, describe_size, read_bounded
from badgegen.state import STATE_FILE, RoomState, parse_state, record_limit

FETCH_TIMEOUT = 10.0
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
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
        data = _fetch(where, limit) if is_url(source) else read_bounded(Path(where), limit)
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
        data = _fetch(where, limit) if is_url(source) else read_bounded(Path(where), limit)
        return parse_history(data.decode("utf-8"), rooms), ""
    except FileNotFoundError:
        return History(), ""
    except (OSError, ValueError) as exc:
        return History(), f"ignoring the previous history.json from {where}: {_reason(exc)}"


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


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a few redirects, and only to https."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not newurl.startswith("https://"):
            shown = ascii(newurl[:200])  # the server's text, escaped
            raise urllib.error.URLError(f"redirected to {shown}, which is not https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(url: str, limit: int) -> bytes:
    """GET url with verified TLS, in at most FETCH_TIMEOUT seconds and limit bytes.

    The request runs in a daemon thread, so that nothing (a slow DNS lookup,
    a server sending a byte every few seconds) can hold the run past the
    deadline; a thread left behind ends with its socket's timeout.
    """
    outcome: list[bytes | BaseException] = []
    deadline = time.monotonic() + FETCH_TIMEOUT

    def get() -> None:
        try:
            outcome.append(_get(url, limit, deadline))
        except BaseException as exc:  # handed to the waiting thread
            outcome.append(exc)

    worker = threading.Thread(target=get, name="badgegen-previous", daemon=True)
    worker.start()
    worker.join(FETCH_TIMEOUT)
    if not outcome:
        raise TimeoutError(f"no complete answer within {FETCH_TIMEOUT:g} seconds")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _get(url: str, limit: int, deadline: float) -> bytes:
    opener = urllib.request.build_opener(_HttpsOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "badgegen"})  # noqa: S310 (https only)
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise NotReadable(f"larger than {describe_size(limit)}")
            return _read_until(response, limit, deadline)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise FileNotFoundError(url) from exc
        raise


def _read_until(response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise NotReadable(f"larger than {describe_size(limit)}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"not complete within {FETCH_TIMEOUT:g} seconds")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError):
        return str(exc.reason)
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return getattr(exc, "strerror", None) or str(exc)
