"""Throwaway servers for the tests and the benchmarks: the demo's Prosody with more hosts,
ejabberd, a fault-injecting component, misbehaving listeners and the federation lab.

None of it ships: the wheel holds badgegen/ only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sandbox.servers import SandboxServer

KINDS = ("prosody", "ejabberd")


def server_available(kind: str) -> bool:
    """Whether this machine can run a sandbox server of this kind."""
    if kind == "ejabberd":
        from sandbox.ejabberd import ejabberd_available

        return ejabberd_available()
    from badgegen.demo.prosody import prosody_available

    return prosody_available()


@contextlib.contextmanager
def running_server(kind: str, root: Path, *, rate_limits: bool = False) -> Iterator[SandboxServer]:
    """Run a Prosody or an ejabberd on 127.0.0.1 until the block ends.

    Args:
        kind: "prosody" or "ejabberd".
        root: a folder for Prosody's files (ejabberd makes its own in /tmp).
        rate_limits: turn on the server's default client rate limit.
    """
    if kind == "ejabberd":
        from sandbox.ejabberd import running_ejabberd

        with running_ejabberd(rate_limits=rate_limits) as server:
            yield server
        return
    from sandbox.servers import running_sandbox_prosody

    with running_sandbox_prosody(root, rate_limits=rate_limits) as server:
        yield server
