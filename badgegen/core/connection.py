"""Where and how a run connects and how long it may wait: what refresh and discover share."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from badgegen.errors import ConfigError

DEFAULT_PORT = 5222


@dataclass(frozen=True, slots=True)
class Connection:
    """How a run reaches its server; the command line's defaults are these.

    `timeout` bounds each wait: the DNS lookup, each route's connection, its
    stream and login, and each query; `deadline` bounds the whole run.
    """

    server: str | None = None  # --server as typed: HOST, HOST:PORT or [IPV6]:PORT
    ca_file: Path | None = None
    timeout: float = 10.0
    deadline: float = 120.0
    concurrency: int = 64

    @property
    def address(self) -> tuple[str, int] | None:
        """--server's host and port; None to follow the account's DNS records.

        Raises:
            ConfigError: --server is not HOST[:PORT].
        """
        return parse_server(self.server) if self.server else None


def parse_server(text: str) -> tuple[str, int]:
    """Parse --server: HOST, HOST:PORT, or [IPV6]:PORT; the port defaults to 5222.

    Args:
        text: the option's value.

    Returns:
        Host and port.

    Raises:
        ConfigError: text is not HOST[:PORT]; the message shows what to write.
    """
    _refuse_urls_and_bare_ipv6(text)
    host, port, valid = text, str(DEFAULT_PORT), True
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        valid = bool(bracket) and (not rest or rest.startswith(":"))
        port = rest[1:] if rest else port
    elif text.count(":") == 1:
        host, port = text.split(":")
    if not (valid and host and port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(
            [f'--server: "{text}" is not HOST[:PORT] (expected e.g. xmpp.example.org:5222)']
        )
    if reason := _host_problem(host, bracketed=text.startswith("[")):
        raise ConfigError([f'--server: "{host}" is not a host name: {reason}'])
    return host, int(port)


def _refuse_urls_and_bare_ipv6(text: str) -> None:
    """A URL, an account or a path, or an IPv6 address without brackets: say what to write."""
    _scheme, separator, rest = text.partition("://")
    if separator or "@" in text or "/" in text:
        plain = rest.split("/")[0] if separator else text.split("/")[0]
        plain = plain.rpartition("@")[2] or "xmpp.example.org"
        raise ConfigError(
            [
                f'--server: "{text}" is not HOST[:PORT] (the server to connect to, without a'
                f" scheme, account or path: e.g. {plain}; the account is BADGEGEN_JID)"
            ]
        )
    if text.count(":") > 1 and not text.startswith("["):
        address, _, last = text.rpartition(":")
        example = f"[{address}]:{last}" if last.isdigit() else f"[{text}]:{DEFAULT_PORT}"
        raise ConfigError(
            [f'--server: "{text}" is ambiguous: write an IPv6 address in brackets, e.g. {example}']
        )


def _host_problem(host: str, *, bracketed: bool) -> str | None:
    """Why host cannot be looked up or connected to at all, or None."""
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "expected an IPv6 address in the brackets"
        return None
    try:
        host.rstrip(".").encode("idna")
    except UnicodeError:
        return "a part between dots is empty or longer than 63 characters"
    return None
