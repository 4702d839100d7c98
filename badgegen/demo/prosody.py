"""The demo's throwaway Prosody on 127.0.0.1: one host, a MUC service, everything in a folder."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from badgegen.demo.server import (
    DOMAIN,
    MUC_DOMAIN,
    LocalServer,
    free_port,
    make_certificate,
    stop,
    wait_until_listening,
)

CONFIG = """\
-- Written by badgegen; everything lives in {root}.
run_as_root = true
daemonize = false
pidfile = "{root}/prosody.pid"
data_path = "{root}/data"
certificates = "{root}/certs"
log = {{ {{ levels = {{ min = "{log_level}" }}, to = "file", filename = "{root}/prosody.log" }} }}
c2s_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {c2s_port} }}
s2s_interfaces = {{ "{s2s_address}" }}
s2s_ports = {{ {s2s_port} }}
c2s_direct_tls_ports = {{}}
s2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
http_ports = {{}}
https_ports = {{}}
modules_enabled = {{ "roster", "saslauth", "tls", "disco", "ping"{modules} }}
modules_disabled = {{ "offline", "c2s_direct_tls", "s2s_direct_tls"{disabled} }}
authentication = "internal_hashed"
c2s_require_encryption = true
ssl = {{ certificate = "{cert}", key = "{key}"{cafile} }}
{settings}
{hosts}
"""
MUC_COMPONENT = """
Component "{domain}" "muc"
    muc_room_locking = false
    muc_room_default_public = true
    muc_room_default_persistent = true
    -- Keep every room in memory, however many (Prosody's default keeps 100).
    muc_room_cache_size = 10000
"""


@dataclass(frozen=True, slots=True)
class ProsodySetup:
    """What a throwaway Prosody is: its folder, ports, certificate, hosts and settings.

    The demo's is one host and its MUC service on 127.0.0.1; other setups add
    hosts, modules, settings (which may override the ones here) and federation.
    """

    root: Path
    c2s_port: int
    cert: Path
    key: Path
    hosts: str  # VirtualHost and Component sections (Lua)
    ca: Path | None = None  # to verify other servers' certificates (s2s)
    modules: tuple[str, ...] = ()  # besides the ones every setup has
    settings: str = ""  # more global settings (Lua)
    s2s: tuple[str, int] | None = None  # where to listen for federation; None: none
    log_level: str = "info"

    def config(self) -> str:
        """The setup as a prosody.cfg.lua."""
        address, port = self.s2s or ("127.0.0.1", "")
        return CONFIG.format(
            root=self.root, log_level=self.log_level, c2s_port=self.c2s_port,
            s2s_address=address, s2s_port=port,
            modules="".join(f', "{module}"' for module in self.modules),
            disabled="" if self.s2s else ', "s2s"', cert=self.cert, key=self.key,
            cafile=f', cafile = "{self.ca}"' if self.ca else "", settings=self.settings,
            hosts=self.hosts,
        )  # fmt: skip


def demo_hosts(more: str = "") -> str:
    """The demo's host and MUC service, with more hosts (Lua) between them when given."""
    return f'VirtualHost "{DOMAIN}"\n{more}' + MUC_COMPONENT.format(domain=MUC_DOMAIN)


def prosody_available() -> bool:
    """Whether Debian's prosody and prosodyctl are on PATH."""
    return bool(shutil.which("prosody") and shutil.which("prosodyctl"))


@contextlib.contextmanager
def running_prosody(root: Path) -> Iterator[LocalServer]:
    """Run the demo's Prosody in root until the block ends.

    Args:
        root: an empty folder for its config, certificate, data and log.

    Yields:
        The running server.
    """
    port, certificate = free_port(), make_certificate(root / "certs")
    config = write_config(ProsodySetup(root, port, certificate.cert, certificate.key, demo_hosts()))
    with prosody_process(config, port) as process_id:
        ctl = ("prosodyctl", "--config", str(config))
        yield LocalServer("prosody", root, port, certificate.ca, ctl, process_id)


def write_config(setup: ProsodySetup) -> Path:
    """Write setup's prosody.cfg.lua into its folder (with data/ beside it); return its path."""
    (setup.root / "data").mkdir(parents=True, exist_ok=True)
    config = setup.root / "prosody.cfg.lua"
    config.write_text(setup.config(), encoding="utf-8")
    return config


@contextlib.contextmanager
def prosody_process(config: Path, port: int) -> Iterator[int]:
    """Run `prosody -F` with config (its logs beside it) until the block ends.

    Args:
        config: the config file; prosody.out and prosody.log go to its folder.
        port: a port it listens on, to know it has started.

    Yields:
        The server's process id.
    """
    root = config.parent
    with (root / "prosody.out").open("wb") as log:
        # In a session of its own: Ctrl-C in the terminal reaches badgegen only, which then
        # stops the server (Prosody would otherwise stop under a demo --keep that ignores it).
        process = subprocess.Popen(
            ["prosody", "-F", "--config", str(config)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        try:
            logs = [root / "prosody.out", root / "prosody.log"]
            wait_until_listening(port, process, logs, "prosody")
            yield process.pid
        finally:
            stop(process, group=False)
