"""Connecting and logging in: one client, fatal events turned into XmppError."""

from __future__ import annotations

import asyncio
import ssl
import time

from slixmpp import ClientXMPP

from badgegen.config.login import Login
from badgegen.core.connection import Connection
from badgegen.errors import XmppError
from badgegen.xmpp import scram  # noqa: F401  (registers the faster SCRAM with slixmpp)
from badgegen.xmpp.routes import Route, routes_for_server, routes_from_records
from badgegen.xmpp.tls import verified_context
from badgegen.xmpp.waits import within
from badgegen.xmpp.watcher import RouteFailure, SessionWatcher, describe_error, seconds


def make_client(
    login: Login,
    options: Connection,
    context: ssl.SSLContext | None = None,
    *,
    joining: bool = False,
) -> ClientXMPP:
    """A client for counting; not connected yet.

    Queries and replies go through DiscoQueries as raw XML, so no plugin is
    needed but the MUC one for rooms counted by joining.

    Args:
        login: the account.
        options: where to connect (for the CA file).
        context: the TLS context (by default a new tls.verified_context()).
        joining: whether some room is counted by joining it.
    """
    password = login.password.reveal() if login.password else ""
    mech = "ANONYMOUS" if login.anonymous else None
    if context is None:
        context = verified_context()
    client = ClientXMPP(login.jid, password, sasl_mech=mech, ssl_context=context)
    # Subscription requests get no answer: a flood of them must neither cost the rate
    # limit nor fill the account's roster.
    client.auto_authorize, client.auto_subscribe = None, False
    if options.ca_file:
        client.ca_certs = options.ca_file
    if joining:
        client.register_plugin("xep_0045")
    return client


async def start_session(
    client: ClientXMPP,
    login: Login,
    options: Connection,
    deadline_at: float,
    out_of_time: str = "the run's deadline was reached (see --deadline)",
) -> None:
    """Connect and log in, trying each route in turn, every wait bounded.

    Each route gets `timeout` seconds to connect (TCP and, for direct TLS, the
    handshake) and as long again to open the stream, start TLS and log in;
    no wait goes past deadline_at. A route that cannot be reached or does not
    speak XMPP gives way to the next; a refusal by the server (a stream
    error, a failed login, a certificate it cannot prove) ends the attempt.
    A see-other-host redirect is followed once. out_of_time says why a route was
    not tried once deadline_at has passed.

    Raises:
        XmppError: no session; the message names what the user asked for
            and what each route answered, in the server's own words.
    """
    # slixmpp would follow see-other-host itself, with the TLS name of the new host.
    client.max_redirects = -1
    watcher = SessionWatcher(client, login)
    watcher.attach()
    try:
        routes = await _routes(client, options, deadline_at)
        await _first_session(client, watcher, routes, options, (deadline_at, out_of_time))
    finally:
        watcher.detach()
    if not _is_encrypted(client):
        raise XmppError(f"{_asked_for(client, options)} did not offer TLS (it is required)")


async def _routes(client: ClientXMPP, options: Connection, deadline_at: float) -> list[Route]:
    if address := options.address:
        return routes_for_server(*address)
    domain = str(client.boundjid.domain)
    wait = _bounded(options.timeout, deadline_at)
    try:
        records = await within(wait, client.get_dns_records(domain))
    except TimeoutError:
        raise XmppError(
            f"cannot connect to {domain}: no DNS answer within {seconds(wait)}"
        ) from None
    except (OSError, ValueError) as exc:
        raise XmppError(f"cannot connect to {domain}: DNS lookup failed: {exc}") from exc
    return routes_from_records(domain, records)


async def _first_session(
    client: ClientXMPP,
    watcher: SessionWatcher,
    routes: list[Route],
    options: Connection,
    deadline: tuple[float, str],
) -> None:
    """Try the routes in order until one gives a session, until deadline (when, and the
    words for it); raise XmppError when none does."""
    deadline_at, out_of_time = deadline
    tried: list[str] = []
    redirected = False
    queue = list(routes)
    while queue:
        route = queue.pop(0)
        if time.monotonic() >= deadline_at:
            tried.append(f"{route.describe()}: not tried, {out_of_time}")
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
    raise XmppError(f"cannot connect to {_asked_for(client, options)}: {_each_said(tried)}")


def _each_said(tried: list[str]) -> str:
    """What each route said, or what they all said once ("no host ... in DNS")."""
    reasons = {entry.partition(": ")[2] for entry in tried}
    return reasons.pop() if len(reasons) == 1 and len(tried) > 1 else "; ".join(tried)


async def _try_route(
    client: ClientXMPP,
    watcher: SessionWatcher,
    route: Route,
    options: Connection,
    deadline_at: float,
) -> RouteFailure | None:
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
        watcher.failed(RouteFailure(f"no {what} within {seconds(wait)}"))
    if retry is not None:  # every address failed and slixmpp scheduled another round
        watcher.failed(RouteFailure(describe_error(watcher.last_error)))
    client.cancel_connection_attempt()
    if not watcher.outcome.done():
        wait = _bounded(options.timeout, deadline_at)
        try:
            await within(wait, asyncio.shield(watcher.outcome))
        except TimeoutError:
            watcher.failed(RouteFailure(watcher.silence(wait)))
        except RouteFailure:
            pass
    failure = watcher.outcome.exception() if watcher.outcome.done() else None
    if failure is not None:
        await _drop(client)
    return failure if isinstance(failure, RouteFailure) else None


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


def _asked_for(client: ClientXMPP, options: Connection) -> str:
    """What the user asked to connect to: --server as typed, else the account's domain."""
    if address := options.address:
        host, port = address
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return str(client.boundjid.domain)
