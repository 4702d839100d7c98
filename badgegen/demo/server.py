"""The demo's throwaway server: its names, certificate, port and process handling."""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "badgegen.test"
MUC_DOMAIN = f"rooms.{DOMAIN}"
START_TIMEOUT = 30.0
# A throwaway server's certificate needs to outlive the run only.
CERTIFICATE_LIFETIME = datetime.timedelta(days=30)


# The server's own accounts: the rooms' owner and occupant1, occupant2...
OWNER_USER = "owner"
MOST_OCCUPANTS = 32


def occupant_user(number: int) -> str:
    """The account of the number-th occupant in each room (person1 is occupant1)."""
    if not 1 <= number <= MOST_OCCUPANTS:
        raise ValueError(f"there are {MOST_OCCUPANTS} occupant accounts, not {number}")
    return f"occupant{number}"


@dataclass(frozen=True, slots=True)
class LocalServer:
    """A running throwaway XMPP server on 127.0.0.1, with a MUC service."""

    kind: str
    root: Path
    port: int
    ca_file: Path
    ctl: tuple[str, ...]  # the admin command, before "register user host password"
    process_id: int = 0  # the server's own process
    domain: str = DOMAIN
    muc_domain: str = MUC_DOMAIN

    @property
    def address(self) -> str:
        """host:port to pass to `badgegen refresh --server`."""
        return f"127.0.0.1:{self.port}"

    def register(self, user: str, password: str, domain: str | None = None) -> str:
        """Create an account (on the server's own domain unless told) and return its JID."""
        domain = domain or self.domain
        result = subprocess.run(
            [*self.ctl, "register", user, domain, password],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        # The demo's own accounts (the owner, the occupants) may be made twice on one
        # server, always with the same password: ejabberd then says "already registered".
        if result.returncode != 0 and "already registered" not in result.stdout + result.stderr:
            raise RuntimeError(f"{self.kind}: register failed: {result.stdout}{result.stderr}")
        return f"{user}@{domain}"


@dataclass(frozen=True, slots=True)
class Certificate:
    """The files of a server certificate issued by a throwaway CA."""

    cert: Path
    key: Path
    combined: Path  # key and certificate in one PEM, as ejabberd wants
    ca: Path


def make_certificate(
    folder: Path,
    names: tuple[str, ...] = (DOMAIN, MUC_DOMAIN),
    valid_for: datetime.timedelta = CERTIFICATE_LIFETIME,
) -> Certificate:
    """Issue a certificate for names (the demo's domains) from a new CA, valid from now on."""
    import trustme  # only the demo and the tests need it (the `demo` extra)

    folder.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA(organization_name="badgegen demo")
    until = datetime.datetime.now(datetime.UTC) + valid_for
    cert = authority.issue_cert(*names, not_after=until)
    files = Certificate(
        folder / "server.crt", folder / "server.key", folder / "server.pem", folder / "ca.crt"
    )
    cert.cert_chain_pems[0].write_to_path(str(files.cert))
    cert.private_key_pem.write_to_path(str(files.key))
    cert.private_key_and_cert_chain_pem.write_to_path(str(files.combined))
    authority.cert_pem.write_to_path(str(files.ca))
    return files


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_listening(
    port: int, process: subprocess.Popen[bytes], logs: list[Path], name: str
) -> None:
    """Return once port accepts connections; raise with the log's tail if it never does."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}:\n{log_tail(logs)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not listen within {START_TIMEOUT:g} s:\n{log_tail(logs)}")


def log_tail(logs: list[Path]) -> str:
    """The last lines of each log, for errors."""
    lines: list[str] = []
    for log in logs:
        with contextlib.suppress(OSError):
            lines += log.read_text(errors="replace").splitlines()[-20:]
    return "\n".join(lines)


def stop(process: subprocess.Popen[bytes], *, group: bool) -> None:
    """Terminate the server (its process group when it has one), then make sure."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM) if group else process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait()
