"""A federation lab on loopback: two Prosody servers federating over s2s, names from a local DNS.

- dnsmasq answers for the lab's names on 127.0.0.153 (a free port), and for
  nothing else: a name it does not know is NXDOMAIN, and it never asks the
  machine's resolver (--no-resolv).
- "home" (home.lab.example, s2s on 127.0.0.2) holds the account badgegen
  logs in with; "rooms" (rooms.lab.example, s2s on 127.0.0.3) holds the MUC
  service muc.rooms.lab.example with rooms that real clients occupy. Each resolves through
  lua-unbound forwarding to dnsmasq only, and verifies the other's
  certificate (one lab CA), as federating servers do.
- Remote domains that fail the ways the federation does: missing.lab.example
  does not exist (NXDOMAIN), refused.lab.example points at a port nothing
  listens on (127.0.0.4), silent.lab.example at one that accepts and never
  speaks (127.0.0.5), drop.lab.example at one whose connect() hangs as behind
  a firewall that drops packets (127.0.0.6).
- A slow or hostile remote domain: slow.rooms.lab.example is an XEP-0114
  component of the rooms server (sandbox/component.py drives it, as
  SlowRooms(lab.rooms)), reached from home over s2s like the MUC services.
"""

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
from typing import Any

from badgegen.demo.prosody import MUC_COMPONENT, ProsodySetup, prosody_process, write_config
from badgegen.demo.server import free_port, log_tail, stop
from sandbox import listeners
from sandbox.servers import COMPONENT_SECRET, HELPER_USERS, SandboxServer, component_listener

LAB = "lab.example"
HOME = f"home.{LAB}"
# Not the sandbox's usual badgegen.test: unbound refuses .test names outright.
ROOMS = f"rooms.{LAB}"
MUC = f"muc.{ROOMS}"
SLOW = f"slow.{ROOMS}"  # the component's domain
DNS_ADDRESS = "127.0.0.153"
HOME_ADDRESS, ROOMS_ADDRESS = "127.0.0.2", "127.0.0.3"
# Each dead domain's kind and the address its name resolves to (none: NXDOMAIN).
DEAD = {
    f"missing.{LAB}": None,
    f"refused.{LAB}": "127.0.0.4",
    f"silent.{LAB}": "127.0.0.5",
    f"drop.{LAB}": "127.0.0.6",
}

# Names come from the lab's dnsmasq and nowhere else; certificates prove each server.
LAB_SETTINGS = """\
unlimited_jids = {{ {unlimited_jids} }}
s2s_require_encryption = true
s2s_secure_auth = true
s2s_timeout = {s2s_timeout}
unbound = {{ resolvconf = false; hoststxt = false; forward = "{dns}" }}
{limits}
{components}
"""
HOME_HOSTS = f'VirtualHost "{HOME}"\n'
COMPONENT_HOST = f"""
Component "{SLOW}"
    component_secret = "{COMPONENT_SECRET}"
"""


def muc_domains(count: int) -> list[str]:
    """The rooms server's MUC services: muc.rooms.lab.example, then muc2..., each a domain."""
    return [MUC, *(f"muc{number}.{ROOMS}" for number in range(2, count + 1))]


@dataclass(frozen=True, slots=True)
class Lab:
    """The running lab: the account's server and the rooms' server with its MUC services.

    rooms.component_domain (SLOW) and rooms.component_port are the component's.
    """

    home: SandboxServer
    rooms: SandboxServer
    ca_file: Path
    mucs: tuple[str, ...] = (MUC,)

    def server_for(self, muc: str) -> SandboxServer:
        """The rooms server as seen from one MUC service (for Occupants)."""
        return dataclasses.replace(self.rooms, muc_domain=muc)


def lab_available() -> bool:
    """Whether this machine has what the lab needs (Prosody, lua-unbound, dnsmasq)."""
    unbound = Path("/usr/lib/x86_64-linux-gnu/lua/5.4/lunbound.so")
    return bool(shutil.which("prosody") and shutil.which("dnsmasq")) and (
        unbound.exists() or any(Path("/usr/lib").glob("*/lua/*/lunbound.so"))
    )


@contextlib.contextmanager
def running_lab(
    root: Path, s2s_timeout: int = 60, mucs: int = 1, s2s_limit: str | None = None
) -> Iterator[Lab]:
    """Start dnsmasq, the dead domains' listeners and both Prosody servers in root.

    Args:
        root: an empty folder for everything the lab writes.
        s2s_timeout: how long the servers wait for an s2s connection.
        mucs: how many MUC services (each its own remote domain) the rooms server has.
        s2s_limit: a rate limit on what the home server takes in over s2s
            (mod_limits, e.g. "20kb/s"): the replies from the rooms' domains.
    """
    services = muc_domains(mucs)
    authority, ca_file = _authority(root)
    ports = {"home": free_port(), "rooms": free_port(), "refused": free_port(),
             "component": free_port()}  # fmt: skip
    with contextlib.ExitStack() as stack:
        silent = stack.enter_context(listeners.silent(DEAD[f"silent.{LAB}"] or ""))
        drop = stack.enter_context(listeners.full_backlog(DEAD[f"drop.{LAB}"] or ""))
        s2s_ports = {HOME: ports["home"], ROOMS: ports["rooms"],
                     f"refused.{LAB}": ports["refused"], f"silent.{LAB}": silent,
                     f"drop.{LAB}": drop}  # fmt: skip
        s2s_ports |= dict.fromkeys([*services, SLOW], ports["rooms"])
        dns_port = stack.enter_context(_dnsmasq(root / "dns", s2s_ports))
        dns = f"{DNS_ADDRESS}@{dns_port}"
        home = stack.enter_context(
            _prosody(
                root / "home", [HOME], (HOME_ADDRESS, ports["home"]), HOME_HOSTS,
                authority=authority, dns=dns, s2s_timeout=s2s_timeout, s2s_limit=s2s_limit,
            )
        )  # fmt: skip
        rooms = stack.enter_context(
            _prosody(
                root / "rooms", [ROOMS, *services, SLOW], (ROOMS_ADDRESS, ports["rooms"]),
                f'VirtualHost "{ROOMS}"\n'
                + "".join(MUC_COMPONENT.format(domain=muc) for muc in services)
                + COMPONENT_HOST,
                authority=authority, dns=dns, s2s_timeout=s2s_timeout,
                component_port=ports["component"],
            )
        )  # fmt: skip
        yield Lab(home, rooms, ca_file, tuple(services))


def _authority(root: Path) -> tuple[Any, Path]:
    """The lab's CA, and its certificate written to root/ca.pem for clients to trust."""
    import trustme

    root.mkdir(parents=True, exist_ok=True)
    authority = trustme.CA()
    ca_file = root / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return authority, ca_file


@contextlib.contextmanager
def _prosody(
    root: Path,
    names: list[str],
    s2s: tuple[str, int],
    hosts: str,
    *,
    authority: object,
    dns: str,
    s2s_timeout: int,
    s2s_limit: str | None = None,
    component_port: int | None = None,
) -> Iterator[SandboxServer]:
    """A lab Prosody serving names, its s2s listener on s2s (address, port), and the
    component's listener on component_port when given."""
    root.mkdir(parents=True, exist_ok=True)
    certificate = authority.issue_cert(*names)  # type: ignore[attr-defined]
    cert, key = root / "cert.pem", root / "key.pem"
    certificate.cert_chain_pems[0].write_to_path(str(cert))
    certificate.private_key_pem.write_to_path(str(key))
    c2s_port = free_port()
    limits = f'limits = {{ s2sin = {{ rate = "{s2s_limit}"; burst = "2s" }} }}' if s2s_limit else ""
    settings = LAB_SETTINGS.format(
        unlimited_jids=", ".join(f'"{user}@{names[0]}"' for user in HELPER_USERS),
        s2s_timeout=s2s_timeout, dns=dns, limits=limits,
        components=component_listener(component_port),
    )  # fmt: skip
    setup = ProsodySetup(
        root, c2s_port, cert, key, hosts, ca=root.parent / "ca.pem",
        modules=("dialback", "s2s_auth_certs", *(("limits",) if s2s_limit else ())),
        settings=settings, s2s=s2s, log_level="debug",
    )  # fmt: skip
    config = write_config(setup)
    with prosody_process(config, c2s_port) as process_id:
        ctl = ("prosodyctl", "--config", str(config))
        yield SandboxServer(
            "prosody", root, c2s_port, setup.ca or cert, ctl, process_id,
            domain=names[0], muc_domain=names[min(1, len(names) - 1)],
            component_port=component_port or 0, component_domain=SLOW,
        )  # fmt: skip


@contextlib.contextmanager
def _dnsmasq(root: Path, s2s_ports: dict[str, int]) -> Iterator[int]:
    """dnsmasq for the lab's names only: A and SRV records, NXDOMAIN for the rest."""
    root.mkdir(parents=True, exist_ok=True)
    port = _free_udp_port(DNS_ADDRESS)
    addresses = {HOME: HOME_ADDRESS} | {
        name: ROOMS_ADDRESS for name in s2s_ports if name.endswith(ROOMS)} | {
        name: address for name, address in DEAD.items() if address}  # fmt: skip
    command = [
        "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
        "--no-poll", "--bind-interfaces", f"--listen-address={DNS_ADDRESS}", f"--port={port}",
        "--user=", "--group=", "--pid-file=", f"--log-facility={root}/dnsmasq.log", "--log-queries",
        f"--local=/{LAB}/",
    ]  # fmt: skip
    for name, address in addresses.items():
        command.append(f"--host-record={name},{address}")
        if name in s2s_ports:
            command.append(f"--srv-host=_xmpp-server._tcp.{name},{name},{s2s_ports[name]}")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_dns(port, process, root)
        yield port
    finally:
        stop(process, group=False)


def _wait_for_dns(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"dnsmasq exited with {process.returncode}: {error}")
        with contextlib.suppress(OSError), socket.create_connection((DNS_ADDRESS, port), 0.2):
            return  # it answers over TCP too, once it is ready
        time.sleep(0.05)
    raise RuntimeError(f"dnsmasq did not start:\n{log_tail([root / 'dnsmasq.log'])}")


def _free_udp_port(address: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((address, 0))
        port = int(udp.getsockname()[1])
    with socket.socket() as tcp:  # dnsmasq wants the TCP port too
        tcp.bind((address, port))
    return port
