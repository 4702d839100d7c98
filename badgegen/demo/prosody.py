"""The demo's throwaway Prosody on 127.0.0.1: one host, a MUC service, everything in a folder."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from badgegen.demo.server import (
    DOMAIN,
    MUC_DOMAIN,
    Certificate,
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
log = {{ {{ levels = {{ min = "info" }}, to = "file", filename = "{root}/prosody.log" }} }}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {port} }}
c2s_direct_tls_ports = {{}}
legacy_ssl_ports = {{}}
s2s_ports = {{}}
http_ports = {{}}
https_ports = {{}}
modules_enabled = {{ "roster", "saslauth", "tls", "disco", "ping"{more_modules} }}
modules_disabled = {{ "s2s", "offline", "c2s_direct_tls" }}
authentication = "internal_hashed"
c2s_require_encryption = true
ssl = {{ certificate = "{certificate.cert}", key = "{certificate.key}" }}
{settings}
VirtualHost "{domain}"
{hosts}
Component "{muc_domain}" "muc"
    muc_room_locking = false
    muc_room_default_public = true
    muc_room_default_persistent = true
    -- Keep every room in memory, however many (Prosody's default keeps 100).
    muc_room_cache_size = 10000
"""


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
    (root / "data").mkdir(parents=True, exist_ok=True)
    port, certificate = free_port(), make_certificate(root / "certs")
    config = root / "prosody.cfg.lua"
    config.write_text(prosody_config(root, port, certificate), encoding="utf-8")
    with prosody_process(config, port) as process_id:
        ctl = ("prosodyctl", "--config", str(config))
        yield LocalServer("prosody", root, port, certificate.ca, ctl, process_id)


def prosody_config(
    root: Path,
    port: int,
    certificate: Certificate,
    *,
    modules: tuple[str, ...] = (),
    settings: str = "component_ports = {}",
    hosts: str = "",
) -> str:
    """The demo's Prosody config, with more modules, settings and hosts when given (Lua).

    Args:
        root: the server's folder.
        port: its client port on 127.0.0.1.
        certificate: for the demo's domains.
        modules: modules to enable besides the demo's.
        settings: global settings not in the demo's (by default: no component port).
        hosts: VirtualHost and Component sections, after the demo's host.
    """
    return CONFIG.format(
        root=root,
        port=port,
        certificate=certificate,
        domain=DOMAIN,
        muc_domain=MUC_DOMAIN,
        more_modules="".join(f', "{module}"' for module in modules),
        settings=settings,
        hosts=hosts,
    )


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
