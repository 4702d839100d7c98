"""Where to connect, and how: the routes to try, in order (RFC 6120 section 3, XEP-0368).

A route is one address, one port and one way to start TLS. With --server the
port decides the order: direct TLS first on the ports known for it, STARTTLS
first everywhere else. Without it, DNS SRV records (_xmpps-client direct TLS,
_xmpp-client STARTTLS) give the routes in their priority order, and a domain
without them is tried on port 5222 with STARTTLS.
"""

from __future__ import annotations

from dataclasses import dataclass

CLIENT_PORT = 5222
# Ports where a client finds direct TLS (XEP-0368 recommends 5223; 443 shares HTTPS's).
DIRECT_TLS_PORTS = frozenset({5223, 443})
DIRECT_TLS_SERVICES = frozenset({"xmpps-client"})


@dataclass(frozen=True, slots=True)
class Route:
    """One way to reach the server: connect to host:port, then TLS directly or by STARTTLS."""

    host: str
    port: int
    direct_tls: bool

    @property
    def method(self) -> str:
        """ "direct TLS" or "STARTTLS"."""
        return "direct TLS" if self.direct_tls else "STARTTLS"

    def describe(self) -> str:
        """ "127.0.0.1:5222 (STARTTLS)", "[::1]:5223 (direct TLS)"."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port} ({self.method})"


def routes_for_server(host: str, port: int) -> list[Route]:
    """Both ways to start TLS at one address, the one its port is known for first."""
    direct_first = port in DIRECT_TLS_PORTS
    return [Route(host, port, direct_first), Route(host, port, not direct_first)]


def routes_from_records(domain: str, records: list[tuple[str, str, str, int]]) -> list[Route]:
    """The routes DNS gives, in its order; the domain on port 5222 when there are none.

    Args:
        domain: the account's domain.
        records: slixmpp's resolved records, (service, host, address, port) each.
    """
    routes = [
        Route(address, port, service in DIRECT_TLS_SERVICES)
        for service, _host, address, port in records
    ]
    return list(dict.fromkeys(routes)) or [Route(domain, CLIENT_PORT, direct_tls=False)]


def redirect_route(text: str, current: Route) -> Route | None:
    """The route a see-other-host stream error names ("host", "host:port", "[v6]:port").

    The same way of starting TLS as the current route; port 5222 when none is
    given (RFC 6120 section 4.9.3.19). None when text is not a host.
    """
    text = text.strip()
    host, port = text, CLIENT_PORT
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:])
    elif text.count(":") == 1:
        host, _, number = text.partition(":")
        port = _port(number)
    if not host or port <= 0 or any(char.isspace() or char in "/@" for char in host):
        return None
    return Route(host, port, current.direct_tls)


def _port(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else -1
