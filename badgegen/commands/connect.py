"""A connection's settings checked before anything connects: --server and --ca-file."""

from __future__ import annotations

from pathlib import Path

from badgegen.core.connection import Connection
from badgegen.errors import ConfigError
from badgegen.reading import NotReadable, read_bounded

MAX_CA_FILE_BYTES = 1024 * 1024


def check_connection(connection: Connection) -> Connection:
    """The connection, once --server parses and --ca-file holds a certificate.

    Raises:
        ConfigError: either is wrong; the message names it and what to write.
    """
    _ = connection.address  # parses --server, or raises
    if connection.ca_file:
        check_ca_file(connection.ca_file)
    return connection


def check_ca_file(path: Path) -> None:
    """--ca-file must be a regular file of sensible size (OpenSSL would block on a FIFO)
    holding certificates: a wrong file would fail every TLS handshake, far from its cause.

    Raises:
        ConfigError: it is not such a file.
    """
    try:
        read_bounded(path, MAX_CA_FILE_BYTES)
    except NotReadable as exc:
        raise ConfigError([f"--ca-file: {exc} (expected a PEM file of at most 1 MiB)"]) from exc
    except OSError as exc:
        raise ConfigError([f"--ca-file: cannot read {path}: {exc.strerror}"]) from exc
    import ssl  # not at the top: `badgegen check` and --help do without it

    try:
        # By name, as OpenSSL reads it (a bundle's comments may be UTF-8): a regular file now.
        # A bare context: the system's CAs (tens of milliseconds to load) are not the question.
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=str(path))
    except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
        raise ConfigError(
            [
                f"--ca-file: {path} holds no certificate (expected the PEM certificate of the"
                " authority that signed your server's, starting -----BEGIN CERTIFICATE-----)"
            ]
        ) from exc
