"""Connecting and logging in: one client, fatal events turned into XmppError."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slixmpp import ClientXMPP

from badgegen.errors import XmppError

if TYPE_CHECKING:  # login parses JIDs with badgegen.xmpp.jids, below this package
    from badgegen.login import Login


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    """Where and how to connect, and how long to wait.

    `timeout` bounds connecting and logging in, and each query; `deadline`
    bounds the whole run.
    """

    server: tuple[str, int] | None = None
    ca_file: Path | None = None
    timeout: float = 10.0
    deadline: float = 120.0
    concurrency: int = 64  # as the CLI's --concurrency default


def make_client(login: Login, options: ConnectOptions) -> ClientXMPP:
    """A client with the plugins counting needs; not connected yet."""
    password = login.password.reveal() if login.password else ""
    mech = "ANONYMOUS" if login.anonymous else None
    client = ClientXMPP(login.jid, password, sasl_mech=mech)
    if options.ca_file:
        client.ca_certs = options.ca_file
    for plugin in ("xep_0030", "xep_0004", "xep_0128", "xep_0045"):
        client.register_plugin(plugin)
    return client


async def start_session(client: ClientXMPP, login: Login, options: ConnectOptions) -> None:
    """Connect and log in, or raise XmppError at the first fatal event."""
    outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watcher = _SessionWatcher(client, login, outcome)
    watcher.attach()
    try:
        host, port = options.server or (None, None)
        attempt = await client.connect(host, port)
        if attempt is not None:  # slixmpp has scheduled a retry: every address failed
            reason = _describe_error(watcher.last_error)
            watcher.fail(f"cannot connect to {_address(client, options)}: {reason}")
        await asyncio.wait_for(outcome, options.timeout)
    except TimeoutError as exc:
        what = f"no session with {_address(client, options)} after {options.timeout:g} s"
        raise XmppError(what) from exc
    finally:
        watcher.detach()
    if not _is_encrypted(client):
        raise XmppError(f"{_address(client, options)} did not offer TLS (it is required)")


class _SessionWatcher:
    """Turns slixmpp's session events into one outcome."""

    def __init__(self, client: ClientXMPP, login: Login, outcome: asyncio.Future[None]):
        self.client, self.login, self.outcome = client, login, outcome
        self.last_error: Any = "no address to try"
        self.handlers = {
            "session_start": self.on_session_start,
            "connection_failed": self.on_connection_failed,
            "ssl_invalid_chain": self.on_invalid_certificate,
            "failed_auth": self.on_failed_auth,
            "failed_all_auth": self.on_no_mechanism,
            "disconnected": self.on_disconnected,
        }

    def attach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.add_event_handler(event, handler)

    def detach(self) -> None:
        for event, handler in self.handlers.items():
            self.client.del_event_handler(event, handler)

    def fail(self, message: str) -> None:
        if not self.outcome.done():
            self.outcome.set_exception(XmppError(message))

    def on_session_start(self, _event: Any) -> None:
        if not self.outcome.done():
            self.outcome.set_result(None)

    def on_connection_failed(self, error: Any) -> None:
        # A certificate error is the one worth reporting, even when a later
        # attempt (say, STARTTLS after direct TLS) fails differently.
        if not isinstance(self.last_error, ssl.SSLCertVerificationError):
            self.last_error = error

    def on_invalid_certificate(self, error: Any) -> None:
        self.fail(f"TLS with the server failed: {_describe_error(error)}")

    def on_failed_auth(self, failure: Any) -> None:
        condition = failure["condition"] or "failure"
        self.fail(f"login as {self.login.jid} failed: {condition}")

    def on_no_mechanism(self, _event: Any) -> None:
        offered = ", ".join(sorted(self.client.plugin["feature_mechanisms"].mech_list))
        self.fail(
            f"login as {self.login.jid} failed: no usable SASL mechanism over TLS"
            f" (server offers: {offered or 'none'})"
        )

    def on_disconnected(self, reason: Any) -> None:
        if isinstance(reason, ssl.SSLError):
            self.on_invalid_certificate(reason)
        else:
            self.fail(f"the server closed the connection: {_describe_error(reason)}")


async def close(client: ClientXMPP) -> None:
    """End the stream politely, or drop the connection if that takes too long."""
    if client.transport is None:
        return
    try:
        await client.disconnect(wait=1.0)
    except (TimeoutError, OSError, asyncio.CancelledError):
        client.abort()


def _is_encrypted(client: ClientXMPP) -> bool:
    return "starttls" in client.features or isinstance(client.socket, ssl.SSLObject)


def _address(client: ClientXMPP, options: ConnectOptions) -> str:
    if options.server:
        host, port = options.server
        return f"{host}:{port}"
    return str(client.boundjid.domain)


def _describe_error(error: Any) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
