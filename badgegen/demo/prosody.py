"""Start a throwaway Prosody on 127.0.0.1 with its config, data and certificate in a folder."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from badgegen.demo.server import (
    DOMAIN,
    HELPER_USERS,
    NAMES,
    SandboxServer,
    free_port,
    make_certificate,
    stop,
    wait_until_listening,
)

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
unlimited_jids = {{ {unlimited_jids} }}
authentication = "internal_hashed"
c2s_require_encryption = true
ssl = {{ certificate = "{certificate.cert}", key = "{certificate.key}" }}

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


def prosody_available() -> bool:
    """Whether Debian's prosody and prosodyctl are on PATH."""
    return bool(shutil.which("prosody") and shutil.which("prosodyctl"))


@contextlib.contextmanager
def running_prosody(root: Path, *, rate_limits: bool = False) -> Iterator[SandboxServer]:
    """Run Prosody in root until the block ends.

    Args:
        root: an empty folder for its config, certificate, data and log.
        rate_limits: enable mod_limits with its default client limit (10 KiB/s),
            for every account but the sandbox's owner and occupants.

    Yields:
        The running server.
    """
    server = _prepare(root, free_port(), rate_limits)
    with prosody_process(root / "prosody.cfg.lua", server.port) as process_id:
        yield dataclasses.replace(server, process_id=process_id)


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
        process = subprocess.Popen(
            ["prosody", "-F", "--config", str(config)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            logs = [root / "prosody.out", root / "prosody.log"]
            wait_until_listening(port, process, logs, "prosody")
            yield process.pid
        finally:
            stop(process, group=False)


def _prepare(root: Path, port: int, rate_limits: bool) -> SandboxServer:
    (root / "data").mkdir(parents=True, exist_ok=True)
    certificate = make_certificate(root / "certs")
    component_port = free_port()
    config = root / "prosody.cfg.lua"
    config.write_text(
        CONFIG.format(
            root=root,
            port=port,
            component_port=component_port,
            certificate=certificate,
            extra_modules=', "limits"' if rate_limits else "",
            unlimited_jids=", ".join(f'"{user}@{DOMAIN}"' for user in HELPER_USERS),
            **NAMES,
        ),
        encoding="utf-8",
    )
    ctl = ("prosodyctl", "--config", str(config))
    return SandboxServer("prosody", root, port, certificate.ca, component_port, ctl)
