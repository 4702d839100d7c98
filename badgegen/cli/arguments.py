"""Turn command-line values into the core's values; bad ones are ConfigErrors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from badgegen.config import Config, Room
from badgegen.config.logo import Logo
from badgegen.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from badgegen.core.state import RoomState
    from badgegen.xmpp import ConnectOptions


def parse_server(text: str) -> tuple[str, int]:
    """Parse --server: HOST, HOST:PORT, or [IPV6]:PORT; the port defaults to 5222.

    Args:
        text: the option's value.

    Returns:
        Host and port.
    """
    host, port, valid = text, "5222", True
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
        example = f"[{address}]:{last}" if last.isdigit() else f"[{text}]:5222"
        raise ConfigError(
            [f'--server: "{text}" is ambiguous: write an IPv6 address in brackets, e.g. {example}']
        )
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


def _host_problem(host: str, *, bracketed: bool) -> str | None:
    """Why host cannot be looked up or connected to at all, or None."""
    import ipaddress

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


def choose_rooms(
    config: Config, names: tuple[str, ...], states: Mapping[str, RoomState] | None = None
) -> tuple[Room, ...]:
    """The rooms named by JID or file name, or all when none are named.

    Args:
        config: rooms.yaml.
        names: the rooms asked for; none: all.
        states: the last record, whose rooms found by `discover:` (and still on the
            page) count as rooms too.

    Raises:
        ConfigError: a name matches no room.
    """
    rooms = (*config.rooms, *discovered(config, states or {}))
    if not names:
        return rooms
    by_name = {key.casefold(): room for room in rooms for key in (room.jid, room.file)}
    unknown = [name for name in names if name.casefold() not in by_name]
    if unknown:
        raise ConfigError([f'"{name}" is not a room in {config.path}' for name in unknown])
    return tuple(by_name[name.casefold()] for name in names)


def discovered(config: Config, states: Mapping[str, RoomState]) -> list[Room]:
    """The rooms the record says `discover:` entries found (their files are published, on
    the page or left), with their entry's options."""
    entries = {entry.service: entry for entry in config.discover}
    configured = {room.jid for room in config.rooms}
    return [
        entries[state.service].room(jid)
        for jid, state in sorted(states.items())
        if state.service in entries and jid not in configured
    ]


def color_option(option: str, text: str) -> str:
    """A colour option's SVG colour, or a ConfigError naming the option."""
    from badgegen.text.colors import closest_color, expected_color, parse_color

    color = parse_color(text)
    if color is None:
        close = closest_color(text)
        hint = f'did you mean "{close}"? ' if close else ""
        raise ConfigError(
            [f'{option}: "{text}" is not a colour ({hint}expected {expected_color()})']
        )
    return color


def logo_option(text: str) -> Logo:
    """--logo: a logo's name (xmpp, or any Simple Icons name) or an SVG file, or a ConfigError."""
    from badgegen.config.icons import find_logo

    try:
        return find_logo(text, Path())
    except ValueError as exc:
        raise ConfigError([f"--logo: {exc}"]) from exc


class Connecting(Protocol):
    """The options of a command that connects (refresh, discover), as typed."""

    @property
    def server(self) -> str | None: ...
    @property
    def ca_file(self) -> Path | None: ...
    @property
    def timeout(self) -> float: ...
    @property
    def deadline(self) -> float: ...
    @property
    def concurrency(self) -> int: ...


def connect_options(options: Connecting) -> ConnectOptions:
    """Where and how a command connects, from its options.

    Args:
        options: the command's options.
    """
    # Importing slixmpp takes a fifth of a second; --help and check skip it.
    from badgegen.xmpp import ConnectOptions

    if options.ca_file:
        _check_ca_file(options.ca_file)

    return ConnectOptions(
        server=parse_server(options.server) if options.server else None,
        ca_file=options.ca_file,
        timeout=options.timeout,
        deadline=options.deadline,
        concurrency=options.concurrency,
    )


MAX_CA_FILE_BYTES = 1024 * 1024


def _check_ca_file(path: Path) -> None:
    """--ca-file must be a regular file of sensible size (OpenSSL would block on a FIFO)
    holding certificates: a wrong file would fail every TLS handshake, far from its cause."""
    import ssl

    from badgegen.reading import NotReadable, read_bounded

    try:
        read_bounded(path, MAX_CA_FILE_BYTES)
    except NotReadable as exc:
        raise ConfigError([f"--ca-file: {exc} (expected a PEM file of at most 1 MiB)"]) from exc
    except OSError as exc:
        raise ConfigError([f"--ca-file: cannot read {path}: {exc.strerror}"]) from exc
    try:
        # By name, as OpenSSL reads it (a bundle's comments may be UTF-8): a regular file now.
        ssl.create_default_context().load_verify_locations(cafile=str(path))
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        raise ConfigError(
            [
                f"--ca-file: {path} holds no certificate (expected the PEM certificate of the"
                " authority that signed your server's, starting -----BEGIN CERTIFICATE-----)"
            ]
        ) from exc
