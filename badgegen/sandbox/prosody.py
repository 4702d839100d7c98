"""Start a throwaway Prosody on 127.0.0.1 with its config, data and certificate in a folder."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "badgegen.test"
MUC_DOMAIN = f"rooms.{DOMAIN}"
ANONYMOUS_DOMAIN = f"anon.{DOMAIN}"
# A host the certificate does not name, for TLS failure tests.
UNCERTIFIED_DOMAIN = "uncertified.test"
# An external component (XEP-0114) the tests drive, for slow or silent rooms.
COMPONENT_DOMAIN = f"slow.{DOMAIN}"
COMPONENT_SECRET = "sandbox-component"  # noqa: S105 (a throwaway server's)
START_TIMEOUT = 20.0

CONFIG = """\
-- Written by badgegen's sandbox; everything lives in {root}.
run_as_root = true
daemonize = false
pidfile = "{root}/prosody.pid"
data_path = "{root}/data"
certificates = "{root}/certs"
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{root}/prosody.log" }} }}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
component_ports = {{ {component_port} }}
component_interfaces = {{ "127.0.0.1" }}
http_ports = {{}}
https_ports = {{}}
modules_enabled = {{ "roster", "saslauth", "tls", "disco", "ping"{extra_modules} }}
modules_disabled = {{ "s2s", "offline", "c2s_direct_tls" }}
authentication = "internal_hashed"
c2s_require_encryption = true
ssl = {{ certificate = "{root}/certs/server.crt", key = "{root}/certs/server.key" }}

VirtualHost "{domain}"

VirtualHost "{anonymous_domain}"
    authentication = "anonymous"

VirtualHost "{uncertified_domain}"

Component "{component_domain}"
    component_secret = "{component_secret}"

Component "{muc_domain}" "muc"
    muc_room_locking = false
    muc_room_default_public = true
    muc_room_default_persistent = true
    -- Keep every sample room in memory; Prosody's default keeps 100.
    muc_room_cache_size = 10000
"""


@dataclass(frozen=True, slots=True)
class ProsodyServer:
    """A running throwaway Prosody."""

    root: Path
    port: int
    ca_file: Path
    config: Path
    component_port: int
    process_id: int = 0
    domain: str = DOMAIN
    muc_domain: str = MUC_DOMAIN
    anonymous_domain: str = ANONYMOUS_DOMAIN
    uncertified_domain: str = UNCERTIFIED_DOMAIN
    component_domain: str = COMPONENT_DOMAIN

    @property
    def address(self) -> str:
        """host:port to pass to `badgegen refresh --server`."""
        return f"127.0.0.1:{self.port}"

    def register(self, user: str, password: str, domain: str = DOMAIN) -> str:
        """Create an account and return its JID."""
        _prosodyctl(self.config, "register", user, domain, password)
        return f"{user}@{domain}"


def prosody_available() -> bool:
    """Whether Debian's prosody and prosodyctl are on PATH."""
    return bool(shutil.which("prosody") and shutil.which("prosodyctl"))


@contextlib.contextmanager
def running_prosody(root: Path, *, rate_limits: bool = False) -> Iterator[ProsodyServer]:
    """Run Prosody in root until the block ends.

    Args:
        root: an empty folder for its config, certificate, data and log.
        rate_limits: enable mod_limits with its default client limit (10 kB/s).

    Yields:
        The running server.
    """
    server = _prepare(root, free_port(), rate_limits)
    log = (root / "prosody.out").open("wb")
    process = subprocess.Popen(
        ["prosody", "-F", "--config", str(server.config)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait_until_listening(server, process)
        yield dataclasses.replace(server, process_id=process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(root: Path, port: int, rate_limits: bool) -> ProsodyServer:
    for folder in ("data", "certs"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    ca_file = _make_certificate(root / "certs")
    config = root / "prosody.cfg.lua"
    component_port = free_port()
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            component_port=component_port,
            extra_modules=', "limits"' if rate_limits else "",
            domain=DOMAIN,
            anonymous_domain=ANONYMOUS_DOMAIN,
            uncertified_domain=UNCERTIFIED_DOMAIN,
            component_domain=COMPONENT_DOMAIN,
            component_secret=COMPONENT_SECRET,
            muc_domain=MUC_DOMAIN,
        ),
        encoding="utf-8",
    )
    return ProsodyServer(root, port, ca_file, config, component_port)


def _make_certificate(folder: Path) -> Path:
    """Issue the server a certificate from a new CA; return the CA's file."""
    import trustme  # only the sandbox needs it (the `sandbox` extra)

    authority = trustme.CA(organization_name="badgegen sandbox")
    cert = authority.issue_cert(DOMAIN, MUC_DOMAIN, ANONYMOUS_DOMAIN)
    cert.private_key_pem.write_to_path(str(folder / "server.key"))
    cert.cert_chain_pems[0].write_to_path(str(folder / "server.crt"))
    authority.cert_pem.write_to_path(str(folder / "ca.crt"))
    return folder / "ca.crt"


def _wait_until_listening(server: ProsodyServer, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prosody exited with {process.returncode}:\n{_log_tail(server)}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", server.port), 0.5),
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"prosody did not listen within {START_TIMEOUT:g} s:\n{_log_tail(server)}")


def _log_tail(server: ProsodyServer) -> str:
    lines: list[str] = []
    for name in ("prosody.out", "prosody.log"):
        with contextlib.suppress(OSError):
            lines += (server.root / name).read_text(errors="replace").splitlines()[-20:]
    return "\n".join(lines)


def _prosodyctl(config: Path, *args: str) -> None:
    result = subprocess.run(
        ["prosodyctl", "--config", str(config), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if result.returncode != 0:
        raise RuntimeError(f"prosodyctl {args[0]} failed: {result.stdout}{result.stderr}")
