"""Connecting and logging in: one client, fatal events turned into XmppError."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slixmpp import ClientXMPP

from badgegen.errors import XmppError
from badgegen.untrusted import server_text
from badgegen.xmpp.routes import Route, redirect_route, routes_for_server, routes_from_records
from badgegen.xmpp.waits import within

if TYPE_CHECKING:  # login parses JIDs with badgegen.xmpp.jids, below this package
    from badgegen.login import Login


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    """Where and how to connect, and how long to wait.

    `timeout` bounds each wait: the DNS lookup, each route's connection,
    its stream and login, and each query; `deadline` bounds the whole run.
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


async def start_session(
    client: ClientXMPP, login: Login, options: ConnectOptions, deadline_at: float
) -> None:
    """Connect and log in, trying each route in turn, every wait bounded.

    Each route gets `timeout` seconds to connect (TCP and, for direct TLS, the
    handshake) and as long again to open the stream, start TLS and log in;
    no wait goes past deadline_at. A route that cannot be reached or does not
    speak XMPP gives way to the next; a refusal by the server (a stream
    error, a failed login, a certificate it cannot prove) ends the attempt.
    A see-other-host redirect is followed once.

    Raises:
        XmppError: no session; the message names what the user asked for
            and what each route answered, in the server's own words.
    """
    # slixmpp would follow see-other-host itself, with the TLS name of the new host.
    client.max_redirects = -1
    watcher = _SessionWatcher(client, login)
    watcher.attach()
    try:
        routes = await _routes(client, options, deadline_at)
        await _first_session(client, watcher, routes, options, deadline_at)
    finally:
        watcher.detach()
    if not _is_encrypted(client):
        raise XmppError(f"{_asked_for(client, options)} did not offer TLS (it is required)")


async def _routes(client: ClientXMPP, options: ConnectOptions, deadline_at: float) -> list[Route]:
    if options.server:
        return routes_for_server(*options.server)
    domain = str(client.boundjid.domain)
    wait = _bounded(options.timeout, deadline_at)
    try:
        records = await within(wait, client.get_dns_records(domain))
    except TimeoutError:
        raise XmppError(
            f"cannot connect to {domain}: no DNS answer within {_seconds(wait)}"
        ) from None
    except (OSError, ValueError) as exc:
        raise XmppError(f"cannot connect to {domain}: DNS lookup failed: {exc}") from exc
    return routes_from_records(domain, records)


async def _first_session(
    client: ClientXMPP,
    watcher: _SessionWatcher,
    routes: list[Route],
    options: ConnectOptions,
    deadline_at: float,
) -> None:
    """Try the routes in order until one gives a session; raise XmppError when none does."""
    tried: list[str] = []
    redirected = False
    queue = list(routes)
    while queue:
        route = queue.pop(0)
        if time.monotonic() >= deadline_at:
            tried.append(f"{route.describe()}: not tried, the run's deadline was reached")
            break
        failure = await _try_route(client, watcher, route, options, deadline_at)
        if failure is None:
            return
        if failure.final:
            raise XmppError(failure.reason)
        where = route.method if route in routes and options.server else route.describe()
        tried.append(f"{where}: {failure.reason}")
        if failure.redirect and not redirected:
            redirected = True
            queue.insert(0, failure.redirect)
    raise XmppError(f"cannot connect to {_asked_for(client, options)}: " + "; ".join(tried))


async def _try_route(
    client: ClientXMPP,
    watcher: _SessionWatcher,
    route: Route,
    options: ConnectOptions,
    deadline_at: float,
) -> _Failure | None:
    """One route: connect within the timeout, then a session within it again."""
    watcher.start(route)
    client.enable_direct_tls, client.enable_starttls = route.direct_tls, not route.direct_tls
    wait = _bounded(options.timeout, deadline_at)
    attempt = client.connect(route.host, route.port)
    try:
        retry = await within(wait, attempt)
    except TimeoutError:
        retry = None
        what = "TLS connection" if route.direct_tls else "connection"
        watcher.failed(_Failure(f"no {what} within {_seconds(wait)}"))
    if retry is not None:  # every address failed and slixmpp scheduled another round
        watcher.failed(_Failure(_describe_error(watcher.last_error)))
    client.cancel_connection_attempt()
    if not watcher.outcome.done():
        wait = _bounded(options.timeout, deadline_at)
        try:
            await within(wait, asyncio.shield(watcher.outcome))
        except TimeoutError:
            watcher.failed(_Failure(watcher.silence(wait)))
        except _Failure:
            pass
    failure = watcher.outcome.exception() if watcher.outcome.done() else None
    if failure is not None:
        await _drop(client)
    return failure if isinstance(failure, _Failure) else None


def _seconds(wait: float) -> str:
    """ "3 s", "1.9 s"."""
    return f"{wait:.1f}".removesuffix(".0") + " s"


def _bounded(timeout: float, deadline_at: float) -> float:
    """timeout, or less when the run's deadline comes first."""
    return max(0.0, min(timeout, deadline_at - time.monotonic()))


async def _drop(client: ClientXMPP) -> None:
    """Close a connection that gave no session, and wait (briefly) until it is gone."""
    if client.transport is None:
        return
    lost = client.disconnected
    client.abort()
    # asyncio.wait, not a timeout: lost being cancelled must not read as this task's cancel.
    await asyncio.wait([lost], timeout=1.0)


class _Failure(Exception):
    """Why one route gave no session; final when no other route would do better."""

    def __init__(self, reason: str, *, final: bool = False, redirect: Route | None = None):
        super().__init__(reason)
        self.reason, self.final, self.redirect = reason, final, redirect


class _SessionWatcher:
    """Turns slixmpp's events during one route's attempt into its outcome."""

    def __init__(self, client: ClientXMPP, login: Login):
        self.client, self.login = client, login
        self.outcome: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.route: Route | None = None
        self.last_error: Any = "no address to try"
        self.stream_started = False
        self.handlers = {
            "session_start": self.on_session_start,
            "connection_failed": self.on_connection_failed,
            "ssl_invalid_chain": self.on_invalid_certificate,
            "stream_start": self.on_stream_start,
            "stream_error": self.on_stream_error,
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

    def start(self, route: Route) -> None:
        """A fresh outcome for the next route; events of the last one no longer count."""
        if not self.outcome.done():
            self.outcome.cancel()
        self.outcome = asyncio.get_running_loop().create_future()
        self.outcome.add_done_callback(_retrieve)
        self.route, self.last_error, self.stream_started = route, "no answer", False

    def failed(self, failure: _Failure) -> None:
        if not self.outcome.done():
            self.outcome.set_exception(failure)

    def silence(self, wait: float) -> str:
        """Why a connected route gave no session within wait seconds."""
        if not self.stream_started:
            return f"connected, but no XMPP stream within {_seconds(wait)}"
        return f"no login within {_seconds(wait)}"

    def on_session_start(self, _event: Any) -> None:
        if not self.outcome.done():
            self.outcome.set_result(None)

    def on_connection_failed(self, error: Any) -> None:
        self.last_error = error

    def on_invalid_certificate(self, error: Any) -> None:
        # The server could not prove it is the account's domain: no other way round that.
        where = self.route.describe() if self.route else "the server"
        self.failed(_Failure(f"TLS with {where} failed: {_describe_error(error)}", final=True))

    def on_stream_start(self, _event: Any) -> None:
        self.stream_started = True

    def on_stream_error(self, error: Any) -> None:
        condition = str(error["condition"] or "undefined-condition")
        said = server_text(str(error["text"] or ""))
        reason = f"the server refused the stream: {condition}" + (f' ("{said}")' if said else "")
        if condition == "see-other-host" and self.route is not None:
            target = str(error["see_other_host"] or "")
            if (redirect := redirect_route(target, self.route)) is not None:
                self.failed(_Failure(f"redirected to {redirect.describe()}", redirect=redirect))
                return
        # The server's decision: another address of the same server would say the same.
        self.failed(_Failure(reason, final=True))

    def on_failed_auth(self, failure: Any) -> None:
        condition = str(failure["condition"] or "failure")
        said = server_text(str(failure["text"] or ""))
        detail = condition + (f' ("{said}")' if said else "")
        self.failed(_Failure(f"login as {self.login.jid} failed: {detail}", final=True))

    def on_no_mechanism(self, _event: Any) -> None:
        offered = sorted(self.client.plugin["feature_mechanisms"].mech_list)
        self.failed(_Failure(no_mechanism_message(self.login.jid, offered), final=True))

    def on_disconnected(self, reason: Any) -> None:
        if isinstance(reason, ssl.SSLError):
            self.on_invalid_certificate(reason)
        elif not self.stream_started:
            self.failed(_Failure("connected, but the reply was not an XMPP stream"))
        else:
            self.failed(_Failure(f"the server closed the connection: {_describe_error(reason)}"))


def no_mechanism_message(jid: str, offered: list[str]) -> str:
    """Why no SASL mechanism the server offers could be used, and what would help."""
    listed = ", ".join(offered) or "none"
    if offered and all(mechanism.endswith("-PLUS") for mechanism in offered):
        return (
            f"login as {jid} failed: the server offers only channel-binding mechanisms"
            f" ({listed}); over TLS 1.3 they need tls-exporter channel binding, which"
            " Python's ssl module does not provide (ask the server's admin to also offer"
            " SCRAM-SHA-1 or SCRAM-SHA-256 without -PLUS)"
        )
    return f"login as {jid} failed: no usable SASL mechanism over TLS (server offers: {listed})"


def _retrieve(outcome: asyncio.Future[None]) -> None:
    """Mark an outcome's exception as seen, so asyncio does not log it as lost."""
    if not outcome.cancelled():
        outcome.exception()


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


def _asked_for(client: ClientXMPP, options: ConnectOptions) -> str:
    """What the user asked to connect to: --server as typed, else the account's domain."""
    if options.server:
        host, port = options.server
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return str(client.boundjid.domain)


def _describe_error(error: Any) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate verify failed: {error.verify_message}"
    if isinstance(error, ssl.SSLError):
        return f"TLS handshake failed ({error.reason or error.strerror or 'no reason given'})"
    if isinstance(error, OSError) and error.errno:
        return os.strerror(error.errno).lower()
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
