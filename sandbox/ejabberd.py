"""Start a throwaway ejabberd on 127.0.0.1: own config, spool, logs and Erlang distribution port.

Debian's ejabberdctl runs ejabberd as the `ejabberd` user when started by
root, so the server's folder is made in /tmp and handed to that user.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from badgegen.demo.server import free_port, make_certificate, stop, wait_until_listening
from sandbox.servers import ANONYMOUS_DOMAIN, HELPER_USERS, NAMES, SandboxServer

SERVICE_USER = "ejabberd"

CONFIG = """\
# Written by badgegen's sandbox; everything lives in {root}.
hosts:
  - {domain}
  - {anonymous_domain}
  - {uncertified_domain}
loglevel: info
certfiles:
  - "{certificate.combined}"
ca_file: "{certificate.ca}"
listen:
  -
    port: {port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls_required: true
    shaper: c2s_shaper
  -
    port: {component_port}
    ip: "127.0.0.1"
    module: ejabberd_service
    hosts:
      "{component_domain}":
        password: "{component_secret}"
auth_method: internal
host_config:
  {anonymous_domain}:
    auth_method: anonymous
    anonymous_protocol: sasl_anon
shaper:
  # ejabberd's default client shaper: 3,000 B/s after a 20 kB burst.
  normal:
    rate: 3000
    burst_size: 20000
shaper_rules:
  c2s_shaper:
    none: sandbox_helpers
    {shaper}: all
acl:
  local:
    user_regexp: ""
  sandbox_helpers:
    user: [{helper_users}]
access_rules:
  local:
    allow: local
modules:
  mod_disco: {{}}
  mod_roster: {{}}
  mod_ping: {{}}
  mod_muc:
    host: "rooms.@HOST@"
    access: all
    access_create: all
    access_persistent: all
    access_admin: none
    # max_rooms_discoitems stays at its default (100): discovery must page through it.
    # The default (100) would keep an occupant account out of the 101st room.
    max_user_conferences: 100000
    default_room_options:
      persistent: true
      public: true
"""

CTL_CONFIG = """\
ERLANG_NODE=badgegen{port}@localhost
INET_DIST_INTERFACE=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
ERL_DIST_PORT={dist_port}
"""


def ejabberd_available() -> bool:
    """Whether Debian's ejabberd is installed and can be started here (as root)."""
    return bool(shutil.which("ejabberdctl")) and os.geteuid() == 0 and _has_service_user()


@contextlib.contextmanager
def running_ejabberd(*, rate_limits: bool = False) -> Iterator[SandboxServer]:
    """Run ejabberd in a new folder until the block ends, then remove the folder.

    Args:
        rate_limits: apply ejabberd's default `normal` client shaper to every
            account but the sandbox's owner and occupants.

    Yields:
        The running server.
    """
    root = Path(tempfile.mkdtemp(prefix="badgegen-ejabberd-"))
    try:
        server = _prepare(root, rate_limits)
        with (root / "ejabberd.out").open("wb") as log:
            process = subprocess.Popen(
                [*server.ctl, "foreground"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=root, start_new_session=True,
            )  # fmt: skip
            beam = 0
            try:
                logs = [root / "ejabberd.out", root / "logs" / "ejabberd.log"]
                wait_until_listening(server.port, process, logs, "ejabberd")
                beam = _beam_pid(server.port)
                yield dataclasses.replace(server, process_id=beam)
            finally:
                _stop(process, beam)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _prepare(root: Path, rate_limits: bool) -> SandboxServer:
    for folder in ("spool", "logs"):
        (root / folder).mkdir()
    certificate = make_certificate(
        root / "certs", (NAMES["domain"], NAMES["muc_domain"], ANONYMOUS_DOMAIN)
    )
    port, component_port = free_port(), free_port()
    (root / "ejabberd.yml").write_text(
        CONFIG.format(
            root=root,
            port=port,
            component_port=component_port,
            certificate=certificate,
            shaper="normal" if rate_limits else "none",
            helper_users=", ".join(HELPER_USERS),
            **NAMES,
        ),
        encoding="utf-8",
    )
    (root / "ejabberdctl.cfg").write_text(CTL_CONFIG.format(port=port, dist_port=free_port()))
    _hand_over(root)
    ctl = (
        "ejabberdctl", "--config-dir", str(root), "--config", str(root / "ejabberd.yml"),
        "--ctl-config", str(root / "ejabberdctl.cfg"), "--spool", str(root / "spool"),
        "--logs", str(root / "logs"),
    )  # fmt: skip
    return SandboxServer("ejabberd", root, port, certificate.ca, ctl, component_port=component_port)


def _beam_pid(port: int) -> int:
    """The Erlang VM's process: su starts it in a session of its own, out of our reach."""
    node = f"badgegen{port}@localhost"
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                arguments = (entry / "cmdline").read_bytes().split(b"\0")
                is_vm = arguments[0].endswith(b"beam.smp")  # not su or the shell before it
                if is_vm and b"-sname" in arguments and node.encode() in arguments:
                    return int(entry.name)
    raise RuntimeError(f"ejabberd's Erlang VM ({node}) is not running")


def _stop(process: subprocess.Popen[bytes], beam: int) -> None:
    """Stop the VM (it would outlive ejabberdctl), then ejabberdctl itself."""
    if beam:
        with contextlib.suppress(ProcessLookupError):
            os.kill(beam, signal.SIGTERM)
        for _ in range(150):
            if not Path(f"/proc/{beam}").exists():
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(beam, signal.SIGKILL)
    stop(process, group=True)


def _hand_over(root: Path) -> None:
    """Let the ejabberd user (ejabberdctl's choice when run by root) read and write root."""
    user = pwd.getpwnam(SERVICE_USER)
    root.chmod(0o755)
    for path in [root, *root.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)


def _has_service_user() -> bool:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        return False
    return True


def started_version(root: Path) -> str:
    """The version a running sandbox ejabberd says it is, in its log ("24.12-3~bpo12+1");
    "" if it says none."""
    try:
        log = (root / "logs" / "ejabberd.log").read_text("utf-8", "replace")
    except OSError:
        return ""
    said = re.search(r"ejabberd (\S+) is started", log)
    return said.group(1) if said else ""
