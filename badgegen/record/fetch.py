"""Fetch a published record over HTTPS: verified TLS, https only, bounded in time and size."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import IO

from badgegen.reading import NotReadable, describe_size
from badgegen.text.untrusted import server_text

MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024


class FetchError(OSError):
    """Why a fetch failed, in badgegen's words (the server's own, cleaned, at most)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "fetch failed"


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


def fetch_all(requests: Sequence[tuple[str, int]], seconds: float) -> list[bytes | OSError]:
    """GET each (url, limit) with verified TLS, all at once, within seconds in all.

    Each request runs in a daemon thread, so that nothing (a slow DNS lookup,
    a server sending a byte every few seconds) can hold the run past the
    deadline; a thread left behind ends with its socket's timeout.

    Returns:
        Per request, its bytes, or why there are none: FileNotFoundError for
        404, NotReadable when too large, TimeoutError, FetchError otherwise.
    """
    deadline = time.monotonic() + seconds
    outcomes: list[list[bytes | OSError]] = [[] for _ in requests]
    workers = [
        threading.Thread(
            target=_get_into,
            args=(url, limit, deadline, outcome),
            name="badgegen-fetch",
            daemon=True,
        )
        for (url, limit), outcome in zip(requests, outcomes, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    timed_out = TimeoutError(f"no complete answer within {seconds:.3g} seconds")
    return [outcome[0] if outcome else timed_out for outcome in outcomes]


def _get_into(url: str, limit: int, deadline: float, outcome: list[bytes | OSError]) -> None:
    try:
        outcome.append(_get(url, limit, deadline))
    except OSError as exc:  # every failure of a request is an OSError (urllib, ssl, socket)
        outcome.append(exc)
    except (ValueError, http.client.HTTPException) as exc:  # a malformed URL or answer
        outcome.append(FetchError(server_text(str(exc)) or type(exc).__name__))


def _get(url: str, limit: int, deadline: float) -> bytes:
    opener = urllib.request.build_opener(_HttpsOnlyRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "badgegen"})  # noqa: S310 (https only)
    try:
        with opener.open(request, timeout=max(0.1, deadline - time.monotonic())) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise NotReadable(f"larger than {describe_size(limit)}")
            return _read_until(response, limit, deadline)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise FileNotFoundError(url) from exc
        said = server_text(str(exc.reason or ""))  # the server's reason phrase: untrusted
        raise FetchError(f"HTTP {exc.code}" + (f' ("{said}")' if said else "")) from exc
    except urllib.error.URLError as exc:
        raise FetchError(server_text(str(exc.reason)) or "the request failed") from exc


def _read_until(response: http.client.HTTPResponse, limit: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise NotReadable(f"larger than {describe_size(limit)}")
        if time.monotonic() > deadline:
            raise TimeoutError("not complete in the time given")
        chunks.append(chunk)
    return b"".join(chunks)
