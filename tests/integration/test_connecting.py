"""Connecting as a cron job meets it: every wait bounded, the server's own words, one redirect.

The misbehaving listeners are in sandbox/listeners.py; the servers
that answer are the real test servers.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from badgegen.config import Room
from badgegen.config.login import Login, Secret
from badgegen.core.connection import Connection
from badgegen.errors import EXIT_NOTHING_COUNTED, XmppError
from sandbox import listeners
from sandbox.component import SlowRooms
from sandbox.servers import SandboxServer
from tests.integration.counts import counts_of

from . import runs
from .conftest import Account
from .runs import refresh_command, run_refresh

# Each route gets its whole timeout before the deadline, however slow the machine: every
# reason below is the route's own, never "not tried".
TIMEOUT, DEADLINE = 2.0, 10.0


def refresh(
    folder: Path,
    server: str,
    account: Account,
    room: str = "lobby@conference.example.org",
    ca_file: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`badgegen refresh` of one room through --server, as cron runs it."""
    config = folder / "rooms.yaml"
    config.write_text(f"rooms: [{room}]\n")
    command = refresh_command(
        config, folder / "public", server, "--timeout", str(TIMEOUT), "--deadline", str(DEADLINE),
        ca_file=ca_file,
    )  # fmt: skip
    return run_refresh(command, account.jid, account.password, timeout=60)


LISTENERS: dict[str, tuple[Callable[[], AbstractContextManager[int]], str]] = {
    "accepts-and-never-speaks": (
        listeners.silent,
        "STARTTLS: connected, but no XMPP stream within 2 s; direct TLS: no TLS connection within",
    ),
    "drops-packets": (
        listeners.full_backlog,
        "STARTTLS: no connection within 2 s; direct TLS: no TLS connection within",
    ),
    "speaks-http": (
        listeners.http,
        "STARTTLS: connected, but the reply was not an XMPP stream;"
        " direct TLS: TLS handshake failed (WRONG_VERSION_NUMBER)",
    ),
}


@pytest.mark.parametrize("name", sorted(LISTENERS))
def test_every_wait_is_bounded(name: str, tmp_path: Path) -> None:
    """Whatever the port does (and it never gives up), the run ends with status 4 and creates
    nothing; every wait bounded, or it would run into the subprocess's timeout."""
    listener, reason = LISTENERS[name]
    account = Account("bot@badgegen.test", "pw")
    with listener() as port:
        result = refresh(tmp_path, f"127.0.0.1:{port}", account)
    assert result.returncode == EXIT_NOTHING_COUNTED, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Error: cannot connect to 127.0.0.1:{port}: {reason}")
    assert lines[0].endswith("; no badge was changed")
    assert not (tmp_path / "public").exists()


@pytest.mark.parametrize("name", sorted(LISTENERS))
def test_published_badges_are_untouched(
    name: str, tmp_path: Path, server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """A run that never got a session changes no badge, however long it tried."""
    room = slow.jid("count-2-published")
    good = refresh(tmp_path, f"127.0.0.1:{server.port}", account, room, server.ca_file)
    assert good.returncode == 0, good.stderr
    before = {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()}
    with LISTENERS[name][0]() as port:
        result = refresh(tmp_path, f"127.0.0.1:{port}", account, room)
    assert result.returncode == EXIT_NOTHING_COUNTED
    assert {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()} == before


def test_the_servers_own_words(server: SandboxServer, account: Account) -> None:
    """A server that does not host the account's domain says so; the user reads its condition."""
    login = Login("bot@not-served.example", Secret("pw"))
    options = Connection(f"127.0.0.1:{server.port}", server.ca_file, timeout=5)
    with pytest.raises(XmppError) as caught:
        counts_of(login, [Room("a@b.example")], options)
    message = str(caught.value)
    assert message.startswith("the server refused the stream: host-unknown")
    if server.kind == "prosody":  # Prosody explains; ejabberd sends the condition alone
        assert '("This server does not serve not-served.example")' in message
    # What was reached, and the next step.
    assert f"the server at 127.0.0.1:{server.port} (" in message
    assert "does not host not-served.example, the domain of bot@not-served.example" in message
    assert "point --server at not-served.example's own server" in message


@pytest.fixture
def redirecting(server: SandboxServer) -> Iterator[int]:
    """A "server" that sends every client to the real test server (see-other-host)."""
    with listeners.stream_error("see-other-host", content=f"127.0.0.1:{server.port}") as port:
        yield port


def test_see_other_host_is_followed_once(
    redirecting: int, server: SandboxServer, slow: SlowRooms, account: Account
) -> None:
    """RFC 6120 4.9.3.19: the client connects to the other host, still verifying the domain."""
    login = Login(account.jid, Secret(account.password))
    options = Connection(f"127.0.0.1:{redirecting}", server.ca_file, timeout=5)
    counts = counts_of(login, [Room(slow.jid("count-6-redirected"))], options)
    assert counts[0].occupants == 6


def test_a_redirect_loop_ends(account: Account, tmp_path: Path) -> None:
    """A server that redirects to itself is followed once, then the run says what happened."""
    with contextlib.ExitStack() as stack:
        first = stack.enter_context(listeners.stream_error("see-other-host", content="127.0.0.1:1"))
        redirect = f"127.0.0.1:{first}"
        port = stack.enter_context(listeners.stream_error("see-other-host", content=redirect))
        result = refresh(tmp_path, f"127.0.0.1:{port}", account)
    assert result.returncode == EXIT_NOTHING_COUNTED
    assert f"STARTTLS: redirected to 127.0.0.1:{first} (STARTTLS)" in result.stderr
    assert "redirected to 127.0.0.1:1 (STARTTLS)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("stage", ["connecting", "counting"])
def test_signals_end_a_run_at_once(
    stage: str,
    signum: int,
    tmp_path: Path,
    server: SandboxServer,
    slow: SlowRooms,
    account: Account,
) -> None:
    """Ctrl-C or systemd's SIGTERM, connecting or counting: 130/143 within 2 s, nothing changed."""
    room = slow.jid("count-2-signalled")
    good = refresh(tmp_path, f"127.0.0.1:{server.port}", account, room, server.ca_file)
    assert good.returncode == 0, good.stderr
    before = {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()}
    with contextlib.ExitStack() as stack:
        connected = threading.Event()
        if stage == "connecting":
            port = stack.enter_context(listeners.silent(accepted=connected))
            address = f"127.0.0.1:{port}"
        else:
            address, room = f"127.0.0.1:{server.port}", slow.jid(f"silent-signalled-{signum}")
        process = start_refresh(tmp_path, address, room, server, account)
        if stage == "counting":  # until the room has been asked
            assert slow.wait_until_asked(room.split("@")[0], 10)
        else:  # until it has connected
            assert connected.wait(10)
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert stderr.splitlines() == [
        f"Error: interrupted by {signal.Signals(signum).name}; every badge in place is whole"
    ]
    document = json.loads(stdout)
    assert (document["status"], document["error"]["kind"]) == (128 + signum, "interrupted")
    assert {path.name: path.read_bytes() for path in (tmp_path / "public").iterdir()} == before


def start_refresh(
    folder: Path, address: str, room: str, server: SandboxServer, account: Account
) -> subprocess.Popen[str]:
    """`badgegen refresh --json` of one room through address, as its own process."""
    (folder / "rooms.yaml").write_text(f"rooms: [{room}]\n")
    command = refresh_command(
        # Waits far longer than the test does: only the signal can end the run in time.
        folder / "rooms.yaml", folder / "public", address, "--timeout", "300", "--deadline", "600",
        "--json",
        ca_file=server.ca_file,
    )  # fmt: skip
    return runs.start_refresh(command, account.jid, account.password)


def test_a_dead_srv_target_costs_one_timeout(
    server: SandboxServer, slow: SlowRooms, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The direct-TLS SRV target drops packets, the STARTTLS one works: one timeout, then counts.

    DNS itself is the one stand-in here: the records are what a domain with
    both SRV services would publish; both targets are real listeners.
    """
    from slixmpp import ClientXMPP

    with listeners.full_backlog() as dropping:
        records = [
            ("xmpps-client", "xmpp.badgegen.test", "127.0.0.1", dropping),
            ("xmpp-client", "xmpp.badgegen.test", "127.0.0.1", server.port),
        ]

        async def srv_records(_client: object, _domain: str, port: int | None = None) -> object:
            return records

        monkeypatch.setattr(ClientXMPP, "get_dns_records", srv_records)
        login = Login(account.jid, Secret(account.password))
        options = Connection(None, server.ca_file, timeout=TIMEOUT, deadline=30)
        counts = counts_of(login, [Room(slow.jid("count-4-via-srv"))], options)
    assert counts[0].occupants == 4  # the dead target gave way to the next, in the deadline
