"""Listeners on 127.0.0.1 that misbehave the way real networks and servers do.

- silent: accepts every connection and never sends a byte;
- full_backlog: never accepts, and its backlog is full, so connect() hangs
  as behind a firewall that drops packets (nothing leaves the machine);
- http: answers like a web server;
- stream_error: opens an XMPP stream and ends it with a stream error
  (see-other-host among them), like a server that refuses the client.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Iterator
from xml.sax.saxutils import escape

STREAM_HEADER = (
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
    " xmlns:stream='http://etherx.jabber.org/streams' from='{domain}' id='x1' version='1.0'>"
)
STREAMS = "urn:ietf:params:xml:ns:xmpp-streams"


@contextlib.contextmanager
def _serving(
    handle: object | None,
    backlog: int = 16,
    address: str = "127.0.0.1",
    accepted: threading.Event | None = None,
) -> Iterator[int]:
    listener = socket.socket()
    listener.bind((address, 0))
    listener.listen(backlog)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)
            if accepted is not None:
                accepted.set()
            if callable(handle):
                threading.Thread(target=handle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    if handle is not None:
        thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        for connection in held:
            connection.close()
        listener.close()


@contextlib.contextmanager
def silent(address: str = "127.0.0.1", accepted: threading.Event | None = None) -> Iterator[int]:
    """A port (on address) that accepts and never speaks; accepted is set at its first client."""
    with _serving(handle=True, address=address, accepted=accepted) as port:
        yield port


@contextlib.contextmanager
def full_backlog(address: str = "127.0.0.1") -> Iterator[int]:
    """A port (on address) where connect() hangs: never accepted, its accept queue full."""
    with _serving(handle=None, backlog=0, address=address) as port:
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((address, port))
            fillers.append(filler)
        _wait_until_queued(fillers)
        try:
            yield port
        finally:
            for filler in fillers:
                filler.close()


def _wait_until_queued(fillers: list[socket.socket]) -> None:
    """Wait until the kernel has queued a filler (its connect completes) and no more will."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _, done, _ = select.select([], fillers, [], 0.05)
        if done:
            return
    raise RuntimeError("no connection was queued on the full-backlog listener")


def _answer_http(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.recv(4096)
        connection.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        connection.close()


@contextlib.contextmanager
def http() -> Iterator[int]:
    """A port that answers like a web server."""
    with _serving(handle=_answer_http) as port:
        yield port


@contextlib.contextmanager
def stream_error(condition: str, text: str = "", content: str = "") -> Iterator[int]:
    """A port whose "server" opens the stream, then ends it with this stream error.

    Args:
        condition: the defined condition, e.g. "host-unknown" or "see-other-host".
        text: the error's human-readable text.
        content: the condition element's content (see-other-host's host:port).
    """
    said = f"<text xmlns='{STREAMS}'>{escape(text)}</text>" if text else ""
    error = f"<stream:error><{condition} xmlns='{STREAMS}'>{escape(content)}</{condition}>{said}"

    def refuse(connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            connection.recv(4096)
            header = STREAM_HEADER.format(domain="refusing.test")
            connection.sendall((header + error + "</stream:error></stream:stream>").encode())
            time.sleep(0.5)
            connection.close()

    with _serving(handle=refuse) as port:
        yield port
