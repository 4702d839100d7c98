"""The tests' servers: the demo's Prosody (or ejabberd) with more hosts, a component, limits."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from badgegen.demo.prosody import ProsodySetup, demo_hosts, prosody_process, write_config
from badgegen.demo.server import (
    DOMAIN,
    MOST_OCCUPANTS,
    MUC_DOMAIN,
    OWNER_USER,
    LocalServer,
    free_port,
    make_certificate,
    occupant_user,
)

ANONYMOUS_DOMAIN = f"anon.{DOMAIN}"
# A host the certificate does not name, for TLS failure tests.
UNCERTIFIED_DOMAIN = "uncertified.test"
# An external component (XEP-0114) the tests drive, for slow, silent or hostile rooms.
COMPONENT_DOMAIN = f"slow.{DOMAIN}"
COMPONENT_SECRET = "sandbox-component"
# Rate limits, when on, spare these, so that only the client under test meets them.
HELPER_USERS = (OWNER_USER, *(occupant_user(n) for n in range(1, MOST_OCCUPANTS + 1)))
# The names every sandbox server's config is written with, besides its own settings.
NAMES = {
    "domain": DOMAIN,
    "muc_domain": MUC_DOMAIN,
    "anonymous_domain": ANONYMOUS_DOMAIN,
    "uncertified_domain": UNCERTIFIED_DOMAIN,
    "component_domain": COMPONENT_DOMAIN,
    "component_secret": COMPONENT_SECRET,
}

PROSODY_SETTINGS = """\
unlimited_jids = {{ {unlimited_jids} }}
{components}
"""
PROSODY_HOSTS = """\
VirtualHost "{anonymous_domain}"
    authentication = "anonymous"

VirtualHost "{uncertified_domain}"

Component "{component_domain}"
    component_secret = "{component_secret}"
"""


def component_listener(port: int | None) -> str:
    """Prosody settings (Lua) for XEP-0114 components to connect on port; none when None.

    Stanzas from a component may be 8 MiB, not 512 KiB (Prosody's default, past which it
    drops the component's connection): the avatar-huge room's vCard is 3 MB. The limit is
    global: mod_component is a global module, and reads no Component section for it."""
    if port is None:
        return ""
    return (
        f'component_interfaces = {{ "127.0.0.1" }}\ncomponent_ports = {{ {port} }}\n'
        "component_stanza_size_limit = 8 * 1024 * 1024"
    )


@dataclass(frozen=True, slots=True)
class SandboxServer(LocalServer):
    """A test server: the demo's, plus an anonymous host, an uncertified host and a component."""

    component_port: int = 0
    anonymous_domain: str = ANONYMOUS_DOMAIN
    uncertified_domain: str = UNCERTIFIED_DOMAIN
    component_domain: str = COMPONENT_DOMAIN

    def kill(self) -> None:
        """End the server at once (SIGKILL), as a crash would."""
        os.kill(self.process_id, signal.SIGKILL)


@contextlib.contextmanager
def running_sandbox_prosody(
    root: Path, *, rate_limits: bool = False, valid_for: timedelta = timedelta(days=30)
) -> Iterator[SandboxServer]:
    """Run the demo's Prosody with the sandbox's hosts and component in root until the block ends.

    Args:
        root: an empty folder for its config, certificate, data and log.
        rate_limits: enable mod_limits with its default client limit (10 KiB/s),
            for every account but the sandbox's owner and occupants.
        valid_for: how long its certificate lasts (a soak moves clocks years ahead).
    """
    port, component_port = free_port(), free_port()
    names = (DOMAIN, MUC_DOMAIN, ANONYMOUS_DOMAIN)
    certificate = make_certificate(root / "certs", names, valid_for)
    settings = PROSODY_SETTINGS.format(
        unlimited_jids=", ".join(f'"{user}@{DOMAIN}"' for user in HELPER_USERS),
        components=component_listener(component_port),
    )
    setup = ProsodySetup(
        root, port, certificate.cert, certificate.key, demo_hosts(PROSODY_HOSTS.format(**NAMES)),
        modules=("limits",) if rate_limits else (), settings=settings,
    )  # fmt: skip
    config = write_config(setup)
    with prosody_process(config, port) as process_id:
        ctl = ("prosodyctl", "--config", str(config))
        yield SandboxServer(
            "prosody", root, port, certificate.ca, ctl, process_id, component_port=component_port
        )


def prosody_version() -> str:
    """The version of the Prosody first on PATH (the tests' servers), read from its source
    tree's prosody.version as its `prosody` script names the tree (CFG_SOURCEDIR), without
    starting it (`prosody --version` starts a server)."""
    script = shutil.which("prosody")
    if script is None:
        return ""
    found = re.search(r"CFG_SOURCEDIR\s*=\s*'([^']+)'", Path(script).read_text("utf-8"))
    if found is None:
        return ""
    try:
        return (Path(found.group(1)) / "prosody.version").read_text("utf-8").strip()
    except OSError:
        return ""
